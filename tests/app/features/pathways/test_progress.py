"""A pathway's steps follow the person's bookings: booked when they book a séance that serves
the step, done when they came and passed its exit check, dropped when the booking is
cancelled (and booked again when they try again); a séance asking more than the person has
moves nothing."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import select

from app.db.models import Attendance, Pathway, PathwayStep, Person, Session, StepStatus
from app.features.bookings import Mark, book, cancel_booking, record_attendance
from tests.app.features.bookings.offer import begin, new_session
from tests.app.features.pathways.test_api import inline
from tests.app.test_mediator_pages import create_person


def a_person_with_a_pathway(client: Any, headers: dict[str, str]) -> str:
    """A person whose pathway starts with E1 (from 1 to 2), as the API shows it."""
    person = create_person(client, "Odette")
    body = inline(person_id=person, channel="paper")
    assert client.post("/api/v1/diagnostics", json=body, headers=headers).status_code == 201
    pathway = client.get(f"/api/v1/people/{person}/pathway", headers=headers).json()
    assert pathway["needs"][0]["steps"][0]["competence"] == "E1"
    return person


def statuses(backend: Any, person: str) -> dict[str, StepStatus]:
    async def go(db: Any) -> dict[str, StepStatus]:
        found = await db.scalars(
            select(PathwayStep)
            .join(Pathway, Pathway.id == PathwayStep.pathway_id)
            .where(Pathway.person_id == UUID(person))
        )
        return {s.competence: s.status for s in found}

    return dict(backend.run(go))


def test_a_booking_then_the_exit_check_move_the_step_to_booked_then_done(backend, client, mediator):
    person = a_person_with_a_pathway(client, mediator)
    e1 = [{"competence": "E1", "entry": 0, "exit": 2}]

    async def booked(db: Any) -> tuple[UUID, UUID]:
        session = await new_session(db, competences=e1)
        seat = await book(db, session.id, person=await db.get(Person, UUID(person)))
        await db.commit()
        return session.id, seat.id

    session_id, seat = backend.run(booked)
    assert statuses(backend, person)["E1"] == StepStatus.BOOKED

    async def attended(db: Any) -> None:
        session = await db.get(Session, session_id)
        await begin(db, session)
        await record_attendance(db, session, [Mark(seat, Attendance.SEEN, True)], by=None)
        await db.commit()

    backend.run(attended)
    assert statuses(backend, person)["E1"] == StepStatus.DONE


def fitting_seance(person: str) -> Any:
    """A séance of E1 from 0 to 2, booked for the person."""

    async def go(db: Any) -> None:
        session = await new_session(db, competences=[{"competence": "E1", "entry": 0, "exit": 2}])
        await book(db, session.id, person=await db.get(Person, UUID(person)))
        await db.commit()

    return go


def test_a_cancelled_booking_drops_the_step_and_a_too_hard_seance_moves_nothing(
    backend, client, mediator
):
    person = a_person_with_a_pathway(client, mediator)

    async def too_hard(db: Any) -> None:
        hard = [{"competence": "E1", "entry": 3, "exit": 4}]
        session = await new_session(db, competences=hard)
        await book(db, session.id, person=await db.get(Person, UUID(person)))
        await db.commit()

    backend.run(too_hard)
    assert statuses(backend, person)["E1"] == StepStatus.PROPOSED

    async def cancelled(db: Any) -> None:
        session = await new_session(db, competences=[{"competence": "E1", "entry": 0, "exit": 2}])
        seat = await book(db, session.id, person=await db.get(Person, UUID(person)))
        await db.commit()
        await cancel_booking(db, seat, "person")
        await db.commit()

    backend.run(cancelled)
    assert statuses(backend, person)["E1"] == StepStatus.DROPPED
    backend.run(fitting_seance(person))
    assert statuses(backend, person)["E1"] == StepStatus.BOOKED  # trying again
