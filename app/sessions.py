"""Server-side sessions: a browser-session cookie, an idle expiry kept by the server, a new id
at every change of privilege, and no database write for visitors who have no session.

- Litestar's backend stores a row for every request without a session cookie, even when the
  session is empty: every anonymous page view would write to the database. Here an empty
  session is only ever deleted.
- Litestar reuses whatever id the cookie names, so a cookie planted before a login (the
  previous resident of a shared PC) would become the professional's session: session
  fixation. Here only an id this server issued and still holds is reused, and
  :func:`rotate_session` gives a new one (at login, at logout, at any change of privilege).
- The cookie has no expiry date: it ends with the browser. The server forgets a session left
  idle for ``idle_minutes``; a professional's login also ends ``absolute_hours`` after it
  began (`app.features.accounts.middleware`).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

import msgspec
from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie, MutableScopeHeaders
from litestar.middleware.session.server_side import (
    ServerSideSessionBackend,
    ServerSideSessionConfig,
)
from litestar.stores.base import Store
from litestar.types import Empty, Message, ScopeSession
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models import StoreEntry

_KNOWN = "parcours.session_known"
_ROTATE = "parcours.session_rotate"
_NEW_ID = "parcours.session_new_id"


def rotate_session(connection: ASGIConnection[Any, Any, Any, Any]) -> None:
    """Give this browser a new session id with the response; the old one is deleted."""
    connection.scope[_ROTATE] = True  # type: ignore[literal-required]


class RotatingSessionBackend(ServerSideSessionBackend):
    config: RotatingSessionConfig

    async def load_from_connection(
        self, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> dict[str, Any]:
        data = await super().load_from_connection(connection)
        connection.scope[_KNOWN] = bool(data)  # type: ignore[literal-required]
        return data

    def get_session_id(self, connection: ASGIConnection[Any, Any, Any, Any]) -> str:
        scope: Any = connection.scope
        cookie = connection.cookies.get(self.config.key)
        if cookie and scope.get(_KNOWN) and not scope.get(_ROTATE):
            return cookie
        if _NEW_ID not in scope:
            scope[_NEW_ID] = self.generate_session_id()
        return str(scope[_NEW_ID])

    async def set(self, session_id: str, data: bytes, store: Store) -> None:
        await store.set(session_id, data, expires_in=self.config.idle_seconds)

    async def store_in_message(
        self,
        scope_session: ScopeSession,
        message: Message,
        connection: ASGIConnection[Any, Any, Any, Any],
    ) -> None:
        cookie = connection.cookies.get(self.config.key)
        if not scope_session and not cookie:
            return
        scope: Any = connection.scope
        store = self.config.get_store_from_app(scope["app"])
        headers = MutableScopeHeaders.from_message(message)
        if cookie and (scope.get(_ROTATE) or not scope_session):
            # The old id dies now, whatever the browser does with the new cookie.
            await self.delete(cookie, store)
        if not scope_session or scope_session is Empty:
            headers.add("Set-Cookie", self._cookie("", expires=0))
            return
        session_id = self.get_session_id(connection)
        await self.set(session_id, self.serialize_data(scope_session, scope), store)
        headers.add("Set-Cookie", self._cookie(session_id))

    def _cookie(self, value: str, expires: int | None = None) -> str:
        """No Max-Age and no Expires: the browser forgets the cookie when it closes."""
        config = self.config
        return Cookie(
            key=config.key,
            value=value,
            expires=expires,
            path=config.path,
            secure=config.secure,
            httponly=config.httponly,
            samesite=config.samesite,
        ).to_header(header="")


async def forget_in_sessions(db: AsyncSession, ids: Collection[str]) -> int:
    """Remove from every stored session the values naming one of ``ids`` (an erased person's
    diagnostics, say); returns how many sessions changed. Erasure is rare and sessions live
    30 minutes: reading them all is cheap."""
    changed = 0
    rows = await db.execute(select(StoreEntry.key, StoreEntry.value))
    for key, value in rows.all():
        try:
            data = msgspec.json.decode(value)
        except msgspec.DecodeError:
            continue
        if not isinstance(data, dict):
            continue
        kept = {k: v for k, v in data.items() if str(v) not in ids}
        if kept != data:
            changed += 1
            await db.execute(
                update(StoreEntry)
                .where(StoreEntry.key == key)
                .values(value=msgspec.json.encode(kept))
            )
    return changed


@dataclass
class RotatingSessionConfig(ServerSideSessionConfig):
    _backend_class = RotatingSessionBackend
    idle_seconds: int = field(default=1800)
