"""`parcours stats refresh`: bring the published statistics up to date.

Summary tables refreshed by a job, not computed per page: secrecy looks at every cell of a
period at once (a cell hidden in one table must stay hidden in every other), so it is decided
here, once per change, and pages only read the result (`stat_cell`). A refresh reads what
changed since the last one (diagnostics, pathway steps, bookings, sessions, badges and
people's records whose ``updated_at`` is later), rebuilds those people's rows in
`stat_subject` and `stat_badge`, recounts the départements they live in and decides secrecy
again for the upper levels and those départements (:mod:`.cube`). ``full`` starts from
nothing (after an erasure, say: the erased person's row is gone with them, and the next full
refresh recounts their département).
"""

from __future__ import annotations

import gc
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from typing import Any, ParamSpec, TypeVar
from uuid import UUID

from sqlalchemy import delete, func, insert, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models import (
    Attendance,
    Booking,
    BookingStatus,
    Credential,
    Diagnostic,
    DiagnosticStatus,
    Pathway,
    PathwayStep,
    Person,
    Place,
    Session,
    StatBadge,
    StatCell,
    StatRaw,
    StatState,
    StatSubject,
    StepStatus,
)
from app.features.statistics.cube import Cell, Stage, decide, lower_stage, upper_stage
from app.features.statistics.indicators import (
    REPEAT,
    TOTAL,
    Fact,
    Indicator,
    Kind,
    badge_cells,
    badge_column,
    columns_of,
    fact_of,
    specs,
)
from app.features.statistics.territory import Level, Territory, territory, tree
from app.territories import communes
from app.when import from_paris, in_paris

STATE_ID = 1
CHUNK = 2000
PAGE = 20000  # diagnostics read at once by a full refresh


P = ParamSpec("P")
T = TypeVar("T")


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Counting and secrecy build millions of small tuples that all live until the cells are
    written; each cyclic collection would walk every one of them again (it made building a
    département's relations six to fifteen times slower). Only around work that does not
    wait on the database, so that nothing else in the process runs meanwhile."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _without_cycle_collection(work: Callable[P, T]) -> Callable[P, T]:
    def run(*args: P.args, **kwargs: P.kwargs) -> T:
        with _no_cycle_collection():
            return work(*args, **kwargs)

    return run


@dataclass
class Refreshed:
    subjects: int = 0  # people rows rebuilt
    badge_holders: int = 0  # rows of people with badges rebuilt
    departements: int = 0  # départements recounted (all periods)
    cells: int = 0  # territory rows written
    periods: list[int] = field(default_factory=list)


def year_of(moment: datetime) -> int:
    return in_paris(moment).year


def _key(indicator: str, column: str) -> str:
    return f"{indicator}|{column}"


def _unkey(key: str) -> tuple[str, str]:
    indicator, column = key.split("|", 1)
    return indicator, column


# --- people rows ---------------------------------------------------------------------------


def _fact_row(
    key: tuple[int, UUID], latest: Any, count: int, commune: str | None, fact: Fact
) -> dict[str, Any]:
    year, subject = key
    known = communes().get(commune or "")
    return {
        "year": year,
        "subject": subject,
        "diagnostic_id": latest.id,
        "person_id": latest.person_id,
        "diagnostics": count,
        "departement": known.departement if known else None,
        "commune": known.insee if known else None,
        "age_band": fact.age_band,
        "frequency": fact.frequency,
        "equipment": " ".join(fact.equipment),
        "profile": fact.profile,
        "levels": fact.levels,
        "needs": " ".join(fact.needs),
        "autonomy": fact.autonomy,
        "pathway": " ".join(fact.pathway),
    }


def pathway_state(statuses: Iterable[str]) -> tuple[str, ...]:
    """« started » once a step is booked or done; « completed » once every step kept is done."""
    kept = [s for s in statuses if s != StepStatus.DROPPED]
    started = any(s in (StepStatus.BOOKED, StepStatus.DONE) for s in kept)
    completed = bool(kept) and all(s == StepStatus.DONE for s in kept)
    return tuple(name for name, yes in (("started", started), ("completed", completed)) if yes)


_DIAGNOSTIC_COLUMNS = (
    Diagnostic.id,
    Diagnostic.person_id,
    Diagnostic.supersedes_id,
    Diagnostic.context,
    Diagnostic.result,
    Diagnostic.goals,
    Diagnostic.completed_at,
    Diagnostic.created_at,
)


# What a person's row is made of, once their latest diagnostic is known.
_ANSWER_COLUMNS = (
    Diagnostic.id,
    Diagnostic.person_id,
    Diagnostic.context,
    Diagnostic.result,
    Diagnostic.goals,
)


async def _steps(db: AsyncSession, diagnostic_ids: Sequence[UUID] | None) -> dict[UUID, list[str]]:
    query = select(Pathway.diagnostic_id, PathwayStep.status).join(
        PathwayStep, PathwayStep.pathway_id == Pathway.id
    )
    found: dict[UUID, list[str]] = defaultdict(list)
    chunks: Iterable[Sequence[UUID] | None] = (
        [None]
        if diagnostic_ids is None
        else [diagnostic_ids[i : i + CHUNK] for i in range(0, len(diagnostic_ids), CHUNK)]
    )
    for chunk in chunks:
        q = query if chunk is None else query.where(Pathway.diagnostic_id.in_(chunk))
        for diagnostic_id, status in await db.execute(q):
            found[diagnostic_id].append(status)
    return found


Key = tuple[int, UUID]  # (year, subject)
# Per year, per département, per commune: how many people count in each (indicator, column).
Counted = dict[int, dict[str, dict[str, Counter[tuple[str, str]]]]]


@_without_cycle_collection
def _latest(rows: Iterable[Any]) -> tuple[dict[Key, Any], Counter[Key]]:
    """Per person (or anonymous diagnostic) and year: the latest diagnostic that no
    correction replaced, and how many diagnostics they made that year."""
    rows = list(rows)
    corrected = {row.id: row.supersedes_id for row in rows if row.supersedes_id is not None}
    replaced = set(corrected.values())
    latest: dict[Key, Any] = {}
    count: Counter[Key] = Counter()
    for row in rows:
        if row.id in replaced:
            continue
        moment = row.completed_at or row.created_at
        key = (year_of(moment), row.person_id or _first_version(row.id, corrected))
        count[key] += 1
        best = latest.get(key)
        if best is None or (best.completed_at or best.created_at, str(best.id)) < (
            moment,
            str(row.id),
        ):
            latest[key] = row
    return latest, count


def _first_version(diagnostic: UUID, corrected: Mapping[UUID, UUID]) -> UUID:
    """The form a chain of corrections started from: the one subject an unlinked form
    counts as, however many times it was corrected."""
    while diagnostic in corrected:
        diagnostic = corrected[diagnostic]
    return diagnostic


async def _correction_chains(db: AsyncSession, diagnostics: set[UUID]) -> set[UUID]:
    """Every version of these unlinked forms: what they corrected, and what corrected them,
    all the way (a refresh of what changed counts a chain from its first version)."""
    found, new = set(diagnostics), set(diagnostics)
    while new:
        step: set[UUID] = set()
        for chunk in _chunks(sorted(new)):
            linked = select(Diagnostic.id, Diagnostic.supersedes_id).where(
                or_(Diagnostic.id.in_(chunk), Diagnostic.supersedes_id.in_(chunk))
            )
            for row in await db.execute(linked):
                step |= {row.id} | ({row.supersedes_id} if row.supersedes_id else set())
        new = step - found
        found |= new
    return found


def _subject(
    key: Key, row: Any, count: int, steps: Mapping[UUID, list[str]]
) -> tuple[dict[str, Any], Fact]:
    fact = fact_of(
        row.context or {}, row.result, row.goals or {}, pathway_state(steps.get(row.id, ()))
    )
    return _fact_row(key, row, count, _commune(row), fact), fact


def _subjects(rows: Iterable[Any], steps: Mapping[UUID, list[str]]) -> list[dict[str, Any]]:
    """One row per person (or anonymous diagnostic) and year: the latest diagnostic that no
    correction replaced, and how many diagnostics they made that year."""
    latest, count = _latest(rows)
    return [_subject(key, row, count[key], steps)[0] for key, row in latest.items()]


def _commune(row: Any) -> str | None:
    value = (row.context or {}).get("commune")
    return value if isinstance(value, str) else None


def count_subject(counts: Counter[tuple[str, str]], fact: Fact, diagnostics: int) -> None:
    """Add one person to their commune's counts (the one place a person is counted)."""
    counts.update(columns_of(fact))
    counts[(Indicator.PEOPLE, REPEAT)] += diagnostics - 1


def _fact_of_row(row: Mapping[Any, Any]) -> Fact:
    """A `stat_subject` row read back as the person it counts."""
    return Fact(
        age_band=row["age_band"],
        frequency=row["frequency"],
        equipment=tuple(row["equipment"].split()),
        profile=row["profile"],
        levels=row["levels"],
        needs=tuple(row["needs"].split()),
        autonomy=row["autonomy"],
        pathway=tuple(row["pathway"].split()),
    )


@_without_cycle_collection
def _count_page(
    page: Sequence[Any],
    chosen: Mapping[UUID, Key],
    count: Counter[Key],
    steps: Mapping[UUID, list[str]],
    *,
    counted: Counted,
    dirty: set[tuple[int, str]],
) -> list[dict[str, Any]]:
    """The people rows of a page of diagnostics (the latest of each person only), counted
    per commune as :func:`commune_counts` would count them read back."""
    built = []
    for row in page:
        key = chosen.get(row.id)
        if key is None:
            continue
        subject, fact = _subject(key, row, count[key], steps)
        built.append(subject)
        if subject["departement"] is not None:
            dirty.add((subject["year"], subject["departement"]))
            counts = counted[subject["year"]][subject["departement"]][subject["commune"]]
            count_subject(counts, fact, subject["diagnostics"])
    return built


async def _rebuild_all(
    db: AsyncSession, completed: Any
) -> tuple[int, set[tuple[int, str]], Counted]:
    """Every people row again, read in pages (a million diagnostics do not fit in memory at
    once with their answers), counted per commune as they are written."""
    light = (
        await db.execute(
            select(
                Diagnostic.id,
                Diagnostic.person_id,
                Diagnostic.supersedes_id,
                Diagnostic.completed_at,
                Diagnostic.created_at,
            ).where(completed)
        )
    ).all()
    latest, count = _latest(light)
    chosen = {row.id: key for key, row in latest.items()}
    del light, latest
    steps = await _steps(db, None)
    counted: Counted = defaultdict(lambda: defaultdict(lambda: defaultdict(Counter)))
    dirty: set[tuple[int, str]] = set()
    written = 0
    after: UUID | None = None
    while True:
        query = select(*_ANSWER_COLUMNS).where(completed).order_by(Diagnostic.id).limit(PAGE)
        if after is not None:
            query = query.where(Diagnostic.id > after)
        page = (await db.execute(query)).all()
        if not page:
            break
        after = page[-1].id
        built = _count_page(page, chosen, count, steps, counted=counted, dirty=dirty)
        await _insert_rows(db, StatSubject, built)
        written += len(built)
    return written, dirty, counted


async def _rebuild_subjects(
    db: AsyncSession, since: datetime | None
) -> tuple[int, set[tuple[int, str]], set[UUID], Counted | None]:
    """Rebuild the people rows touched since ``since`` (all when None); the (year,
    département) they were or are counted in, the people followed by a structure among them
    (none listed when all were rebuilt) and, when all were rebuilt, their counts."""
    completed = Diagnostic.status == DiagnosticStatus.COMPLETED
    dirty: set[tuple[int, str]] = set()
    people: set[UUID] = set()
    if since is None:
        for year, dep in await db.execute(
            select(StatSubject.year, StatSubject.departement).distinct()
        ):
            if dep is not None:
                dirty.add((year, dep))
        await db.execute(delete(StatSubject))
        written, more, counted = await _rebuild_all(db, completed)
        return written, dirty | more, people, counted
    changed = select(Diagnostic.id, Diagnostic.person_id, Diagnostic.supersedes_id).where(
        completed, Diagnostic.updated_at > since
    )
    stepped = (
        select(Diagnostic.id, Diagnostic.person_id, Diagnostic.supersedes_id)
        .join(Pathway, Pathway.diagnostic_id == Diagnostic.id)
        .join(PathwayStep, PathwayStep.pathway_id == Pathway.id)
        .where(completed, PathwayStep.updated_at > since)
    )
    anonymous: set[UUID] = set()
    for row in [*(await db.execute(changed)), *(await db.execute(stepped))]:
        if row.person_id is not None:
            people.add(row.person_id)
        else:
            anonymous.add(row.id)
    subjects = [*people, *await _correction_chains(db, anonymous)]
    for i in range(0, len(subjects), CHUNK):
        chunk = subjects[i : i + CHUNK]
        old = select(StatSubject.year, StatSubject.departement).where(
            StatSubject.subject.in_(chunk)
        )
        dirty |= {(y, d) for y, d in await db.execute(old) if d is not None}
        await db.execute(delete(StatSubject).where(StatSubject.subject.in_(chunk)))
    rows: list[Any] = []
    for i in range(0, len(subjects), CHUNK):
        chunk = subjects[i : i + CHUNK]
        rows += (
            await db.execute(
                select(*_DIAGNOSTIC_COLUMNS).where(
                    completed,
                    or_(
                        Diagnostic.person_id.in_(chunk),
                        Diagnostic.id.in_(chunk),
                        Diagnostic.supersedes_id.in_(chunk),
                    ),
                )
            )
        ).all()
    steps = await _steps(db, [row.id for row in rows])
    built = _subjects(rows, steps)
    await _insert_rows(db, StatSubject, built)
    dirty |= {(row["year"], row["departement"]) for row in built if row["departement"]}
    return len(built), dirty, people, None


# --- badges --------------------------------------------------------------------------------


def _chunks(items: Sequence[UUID]) -> Iterable[Sequence[UUID]]:
    return (items[i : i + CHUNK] for i in range(0, len(items), CHUNK))


async def _homes(db: AsyncSession, people: Sequence[UUID]) -> dict[UUID, str]:
    """Where each person counts: the commune of their record, else the one their latest
    diagnostic gives (as their other statistics count them there)."""
    found: dict[UUID, str] = {}
    for chunk in _chunks(people):
        records = select(Person.id, Person.commune_insee).where(
            Person.id.in_(chunk), Person.commune_insee.is_not(None)
        )
        for person_id, commune in await db.execute(records):
            found[person_id] = commune or ""
    missing = [person_id for person_id in people if person_id not in found]
    for chunk in _chunks(missing):
        latest: dict[UUID, tuple[int, str]] = {}
        diagnosed = select(StatSubject.person_id, StatSubject.year, StatSubject.commune).where(
            StatSubject.person_id.in_(chunk), StatSubject.commune.is_not(None)
        )
        for person_id, year, commune in await db.execute(diagnosed):
            if person_id not in latest or latest[person_id][0] < year:
                latest[person_id] = (year, commune)
        found |= {person_id: commune for person_id, (_year, commune) in latest.items()}
    return found


_LIVE_BADGE = (Credential.person_id.is_not(None), Credential.revoked_at.is_(None))
_BADGE_COLUMNS = (
    Credential.person_id,
    Credential.issued_at,
    Credential.achievement,
    Credential.competence,
)


async def _badge_rows(db: AsyncSession, credentials: Sequence[Any]) -> list[dict[str, Any]]:
    """One row per person and year of issuance, with the columns their badges fill."""
    columns: dict[tuple[int, UUID], set[str]] = defaultdict(set)
    for row in credentials:
        found = columns[(year_of(row.issued_at), row.person_id)]
        column = badge_column(row.achievement, row.competence)
        if column is not None:
            found.add(column)
    homes = await _homes(db, sorted({person_id for _year, person_id in columns}))
    known = communes()
    rows = []
    for (year, person_id), codes in columns.items():
        commune = known.get(homes.get(person_id, ""))
        rows.append(
            {
                "year": year,
                "person_id": person_id,
                "departement": commune.departement if commune else None,
                "commune": commune.insee if commune else None,
                "badges": " ".join(sorted(codes)),
            }
        )
    return rows


async def _rebuild_badges(
    db: AsyncSession, since: datetime | None, touched: set[UUID]
) -> tuple[int, set[tuple[int, str]]]:
    """Rebuild the rows of the people whose badges were issued or revoked, whose record
    changed or whose diagnostics were recounted (``touched``) since ``since`` (everyone when
    None); the (year, département) they were or are counted in."""
    dirty: set[tuple[int, str]] = set()
    if since is None:
        old = select(StatBadge.year, StatBadge.departement).distinct()
        dirty |= {(y, d) for y, d in await db.execute(old) if d is not None}
        await db.execute(delete(StatBadge))
        credentials = (await db.execute(select(*_BADGE_COLUMNS).where(*_LIVE_BADGE))).all()
    else:
        changed = select(Credential.person_id).where(
            Credential.updated_at > since, Credential.person_id.is_not(None)
        )
        moved = (
            select(Credential.person_id)
            .join(Person, Person.id == Credential.person_id)
            .where(Person.updated_at > since)
        )
        people = set(touched)
        for query in (changed, moved):
            people |= set(await db.scalars(query.distinct()))
        credentials = []
        for chunk in _chunks(sorted(people)):
            old = select(StatBadge.year, StatBadge.departement).where(
                StatBadge.person_id.in_(chunk)
            )
            dirty |= {(y, d) for y, d in await db.execute(old) if d is not None}
            await db.execute(delete(StatBadge).where(StatBadge.person_id.in_(chunk)))
            live = select(*_BADGE_COLUMNS).where(*_LIVE_BADGE, Credential.person_id.in_(chunk))
            credentials += (await db.execute(live)).all()
    built = await _badge_rows(db, credentials)
    await _insert_rows(db, StatBadge, built)
    dirty |= {(row["year"], row["departement"]) for row in built if row["departement"]}
    return len(built), dirty


# --- offer and bookings --------------------------------------------------------------------


async def _offer_dirty(db: AsyncSession, since: datetime | None) -> set[tuple[int, str]]:
    known = communes()
    query = select(Session.starts_at, Place.commune_insee).join(Place, Place.id == Session.place_id)
    if since is not None:
        booked = select(Booking.session_id).where(Booking.updated_at > since)
        query = query.where(or_(Session.updated_at > since, Session.id.in_(booked)))
    found = set()
    for starts_at, commune in await db.execute(query.distinct()):
        if commune in known:
            found.add((year_of(starts_at), known[commune].departement))
    if since is not None:
        # Every year counts the places open now: a place added, changed or archived changes
        # its département's offer in every year it is published for.
        changed = select(Place.commune_insee).where(Place.updated_at > since).distinct()
        departements = {known[c].departement for (c,) in await db.execute(changed) if c in known}
        if departements:
            published = select(StatRaw.year, StatRaw.departement).where(
                StatRaw.departement.in_(sorted(departements))
            )
            found |= {(year, dep) for year, dep in await db.execute(published)}
    return found


@cache
def _communes_by_departement() -> Mapping[str, list[str]]:
    found: dict[str, list[str]] = defaultdict(list)
    for commune in communes().values():
        found[commune.departement].append(commune.insee)
    return found


def _year_bounds(year: int) -> tuple[datetime, datetime]:
    return from_paris(datetime(year, 1, 1)), from_paris(datetime(year + 1, 1, 1))


def _people_booked(rows: Iterable[Any]) -> dict[str, dict[str, set[str]]]:
    """Per commune, the people in each column of the bookings (each one once)."""
    seen: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for commune, person_id, holder, status, attendance in rows:
        who = str(person_id) if person_id is not None else f"h:{holder}"
        columns = seen[commune]
        columns[TOTAL].add(who)
        if status == BookingStatus.CONFIRMED:
            columns["seats_filled"].add(who)
        else:
            columns["waiting"].add(who)
        if attendance == Attendance.SEEN:
            columns["seen"].add(who)
        elif attendance == Attendance.NOSHOW:
            columns["noshow"].add(who)
    return seen


async def _offer_counts(
    db: AsyncSession, year: int, departements: Collection[str], *, whole_year: bool = False
) -> dict[str, dict[str, Counter[tuple[str, str]]]]:
    """Per département, per commune of a place: the offer (exact) and the people booked
    (distinct per column). Read by the départements' communes, or for a full refresh by
    reading the year's offer once (a hundred départements, three queries each, otherwise)."""
    known = communes()
    start, end = _year_bounds(year)
    found: dict[str, dict[str, Counter[tuple[str, str]]]] = {
        dep: defaultdict(Counter) for dep in departements
    }
    chunks: list[list[str] | None] = [None]
    if not whole_year:
        by_departement = _communes_by_departement()
        inside = [c for dep in sorted(departements) for c in by_departement.get(dep, [])]
        chunks = [inside[i : i + CHUNK] for i in range(0, len(inside), CHUNK)]

    def counts(commune: str) -> Counter[tuple[str, str]] | None:
        where = known.get(commune)
        if where is None or where.departement not in found:
            return None
        return found[where.departement][commune]

    for chunk in chunks:
        places = select(Place.commune_insee, func.count()).where(Place.archived.is_(False))
        sessions = (
            select(Place.commune_insee, func.count(), func.sum(Session.capacity))
            .join(Place, Place.id == Session.place_id)
            .where(
                Session.starts_at >= start,
                Session.starts_at < end,
                Session.cancelled_at.is_(None),
            )
        )
        bookings = (
            select(
                Place.commune_insee,
                Booking.person_id,
                Booking.holder,
                Booking.status,
                Booking.attendance,
            )
            .join(Session, Session.id == Booking.session_id)
            .join(Place, Place.id == Session.place_id)
            .where(
                Session.starts_at >= start,
                Session.starts_at < end,
                Booking.status != BookingStatus.CANCELLED,
            )
        )
        if chunk is not None:
            places = places.where(Place.commune_insee.in_(chunk))
            sessions = sessions.where(Place.commune_insee.in_(chunk))
            bookings = bookings.where(Place.commune_insee.in_(chunk))
        for commune, n in await db.execute(places.group_by(Place.commune_insee)):
            if (found_here := counts(commune)) is not None:
                found_here[(Indicator.OFFER, "places")] += n
        for commune, n, seats in await db.execute(sessions.group_by(Place.commune_insee)):
            if (found_here := counts(commune)) is not None:
                found_here[(Indicator.OFFER, "sessions")] += n
                found_here[(Indicator.OFFER, "seats")] += int(seats or 0)
        for commune, columns in _people_booked(await db.execute(bookings)).items():
            if (found_here := counts(commune)) is not None:
                for column, people in columns.items():
                    found_here[(Indicator.BOOKINGS, column)] += len(people)
    return found


# --- counting and publishing ---------------------------------------------------------------


_SUBJECT_COLUMNS = (
    StatSubject.commune,
    StatSubject.diagnostics,
    StatSubject.age_band,
    StatSubject.frequency,
    StatSubject.equipment,
    StatSubject.profile,
    StatSubject.levels,
    StatSubject.needs,
    StatSubject.autonomy,
    StatSubject.pathway,
)


async def commune_counts(
    db: AsyncSession,
    year: int,
    departement: str,
    counted: Mapping[str, Counter[tuple[str, str]]] | None = None,
    offer: dict[str, Counter[tuple[str, str]]] | None = None,
) -> dict[str, Counter[tuple[str, str]]]:
    """Per commune of the département, how many people count in each cell (and the offer):
    those described by their diagnostics, and those who received badges. ``counted``: the
    former, already counted while their rows were written (a full refresh), instead of reading
    their rows back; ``offer``: its offer, already read."""
    found = (
        offer if offer is not None else (await _offer_counts(db, year, [departement]))[departement]
    )
    if counted is not None:
        for commune, counts in counted.items():
            found[commune].update(counts)
    else:
        query = select(*_SUBJECT_COLUMNS).where(
            StatSubject.year == year, StatSubject.departement == departement
        )
        for row in await db.execute(query):
            count_subject(found[row.commune], _fact_of_row(row._mapping), row.diagnostics)
    holders = select(StatBadge.commune, StatBadge.badges).where(
        StatBadge.year == year, StatBadge.departement == departement
    )
    for commune, badges in await db.execute(holders):
        found[commune].update(badge_cells(badges.split()))
    return found


def _total(by_commune: Mapping[str, Counter[tuple[str, str]]]) -> Counter[tuple[str, str]]:
    total: Counter[tuple[str, str]] = Counter()
    for counts in by_commune.values():
        total.update(counts)
    return total


def _publish(
    values: Mapping[Cell, int], secret: set[Cell], nodes: Iterable[Territory], year: int
) -> list[dict[str, Any]]:
    """The `stat_cell` rows of these territories: secret cells as null, the hidden
    complements left out."""
    by_node: dict[tuple[str, str], dict[str, dict[str, int | None]]] = defaultdict(
        lambda: defaultdict(dict)
    )
    for key, value in values.items():
        level, code, indicator, column = key
        if column.startswith("not:"):
            continue
        by_node[(level, code)][indicator][column] = None if key in secret else value
    rows: list[Any] = []
    every = specs().values()
    for node in nodes:
        cells = by_node.get((node.level.value, node.code))
        if not cells:
            continue
        where = _where(node)
        people = cells.get(Indicator.PEOPLE, {})
        total, repeat = people.get(TOTAL), people.get(REPEAT)
        if repeat is None and values.get(_node_cell(node, REPEAT)) == 0:
            repeat = 0  # nobody made a second diagnostic: the count of diagnostics is the total
        for spec in every:
            found = cells.get(spec.indicator)
            if found is None and spec.kind != Kind.EXACT:
                continue
            row_cells: dict[str, int | None] = {
                code: (found or {}).get(code, 0 if spec.kind == Kind.EXACT else None)
                for code in spec.codes
            }
            if spec.indicator == Indicator.PEOPLE:
                row_cells = {
                    TOTAL: total,
                    "diagnostics": None if total is None or repeat is None else total + repeat,
                }
            elif spec.kind != Kind.EXACT:
                row_cells[TOTAL] = cells.get(spec.total, {}).get(TOTAL)
            rows.append({"year": year, "indicator": spec.indicator, **where, "cells": row_cells})
    return rows


def _node_cell(node: Territory, column: str) -> Cell:
    return (node.level.value, node.code, Indicator.PEOPLE, column)


def _where(node: Territory) -> dict[str, Any]:
    """Where a territory's rows are filed: its level, code, parent, département and région."""
    region = None
    if node.level == Level.REGION:
        region = node.code
    elif node.departement is not None:
        region = territory(Level.DEPARTEMENT, node.departement).parent
    return {
        "level": node.level.value,
        "code": node.code,
        "parent": node.parent,
        "departement": node.departement,
        "region": region,
    }


def _exact(stage: Stage) -> set[Cell]:
    """The offer is public: its cells take no part in secrecy."""
    return {key for key in stage.values if key[2] == Indicator.OFFER}


@dataclass
class _Lower:
    """A département's EPCI and communes as decided for one set of its own secret cells."""

    fixed: frozenset[Cell]  # the département's cells the upper stage left secret
    rows: list[dict[str, Any]]  # what to publish
    cells: int
    to_raise: set[Cell]


async def _refresh_year(
    db: AsyncSession,
    year: int,
    recount: set[str],
    done: Refreshed,
    counted: Mapping[str, Mapping[str, Counter[tuple[str, str]]]] | None = None,
) -> None:
    raws = {
        raw.departement: raw
        for raw in await db.scalars(select(StatRaw).where(StatRaw.year == year))
    }
    leaves: dict[str, dict[str, Counter[tuple[str, str]]]] = {}
    offers = {} if counted is None else await _offer_counts(db, year, recount, whole_year=True)
    for dep in sorted(recount):
        leaves[dep] = await commune_counts(
            db, year, dep, None if counted is None else counted.get(dep, {}), offers.pop(dep, None)
        )
        counts = {_key(*k): v for k, v in _total(leaves[dep]).items() if v}
        raw = raws.get(dep)
        if raw is None:
            raw = StatRaw(year=year, departement=dep, counts=counts, forced=[])
            db.add(raw)
            raws[dep] = raw
        else:
            raw.counts, raw.forced = counts, []
    previous = await _departement_secrets(db, year)
    # A département decided again with the same secret cells of its own decides the same:
    # when the upper stage runs again, only those whose cells changed are recomputed.
    decided: dict[str, _Lower] = {}
    while True:
        with _no_cycle_collection():
            upper = upper_stage(
                {dep: {_unkey(k): v for k, v in raw.counts.items()} for dep, raw in raws.items()}
            )
            forced: dict[Cell, bool] = {
                tuple(cell): True for raw in raws.values() for cell in raw.forced
            }
            upper_secret, _ = decide(upper, forced)
            upper_secret -= _exact(upper)
        secrets = _by_departement(upper_secret, raws)
        redo = sorted(dep for dep in raws if dep in recount or secrets[dep] != previous.get(dep))
        raised = False
        lowers: dict[str, _Lower] = {}
        for dep in redo:
            if dep not in leaves:
                leaves[dep] = await commune_counts(db, year, dep)
            lowers[dep] = _lower(year, dep, leaves[dep], upper_secret, decided.get(dep))
            decided[dep] = lowers[dep]
            if lowers[dep].to_raise:
                raws[dep].forced = sorted(
                    [*raws[dep].forced, *(list(k) for k in lowers[dep].to_raise)]
                )
                raised = True
        if not raised:
            break
    await _write_upper(db, year, upper, upper_secret)
    for dep, lower in lowers.items():
        await _write_lower(db, year, dep, lower.rows)
        done.cells += lower.cells
    done.departements += len(recount)


@_without_cycle_collection
def _lower(
    year: int,
    departement: str,
    leaves: Mapping[str, Counter[tuple[str, str]]],
    upper_secret: set[Cell],
    before: _Lower | None,
) -> _Lower:
    """Secrecy for a département's EPCI and communes, its own cells fixed as the upper stage
    decided them (``before`` when they are the same as then)."""
    lower = lower_stage(departement, leaves)
    own: list[Cell] = []
    exact: set[Cell] = set()  # the offer is public: its cells take no part in secrecy
    for key in lower.values:
        if key[2] == Indicator.OFFER:
            exact.add(key)
        elif key[0] == Level.DEPARTEMENT:
            own.append(key)
    fixed = {key: key in upper_secret for key in own}
    hidden = frozenset(key for key, is_secret in fixed.items() if is_secret)
    if before is not None and before.fixed == hidden and not before.to_raise:
        return before
    lower_secret, to_raise = decide(lower, fixed)
    secret = lower_secret - exact
    nodes = sorted(lower.nodes[1:], key=lambda t: t.code)
    return _Lower(hidden, _publish(lower.values, secret, nodes, year), len(lower.values), to_raise)


async def _departement_secrets(db: AsyncSession, year: int) -> dict[str, frozenset[str]]:
    found: dict[str, frozenset[str]] = {}
    query = select(StatCell.code, StatCell.indicator, StatCell.cells).where(
        StatCell.year == year, StatCell.level == Level.DEPARTEMENT
    )
    pending: dict[str, set[str]] = defaultdict(set)
    for code, indicator, cells in await db.execute(query):
        described = specs()[Indicator(indicator)]
        own = {*described.codes, TOTAL} if described.total == described.indicator else set()
        pending[code] |= {
            f"{indicator}|{c}"
            for c, v in cells.items()
            if v is None and (c in described.codes or c in own)
        }
    for code, cells in pending.items():
        found[code] = frozenset(cells)
    return found


def _by_departement(secret: set[Cell], raws: Mapping[str, Any]) -> dict[str, frozenset[str]]:
    found: dict[str, set[str]] = {dep: set() for dep in raws}
    for level, code, indicator, column in secret:
        shown = not column.startswith("not:") and column != REPEAT
        if level == Level.DEPARTEMENT and shown and code in found:
            found[code].add(f"{indicator}|{column}")
    return {dep: frozenset(cells) for dep, cells in found.items()}


async def _write_upper(db: AsyncSession, year: int, stage: Stage, secret: set[Cell]) -> None:
    await db.execute(
        delete(StatCell).where(
            StatCell.year == year,
            StatCell.level.in_([Level.FRANCE, Level.REGION, Level.DEPARTEMENT]),
        )
    )
    nodes = sorted(stage.nodes, key=lambda t: (t.level, t.code))
    await _insert_rows(db, StatCell, _publish(stage.values, secret, nodes, year))


async def _write_lower(
    db: AsyncSession, year: int, departement: str, rows: list[dict[str, Any]]
) -> None:
    await db.execute(
        delete(StatCell).where(
            StatCell.year == year,
            StatCell.departement == departement,
            StatCell.level.in_([Level.EPCI, Level.COMMUNE]),
        )
    )
    await _insert_rows(db, StatCell, rows)


async def _insert_rows(db: AsyncSession, model: Any, rows: list[dict[str, Any]]) -> None:
    """Many rows at once, straight into the table: a full refresh writes about half a
    million of them, and the ORM's bookkeeping would cost more than the writing."""
    for i in range(0, len(rows), CHUNK):
        await db.execute(insert(model.__table__), rows[i : i + CHUNK])


async def refresh(db: AsyncSession, full: bool = False, now: datetime | None = None) -> Refreshed:
    """Count what changed since the last refresh (everything when ``full``), decide secrecy,
    write the published cells, and commit."""
    moment = now or datetime.now(UTC)
    state = await db.get(StatState, STATE_ID)
    if state is None:
        state = StatState(id=STATE_ID)
        db.add(state)
        full = True
    since = None if full else state.watermark
    done = Refreshed()
    done.subjects, dirty, touched, counted = await _rebuild_subjects(db, since)
    done.badge_holders, badged = await _rebuild_badges(db, since, touched)
    dirty |= badged
    dirty |= await _offer_dirty(db, since)
    if since is None:
        await db.execute(delete(StatCell))
        await db.execute(delete(StatRaw))
    tree()  # loaded once, outside the loop
    by_year: dict[int, set[str]] = defaultdict(set)
    for year, dep in dirty:
        by_year[year].add(dep)
    for year in sorted(by_year):
        await _refresh_year(
            db, year, by_year[year], done, None if counted is None else counted.get(year, {})
        )
    done.periods = sorted(by_year)
    state.watermark = moment
    state.refreshed_at = moment
    await db.commit()
    return done
