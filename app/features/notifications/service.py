"""Writing messages about bookings into the outbox, in the caller's transaction: the message
exists exactly when what it announces was kept. Nothing is sent here (the worker sends)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from app.config import Settings, get_settings
from app.db.engine import settings_of
from app.db.models import (
    Booking,
    BookingStatus,
    OutboxChannel,
    OutboxMessage,
    Session,
)
from app.features.notifications.invitations import booking_invitation
from app.features.notifications.wording import KINDS, REVISING, compose, compose_sms

# Where a person whose booking was cancelled finds another workshop.
SEARCH_PAGE = "/ateliers"
# The reminder goes to bookings of sessions starting in this window, once.
REMIND_FROM, REMIND_TO = timedelta(hours=24), timedelta(hours=48)
# A booking made less than this before does not need a reminder: its first message is fresh.
FRESH = timedelta(hours=24)
LIVE = (BookingStatus.CONFIRMED, BookingStatus.WAITING)


async def _bump_revision(db: AsyncSession, booking: Booking) -> None:
    """One more change to the booking's invitation, counted by the database (two changes
    at once both count)."""
    revision = await db.scalar(
        update(Booking)
        .where(Booking.id == booking.id)
        .values(revision=Booking.revision + 1)
        .returning(Booking.revision)
        .execution_options(synchronize_session=False)
    )
    set_committed_value(booking, "revision", revision)


async def notify(
    db: AsyncSession,
    booking: Booking,
    kind: str,
    *,
    settings: Settings | None = None,
    now: datetime | None = None,
    position: int | None = None,
) -> OutboxMessage | None:
    """Write the message of ``kind`` for this booking: an e-mail (with its calendar
    invitation) when it has an address, a text message when it has only a phone, nothing when
    it has no contact (a mediator booked for someone and tells them). The caller commits.

    The links in the message are made with the address and secret key of the app that
    opened ``db`` (``settings`` when given; the environment's for a bare session). A
    « waiting » message says ``position`` when the caller knows it, else counts it.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown message kind: {kind}")
    settings = settings or settings_of(db) or get_settings()
    now = now or datetime.now(UTC)
    await db.flush()  # the booking has its id, and a change of status is seen by the counts
    if kind in REVISING:
        await _bump_revision(db, booking)
    if not booking.contact_email and not booking.contact_phone:
        return None
    # Not at import: bookings tell people through this module.
    from app.features.bookings import booking_path, waiting_position

    session = await db.get(Session, booking.session_id)
    if session is None:  # deleted with its booking in this transaction: nobody to tell
        return None
    link = settings.address(booking_path(settings.secret(), booking.id))
    if kind != "waiting":
        position = None
    elif position is None:
        position = await waiting_position(db, booking)
    if booking.contact_email:
        # A person on the waiting list has no seat yet: nothing goes in their calendar.
        with_invitation = kind == "cancelled" or booking.status == BookingStatus.CONFIRMED
        message = compose(
            kind,
            booking,
            session,
            link=link,
            search_link=settings.address(SEARCH_PAGE),
            position=position,
            with_invitation=with_invitation,
        )
        ics = booking_invitation(booking, settings=settings, now=now) if with_invitation else None
        row = OutboxMessage(
            channel=OutboxChannel.EMAIL,
            kind=kind,
            recipient=booking.contact_email,
            subject=message.subject[:200],
            body=message.body,
            ics=ics.decode() if ics else None,
            booking_id=booking.id,
            due_at=now,
        )
    else:
        text = compose_sms(kind, session, link=link, position=position)
        row = OutboxMessage(
            channel=OutboxChannel.SMS,
            kind=kind,
            recipient=booking.contact_phone or "",
            subject=text[:200],
            body=text,
            booking_id=booking.id,
            due_at=now,
        )
    db.add(row)
    return row


async def notify_session_changed(
    db: AsyncSession, session: Session, *, settings: Settings | None = None
) -> int:
    """The session's time, place or link changed: every live booking's invitation is
    revised and its holder told. Returns how many bookings were told (or had no contact)."""
    bookings = (
        await db.scalars(
            select(Booking)
            .where(Booking.session_id == session.id, Booking.status.in_(LIVE))
            .order_by(Booking.queued)
        )
    ).all()
    for booking in bookings:
        await notify(db, booking, "changed", settings=settings)
    return len(bookings)


async def write_reminders(
    db: AsyncSession, *, settings: Settings | None = None, now: datetime | None = None
) -> int:
    """The reminder of the day before, for each confirmed booking of a session starting in
    24 to 48 hours, once (``booking.reminded_at``), unless it was made in the last day (its
    first message is fresh). The caller commits."""
    now = now or datetime.now(UTC)
    bookings = (
        await db.scalars(
            select(Booking)
            .join(Session, Session.id == Booking.session_id)
            .where(
                Booking.status == BookingStatus.CONFIRMED,
                Booking.reminded_at.is_(None),
                Booking.created_at < now - FRESH,
                Session.cancelled_at.is_(None),
                Session.starts_at >= now + REMIND_FROM,
                Session.starts_at < now + REMIND_TO,
            )
            .limit(500)
        )
    ).all()
    written = 0
    for booking in bookings:
        # Two workers may pick the same booking: the one whose UPDATE changes it writes.
        claimed = await db.execute(
            update(Booking)
            .where(Booking.id == booking.id, Booking.reminded_at.is_(None))
            .values(reminded_at=now)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            continue
        set_committed_value(booking, "reminded_at", now)
        await notify(db, booking, "reminder", settings=settings, now=now)
        written += 1
    return written
