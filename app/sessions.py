"""Server-side sessions that cost nothing for visitors who have none.

Litestar's backend stores a row for every request without a session cookie, even when the
session is empty: every anonymous page view and API call would write to the database and the
table would grow without end. Here an empty session is only ever deleted, and expired rows are
swept regularly.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from advanced_alchemy.extensions.litestar import SQLAlchemyAsyncConfig
from litestar import Litestar
from litestar.connection import ASGIConnection
from litestar.middleware.session.server_side import (
    ServerSideSessionBackend,
    ServerSideSessionConfig,
)
from litestar.types import Empty, Message, ScopeSession
from sqlalchemy import delete

from app.db.models import StoreEntry

log = logging.getLogger(__name__)
SWEEP_SECONDS = 3600


class QuietSessionBackend(ServerSideSessionBackend):
    async def store_in_message(
        self,
        scope_session: ScopeSession,
        message: Message,
        connection: ASGIConnection[Any, Any, Any, Any],
    ) -> None:
        had_cookie = bool(connection.cookies.get(self.config.key))
        if not scope_session and not had_cookie:
            return
        await super().store_in_message(scope_session or Empty, message, connection)


@dataclass
class QuietSessionConfig(ServerSideSessionConfig):
    _backend_class = QuietSessionBackend


def expired_session_sweeper(
    config: SQLAlchemyAsyncConfig,
) -> Callable[[Litestar], contextlib.AbstractAsyncContextManager[None]]:
    """A lifespan task deleting expired sessions every hour while the app runs."""

    async def sweep() -> None:
        while True:
            await asyncio.sleep(SWEEP_SECONDS)
            try:
                async with config.get_session() as db:
                    await db.execute(
                        delete(StoreEntry).where(StoreEntry.expires_at < datetime.now(UTC))
                    )
                    await db.commit()
            except Exception:  # a failed sweep must not stop the service
                log.exception("could not delete expired sessions")

    @contextlib.asynccontextmanager
    async def lifespan(_: Litestar) -> AsyncIterator[None]:
        task = asyncio.create_task(sweep())
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    return lifespan
