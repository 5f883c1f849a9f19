"""A person's bookings, evidence and messages in their export, and gone with their erasure:
the seat they held goes to the first person waiting, who is told."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import func, select

from app.db.models import Attendance, Booking, EvidenceRecord, OutboxMessage, Person, Session
from app.features.bookings import Mark, book, record_attendance
from tests.app.features.bookings.offer import begin, bookings_of, new_session, told


def test_an_erased_persons_seat_goes_to_the_first_waiting(backend, client):
    email, _ = backend.user()
    headers = {"Authorization": f"Bearer {backend.token(email)}"}
    person = client.post(
        "/api/v1/people", json={"alias": "Fernande", "consent": True}, headers=headers
    ).json()["id"]

    async def plant(db: Any) -> tuple[UUID, UUID]:
        who = await db.get(Person, UUID(person))
        past = await new_session(db)
        seen = await book(db, past.id, person=who, email="fernande.erasure@exemple.fr")
        await begin(db, past)
        await record_attendance(db, past, [Mark(seen.id, Attendance.SEEN, True)], by=None)
        session = await new_session(db, capacity=1)
        await book(db, session.id, person=who, phone="07 55 44 33 21")
        waiting = await book(db, session.id, email="ensuite@exemple.fr")
        await db.commit()
        return session.id, waiting.id

    session, waiting = backend.run(plant)
    exported = client.get(f"/api/v1/people/{person}/export", headers=headers).json()
    assert [b["status"] for b in exported["bookings"]] == ["confirmed", "confirmed"]
    assert [e["competence"] for e in exported["evidence"]] == ["C1"]
    assert {m["recipient"] for m in exported["messages"]} == {
        "fernande.erasure@exemple.fr",
        "+33755443321",
    }

    assert client.delete(f"/api/v1/people/{person}", headers=headers).status_code == 204

    async def left(db: Any) -> dict[str, Any]:
        stored = await db.get(Session, session, populate_existing=True)
        count = {
            model.__name__: await db.scalar(
                select(func.count()).select_from(model).where(column == UUID(person))
            )
            for model, column in (
                (Booking, Booking.person_id),
                (EvidenceRecord, EvidenceRecord.person_id),
            )
        }
        messages = await db.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.recipient.in_(["fernande.erasure@exemple.fr", "+33755443321"]))
        )
        return {
            "counts": count,
            "messages": messages,
            "seats": (stored.confirmed_count, stored.waiting_count),
            "told": await told(db, waiting),
            "bookings": [b.contact_email for b in await bookings_of(db, session)],
        }

    after = backend.run(left)
    assert after["counts"] == {"Booking": 0, "EvidenceRecord": 0} and after["messages"] == 0
    assert after["seats"] == (1, 0)
    assert after["told"] == ["waiting", "promoted"]
    assert after["bookings"] == ["ensuite@exemple.fr"]
