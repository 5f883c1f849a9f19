"""The model's training records, read from what the service stored.

* One :class:`~pathways.records.LevelRecord` per competence of each completed diagnostic: the
  answers alone give the self-report; what was observed gives the labels: the diagnostic's
  evidence (a mediator's observed tasks, Pix results, and the exit checks passed or failed
  before it, which the diagnostic was scored with), and what a mediator decided about its
  pathway (a step they set to start from level f says the person is at f).
* One :class:`~pathways.records.OutcomeRecord` per booking whose attendance was noted: the
  person as their last diagnostic before the booking describes them, the session as it was
  (distance from their commune to the place, modality, the workshop's entry and exit levels for
  the competence, how many days ahead it was booked), and whether they came and passed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic import ValidationError
from sqlalchemy import Row, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models import (
    Attendance,
    Booking,
    Diagnostic,
    DiagnosticStatus,
    FeedbackKind,
    PathwayFeedback,
    PathwayStep,
    Place,
    Session,
    Workshop,
)
from app.territories import communes, distance_km
from pathways.models import Context
from pathways.records import (
    LevelRecord,
    Observation,
    OutcomeRecord,
    Records,
    SelfReport,
    SessionFacts,
    observations_from_evidence,
    observations_of_level,
    self_reports,
    targets_of,
)
from pathways.rules import load_rules
from pathways.simulator import goal_levels
from referentiel.answers import Evidence
from referentiel.load import UnknownVersionError, load_version

Progress = Callable[[int, int], None]
_MEDIATORS = (FeedbackKind.EDITED, FeedbackKind.REPLACED)


# Only what training reads, streamed: the database may hold millions of diagnostics.
_COLUMNS = (
    Diagnostic.id,
    Diagnostic.person_id,
    Diagnostic.referential_version,
    Diagnostic.answers,
    Diagnostic.context,
    Diagnostic.goals,
    Diagnostic.result,
    Diagnostic.completed_at,
    Diagnostic.created_at,
)
_CHUNK = 1000


def _evidence(diagnostic: Row[Any]) -> list[Evidence]:
    found = []
    for raw in (diagnostic.result or {}).get("evidence") or ():
        try:
            found.append(Evidence.model_validate(raw))
        except ValidationError:
            continue
    return found


def _decided(feedback: Sequence[PathwayFeedback]) -> dict[str, tuple[Observation, ...]]:
    """What mediators set as the level a step starts from, per competence (the last word)."""
    levels: dict[str, int] = {}
    for row in sorted(feedback, key=lambda f: f.at):
        before = {
            s.get("competence"): s.get("from")
            for s in (row.value.get("before") or {}).get("steps") or ()
        }
        for step in (row.value.get("after") or {}).get("steps") or ():
            code, start = step.get("competence"), step.get("from")
            if isinstance(code, str) and type(start) is int and before.get(code) != start:
                levels[code] = max(0, min(4, start))
    return {code: observations_of_level(level, "mediator") for code, level in levels.items()}


@dataclass(frozen=True)
class _Seen:
    """A diagnostic as the outcome records need it."""

    at: datetime
    person: str
    context: Context
    reports: Mapping[str, SelfReport]


async def read_records(db: AsyncSession, progress: Progress | None = None) -> Records:
    """Every record the database holds, in a stable order."""
    tick = progress or (lambda done, total: None)
    rules = load_rules()
    wanted = goal_levels(rules)
    feedback: dict[UUID, list[PathwayFeedback]] = {}
    for row in await db.scalars(
        select(PathwayFeedback).where(PathwayFeedback.kind.in_(_MEDIATORS))
    ):
        feedback.setdefault(row.diagnostic_id, []).append(row)
    completed = Diagnostic.status == DiagnosticStatus.COMPLETED
    total = await db.scalar(select(func.count()).select_from(Diagnostic).where(completed)) or 0
    rows = await db.stream(
        select(*_COLUMNS)
        .where(completed)
        .order_by(Diagnostic.created_at, Diagnostic.id)
        .execution_options(yield_per=_CHUNK)
    )
    levels: list[LevelRecord] = []
    seen: dict[UUID, list[_Seen]] = {}
    done = 0
    async for diagnostic in rows:
        done += 1
        tick(done, total)
        try:
            ref = load_version(diagnostic.referential_version)
        except UnknownVersionError:
            continue
        person = str(diagnostic.person_id or diagnostic.id)
        context = Context.of_diagnostic(diagnostic.context, diagnostic.goals or {})
        try:
            reports = self_reports(ref, diagnostic.answers)
        except ValueError:
            continue
        observed = observations_from_evidence(ref, _evidence(diagnostic))
        decided = _decided(feedback.get(diagnostic.id, ()))
        targets = targets_of(ref, context, wanted)
        levels += [
            LevelRecord(
                person,
                context,
                report,
                (*observed.get(code, ()), *decided.get(code, ())),
                targets.get(code),
            )
            for code, report in reports.items()
        ]
        if diagnostic.person_id is not None:
            at = diagnostic.completed_at or diagnostic.created_at
            seen.setdefault(diagnostic.person_id, []).append(_Seen(at, person, context, reports))
    outcomes = await _outcomes(db, seen)
    return Records(tuple(levels), tuple(outcomes))


async def _outcomes(db: AsyncSession, seen: Mapping[UUID, list[_Seen]]) -> list[OutcomeRecord]:
    steps = {
        s.booking_id: s.from_level
        for s in await db.scalars(select(PathwayStep).where(PathwayStep.booking_id.is_not(None)))
    }
    rows = await db.execute(
        select(Booking, Session, Workshop, Place)
        .join(Session, Booking.session_id == Session.id)
        .join(Workshop, Session.workshop_id == Workshop.id)
        .outerjoin(Place, Session.place_id == Place.id)
        .where(Booking.person_id.is_not(None), Booking.attendance != Attendance.UNKNOWN)
        .order_by(Booking.created_at, Booking.id)
    )
    known = communes()
    outcomes = []
    for booking, session, workshop, place in rows.tuples():
        assert booking.person_id is not None  # the query's condition
        before = [s for s in seen.get(booking.person_id, ()) if s.at <= booking.created_at]
        if not before:
            continue
        last = before[-1]
        taught = [c for c in workshop.competences if c.get("competence") in last.reports]
        if not taught:
            continue
        code = taught[0]["competence"]
        report = last.reports[code]
        home = known.get(last.context.commune or "")
        there = None if place is None else known.get(place.commune_insee)
        facts = SessionFacts(
            competence=code,
            modality=workshop.modality.value,
            entry=int(taught[0].get("entry", 0)),
            exit=int(taught[0].get("exit", report.level + 1)),
            from_level=steps.get(booking.id, report.level),
            distance_km=None if home is None or there is None else distance_km(home, there),
            days_ahead=max(0, (session.starts_at - booking.created_at).days),
        )
        attended = booking.attendance == Attendance.SEEN
        outcomes.append(
            OutcomeRecord(
                last.person,
                str(booking.id),
                last.context,
                report,
                facts,
                attended and booking.exit_check_passed is True,
                attended,
            )
        )
    return outcomes
