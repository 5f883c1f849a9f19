"""A badge issued by a structure of the browser tests' service, written into its database."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from app.config import Settings
from app.db.engine import make_engine, session_maker
from app.db.models import EvidenceRecord, Person, Structure
from app.features.badges import issue_for_evidence
from tests.e2e.conftest import BADGE_KEY


def an_issued_badge(server: Any) -> str:
    """The id of a new badge for a passed exit check, signed with the service's own key."""
    return issued(server)[0]


def issued(server: Any) -> tuple[str, dict[str, Any]]:
    """A new badge for a passed exit check, signed with the service's own key: its id and
    its JSON."""
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{server.database}",
        public_url=server.url,
        badge_key=BADGE_KEY,
    )

    async def go() -> tuple[str, dict[str, Any]]:
        engine = make_engine(settings)
        try:
            async with session_maker(settings, engine)() as db:
                structure = await db.scalar(select(Structure).where(Structure.name == "Badges"))
                if structure is None:
                    structure = Structure(name="Badges")
                    db.add(structure)
                    await db.flush()
                person = Person(structure_id=structure.id, alias="Odette")
                db.add(person)
                await db.flush()
                evidence = EvidenceRecord(
                    person_id=person.id,
                    structure_id=structure.id,
                    kind="exit_check",
                    competence="C1",
                    level=2,
                    workshop_title="Envoyer un e-mail",
                    observed="A envoyé un e-mail avec une pièce jointe",
                    recorded_at=datetime.now(UTC),
                )
                db.add(evidence)
                await db.flush()
                credential = await issue_for_evidence(db, evidence, issued_by=None)
                await db.commit()
                return str(credential.id), credential.body
        finally:
            await engine.dispose()

    # In a thread of its own: Playwright's event loop runs in this one.
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, go()).result()
