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
from app.db.types import as_utc
from app.features.bookings.errors import AttendanceError
from app.features.bookings.evidence import keep_exit_check
from app.features.bookings.seats import locked_session, moving_pathways, revoke


@dataclass(frozen=True)
class Mark:
    """What the trainer says of one participant."""

    booking_id: UUID
    attendance: Attendance
    exit_check_passed: bool | None = None


MSG_NOT_HERE = "elle n'est pas dans cette séance"
MSG_NO_SEAT = "la personne n'a pas de place (liste d'attente ou inscription annulée)"
MSG_NOT_SEEN = "la fin d'atelier ne se valide que pour une personne venue"
MSG_TWICE = "donnée deux fois"
MSG_NOT_YET = (
    "la séance n'a pas encore commencé : « Était là », « Absence sans prévenir » et la fin "
    "d'atelier se notent à partir de son début"
)
# What can be said of someone before the séance: nothing yet, excused in advance, or a seat
# the structure takes back. Whether they came, and passed, is known only once it started.
BEFORE_START = (Attendance.UNKNOWN, Attendance.EXCUSED, Attendance.REVOKED)


def _problems(
    marks: Sequence[Mark], bookings: dict[UUID, Booking], *, started: bool
) -> dict[UUID, str]:
    """What is wrong with each mark, by booking (the first problem of each)."""
    problems: dict[UUID, str] = {}
    seen: set[UUID] = set()
    for mark in marks:
        booking = bookings.get(mark.booking_id)
        revoked_already = (
            booking is not None
            and booking.attendance == Attendance.REVOKED
            and mark.attendance == Attendance.REVOKED
        )
        if mark.booking_id in seen:
            problem: str | None = MSG_TWICE
        elif booking is None:
            problem = MSG_NOT_HERE
        elif booking.status != BookingStatus.CONFIRMED and not revoked_already:
            problem = MSG_NO_SEAT
        elif mark.exit_check_passed and mark.attendance != Attendance.SEEN:
            problem = MSG_NOT_SEEN
        elif not started and mark.attendance not in BEFORE_START:
            problem = MSG_NOT_YET
        else:
            problem = None
        seen.add(mark.booking_id)
        if problem is not None:
            problems.setdefault(mark.booking_id, problem)
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
    now = datetime.now(UTC)
    problems = _problems(marks, bookings, started=as_utc(locked.starts_at) <= now)
    if problems:
        raise AttendanceError(
            [f"inscription {ref} : {problem}" for ref, problem in problems.items()],
            by_booking=problems,
        )
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
        await db.flush()
        await moving_pathways().follow_outcome(db, booking)
        changed.append(booking)
    await db.flush()
    return changed
