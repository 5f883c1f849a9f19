"""A badge issued by a structure of the browser tests' service, written into its database as
the service itself would write it (from recorded evidence, signed with the service's key)."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from app.config import Settings
from app.db.engine import make_engine, session_maker
from app.db.models import Person
from app.features.accounts.service import AccountService
from tests.app.features.wallet.support import earn_badges
from tests.e2e.conftest import BADGE_KEY


def an_issued_badge(server: Any) -> str:
    """The id of a new badge that is valid (not revoked)."""
    return issued(server)[0]


def issued(server: Any) -> tuple[str, dict[str, Any]]:
    """A new valid badge: its id and its JSON."""
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{server.database}",
        public_url=server.url,
        badge_key=BADGE_KEY,
    )

    async def go() -> tuple[str, dict[str, Any]]:
        engine = make_engine(settings)
        try:
            async with session_maker(settings, engine)() as db:
                structure = await AccountService(db).structure("Médiathèque des badges")
                person = Person(structure_id=structure.id, alias="Odette")
                db.add(person)
                await db.flush()
                _, kept = await earn_badges(db, person)
                await db.commit()
                return str(kept.id), kept.body
        finally:
            await engine.dispose()

    # In a thread of its own: Playwright's event loop runs in this one.
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, go()).result()
