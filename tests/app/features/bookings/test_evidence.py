"""A passed exit check is kept as evidence of the person's competences, and their next result
takes it in: the competence the workshop raised is shown raised, in words, with where it was
observed."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from app.db.models import Attendance, Person
from app.features.bookings import Mark, book, evidence_of, record_attendance
from referentiel import load_referential
from tests.app.features.bookings.offer import begin, new_session
from tests.app.features.bookings.test_api import structure_id
from tests.app.resident import diagnosed_by_a_mediator
from tests.app.test_mediator_pages import create_person, mediator, text_of

RAISES_E1 = [{"competence": "E1", "entry": 0, "exit": 2}]
CHECKLIST = {"kind": "checklist", "points": ["allume la tablette", "se connecte au wifi"]}


def passed_exit_check(backend: Any, person_id: str, structure: str, passed: bool = True) -> Any:
    owner = structure_id(backend, structure)

    async def go(db: Any) -> Any:
        session = await new_session(
            db, structure_id=owner, competences=RAISES_E1, exit_check=CHECKLIST
        )
        person = await db.get(Person, UUID(person_id))
        booking = await book(db, session.id, person=person)
        await begin(db, session)
        await record_attendance(db, session, [Mark(booking.id, Attendance.SEEN, passed)], by=None)
        await db.commit()
        return await evidence_of(db, person.id)

    return backend.run(go)


def test_a_passed_exit_check_raises_the_persons_next_result(backend, client):
    structure = mediator(backend, client)
    person = create_person(client, "Lucienne")
    kept = passed_exit_check(backend, person, structure)
    assert [(e.competence, e.level, e.kind) for e in kept] == [("E1", 2, "exit_check")]
    assert kept[0].observed == "Points vérifiés : allume la tablette ; se connecte au wifi"

    landed, result = diagnosed_by_a_mediator(client, person)
    assert landed.endswith(f"/pro/personnes/{person}")  # the mediator's way back
    page = text_of(result)
    assert "Vous l'avez fait devant un médiateur : niveau 2 au moins." in page
    assert "(Envoyer un courriel avec une pièce jointe," in page
    assert "Ce que vous avez montré compte plus que vos réponses." in page


def test_an_exit_check_set_back_to_not_passed_takes_its_evidence_away(backend, client):
    structure = mediator(backend, client)
    person = create_person(client, "Gaston")
    owner = structure_id(backend, structure)

    async def go(db: Any) -> list[Any]:
        session = await new_session(db, structure_id=owner, competences=RAISES_E1)
        booking = await book(db, session.id, person=await db.get(Person, UUID(person)))
        await begin(db, session)
        await record_attendance(db, session, [Mark(booking.id, Attendance.SEEN, True)], by=None)
        await record_attendance(db, session, [Mark(booking.id, Attendance.SEEN, False)], by=None)
        await db.commit()
        return await evidence_of(db, UUID(person))

    assert backend.run(go) == []


def test_a_paper_form_typed_later_is_scored_with_the_exit_check_too(backend, client):
    email, structure = backend.user()
    headers = {"Authorization": f"Bearer {backend.token(email)}"}
    person = client.post(
        "/api/v1/people", json={"alias": "Odette", "consent": True}, headers=headers
    ).json()["id"]
    passed_exit_check(backend, person, structure)
    answers = {i.id: 0 for i in load_referential().form_items("papier")}
    body = {"answers": answers, "person_id": person, "channel": "paper"}
    typed = client.post("/api/v1/diagnostics", json=body, headers=headers)
    assert typed.status_code == 201, typed.text
    levels = {c["code"]: c["level"] for c in typed.json()["result"]["competences"]}
    assert levels["E1"] == 2
    anonymous = client.post("/api/v1/diagnostics", json={"answers": answers}).json()
    assert {c["code"]: c["level"] for c in anonymous["result"]["competences"]}["E1"] == 0
