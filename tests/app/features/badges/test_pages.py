"""A mediator gives a badge by hand from the person's page, for evidence their structure
recorded that gave none yet (say, before badges existed); never for self-declaration."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import select

from app.db.models import Credential
from tests.app.features.badges.support import checked, recorded
from tests.app.features.bookings.test_api import structure_id
from tests.app.resident import token
from tests.app.test_mediator_pages import create_person, mediator, text_of


def recorded_as(backend: Any, person: str, owner: UUID, kind: str) -> str:
    async def go(db: Any) -> str:
        return str((await recorded(db, person, owner, kind=kind)).id)

    return backend.run(go)


def test_a_mediator_gives_a_badge_by_hand_from_recorded_evidence(backend, client):
    structure = mediator(backend, client)
    person = create_person(client, "Suzanne")
    owner = structure_id(backend, structure)
    declared = recorded_as(backend, person, owner, "self_declared")
    observed = recorded_as(backend, person, owner, "observed_task")
    page = client.get(f"/pro/personnes/{person}")
    assert page.text.count('name="evidence"') == 1 and observed in page.text
    assert declared not in page.text

    refused = client.post(
        f"/pro/personnes/{person}/badges",
        data={"evidence": declared, "_csrf_token": token(client)},
    )
    assert "ne donne pas de badge" in text_of(refused.text)
    done = client.post(
        f"/pro/personnes/{person}/badges",
        data={"evidence": observed, "_csrf_token": token(client)},
    )
    assert "Badge délivré" in text_of(done.text)
    assert 'name="evidence"' not in done.text

    async def check(db: Any) -> list[str]:
        found = await db.scalars(select(Credential).where(Credential.person_id == UUID(person)))
        return [await checked(db, c) for c in found]

    assert backend.run(check) == ["active"]
