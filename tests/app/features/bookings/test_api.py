"""The bookings API: a resident books with a contact, a mediator for a person of their
structure, each cancels (the resident with their link's key), the trainer records attendance;
another structure's sessions, people and bookings are « not found »."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit
from uuid import UUID

from sqlalchemy import select

from app.db.models import Role, Structure
from app.features.bookings import booking_path
from tests.app.features.bookings.offer import begun, new_session, told

PROBLEM = "application/problem+json"


def structure_id(backend: Any, name: str) -> UUID:
    return backend.run(lambda db: db.scalar(select(Structure.id).where(Structure.name == name)))


def a_session(backend: Any, structure: str | None = None, **fields: Any) -> str:
    """A new session (of the named structure, or of a new one); its id."""
    owner = None if structure is None else structure_id(backend, structure)

    async def go(db: Any) -> str:
        return str((await new_session(db, structure_id=owner, **fields)).id)

    return backend.run(go)


def bearer(backend: Any, role: Role, structure: str | None = None) -> tuple[dict[str, str], str]:
    email, structure = backend.user(role, structure)
    return {"Authorization": f"Bearer {backend.token(email)}"}, structure


def test_a_resident_books_with_a_contact_and_the_next_one_waits(backend, client):
    session = a_session(backend, capacity=1)
    path = f"/api/v1/sessions/{session}/bookings"
    first = client.post(path, json={"contact": {"email": "a@exemple.fr"}})
    assert first.status_code == 201, first.text
    assert first.json()["status"] == "confirmed" and first.json()["position"] is None
    second = client.post(path, json={"contact": {"phone": "06 12 34 56 78"}})
    assert (second.status_code, second.json()["status"], second.json()["position"]) == (
        201,
        "waiting",
        1,
    )
    again = client.post(path, json={"contact": {"phone": "+33612345678"}})
    assert again.status_code == 409 and again.headers["content-type"].startswith(PROBLEM)
    assert "déjà inscrite" in again.json()["detail"]


def test_nobody_to_tell_is_refused_in_french(backend, client):
    path = f"/api/v1/sessions/{a_session(backend)}/bookings"
    for body in (None, {}, {"contact": {}}):
        refused = client.post(path, json=body) if body is not None else client.post(path)
        assert refused.status_code == 422, refused.text
        assert "adresse e-mail ou un numéro de téléphone" in refused.json()["detail"]
    wrong = client.post(path, json={"contact": {"email": "nulle part", "phone": "12"}})
    assert wrong.status_code == 422 and len(wrong.json()["problems"]) == 2


def test_closed_cancelled_or_unknown_sessions_take_nobody(backend, client):
    closed = a_session(backend, registration_open=False)
    answer = client.post(
        f"/api/v1/sessions/{closed}/bookings", json={"contact": {"email": "a@b.fr"}}
    )
    assert answer.status_code == 409 and "fermées" in answer.json()["detail"]
    unknown = client.post(
        "/api/v1/sessions/00000000-0000-4000-8000-000000000000/bookings",
        json={"contact": {"email": "a@b.fr"}},
    )
    assert unknown.status_code == 404


def test_a_mediator_books_a_person_of_their_structure_only(backend, client):
    mediator, structure = bearer(backend, Role.MEDIATOR)
    stranger, _ = bearer(backend, Role.MEDIATOR)
    trainer, _ = bearer(backend, Role.TRAINER, structure)
    person = client.post(
        "/api/v1/people", json={"alias": "Odette", "consent": True}, headers=mediator
    ).json()["id"]
    session = a_session(backend)  # another structure's session: booking there is allowed
    path = f"/api/v1/sessions/{session}/bookings"
    for headers in (stranger, trainer, {}):
        refused = client.post(path, json={"person_id": person}, headers=headers)
        assert refused.status_code == 404, refused.text
    booked = client.post(path, json={"person_id": person}, headers=mediator)
    assert booked.status_code == 201 and booked.json()["status"] == "confirmed"
    twice = client.post(path, json={"person_id": person}, headers=mediator)
    assert twice.status_code == 409


def key_of(booking_id: str, backend: Any) -> str:
    link = booking_path(backend.settings.secret(), UUID(booking_id))
    return parse_qs(urlsplit(link).query)["cle"][0]


def test_the_resident_cancels_with_their_key_and_the_first_waiting_is_promoted(backend, client):
    session = a_session(backend, capacity=1)
    path = f"/api/v1/sessions/{session}/bookings"
    mine = client.post(path, json={"contact": {"email": "moi@exemple.fr"}}).json()["id"]
    next_one = client.post(path, json={"contact": {"email": "ensuite@exemple.fr"}}).json()["id"]
    for key in ("", "faux", key_of(next_one, backend)):
        assert client.delete(f"/api/v1/bookings/{mine}", params={"cle": key}).status_code == 404
    stranger, _ = bearer(backend, Role.MEDIATOR)
    assert client.delete(f"/api/v1/bookings/{mine}", headers=stranger).status_code == 404
    done = client.delete(f"/api/v1/bookings/{mine}", params={"cle": key_of(mine, backend)})
    assert done.status_code == 204
    assert backend.run(lambda db: told(db, UUID(next_one))) == ["waiting", "promoted"]
    assert backend.run(lambda db: told(db, UUID(mine))) == ["booked", "cancelled"]


def test_the_session_structure_trainer_cancels_a_booking(backend, client):
    trainer, structure = bearer(backend, Role.TRAINER)
    session = a_session(backend, structure, capacity=1)
    path = f"/api/v1/sessions/{session}/bookings"
    first = client.post(path, json={"contact": {"email": "a@exemple.fr"}}).json()["id"]
    waiting = client.post(path, json={"contact": {"email": "b@exemple.fr"}}).json()["id"]
    assert client.delete(f"/api/v1/bookings/{first}", headers=trainer).status_code == 204
    assert backend.run(lambda db: told(db, UUID(waiting)))[-1] == "promoted"


def test_attendance_revoked_promotes_and_a_passed_exit_check_needs_a_presence(backend, client):
    trainer, structure = bearer(backend, Role.TRAINER)
    other, _ = bearer(backend, Role.TRAINER)
    session = a_session(backend, structure, capacity=2)
    path = f"/api/v1/sessions/{session}/bookings"
    ids = [
        client.post(path, json={"contact": {"email": f"p{i}@exemple.fr"}}).json()["id"]
        for i in range(3)
    ]
    attendance = f"/api/v1/sessions/{session}/attendance"
    marks = [
        {"booking_id": ids[0], "attendance": "noshow", "exit_check_passed": True},
        {"booking_id": ids[2], "attendance": "seen"},
    ]
    wrong = client.put(attendance, json=marks, headers=trainer)
    assert wrong.status_code == 422
    assert len(wrong.json()["problems"]) == 2  # not seen, and no seat (waiting)
    assert client.put(attendance, json=marks[:1], headers=other).status_code == 404
    # Before the séance: the structure takes a seat back, and it goes to the first waiting.
    revoked = client.put(
        attendance, json=[{"booking_id": ids[1], "attendance": "revoked"}], headers=trainer
    )
    assert revoked.status_code == 200, revoked.text
    assert revoked.json()[0]["status"] == "cancelled"
    assert revoked.json()[0]["attendance"] == "revoked"
    # Who came, and passed, is said once the séance has begun, not before.
    came = [{"booking_id": ids[0], "attendance": "seen", "exit_check_passed": True}]
    early = client.put(attendance, json=came, headers=trainer)
    assert early.status_code == 422 and "pas encore commencé" in early.text
    begun(backend, session)
    done = client.put(attendance, json=came, headers=trainer)
    assert done.status_code == 200, done.text
    assert done.json()[0]["exit_check_passed"] is True and done.json()[0]["exit_checked_at"]
    assert backend.run(lambda db: told(db, UUID(ids[2]))) == ["waiting", "promoted"]


def test_one_address_books_a_few_seats_of_a_session_not_a_whole_waiting_list(backend, client):
    session = a_session(backend, capacity=50)
    path = f"/api/v1/sessions/{session}/bookings"
    answers = [
        client.post(path, json={"contact": {"email": f"p{i}@exemple.fr"}}) for i in range(21)
    ]
    assert [a.status_code for a in answers] == [201] * 20 + [429]
    assert "Retry-After" in answers[-1].headers
    other = client.post(
        f"/api/v1/sessions/{a_session(backend)}/bookings", json={"contact": {"email": "p@b.fr"}}
    )
    assert other.status_code == 201
