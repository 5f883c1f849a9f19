"""What the professional pages show of bookings: who holds each one (as far as the reader may
know), where a person waits, who checked the exit check."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models import Booking, BookingStatus, Person, Session, User
from app.db.types import as_utc
from app.features.bookings.seats import waiting_position
from app.features.catalogue import display_phone


@dataclass(frozen=True)
class Holder:
    """One booking as a session's list shows it. ``name`` is the person's alias when the
    session's structure follows them, else their contact; ``kept``: a passed exit check is
    kept for them (the booking names a person)."""

    booking: Booking
    name: str | None
    contact: str | None
    kept: bool
    position: int | None
    checked_by: str | None


def contact_of(booking: Booking) -> str | None:
    if booking.contact_email:
        return booking.contact_email
    return None if booking.contact_phone is None else display_phone(booking.contact_phone)


async def session_bookings(db: AsyncSession, session: Session) -> list[Holder]:
    """Every booking of the session, in the order people joined it."""
    found = list(
        await db.scalars(
            select(Booking)
            .where(Booking.session_id == session.id)
            .order_by(Booking.queued)
            .execution_options(populate_existing=True)
        )
    )
    people = await _aliases(db, session.structure_id, {b.person_id for b in found})
    checkers = await _emails(db, {b.exit_checked_by for b in found})
    return [
        Holder(
            booking=b,
            name=None if b.person_id is None else people.get(b.person_id),
            contact=contact_of(b),
            kept=b.person_id is not None,
            position=await waiting_position(db, b),
            checked_by=None if b.exit_checked_by is None else checkers.get(b.exit_checked_by),
        )
        for b in found
    ]


async def _aliases(
    db: AsyncSession, structure_id: UUID, person_ids: set[UUID | None]
) -> dict[UUID, str]:
    """The aliases of the people this structure follows (another's stay unnamed)."""
    ids = {i for i in person_ids if i is not None}
    if not ids:
        return {}
    rows = await db.execute(
        select(Person.id, Person.alias).where(
            Person.id.in_(ids), Person.structure_id == structure_id
        )
    )
    return {row.id: row.alias for row in rows}


async def _emails(db: AsyncSession, user_ids: set[UUID | None]) -> dict[UUID, str]:
    ids = {i for i in user_ids if i is not None}
    if not ids:
        return {}
    rows = await db.execute(select(User.id, User.email).where(User.id.in_(ids)))
    return {row.id: row.email for row in rows}


@dataclass(frozen=True)
class PersonBooking:
    booking: Booking
    position: int | None
    upcoming: bool


async def person_bookings(db: AsyncSession, person: Person) -> list[PersonBooking]:
    """A person's bookings, the soonest session first, with their place in the queue."""
    found: Sequence[Booking] = list(
        await db.scalars(
            select(Booking)
            .join(Session, Session.id == Booking.session_id)
            .where(Booking.person_id == person.id)
            .order_by(Session.starts_at.desc())
        )
    )
    now = datetime.now(UTC)
    return [
        PersonBooking(
            b,
            await waiting_position(db, b),
            b.status != BookingStatus.CANCELLED and as_utc(b.session.ends_at) > now,
        )
        for b in found
    ]
