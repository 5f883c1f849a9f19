"""The audit trail: every access to a person is written with the action itself, names the
person only by a keyed hash, is readable by administrators, and is deleted after its time."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pyotp
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import create_async_engine

from app.db.models import AuditEvent, Role, User
from app.housekeeping import run_chores
from referentiel import load_referential
from tests.app.conftest import login
from tests.app.test_accounts import form, with_totp
from tests.app.test_mediator_pages import text_of

PAPER = {i.id: 2 for i in load_referential().form_items("papier")}


def trail(backend: Any, email: str) -> list[AuditEvent]:
    async def go(db: Any) -> list[AuditEvent]:
        user = await db.scalar(select(User.id).where(User.email == email))
        found = await db.scalars(
            select(AuditEvent).where(AuditEvent.actor_id == user).order_by(AuditEvent.at)
        )
        return list(found.all())

    return list(backend.run(go))


def test_every_access_to_a_person_is_written_without_naming_them(backend, client):
    email, _ = backend.user(Role.MEDIATOR)
    headers = {"Authorization": f"Bearer {backend.token(email)}"}
    alias = "Hortense Quelconque"
    person = client.post("/api/v1/people", json={"alias": alias, "consent": True}, headers=headers)
    person_id = person.json()["id"]
    client.get(f"/api/v1/people/{person_id}", headers=headers)
    client.patch(f"/api/v1/people/{person_id}", json={"alias": "Hortense Q."}, headers=headers)
    linked = client.post(
        "/api/v1/diagnostics", json={"answers": PAPER, "person_id": person_id}, headers=headers
    ).json()["id"]
    client.get(f"/api/v1/diagnostics/{linked}", headers=headers)
    client.get(f"/api/v1/people/{person_id}/export", headers=headers)
    client.get("/api/v1/people", params={"q": "Hortense"}, headers=headers)
    client.delete(f"/api/v1/people/{person_id}", headers=headers)

    events = trail(backend, email)
    actions = [e.action for e in events]
    for action in (
        "token.use",
        "person.create",
        "person.read",
        "person.update",
        "diagnostic.create",
        "diagnostic.read",
        "person.export",
        "people.list",
        "person.erase",
    ):
        assert action in actions, actions
    for event in events:
        written = repr((event.target, event.detail))
        assert person_id not in written and linked not in written
        assert "Hortense" not in written
        assert event.address == "testclient"
    targets = {e.target for e in events if e.target_type == "person"}
    assert len(targets) == 1  # one person, one pseudonym, the same in every event
    erased = next(e for e in events if e.action == "person.erase")
    assert erased.detail["erased"]["diagnostics"] == 1


def test_a_refused_change_writes_no_event(backend, client):
    email, _ = backend.user(Role.MEDIATOR)
    headers = {"Authorization": f"Bearer {backend.token(email)}"}
    person = client.post("/api/v1/people", json={"alias": "Ida", "consent": True}, headers=headers)
    refused = client.patch(
        f"/api/v1/people/{person.json()['id']}", json={"alias": ""}, headers=headers
    )
    assert refused.status_code == 422
    assert "person.update" not in [e.action for e in trail(backend, email)]


def test_administrators_find_what_happened_to_a_record_even_after_its_erasure(backend, client):
    email, structure = backend.user(Role.MEDIATOR)
    headers = {"Authorization": f"Bearer {backend.token(email)}"}
    person = client.post(
        "/api/v1/people", json={"alias": "Jules", "consent": True}, headers=headers
    )
    person_id = person.json()["id"]
    client.get(f"/api/v1/people/{person_id}/export", headers=headers)
    client.delete(f"/api/v1/people/{person_id}", headers=headers)

    admin, _ = backend.user(Role.ADMIN, structure)
    secret = with_totp(backend, admin)
    login(client, admin)
    form(client, "/pro/connexion/code", code=pyotp.TOTP(secret).now())
    page = client.get("/pro/admin/journal", params={"fiche": person_id})
    assert page.status_code == 200
    assert "3 événement(s)" in page.text  # created, exported, erased
    for label in ("Fiche créée", "Données d&#39;une personne exportées", "Personne effacée"):
        assert label in page.text
    assert email in text_of(page.text) and "Jules" not in page.text
    assert "audit.read" in [e.action for e in trail(backend, admin)]
    bad = client.get("/pro/admin/journal", params={"fiche": "pas-un-id", "du": "hier"})
    assert bad.status_code == 200
    assert "identifiant complet" in bad.text and "2026-11-30" in bad.text


def test_events_past_their_retention_are_deleted(backend, client):
    email, _ = backend.user(Role.MEDIATOR)
    headers = {"Authorization": f"Bearer {backend.token(email)}"}
    client.get("/api/v1/people", headers=headers)
    client.get("/api/v1/people", headers=headers)
    events = trail(backend, email)
    old, recent = events[0].id, events[-1].id

    async def make_old(db: Any) -> None:
        days = backend.settings.audit_retention_days + 1
        past = datetime.now(UTC) - timedelta(days=days)
        await db.execute(update(AuditEvent).where(AuditEvent.id == old).values(at=past))
        await db.commit()

    backend.run(make_old)
    asyncio.run(_chores(backend))

    async def remaining(db: Any) -> set[Any]:
        found = await db.scalars(select(AuditEvent.id).where(AuditEvent.id.in_([old, recent])))
        return set(found.all())

    assert backend.run(remaining) == {recent}


async def _chores(backend: Any) -> None:
    engine = create_async_engine(backend.settings.database_url)
    try:
        await run_chores(engine, backend.settings)
    finally:
        await engine.dispose()


def test_logins_are_in_the_trail_with_their_address(backend, client):
    email, _ = backend.user(Role.MEDIATOR)
    login(client, email)
    client.post("/pro/deconnexion", data={"_csrf_token": client.cookies.get("csrftoken")})
    actions = [(e.action, e.address) for e in trail(backend, email)]
    assert ("login.success", "testclient") in actions and ("logout", "testclient") in actions
