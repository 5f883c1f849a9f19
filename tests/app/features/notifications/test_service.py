"""What people are told about their bookings, written in the same transaction as the booking
change, on both databases."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit
from uuid import UUID

from icalendar import Calendar
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models import BookingStatus, OutboxChannel, OutboxMessage, OutboxStatus
from app.features.bookings import link_is_valid
from app.features.notifications import notify, notify_session_changed
from tests.app.conftest import Backend
from tests.app.features.notifications.offer import booking_in, session_at


async def _messages(db: AsyncSession, booking_id: UUID) -> list[OutboxMessage]:
    rows = await db.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.booking_id == booking_id)
        .order_by(OutboxMessage.created_at)
    )
    return list(rows.all())


def _event(ics: str | None):  # type: ignore[no-untyped-def]
    assert ics is not None
    calendar = Calendar.from_ical(ics)
    (event,) = calendar.events
    return calendar, event


def test_a_booking_by_email_writes_a_plain_french_email_with_place_time_and_cancel_link(
    backend: Backend,
) -> None:
    settings = backend.settings

    async def go(db: AsyncSession) -> OutboxMessage:
        session = await session_at(db)
        booking = await booking_in(db, session, email="lea@example.org")
        await notify(db, booking, "booked", settings=settings)
        await db.commit()
        (message,) = await _messages(db, booking.id)
        assert message.booking_id == booking.id
        return message

    message = backend.run(go)
    assert message.channel == OutboxChannel.EMAIL
    assert message.status == OutboxStatus.PENDING
    assert message.recipient == "lea@example.org"
    assert message.subject == "Votre place est réservée : Premiers pas avec son téléphone"
    body = message.body
    assert "Quand : mardi 9 mars 2027, de 14 h à 16 h" in body
    assert "Où : Médiathèque des Gibjoncs, 2 rue Louis Mallet, 18000 Bourges" in body
    assert "Vous pouvez aussi appeler le lieu : 02 48 00 00 00" in body
    # the same word as the page it opens, « Mon inscription »
    link = re.search(r"annuler votre inscription : (\S+)", body)
    assert link is not None
    parts = urlsplit(link.group(1))
    assert link.group(1).startswith(settings.public_url)
    booking_id = UUID(parts.path.rsplit("/", 1)[1])
    assert link_is_valid(settings.secrets(), booking_id, parse_qs(parts.query)["cle"][0])
    calendar, event = _event(message.ics)
    assert calendar["METHOD"] == "REQUEST"
    assert event["SEQUENCE"] == 0
    assert str(event["LOCATION"]).endswith("18000 Bourges")


def test_the_waiting_list_message_says_the_position_and_brings_no_invitation(
    backend: Backend,
) -> None:
    async def go(db: AsyncSession) -> OutboxMessage:
        session = await session_at(db, capacity=1)
        await booking_in(db, session, email="first@example.org")
        await booking_in(db, session, email="w1@example.org", status=BookingStatus.WAITING)
        second = await booking_in(db, session, email="w2@example.org", status=BookingStatus.WAITING)
        await notify(db, second, "waiting", settings=backend.settings)
        await db.commit()
        (message,) = await _messages(db, second.id)
        return message

    message = backend.run(go)
    assert "liste d'attente, à la place numéro 2" in message.body
    assert message.ics is None


def test_a_phone_only_booking_gets_a_text_message_that_waits_and_no_contact_gets_nothing(
    backend: Backend,
) -> None:
    async def go(db: AsyncSession) -> tuple[list[OutboxMessage], list[OutboxMessage]]:
        session = await session_at(db)
        by_phone = await booking_in(db, session, phone="+33612345678")
        no_contact = await booking_in(db, session)
        await notify(db, by_phone, "booked", settings=backend.settings)
        assert await notify(db, no_contact, "booked", settings=backend.settings) is None
        await db.commit()
        return await _messages(db, by_phone.id), await _messages(db, no_contact.id)

    texts, nothing = backend.run(go)
    assert nothing == []
    (sms,) = texts
    assert sms.channel == OutboxChannel.SMS
    assert sms.recipient == "+33612345678"
    assert sms.status == OutboxStatus.PENDING
    assert "mardi 9 mars 2027" in sms.body
    assert "/reservations/" in sms.body


def test_a_message_is_kept_only_with_the_change_it_announces(backend: Backend) -> None:
    async def go(db: AsyncSession) -> int:
        session = await session_at(db)
        booking = await booking_in(db, session, email="rollback@example.org")
        await db.commit()
        booking_id = booking.id
        await notify(db, booking, "cancelled", settings=backend.settings)
        await db.rollback()
        return (
            await db.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.booking_id == booking_id)
            )
            or 0
        )

    assert backend.run(go) == 0


def test_invitations_keep_their_uid_and_raise_their_sequence_from_booking_to_cancellation(
    backend: Backend,
) -> None:
    async def go(db: AsyncSession) -> list[OutboxMessage]:
        session = await session_at(db)
        booking = await booking_in(db, session, email="seq@example.org")
        await notify(db, booking, "booked", settings=backend.settings)
        await db.commit()
        await notify_session_changed(db, session, settings=backend.settings)
        await db.commit()
        booking.status = BookingStatus.CANCELLED
        booking.cancelled_by = "person"
        await notify(db, booking, "cancelled", settings=backend.settings)
        await db.commit()
        return await _messages(db, booking.id)

    booked, changed, cancelled = backend.run(go)
    assert [m.kind for m in (booked, changed, cancelled)] == ["booked", "changed", "cancelled"]
    events = [_event(m.ics) for m in (booked, changed, cancelled)]
    assert len({str(event["UID"]) for _, event in events}) == 1
    sequences = [int(event["SEQUENCE"]) for _, event in events]
    assert sequences[0] < sequences[1] < sequences[2]
    assert [str(calendar["METHOD"]) for calendar, _ in events] == ["REQUEST", "REQUEST", "CANCEL"]
    assert str(events[2][1]["STATUS"]) == "CANCELLED"
    assert "Votre inscription à l'atelier « Premiers pas avec son téléphone » est annulée." in (
        cancelled.body
    )
    assert "/ateliers" in cancelled.body


def test_a_session_change_tells_every_live_booking_and_not_the_cancelled_ones(
    backend: Backend,
) -> None:
    async def go(db: AsyncSession) -> tuple[int, list[str], int]:
        session = await session_at(db, capacity=1)
        seated = await booking_in(db, session, email="seated@example.org")
        waiting = await booking_in(
            db, session, email="waiting@example.org", status=BookingStatus.WAITING
        )
        gone = await booking_in(
            db, session, email="gone@example.org", status=BookingStatus.CANCELLED
        )
        told = await notify_session_changed(db, session, settings=backend.settings)
        await db.commit()
        kinds = [m.kind for b in (seated, waiting, gone) for m in await _messages(db, b.id)]
        return told, kinds, seated.revision

    told, kinds, revision = backend.run(go)
    assert told == 2
    assert kinds == ["changed", "changed"]
    assert revision == 1
