"""Badges come from recorded evidence only: a passed exit check issues one at once, it
verifies with the key the issuer publishes (and with another verifier), a key rotation
keeps it verifiable, and a revocation shows in the published list."""

from __future__ import annotations

import asyncio
import hashlib
import json
from typing import Any
from uuid import UUID

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.engine import SETTINGS
from app.db.models import (
    Attendance,
    Booking,
    Credential,
    EvidenceRecord,
    Person,
    Role,
    Session,
)
from app.features.badges import IssuingError, issue_for_evidence, revoke, rotate_key
from app.features.bookings import Mark, book, record_attendance
from badges.baking import extract_png, extract_svg
from tests.app.features.badges.support import checked, recorded
from tests.app.features.bookings.offer import begin, new_session, opened
from tests.app.features.bookings.test_api import structure_id
from tests.app.features.wallet.support import give_link
from tests.app.test_mediator_pages import create_person, mediator

NO_NUL = st.characters(blacklist_characters="\x00")  # refused at the door (app.nul_bytes)
RAISES = [{"competence": "E1", "entry": 0, "exit": 2}, {"competence": "C1", "entry": 1, "exit": 3}]


def workshop_passed(backend: Any, person_id: str, structure: str, passed: bool = True) -> None:
    owner = structure_id(backend, structure)

    async def go(db: Any) -> None:
        session = await new_session(db, structure_id=owner, competences=RAISES)
        person = await db.get(Person, UUID(person_id))
        booking = await book(db, session.id, person=person, email="lucienne@exemple.fr")
        await begin(db, session)
        await record_attendance(db, session, [Mark(booking.id, Attendance.SEEN, passed)], by=None)
        await db.commit()

    backend.run(go)


def badges_of(backend: Any, person_id: str) -> list[Credential]:
    async def go(db: Any) -> list[Credential]:
        found = await db.scalars(
            select(Credential)
            .where(Credential.person_id == UUID(person_id))
            .order_by(Credential.achievement)
        )
        return list(found)

    return backend.run(go)


def test_a_passed_exit_check_issues_a_badge_per_competence_that_verifies(backend, client):
    structure = mediator(backend, client)
    person = create_person(client, "Lucienne")
    workshop_passed(backend, person, structure)
    issued = badges_of(backend, person)
    assert [c.achievement for c in issued] == ["C1-3", "E1-2"]
    body = issued[1].body
    assert body["issuer"]["name"] == structure
    assert (
        "Points" in body["evidence"][0]["narrative"] or "Tâche" in body["evidence"][0]["narrative"]
    )
    assert structure in body["evidence"][0]["narrative"]
    subject = body["credentialSubject"]
    assert subject["id"].startswith("urn:uuid:") and person not in subject["id"]
    assert subject["identifier"][0]["identityHash"].startswith("sha256$")
    assert "Lucienne" not in str(body) and "lucienne@" not in str(body)
    names = {a["targetFramework"] for a in subject["achievement"]["alignment"]}
    assert {"CRCN (Pix)", "DigComp 2.2", "CléA Numérique"} <= names

    async def check(db: Any) -> list[str]:
        return [await checked(db, await db.get(Credential, c.id)) for c in issued]

    assert backend.run(check) == ["active", "active"]


def test_the_same_holder_keeps_one_pseudonym_and_one_badge_per_achievement(backend, client):
    structure = mediator(backend, client)
    person = create_person(client, "Marcel")
    workshop_passed(backend, person, structure)
    workshop_passed(backend, person, structure)
    issued = badges_of(backend, person)
    assert len(issued) == 2
    assert len({c.body["credentialSubject"]["id"] for c in issued}) == 1


def test_self_declaration_or_evidence_not_passed_never_issues(backend, client):
    """Only the kinds of evidence that prove something issue: a kind nobody listed (a
    self-declaration under another name) issues nothing."""
    structure = mediator(backend, client)
    person = create_person(client, "Odette")
    owner = structure_id(backend, structure)

    async def go(db: Any) -> list[str]:
        refused = []
        for kind, passed in (
            ("self_declared", True),
            ("autoevaluation", True),
            ("exit_check", False),
        ):
            record = await recorded(db, person, owner, kind=kind, passed=passed, competence="E1")
            with pytest.raises(IssuingError) as error:
                await issue_for_evidence(db, record, issued_by=None)
            refused.append(str(error.value))
        await db.commit()
        return refused

    assert all(backend.run(go))
    assert badges_of(backend, person) == []


def test_a_rotated_key_keeps_older_badges_verifiable_and_revocation_shows(backend, client):
    structure = mediator(backend, client)
    person = create_person(client, "Paulette")
    workshop_passed(backend, person, structure)
    first = badges_of(backend, person)[0]
    owner = structure_id(backend, structure)

    async def rotate_then_revoke(db: Any) -> list[str]:
        await rotate_key(db, owner)
        await db.commit()
        credential = await db.get(Credential, first.id)
        before = await checked(db, credential)
        await revoke(db, credential, reason="Erreur de saisie", by=None)
        await db.commit()
        return [before, await checked(db, credential)]

    assert backend.run(rotate_then_revoke) == ["active", "revoked"]
    other = badges_of(backend, person)[1]

    async def still(db: Any) -> str:
        return await checked(db, await db.get(Credential, other.id))

    assert backend.run(still) == "active"


def test_an_exit_check_set_back_to_not_passed_revokes_its_badges(backend, client):
    structure = mediator(backend, client)
    person = create_person(client, "Gaston")
    workshop_passed(backend, person, structure)
    owner = structure_id(backend, structure)

    async def undo(db: Any) -> None:
        booking_ids = await db.scalars(
            select(EvidenceRecord.booking_id).where(EvidenceRecord.person_id == UUID(person))
        )
        booking = await db.get(Booking, next(iter(booking_ids)))
        session = await db.get(Session, booking.session_id)
        assert session.structure_id == owner
        await record_attendance(db, session, [Mark(booking.id, Attendance.SEEN, False)], by=None)
        await db.commit()

    backend.run(undo)
    issued = badges_of(backend, person)
    assert issued and all(c.revoked_at is not None for c in issued)
    assert {c.revoked_reason for c in issued} == {"La validation de fin d'atelier a été retirée."}


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    title=st.text(NO_NUL, min_size=1, max_size=150).filter(str.strip),
    observed=st.text(NO_NUL, max_size=300),
    competence=st.sampled_from(["E1", "C3", "P2", "R1"]),
    level=st.integers(1, 4),
)
# Noncharacters: U+FFFE and U+FFFF cannot stand in the XML of an SVG.
@example(
    title="Atelier \ufffe", observed="Tâche \uffff \ufdd0 \U0010ffff", competence="E1", level=2
)
def test_any_text_a_workshop_left_signs_and_verifies_elsewhere(
    backend, client, title, observed, competence, level
):
    """Whatever a trainer typed (control characters, noncharacters, any script), the badge it
    gives validates against the official schema, verifies with us and with openbadgeslib, and
    every file the holder or the structure downloads carries it."""
    structure = mediator(backend, client)
    person = create_person(client, "Hortense")
    owner = structure_id(backend, structure)

    async def go(db: Any) -> tuple[str, Credential]:
        record = await recorded(
            db,
            person,
            owner,
            competence=competence,
            level=level,
            workshop_title=title,
            observed=observed,
        )
        credential = await issue_for_evidence(db, record, issued_by=None)
        await db.commit()
        return await checked(db, credential), credential

    status, credential = backend.run(go)
    assert status == "active"
    _, wallet = give_link(client, person)
    files = f"{wallet}/badges/{credential.id}/badge"
    assert json.loads(client.get(f"{files}.json").content) == credential.body
    assert json.loads(extract_svg(client.get(f"{files}.svg").content)) == credential.body
    assert json.loads(extract_png(client.get(f"{files}.png").content)) == credential.body
    trainer = {"Authorization": f"Bearer {backend.token(backend.user(Role.TRAINER, structure)[0])}"}
    svg = client.get(f"/api/v1/credentials/{credential.id}.svg", headers=trainer)
    assert json.loads(extract_svg(svg.content)) == credential.body


def test_a_badge_stored_off_the_official_schema_is_caught(backend, client, badges_off_schema):
    """Every test is held to the schema for each badge it makes the service store (see
    tests/app/conftest.py): one without its subject is noticed as it is written."""
    structure = mediator(backend, client)
    person = create_person(client, "Armande")
    owner = structure_id(backend, structure)

    async def go(db: Any) -> None:
        good = await issue_for_evidence(db, await recorded(db, person, owner), issued_by=None)
        assert badges_off_schema == []
        bad = {k: v for k, v in good.body.items() if k != "credentialSubject"}
        fields = ("structure_id", "achievement", "issued_at", "status_list_id")
        db.add(Credential(body=bad, status_index=-1, **{f: getattr(good, f) for f in fields}))
        await db.flush()
        await db.rollback()

    backend.run(go)
    ((_, errors),) = badges_off_schema
    assert any("credentialSubject" in error for error in errors), errors
    badges_off_schema.clear()


def test_the_holder_is_named_by_their_emails_salted_hash_only_when_they_gave_one(backend, client):
    """OB 3.0's `identityHash`: « sha256$ » and the hex SHA-256 of the address and the salt, so
    an employer who knows the address can match it; a salt of its own for each badge; and
    nothing at all about an address the person never gave."""
    structure = mediator(backend, client)
    booked, unbooked = create_person(client, "Lucienne"), create_person(client, "Simone")
    workshop_passed(backend, booked, structure)
    salts = set()
    for credential in badges_of(backend, booked):
        (identifier,) = credential.body["credentialSubject"]["identifier"]
        salt = identifier["salt"]
        digest = hashlib.sha256(f"lucienne@exemple.fr{salt}".encode()).hexdigest()
        assert identifier["identityHash"] == f"sha256${digest}"
        assert identifier["identityType"] == "emailAddress" and identifier["hashed"] is True
        salts.add(salt)
    assert len(salts) == 2
    owner = structure_id(backend, structure)

    async def without_email(db: Any) -> dict[str, Any]:
        record = await recorded(db, unbooked, owner, kind="observed_task")
        credential = await issue_for_evidence(db, record, issued_by=None)
        await db.commit()
        assert await checked(db, credential) == "active"
        return credential.body

    subject = backend.run(without_email)["credentialSubject"]
    assert "identifier" not in subject
    assert subject["id"].startswith("urn:uuid:")


@pytest.mark.parametrize("first", [True, False], ids=["structure's first badge", "a later one"])
def test_requests_issuing_the_same_badge_at_once_give_one_badge(backend, client, first):
    """Two mediators (or a double click) issue from the same evidence at the same instant: both
    get the same badge, and the person holds it once; the structure's first badge (which opens
    its revocation list) too."""
    mediator(backend, client)
    person = create_person(client, "Gaston")
    owner = backend.run(lambda db: db.get(Person, UUID(person))).structure_id
    together = 6
    if not first:  # another badge opened the list

        async def earlier(db: Any) -> None:
            evidence = await recorded(db, person, owner, competence="C1")
            await issue_for_evidence(db, evidence, issued_by=None)
            await db.commit()

        backend.run(earlier)

    async def go() -> set[UUID]:
        async with opened(backend.settings.database_url, together) as engine:

            async def one() -> UUID:
                info = {SETTINGS: backend.settings}
                async with AsyncSession(engine, expire_on_commit=False, info=info) as db:
                    evidence = await db.get_one(EvidenceRecord, evidence_id)
                    credential = await issue_for_evidence(db, evidence, issued_by=None)
                    await db.commit()
                    return credential.id

            async with AsyncSession(engine, expire_on_commit=False) as db:
                evidence_id = (await recorded(db, person, owner)).id
            return set(await asyncio.gather(*(one() for _ in range(together))))

    given_out = asyncio.run(go())
    assert len(given_out) == 1
    held = [c.id for c in badges_of(backend, person) if c.competence == "I1"]
    assert held == list(given_out)
