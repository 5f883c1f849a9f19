"""Each step's status follows the person's bookings: booked when they book a séance of a
workshop that raises the step's competence from where they are, dropped when that booking is
cancelled, done when they came and passed the exit check. A mediator's decision may drop a
step too (``service.decide``).

The bookings feature calls these where seats are taken and released and attendance noted,
in the same transaction; a booking that no pathway waits for changes nothing.
"""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models import Attendance, Booking, Pathway, PathwayStep, StepStatus, Workshop
from app.db.models import Session as Seance
from app.features.badges import IssuingError, issue_for_pathway


async def _raised(db: AsyncSession, booking: Booking) -> dict[str, int]:
    """Per competence the booking's workshop raises, the level it asks to start."""
    found = await db.scalar(
        select(Workshop.competences)
        .join(Seance, Seance.workshop_id == Workshop.id)
        .where(Seance.id == booking.session_id)
    )
    return {
        str(c["competence"]): int(c.get("entry", 0))
        for c in found or []
        if isinstance(c, dict) and "competence" in c
    }


async def follow_booking(db: AsyncSession, booking: Booking) -> None:
    """The first step not yet booked or done (a dropped one too: the person tries again), in
    each pathway of the person (or of the diagnostic the booking came from), that the booked
    workshop serves becomes « booked »."""
    if booking.person_id is None and booking.diagnostic_id is None:
        return
    raised = await _raised(db, booking)
    if not raised:
        return
    theirs = []
    if booking.person_id is not None:
        theirs.append(Pathway.person_id == booking.person_id)
    if booking.diagnostic_id is not None:
        theirs.append(Pathway.diagnostic_id == booking.diagnostic_id)
    steps = await db.scalars(
        select(PathwayStep)
        .join(Pathway, Pathway.id == PathwayStep.pathway_id)
        .where(
            or_(*theirs),
            PathwayStep.status.in_([StepStatus.PROPOSED, StepStatus.DROPPED]),
            PathwayStep.competence.in_(list(raised)),
        )
        .order_by(PathwayStep.pathway_id, PathwayStep.position)
    )
    moved: set[object] = set()
    for step in steps:
        if step.pathway_id in moved or raised[step.competence] > step.from_level:
            continue
        step.status, step.booking_id = StepStatus.BOOKED, booking.id
        moved.add(step.pathway_id)
    await db.flush()


async def follow_outcome(db: AsyncSession, booking: Booking) -> None:
    """The steps this booking moved: done when the person came and passed the exit check,
    dropped when the booking was cancelled. A pathway whose last step is done issues its
    badge."""
    steps = await db.scalars(select(PathwayStep).where(PathwayStep.booking_id == booking.id))
    finished = set()
    for step in steps:
        if booking.attendance == Attendance.SEEN and booking.exit_check_passed:
            step.status = StepStatus.DONE
            finished.add(step.pathway_id)
        elif booking.cancelled_at is not None and step.status == StepStatus.BOOKED:
            step.status = StepStatus.DROPPED
    await db.flush()
    for pathway_id in finished:
        pathway = await db.get(Pathway, pathway_id)
        if pathway is None:
            continue
        try:
            await issue_for_pathway(db, pathway, issued_by=None)
        except IssuingError:
            continue  # steps still to do, or nobody to give it to
