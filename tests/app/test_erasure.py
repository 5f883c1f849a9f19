"""Erasure is complete: a person planted everywhere the service can keep something about them
leaves nothing behind (every column of every table read with raw SQL, and the disk), and no
table can refer to a person without the privacy register knowing it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Table, select

from app.config import uploads_dir
from app.db.models import (
    Attendance,
    Credential,
    FeedbackKind,
    PathwayFeedback,
    Person,
    Recommendation,
    Role,
)
from app.features.bookings import Mark, book, record_attendance
from app.features.diagnostics.service import DiagnosticService
from app.features.verification.api import API_CHECKS
from app.features.verification.pages import PAGE_CHECKS
from app.privacy import PARTS
from referentiel import load_referential
from tests.app.conftest import login
from tests.app.features.badges.test_api import BROWSER, LD, bearer, published
from tests.app.features.badges.test_issuing import workshop_passed
from tests.app.features.bookings.offer import begin, new_session
from tests.app.limits import forget_limit
from tests.app.pathway_rows import pathway_with_a_step
from tests.app.test_mediator_pages import create_person, mediator, paper_form
from tests.app.test_scans import batch_ids, everything, finished, sheet_page, upload
from tests.printables.corpus import copier_pdf

PAPER = [i.id for i in load_referential().form_items("papier")]
METADATA = Person.metadata
# Tables whose rows are never about one resident: accounts, structures, counters kept as keyed
# hashes, the audit trail (people named by keyed hashes, checked below like every table).
NOT_PERSONAL = {"structure", "user", "api_token", "throttle", "audit_event", "alembic_version"}


def refers_to_a_person(table: Table) -> bool:
    """A foreign key to a person, or to a table that refers to one (a diagnostic, say)."""
    seen: set[str] = set()

    def walk(current: Table) -> bool:
        if current.name in seen:
            return False
        seen.add(current.name)
        return any(
            fk.column.table.name == "person" or walk(fk.column.table) for fk in current.foreign_keys
        )

    return walk(table)


def test_every_table_about_a_person_has_its_part_in_the_privacy_register():
    claimed = {table for part in PARTS for table in part.tables}
    unclaimed = [
        name
        for name, table in METADATA.tables.items()
        if name not in {"person", *claimed, *NOT_PERSONAL} and refers_to_a_person(table)
    ]
    assert not unclaimed, f"add a part to app/privacy.py for: {unclaimed}"
    assert not claimed - set(METADATA.tables), "a part names a table that does not exist"


def everything_stored(backend: Any) -> str:
    """Every value of every row of every table, as text (bytes decoded as they come)."""

    async def go(db: Any) -> str:
        parts: list[str] = []
        for table in METADATA.sorted_tables:
            for row in (await db.execute(select(table))).all():
                for value in row:
                    if isinstance(value, bytes | memoryview):
                        parts.append(bytes(value).decode("latin-1"))
                    elif isinstance(value, UUID):
                        parts += [str(value), value.hex]
                    else:
                        parts.append(repr(value))
        return "\n".join(parts)

    return str(backend.run(go))


def plant_proposal(backend: Any, person_id: str, diagnostic_id: str, alias: str) -> None:
    """A proposal shown after a diagnostic (naming only the diagnostic), the pathway kept
    for the person, one step and a resident's « yes »."""

    async def go(db: Any) -> None:
        person, diagnostic = UUID(person_id), UUID(diagnostic_id)
        shown = Recommendation(
            diagnostic_id=diagnostic, person_id=None, rules_version="1", body={"alias": alias}
        )
        db.add(shown)
        await db.flush()
        await pathway_with_a_step(db, diagnostic, person, "demarches", recommendation_id=shown.id)
        db.add(
            PathwayFeedback(
                recommendation_id=shown.id,
                diagnostic_id=diagnostic,
                need="demarches",
                kind=FeedbackKind.RESIDENT,
                value={"fits": True},
                at=datetime.now(UTC),
            )
        )
        await db.commit()

    backend.run(go)


def test_an_erased_person_leaves_nothing_in_the_database_or_on_disk(backend, client):
    alias = f"Planté-{uuid.uuid4().hex[:8]}"
    email, _ = backend.user()
    login(client, email)
    headers = {"Authorization": f"Bearer {backend.token(email)}"}
    person_id = create_person(client, alias, commune="29019", birth_year_band="soixante_dix_plus")
    # a sheet printed for them, scanned with a row to check, named after them by the copier
    upload(
        client,
        [(f"{alias}.pdf", copier_pdf(sheet_page(person_id, everything("2"), twice=PAPER[0])))],
    )
    batch = batch_ids(client)[0]
    scanned = finished(client, headers, batch)
    assert scanned["pages"][0]["outcome"] == "to_review"
    # a paper form typed on the pages (the mediator's session now points to it)
    path = f"/pro/personnes/{person_id}/papier"
    client.post(path, data=paper_form(client, path, commune="29019"))
    # a diagnostic through the API, then its correction
    body = {"answers": dict.fromkeys(PAPER, 3), "person_id": person_id, "channel": "paper"}
    first = client.post("/api/v1/diagnostics", json=body, headers=headers).json()["id"]
    corrected = client.post(
        f"/api/v1/diagnostics/{first}/corrections",
        json={"answers": dict.fromkeys(PAPER, 4)},
        headers=headers,
    ).json()["id"]

    # an online diagnostic started with the person, still in progress
    async def start(db: Any) -> str:
        person = await db.get(Person, UUID(person_id))
        started = await DiagnosticService(db).start(
            person_id=person.id, structure_id=person.structure_id
        )
        return str(started.id)

    ongoing = backend.run(start)

    # a seat in a workshop, with their e-mail (told by a message), and a passed exit check
    async def booked(db: Any) -> None:
        person = await db.get(Person, UUID(person_id))
        session = await new_session(db)
        seat = await book(db, session.id, person=person, email=f"{alias}@exemple.fr")
        await begin(db, session)
        await record_attendance(db, session, [Mark(seat.id, Attendance.SEEN, True)], by=None)
        await db.commit()

    backend.run(booked)

    plant_proposal(backend, person_id, corrected, alias)
    client.get(f"/pro/personnes/{person_id}")
    exported = client.get(f"/api/v1/people/{person_id}/export", headers=headers).json()
    ids = {d["id"] for d in exported["diagnostics"]}
    assert {first, corrected, ongoing} <= ids and len(ids) == 4
    assert len(exported["scan_pages"]) == 1
    assert len(exported["bookings"]) == len(exported["evidence"]) == 1 <= len(exported["messages"])
    assert [len(p["steps"]) for p in exported["pathways"]] == [1]
    assert len(exported["recommendations"]) == len(exported["pathway_feedback"]) == 1
    (badge,) = exported["badges"]
    assert badge["revoked_at"] is None
    before = everything_stored(backend)
    assert person_id in before and alias in before

    assert client.delete(f"/api/v1/people/{person_id}", headers=headers).status_code == 204

    after = everything_stored(backend)
    for trace in (alias, person_id, UUID(person_id).hex, *ids, *(UUID(i).hex for i in ids)):
        assert trace not in after, trace
    assert client.get(f"/pro/personnes/{person_id}").status_code == 404
    # the badge already shown elsewhere now reads « revoked »
    revoked = backend.run(lambda db: db.get(Credential, UUID(badge["id"])))
    assert revoked.revoked_at is not None and revoked.person_id is None
    assert client.get(f"/api/v1/scans/{batch}", headers=headers).status_code == 404
    # On disk: the upload was deleted once read, and no file of var/ names them.
    for file in (p for p in uploads_dir().parent.rglob("*") if p.is_file()):
        content = file.read_bytes()
        assert alias.encode() not in content and person_id.encode() not in content, file
        assert alias not in file.name


def test_an_erased_persons_badges_read_revoked_and_keep_nothing_of_them(backend, client):
    """A badge shown to a counsellor before the erasure reads « revoked » from the published
    list; nothing of the holder stays readable, publicly or in the database (their e-mail's
    salted hash could be tested against a guessed address, their pseudonym links badges)."""
    structure = mediator(backend, client)
    person = create_person(client, f"Effacée-{uuid.uuid4().hex[:8]}")
    workshop_passed(backend, person, structure)
    trainer = bearer(backend, Role.TRAINER, structure)
    listed = client.get("/api/v1/credentials", headers=trainer).json()["items"]
    reason = f"Erreur de saisie pour Mme {uuid.uuid4().hex[:8]}"
    revoked = client.post(
        f"/api/v1/credentials/{listed[0]['id']}/revoke", json={"reason": reason}, headers=trainer
    )
    assert revoked.status_code == 200
    copies = {c["id"]: client.get(f"/badges/{c['id']}", headers=LD).json() for c in listed}
    assert all("credentialSubject" in body for body in copies.values())
    traces = [reason]
    for body in copies.values():
        subject = body["credentialSubject"]
        (identifier,) = subject["identifier"]
        traces += [identifier["identityHash"], identifier["salt"], subject["id"]]
        traces += [body["proof"][0]["proofValue"], body["evidence"][0]["narrative"]]
    assert all(trace in everything_stored(backend) for trace in traces)

    mediator_headers = bearer(backend, Role.MEDIATOR, structure)
    assert client.delete(f"/api/v1/people/{person}", headers=mediator_headers).status_code == 204

    after = everything_stored(backend)
    assert [trace for trace in traces if trace in after] == []
    forget_limit(backend, API_CHECKS)
    forget_limit(backend, PAGE_CHECKS)
    for credential_id, body in copies.items():
        assert client.get(f"/badges/{credential_id}", headers=LD).status_code == 404
        assert client.get(f"/badges/{credential_id}", headers=BROWSER).status_code == 404
        shown = client.get(f"/verifier?credential={credential_id}")
        assert "Badge introuvable" in shown.text and "Effacée" not in shown.text
        assert published(client, body) == "revoked"
        verdict = client.post("/api/v1/verify", json={"credential": body}).json()
        assert verdict["verdict"] == "revoked", verdict
    # the structure still counts the badges it issued, revoked
    kept = client.get("/api/v1/credentials", headers=trainer).json()["items"]
    assert {c["id"]: c["status"] for c in kept} == dict.fromkeys(copies, "revoked")
