"""A booking made with an e-mail or a phone, linked afterwards to the person's record by a
mediator of the session's structure: from then on it is the person's, and an exit check they
passed becomes evidence of their competences."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.engine import one_statement
from app.db.models import Booking, Person, Session
from app.features.bookings.contacts import Contact, holder_key
from app.features.bookings.errors import AlreadyBookedError
from app.features.bookings.evidence import keep_exit_check


async def link_to_person(
    db: AsyncSession, structure_id: UUID, person: Person, contact: Contact
) -> list[Booking]:
    """Link the bookings of the structure's sessions made with this e-mail or phone (and no
    record) to the person; AlreadyBookedError when the person holds a booking of that session
    already. Only the structure's own sessions: a contact typed here reveals nothing else."""
    holders = [
        key
        for key in (
            holder_key(None, Contact(email=contact.email)) if contact.email else None,
            holder_key(None, Contact(phone=contact.phone)) if contact.phone else None,
        )
        if key is not None
    ]
    found = list(
        await db.scalars(
            select(Booking)
            .join(Session, Session.id == Booking.session_id)
            .where(
                Session.structure_id == structure_id,
                Booking.holder.in_(holders),
                Booking.person_id.is_(None),
            )
        )
    )
    for booking in found:
        try:
            async with one_statement(db):
                await db.execute(
                    update(Booking)
                    .where(Booking.id == booking.id)
                    .values(person_id=person.id, holder=holder_key(person.id, contact))
                    .execution_options(synchronize_session=False)
                )
        except IntegrityError:
            raise AlreadyBookedError() from None
        await db.refresh(booking)
        if booking.exit_check_passed:
            await keep_exit_check(db, booking.session, booking, booking.exit_checked_by)
    return found
