"""A holder with badges and the link to their wallet, written into the browser tests' service
database as the service itself would write them (badges issued from recorded evidence)."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

from app.config import Settings
from app.db.engine import make_engine, session_maker
from app.db.models import Consent, Person
from app.features.accounts.service import AccountService
from app.features.wallet import new_link, wallet_path
from tests.app.features.wallet.support import earn_badges
from tests.e2e.conftest import BADGE_KEY


def a_wallet(server: Any) -> str:
    """The path of a new holder's wallet (two badges, the first revoked: the second is shown
    with everything that shares it)."""
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{server.database}",
        public_url=server.url,
        secret_key="e2e-secret-key-not-for-production",
        badge_key=BADGE_KEY,
    )

    async def go() -> str:
        engine = make_engine(settings)
        try:
            async with session_maker(settings, engine)() as db:
                structure = await AccountService(db).structure("Médiathèque des badges")
                person = Person(structure_id=structure.id, alias="Odile")
                person.consents.append(Consent(text_version="1", given_at=datetime.now(UTC)))
                db.add(person)
                await db.flush()
                await earn_badges(db, person)
                token = await new_link(db, person.id, created_by=None)
                await db.commit()
                return wallet_path(token)
        finally:
            await engine.dispose()

    # In a thread of its own: Playwright's event loop runs in this one.
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, go()).result()
