"""A resident's booking as it happens through the booking service, read from the SMTP
server: the invitation, its update when the session moves, its cancellation."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from uuid import UUID

from icalendar import Calendar
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models import Booking
from app.features.bookings import book, cancel_booking
from app.features.notifications import notify_session_changed
from tests.app.conftest import Backend
from tests.app.features.notifications.offer import session_at
from tests.app.features.notifications.test_worker import _drain
from tests.app.smtp import Mailer

ADDRESS = "flow@example.org"


def test_book_change_cancel_arrive_as_one_calendar_event_updated_then_cancelled(
    backend: Backend, mailer: Mailer
) -> None:
    async def booked(db: AsyncSession) -> UUID:
        session = await session_at(db)
        booking = await book(db, session.id, email=ADDRESS)
        await db.commit()
        return booking.id

    booking_id = backend.run(booked)
    asyncio.run(_drain(mailer.settings))

    async def moved(db: AsyncSession) -> None:
        booking = await db.get(Booking, booking_id)
        assert booking is not None
        session = booking.session
        session.starts_at += timedelta(hours=1)
        session.ends_at += timedelta(hours=1)
        await notify_session_changed(db, session)
        await db.commit()

    backend.run(moved)
    asyncio.run(_drain(mailer.settings))

    async def cancelled(db: AsyncSession) -> None:
        booking = await db.get(Booking, booking_id)
        assert booking is not None
        await cancel_booking(db, booking, "person")
        await db.commit()

    backend.run(cancelled)
    asyncio.run(_drain(mailer.settings))

    received = mailer.inbox.to(ADDRESS)
    assert [m["Subject"].split(" : ")[0] for m in received] == [
        "Votre place est réservée",
        "L'atelier a changé",
        "Inscription annulée",
    ]
    calendars = [
        Calendar.from_ical(
            next(p for p in m.walk() if p.get_content_type() == "text/calendar").get_content()
        )
        for m in received
    ]
    events = [c.events[0] for c in calendars]
    assert {str(e["UID"]) for e in events} == {f"booking-{booking_id}@127.0.0.1"}
    sequences = [int(e["SEQUENCE"]) for e in events]
    assert sequences == sorted(set(sequences))
    assert [str(c["METHOD"]) for c in calendars] == ["REQUEST", "REQUEST", "CANCEL"]
    assert str(events[-1]["STATUS"]) == "CANCELLED"
    assert events[1].start.hour == 15
    assert "de 15 h à 17 h" in received[1].get_body(preferencelist=("plain",)).get_content()
