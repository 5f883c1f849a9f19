"""The trainer's list after a session: who came (RDV Service Public's statuses) and who
passed the exit check, with who checked and when. « Revoked » releases the seat."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models import Attendance, Booking, BookingStatus, Session
from app.features.bookings.errors import AttendanceError
from app.features.bookings.evidence import keep_exit_check
from app.features.bookings.seats import locked_session, revoke


@dataclass(frozen=True)
class Mark:
    """What the trainer says of one participant."""

    booking_id: UUID
    attendance: Attendance
    exit_check_passed: bool | None = None


MSG_NOT_HERE = "inscription {ref} : elle n'est pas dans cette session"
MSG_NO_SEAT = "inscription {ref} : la personne n'a pas de place (liste d'attente ou annulée)"
MSG_NOT_SEEN = (
    "inscription {ref} : la fin d'atelier ne peut être validée que pour une personne venue"
)
MSG_TWICE = "inscription {ref} : donnée deux fois"


def _problems(marks: Sequence[Mark], bookings: dict[UUID, Booking]) -> list[str]:
    problems: list[str] = []
    seen: set[UUID] = set()
    for mark in marks:
        ref = str(mark.booking_id)
        booking = bookings.get(mark.booking_id)
        if mark.booking_id in seen:
            problems.append(MSG_TWICE.format(ref=ref))
        seen.add(mark.booking_id)
        if booking is None:
            problems.append(MSG_NOT_HERE.format(ref=ref))
            continue
        revoked_already = (
            booking.attendance == Attendance.REVOKED and mark.attendance == Attendance.REVOKED
        )
        if booking.status != BookingStatus.CONFIRMED and not revoked_already:
            problems.append(MSG_NO_SEAT.format(ref=ref))
        if mark.exit_check_passed and mark.attendance != Attendance.SEEN:
            problems.append(MSG_NOT_SEEN.format(ref=ref))
    return problems


async def record_attendance(
    db: AsyncSession, session: Session, marks: Sequence[Mark], *, by: UUID | None
) -> list[Booking]:
    """Record every mark, or none (AttendanceError lists every problem). A « revoked » seat is
    released and goes to the first person waiting; a passed exit check keeps its evidence."""
    locked = await locked_session(db, session.id)
    found = await db.scalars(
        select(Booking)
        .where(Booking.session_id == locked.id)
        .execution_options(populate_existing=True)
    )
    bookings = {b.id: b for b in found}
    problems = _problems(marks, bookings)
    if problems:
        raise AttendanceError(problems)
    now = datetime.now(UTC)
    changed: list[Booking] = []
    for mark in marks:
        booking = bookings[mark.booking_id]
        if booking.status != BookingStatus.CONFIRMED:
            continue  # revoked already: nothing changes
        if mark.attendance == Attendance.REVOKED:
            released = await revoke(db, locked, booking.id)
            if released is not None:
                changed.append(released)
            continue
        booking.attendance = mark.attendance
        if mark.exit_check_passed != booking.exit_check_passed:
            booking.exit_check_passed = mark.exit_check_passed
            booking.exit_checked_by = by
            booking.exit_checked_at = now
            await db.flush()
            await keep_exit_check(db, locked, booking, by)
        changed.append(booking)
    await db.flush()
    return changed
