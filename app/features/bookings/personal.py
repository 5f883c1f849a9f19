"""A person's bookings, the evidence their exit checks left and the messages written to them,
as the privacy register (`app.privacy`) exports and erases them. Erasing a booking that held
a seat hands the seat on to the first person waiting, as any cancellation does."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models import Booking, EvidenceRecord, OutboxMessage, Person
from app.db.types import iso
from app.features.bookings.evidence import evidence_of
from app.features.bookings.seats import LIVE, release_all


def _of(person: Person) -> Any:
    return select(Booking.id).where(Booking.person_id == person.id)


async def _bookings(db: AsyncSession, person: Person) -> list[Booking]:
    found = await db.scalars(
        select(Booking).where(Booking.person_id == person.id).order_by(Booking.created_at)
    )
    return list(found)


async def export_bookings(
    db: AsyncSession, person: Person, _diagnostics: Sequence[UUID]
) -> list[dict[str, Any]]:
    return [
        {
            "id": str(b.id),
            "session_id": str(b.session_id),
            "workshop": b.session.workshop.title,
            "starts_at": iso(b.session.starts_at),
            "status": b.status.value,
            "attendance": b.attendance.value,
            "exit_check_passed": b.exit_check_passed,
            "exit_checked_at": iso(b.exit_checked_at),
            "contact_email": b.contact_email,
            "contact_phone": b.contact_phone,
            "booked_at": iso(b.created_at),
            "cancelled_at": iso(b.cancelled_at),
            "cancelled_by": b.cancelled_by,
        }
        for b in await _bookings(db, person)
    ]


async def erase_bookings(db: AsyncSession, person: Person, _diagnostics: Sequence[UUID]) -> int:
    bookings = await _bookings(db, person)
    await release_all(db, [b for b in bookings if b.status in LIVE])
    done = await db.execute(delete(Booking).where(Booking.person_id == person.id))
    return int(getattr(done, "rowcount", 0) or 0)


async def export_evidence(
    db: AsyncSession, person: Person, _diagnostics: Sequence[UUID]
) -> list[dict[str, Any]]:
    return [
        {
            "id": str(e.id),
            "kind": e.kind,
            "competence": e.competence,
            "level": e.level,
            "passed": e.passed,
            "workshop": e.workshop_title,
            "observed": e.observed,
            "recorded_at": iso(e.recorded_at),
        }
        for e in await evidence_of(db, person.id)
    ]


async def erase_evidence(db: AsyncSession, person: Person, _diagnostics: Sequence[UUID]) -> int:
    done = await db.execute(delete(EvidenceRecord).where(EvidenceRecord.person_id == person.id))
    return int(getattr(done, "rowcount", 0) or 0)


async def export_messages(
    db: AsyncSession, person: Person, _diagnostics: Sequence[UUID]
) -> list[dict[str, Any]]:
    found = await db.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.booking_id.in_(_of(person)))
        .order_by(OutboxMessage.created_at)
    )
    return [
        {
            "kind": m.kind,
            "channel": m.channel.value,
            "recipient": m.recipient,
            "subject": m.subject,
            "body": m.body,
            "status": m.status.value,
            "sent_at": iso(m.sent_at),
        }
        for m in found
    ]


async def erase_messages(db: AsyncSession, person: Person, _diagnostics: Sequence[UUID]) -> int:
    done = await db.execute(delete(OutboxMessage).where(OutboxMessage.booking_id.in_(_of(person))))
    return int(getattr(done, "rowcount", 0) or 0)
