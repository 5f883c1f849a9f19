"""The structure's badges page (`/pro/badges`): a trainer finds a session's evidence that gave no
badge and issues it (by the page, or through the API with the id the page shows), lists the
structure's badges with their state, and revokes one with a reason, after which every check
says « revoked ». Mediators issue but do not revoke; another structure sees and touches nothing."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from app.db.models import Attendance, Credential, Person, Role
from app.features.badges import today_in_paris
from app.features.bookings import Mark, book, record_attendance
from tests.app.conftest import login
from tests.app.features.badges.support import checked, recorded
from tests.app.features.badges.test_api import bearer, published
from tests.app.features.bookings.offer import begin, new_session
from tests.app.features.bookings.test_api import structure_id
from tests.app.features.verification.test_verification import _verdict
from tests.app.test_audit import trail
from tests.app.test_mediator_pages import create_person, text_of, token

RAISES = [{"competence": "E1", "entry": 0, "exit": 2}]


def a_session_with_evidence(backend: Any, client: Any) -> dict[str, Any]:
    """A structure whose mediator follows Lucette; she passed a session's exit check (one
    badge, E1-2) and the same booking carries evidence written before badges existed (C2-2,
    no badge yet). The mediator stays logged in."""
    mediator_email, structure = backend.user(Role.MEDIATOR)
    login(client, mediator_email)
    person = create_person(client, "Lucette")
    owner = structure_id(backend, structure)

    async def go(db: Any) -> tuple[str, str]:
        session = await new_session(db, structure_id=owner, competences=RAISES)
        booking = await book(db, session.id, person=await db.get(Person, UUID(person)))
        await begin(db, session)
        await record_attendance(db, session, [Mark(booking.id, Attendance.SEEN, True)], by=None)
        await db.commit()
        older = await recorded(db, person, owner, booking_id=booking.id, competence="C2")
        return str(session.id), str(older.id)

    session, evidence = backend.run(go)
    return {
        "structure": structure,
        "owner": owner,
        "person": person,
        "session": session,
        "evidence": evidence,
        "mediator": mediator_email,
    }


def trainer_of(backend: Any, client: Any, structure: str) -> str:
    email, _ = backend.user(Role.TRAINER, structure)
    login(client, email)
    return email


def credential(backend: Any, credential_id: str) -> Credential:
    return backend.run(lambda db: db.get(Credential, UUID(credential_id)))


def test_a_trainer_finds_the_evidence_id_on_the_page_and_issues_through_the_api(backend, client):
    made = a_session_with_evidence(backend, client)
    trainer_of(backend, client, made["structure"])
    registrations = client.get(f"/pro/offre/sessions/{made['session']}/inscriptions")
    assert f'href="/pro/badges?seance={made["session"]}"' in registrations.text
    page = client.get(f"/pro/badges?seance={made['session']}")
    assert page.status_code == 200
    shown = re.findall(r'name="preuve" value="([0-9a-f-]{36})"', page.text)
    assert shown == [made["evidence"]]
    said = text_of(page.text)
    assert "Lucette" in said and "fin d'atelier réussie" in said and "valable" in said

    headers = bearer(backend, Role.TRAINER, made["structure"])
    until = (datetime.now(UTC) + timedelta(days=400)).replace(microsecond=0)
    body = {"evidence_id": shown[0], "valid_until": until.isoformat().replace("+00:00", "Z")}
    first = client.post("/api/v1/credentials", json=body, headers=headers)
    assert first.status_code == 201, first.text
    issued = first.json()
    assert issued["validUntil"] == body["valid_until"]
    found = credential(backend, issued["id"].rsplit("/", 1)[1])
    assert found.body == issued and found.valid_until is not None
    assert backend.run(lambda db: checked(db, found)) == "active"
    again = client.post("/api/v1/credentials", json=body, headers=headers)
    assert again.status_code == 200 and again.json() == issued

    after = client.get(f"/pro/badges?seance={made['session']}")
    assert 'name="preuve"' not in after.text
    assert issued["name"] in text_of(after.text)


def test_a_trainer_issues_from_the_page_and_revokes_with_a_reason(backend, client):
    made = a_session_with_evidence(backend, client)
    trainer = trainer_of(backend, client, made["structure"])
    done = client.post(
        "/pro/badges/delivrer",
        data={"_csrf_token": token(client), "preuve": made["evidence"], "seance": made["session"]},
    )
    assert done.status_code == 200 and "Badge délivré" in text_of(done.text)
    assert done.url.path == "/pro/badges" and 'name="preuve"' not in done.text
    listed = client.get("/pro/badges")
    revoke_links = re.findall(r'href="/pro/badges/([0-9a-f-]{36})/revoquer"', listed.text)
    assert len(revoke_links) == 2  # the exit check's badge and the one just issued
    target = revoke_links[0]
    confirm = client.get(f"/pro/badges/{target}/revoquer")
    assert confirm.status_code == 200 and 'name="raison"' in confirm.text

    blank = client.post(
        f"/pro/badges/{target}/revoquer", data={"_csrf_token": token(client), "raison": "  "}
    )
    assert blank.status_code == 422 and "Donnez la raison" in text_of(blank.text)
    too_long = client.post(
        f"/pro/badges/{target}/revoquer", data={"_csrf_token": token(client), "raison": "x" * 301}
    )
    assert too_long.status_code == 422
    assert credential(backend, target).revoked_at is None

    reason = "Badge noté pour la mauvaise personne"
    revoked = client.post(
        f"/pro/badges/{target}/revoquer", data={"_csrf_token": token(client), "raison": reason}
    )
    assert revoked.status_code == 200 and "Badge révoqué" in text_of(revoked.text)
    kept = credential(backend, target)
    assert kept.revoked_reason == reason and kept.revoked_at is not None
    assert "révoqué" in text_of(revoked.text) and reason in text_of(revoked.text)
    assert [e.action for e in trail(backend, trainer)].count("credential.revoke") == 1
    assert [e.action for e in trail(backend, trainer)].count("credential.issue") == 1

    client.cookies.clear()  # a counsellor checking the badge
    assert _verdict(client.get(f"/verifier?credential={target}").text) == "Badge révoqué"
    assert published(client, kept.body) == "revoked"


def test_mediators_see_the_page_but_may_not_revoke(backend, client):
    a_session_with_evidence(backend, client)
    listed = client.get("/pro/badges")  # the mediator stays logged in
    assert listed.status_code == 200 and "/revoquer" not in listed.text
    assert "Lucette" in text_of(listed.text)
    target = re.findall(r'id="badge-([0-9a-f-]{36})"', listed.text)[0]
    assert client.get(f"/pro/badges/{target}/revoquer").status_code == 403
    refused = client.post(
        f"/pro/badges/{target}/revoquer", data={"_csrf_token": token(client), "raison": "Non"}
    )
    assert refused.status_code == 403 and credential(backend, target).revoked_at is None


def test_another_structure_sees_and_touches_nothing_of_ours(backend, client):
    made = a_session_with_evidence(backend, client)
    ours = re.findall(r'id="badge-([0-9a-f-]{36})"', client.get("/pro/badges").text)[0]
    stranger, _ = backend.user(Role.TRAINER)
    login(client, stranger)
    listed = client.get("/pro/badges")
    assert listed.status_code == 200 and ours not in listed.text and "Lucette" not in listed.text
    assert client.get(f"/pro/badges?seance={made['session']}").status_code == 404
    assert client.get("/pro/badges?seance=pas-une-seance").status_code == 404
    assert client.get(f"/pro/badges/{ours}/revoquer").status_code == 404
    revoke = client.post(
        f"/pro/badges/{ours}/revoquer", data={"_csrf_token": token(client), "raison": "Piraté"}
    )
    assert revoke.status_code == 404 and credential(backend, ours).revoked_at is None
    issue = client.post(
        "/pro/badges/delivrer", data={"_csrf_token": token(client), "preuve": made["evidence"]}
    )
    assert "introuvable dans votre structure" in text_of(issue.text)
    login(client, made["mediator"])
    pending = client.get(f"/pro/badges?seance={made['session']}")
    assert re.findall(r'name="preuve" value="([0-9a-f-]{36})"', pending.text) == [made["evidence"]]


def test_a_trainer_reads_no_name_a_session_did_not_show_them(backend, client):
    made = a_session_with_evidence(backend, client)
    observed = client.post(
        f"/pro/personnes/{made['person']}/taches-observees",
        data={"_csrf_token": token(client), "item": "I1.1", "day": today_in_paris().isoformat()},
    )
    assert "Tâche observée notée" in text_of(observed.text)
    trainer_of(backend, client, made["structure"])
    rows = [
        text_of(r)
        for r in re.findall(r'<li id="badge-.*?</li>', client.get("/pro/badges").text, re.S)
    ]
    (observed_row,) = [r for r in rows if "tâche observée par un médiateur" in r]
    (exit_row,) = [r for r in rows if "fin d'atelier réussie" in r]
    assert "Lucette" not in observed_row
    assert "Lucette" in exit_row  # as the session's list shows her to the trainer
