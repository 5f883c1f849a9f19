"""The use cases of sessions and series: create, change one or the whole series, open or
close registrations, cancel one or the rest of a series, list what is coming.

Nothing here commits: the caller commits once per request, and rolls back when an error is
raised (a whole-series change checks every occurrence before it changes one, so an error
usually comes before anything is written; a seat rule refused by the bookings comes later)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace
from datetime import UTC, datetime, time, timedelta
from typing import Any, NotRequired, TypedDict, Unpack
from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models import Place, Session, SessionSeries, Workshop
from app.db.types import as_utc
from app.features.bookings import CapacityError, cancel_session, change_capacity
from app.features.notifications import notify_session_changed
from app.features.schedule.rules import (
    Draft,
    ScheduleError,
    SessionLockedError,
    check,
    reason_problems,
)
from app.features.schedule.series import MAX_OCCURRENCES, Repeat, occurrences, repeat_problems
from app.web import Msg
from app.when import from_paris, in_paris, said_date

# What a change of one session may touch; the workshop never changes (a new session does).
CHANGEABLE = (
    "starts_at",
    "ends_at",
    "place_id",
    "remote_url",
    "capacity",
    "registration_open",
    "note",
)
# A change of these is news for the people booked: new time or new place.
TIMES = ("starts_at", "ends_at")
MOVES = (*TIMES, "place_id", "remote_url")


class SessionFields(TypedDict):
    """What a new session or series is given besides its workshop and times."""

    capacity: int
    place_id: NotRequired[UUID | None]
    remote_url: NotRequired[str | None]
    registration_open: NotRequired[bool]
    note: NotRequired[str | None]


def _now(now: datetime | None) -> datetime:
    return as_utc(now) if now is not None else datetime.now(UTC)


# Times outside these years are held at their edge: they are refused as past or too far ahead
# without any date arithmetic overflowing.
EARLIEST, LATEST = datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC)


def _utc(moment: datetime) -> datetime:
    """A naive time is Paris wall-clock time (as typed); an aware one is a moment."""
    if moment.year < EARLIEST.year:
        return EARLIEST
    if moment.year >= LATEST.year:
        return LATEST
    return from_paris(moment)


def _local(moment: datetime) -> datetime:
    """A time as Paris wall-clock time, naive (an aware moment is converted)."""
    return in_paris(_utc(moment)).replace(tzinfo=None) if moment.tzinfo else moment


async def create_session(
    db: AsyncSession,
    structure_id: UUID,
    workshop_id: UUID,
    *,
    starts_at: datetime,
    ends_at: datetime | None = None,
    now: datetime | None = None,
    import_key: str | None = None,
    **given: Unpack[SessionFields],
) -> Session:
    """A new session of one of the structure's workshops. Naive times are Paris wall-clock
    times; without ``ends_at`` it lasts the workshop's duration. Raises ScheduleError with
    every problem at once."""
    draft = await _draft(db, workshop_id, starts_at, ends_at, given)
    checked = await check(db, structure_id, draft, _now(now))
    if checked.problems:
        raise ScheduleError(checked.problems)
    return add_checked(db, structure_id, draft, import_key=import_key)


async def _draft(
    db: AsyncSession,
    workshop_id: UUID,
    starts_at: datetime,
    ends_at: datetime | None,
    given: SessionFields,
) -> Draft:
    """The draft of what was given; without an end, the workshop's length gives it."""
    start = _utc(starts_at)
    end = _utc(ends_at) if ends_at is not None else await _end_by_duration(db, workshop_id, start)
    return Draft(workshop_id=workshop_id, starts_at=start, ends_at=end, **given)


async def _end_by_duration(db: AsyncSession, workshop_id: UUID, start: datetime) -> datetime | None:
    workshop = await db.get(Workshop, workshop_id)
    if workshop is None:
        return None
    return _utc(_local(start) + timedelta(minutes=workshop.duration_minutes))


def add_checked(
    db: AsyncSession,
    structure_id: UUID,
    draft: Draft,
    *,
    series_id: UUID | None = None,
    import_key: str | None = None,
) -> Session:
    """A session of a draft already checked, added to the transaction."""
    assert draft.workshop_id and draft.starts_at and draft.ends_at and draft.capacity
    session = Session(
        structure_id=structure_id,
        workshop_id=draft.workshop_id,
        place_id=draft.place_id,
        remote_url=draft.remote_url,
        starts_at=draft.starts_at,
        ends_at=draft.ends_at,
        capacity=draft.capacity,
        confirmed_count=0,
        waiting_count=0,
        registration_open=draft.registration_open,
        note=draft.note or None,
        series_id=series_id,
        detached=False,
        revision=0,
        import_key=import_key,
    )
    db.add(session)
    return session


async def create_series(
    db: AsyncSession,
    structure_id: UUID,
    workshop_id: UUID,
    *,
    starts_at: datetime,
    ends_at: datetime | None = None,
    repeat: Repeat,
    now: datetime | None = None,
    **given: Unpack[SessionFields],
) -> tuple[SessionSeries, list[Session]]:
    """A series from its first day and times (``starts_at``, ``ends_at``: Paris wall-clock
    when naive) and how it repeats: one session per occurrence, each at the same wall-clock
    time whatever the season. Raises ScheduleError with every problem at once."""
    moment = _now(now)
    first = _local(starts_at)
    draft = await _draft(db, workshop_id, starts_at, ends_at, given)
    problems = dict(repeat_problems(repeat))
    starts: list[datetime] = []
    if not problems:
        starts = occurrences(first, repeat)
        problems.update(_count_problems(starts))
    length = _local(draft.ends_at) - first if draft.ends_at else timedelta(0)
    drafts = [
        replace(draft, starts_at=_utc(start), ends_at=_utc(start + length)) for start in starts
    ]
    checked = await check(db, structure_id, drafts[0] if drafts else draft, moment)
    problems = {**checked.problems, **problems}
    if drafts and not problems:
        problems.update(
            _dated(
                (await check(db, structure_id, drafts[-1], moment)).problems, drafts[-1], "until"
            )
        )
    if problems:
        raise ScheduleError(problems)
    series = SessionSeries(
        structure_id=structure_id,
        workshop_id=workshop_id,
        rrule=repeat.rule(),
        first_start_local=first,
        duration_minutes=int(length.total_seconds() // 60),
    )
    db.add(series)
    await db.flush()
    return series, [add_checked(db, structure_id, d, series_id=series.id) for d in drafts]


def _count_problems(starts: Sequence[datetime]) -> dict[str, Msg]:
    if not starts:
        return {"until": Msg("Aucune séance à ces dates : vérifiez les jours et la date de fin.")}
    if len(starts) > MAX_OCCURRENCES:
        return {
            "until": Msg(
                "Une série compte au plus {max} séances : choisissez une date de fin plus proche.",
                {"max": MAX_OCCURRENCES},
            )
        }
    return {}


def _dated(problems: Mapping[str, Msg], draft: Draft, key: str) -> dict[str, Msg]:
    """The problems of one occurrence, said with its date (« le mardi 8 juin 2027 : … »)."""
    if not problems or draft.starts_at is None:
        return dict(problems)
    day = said_date(draft.starts_at)
    return {
        key: Msg(
            "La séance du {day} ne convient pas : {what}",
            {"day": day, "what": " ".join(m.render(str) for m in problems.values())},
        )
    }


# --- changes ---------------------------------------------------------------------------------


def _locked(session: Session, now: datetime) -> None:
    if session.is_cancelled:
        raise SessionLockedError("Cette séance est annulée : elle ne change plus.")
    if as_utc(session.starts_at) <= now:
        raise SessionLockedError(
            "Cette séance a commencé ou elle est passée : elle ne change plus."
        )


def _changed_draft(session: Session, changes: Mapping[str, Any]) -> Draft:
    current = Draft(
        workshop_id=session.workshop_id,
        starts_at=as_utc(session.starts_at),
        ends_at=as_utc(session.ends_at),
        capacity=session.capacity,
        place_id=session.place_id,
        remote_url=session.remote_url,
        registration_open=session.registration_open,
        note=session.note,
    )
    given = {k: v for k, v in changes.items() if k in CHANGEABLE}
    for key in ("starts_at", "ends_at"):
        if given.get(key) is not None:
            given[key] = _utc(given[key])
    return replace(current, **given)


async def update_session(
    db: AsyncSession,
    session: Session,
    changes: Mapping[str, Any],
    *,
    now: datetime | None = None,
    alone: bool = True,
) -> bool:
    """Change a session that has not begun. Alone (not through its series), an occurrence
    becomes detached: later whole-series changes leave it as it is. A new time or place bumps
    the session's revision and tells the people booked. True when something changed."""
    moment = _now(now)
    _locked(session, moment)
    draft = _changed_draft(session, changes)
    problems = (await check(db, session.structure_id, draft, moment, new=False)).problems
    if draft.starts_at == as_utc(session.starts_at):
        problems.pop("starts_at", None)  # a start left as it is was checked when set
    if problems:
        raise ScheduleError(problems)
    return await _apply(db, session, draft, alone=alone)


async def _apply(db: AsyncSession, session: Session, draft: Draft, *, alone: bool) -> bool:
    before = {name: getattr(session, name) for name in CHANGEABLE}
    before["starts_at"], before["ends_at"] = as_utc(session.starts_at), as_utc(session.ends_at)
    after = {f.name: getattr(draft, f.name) for f in fields(draft) if f.name in CHANGEABLE}
    changed = {k for k in CHANGEABLE if after[k] != before[k]}
    if not changed:
        return False
    if "capacity" in changed:
        await _change_capacity(db, session, after["capacity"])
    for name in changed - {"capacity"}:
        setattr(session, name, after[name])
    if changed & set(MOVES):
        session.revision += 1
        await _tell_booked(db, session)
    if alone and session.series_id is not None and changed != {"registration_open"}:
        session.detached = True
    return True


async def _change_capacity(db: AsyncSession, session: Session, capacity: int) -> None:
    """Through the bookings, which hold every seat rule (and give freed seats to the people
    waiting); their refusal is said at the capacity field."""
    try:
        await change_capacity(db, session, capacity)
    except CapacityError:
        raise ScheduleError(
            {
                "capacity": Msg(
                    "{count} personnes ont déjà une place : il en faut au moins {count}.",
                    {"count": session.confirmed_count},
                )
            }
        ) from None


async def _tell_booked(db: AsyncSession, session: Session) -> None:
    """The people booked hear of a new time or place (the message names the new place)."""
    await fresh(db, [session])
    await notify_session_changed(db, session)


async def set_registration(
    db: AsyncSession, session: Session, open_: bool, *, now: datetime | None = None
) -> None:
    """Open or close registrations (a session not begun nor cancelled)."""
    _locked(session, _now(now))
    session.registration_open = open_


def series_changes(
    session: Session,
    start: time | None,
    end: time | None,
    other: Mapping[str, Any],
) -> dict[str, Any]:
    """One occurrence's share of a whole-series change: its own day at the new times (a new
    start alone keeps its length; an end before the start is the next day's)."""
    changes = {k: v for k, v in other.items() if k in CHANGEABLE and k not in TIMES}
    begin, finish = in_paris(session.starts_at), in_paris(session.ends_at)
    day = begin.date()
    new_begin = datetime.combine(day, start or begin.time())
    if end is not None:
        new_finish = datetime.combine(day, end)
        if new_finish <= new_begin:
            new_finish += timedelta(days=1)
    else:
        new_finish = new_begin + (finish.replace(tzinfo=None) - begin.replace(tzinfo=None))
    if start is not None:
        changes["starts_at"] = new_begin
    if start is not None or end is not None:
        changes["ends_at"] = new_finish
    return changes


async def update_series(
    db: AsyncSession,
    series: SessionSeries,
    *,
    start: time | None = None,
    end: time | None = None,
    changes: Mapping[str, Any] | None = None,
    now: datetime | None = None,
) -> list[Session]:
    """Change every occurrence to come that was not changed alone (past ones never change),
    at the new times on their own days, and the series' times for what it shows. Every
    occurrence is checked before any changes. The occurrences changed, in order."""
    moment = _now(now)
    coming = await series_to_come(db, series, moment)
    targets = [s for s in coming if not s.detached]
    drafts = [_changed_draft(s, series_changes(s, start, end, changes or {})) for s in targets]
    for draft in drafts:
        problems = (await check(db, series.structure_id, draft, moment, new=False)).problems
        if problems:
            raise ScheduleError(_dated(problems, draft, next(iter(problems))))
    changed = [
        s for s, d in zip(targets, drafts, strict=True) if await _apply(db, s, d, alone=False)
    ]
    if start is not None or end is not None:
        first = datetime.combine(
            series.first_start_local.date(), start or series.first_start_local.time()
        )
        finish = (
            datetime.combine(first.date(), end)
            if end
            else first + timedelta(minutes=series.duration_minutes)
        )
        finish += timedelta(days=1) if finish <= first else timedelta(0)
        series.first_start_local = first
        series.duration_minutes = int((finish - first).total_seconds() // 60)
    return changed


async def series_to_come(db: AsyncSession, series: SessionSeries, now: datetime) -> list[Session]:
    """The occurrences of a series not yet begun nor cancelled, in order."""
    found = await db.scalars(
        select(Session)
        .where(
            Session.series_id == series.id,
            Session.starts_at > now,
            Session.cancelled_at.is_(None),
        )
        .order_by(Session.starts_at)
    )
    return list(found.unique())


# --- cancellation --------------------------------------------------------------------------


async def cancel(
    db: AsyncSession,
    session: Session,
    reason: str,
    *,
    rest_of_series: bool = False,
    now: datetime | None = None,
) -> list[Session]:
    """Cancel a session not begun, or with ``rest_of_series`` it and every later occurrence
    of its series (past ones stay): the bookings cancel every booking and tell people why.
    The sessions cancelled, in order."""
    problems = reason_problems(reason)
    if problems:
        raise ScheduleError(problems)
    moment = _now(now)
    _locked(session, moment)
    chosen = [session]
    series = await db.get(SessionSeries, session.series_id) if session.series_id else None
    if rest_of_series and series is not None:
        chosen = [
            s
            for s in await series_to_come(db, series, moment)
            if as_utc(s.starts_at) >= as_utc(session.starts_at)
        ]
    for occurrence in chosen:
        await cancel_session(db, occurrence, reason)
    return chosen


# --- reading ---------------------------------------------------------------------------------


async def fresh(db: AsyncSession, sessions: Sequence[Session]) -> None:
    """Sessions written in this transaction with their workshop and place loaded, as read
    back (a changed place, a new session)."""
    await db.flush()
    for session in sessions:
        await db.refresh(session, ["workshop", "place"])


async def session_of(db: AsyncSession, structure_id: UUID, session_id: UUID) -> Session | None:
    """The session if it belongs to the structure, else None (callers answer 404)."""
    session = await db.get(Session, session_id)
    return session if session is not None and session.structure_id == structure_id else None


async def series_of(db: AsyncSession, structure_id: UUID, series_id: UUID) -> SessionSeries | None:
    series = await db.get(SessionSeries, series_id)
    return series if series is not None and series.structure_id == structure_id else None


async def choices(db: AsyncSession, structure_id: UUID) -> tuple[list[Workshop], list[Place]]:
    """The workshops and places a new session may take: the structure's own, not archived."""
    workshops = await db.scalars(
        select(Workshop)
        .where(Workshop.structure_id == structure_id, Workshop.archived.is_(False))
        .order_by(Workshop.title)
    )
    places = await db.scalars(
        select(Place)
        .where(Place.structure_id == structure_id, Place.archived.is_(False))
        .order_by(Place.name)
    )
    return list(workshops), list(places)


@dataclass(frozen=True)
class Upcoming:
    sessions: list[Session]
    total: int


async def upcoming(
    db: AsyncSession,
    structure_id: UUID,
    *,
    limit: int,
    offset: int = 0,
    now: datetime | None = None,
) -> Upcoming:
    """The structure's sessions not yet over, cancelled ones included, soonest first."""
    where = (Session.structure_id == structure_id, Session.ends_at > _now(now))
    total = await db.scalar(select(func.count()).select_from(Session).where(*where)) or 0
    found = await db.scalars(
        select(Session).where(*where).order_by(Session.starts_at).limit(limit).offset(offset)
    )
    return Upcoming(list(found.unique()), total)
