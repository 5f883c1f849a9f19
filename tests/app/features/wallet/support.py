"""A person with badges, issued by the service from recorded evidence, for the wallet's tests."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from app.db.models import Credential, EvidenceRecord, Person
from app.features.badges import issue_for_evidence, revoke
from app.features.bookings import book
from tests.app.features.bookings.offer import new_session
from tests.app.test_mediator_pages import token

OBSERVED = "Envoyer un e-mail avec une pièce jointe"
# Competence, level: the first is revoked.
EARNED = (("E1", 2), ("C1", 3))


async def earn_badges(db: Any, person: Person, booking_id: UUID | None = None) -> list[Credential]:
    """Two badges of the person's structure from two exit checks, the first revoked; the
    caller commits."""
    issued = []
    for competence, level in EARNED:
        evidence = EvidenceRecord(
            person_id=person.id,
            structure_id=person.structure_id,
            kind="exit_check",
            competence=competence,
            level=level,
            passed=True,
            booking_id=booking_id,
            workshop_title="Mon téléphone au quotidien",
            observed=OBSERVED,
            recorded_at=datetime.now(UTC),
        )
        db.add(evidence)
        await db.flush()
        issued.append(await issue_for_evidence(db, evidence, issued_by=None))
    await revoke(db, issued[0], reason="Erreur de saisie", by=None)
    return issued


def with_badges(backend: Any, person_id: str, *, email: str | None = None) -> list[UUID]:
    """The person's two badges (:func:`earn_badges`); with ``email``, the person booked the
    workshop with that address."""

    async def go(db: Any) -> list[UUID]:
        person = await db.get(Person, UUID(person_id))
        booking_id = None
        if email is not None:
            session = await new_session(db, structure_id=person.structure_id)
            booking_id = (await book(db, session.id, person=person, email=email)).id
        issued = await earn_badges(db, person, booking_id)
        await db.commit()
        return [c.id for c in issued]

    result: list[UUID] = backend.run(go)
    return result


def give_link(client: Any, person_id: str, **form: str) -> tuple[str, str]:
    """The mediator creates the person's wallet link: the page that shows it, and its path."""
    response = client.post(
        f"/pro/personnes/{person_id}/portefeuille", data={"_csrf_token": token(client), **form}
    )
    assert response.status_code == 200, response.text
    found = re.search(
        r'class="address">https?://[^/]+(/portefeuille/[A-Za-z0-9_-]{43})<', response.text
    )
    assert found, response.text
    return response.text, found.group(1)
