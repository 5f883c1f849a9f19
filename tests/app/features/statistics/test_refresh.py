"""A full refresh publishes exactly what a refresh of what changed publishes when everything
changed, whatever the data: people coming back, corrections of corrections, pathway steps,
sessions and bookings, over eight départements and two years, on SQLite and PostgreSQL. The
full refresh counts people as it writes their rows and reads the offer of a whole year at
once; a refresh of what changed reads the people's rows back and the offer commune by
commune: both must agree on every cell, and on each département's unpublished counts."""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.db.migrate import upgrade
from app.db.models import (
    Attendance,
    Booking,
    BookingStatus,
    Channel,
    Consent,
    Diagnostic,
    DiagnosticStatus,
    PathwayStep,
    Person,
    Place,
    StatCell,
    StatRaw,
    StatState,
    StepStatus,
)
from app.features.statistics import refresh
from tests.app.conftest import Backend, empty_database
from tests.app.features.finding import offer
from tests.app.pathway_rows import pathway_with_a_step

# Eight départements in six régions; three communes of the Cher, two of them tiny.
COMMUNES = (
    "18033",
    "18054",
    "18027",
    "36001",
    "03098",
    "75056",
    "69123",
    "13055",
    "33063",
    "59350",
)
AGES = ("vingt_cinq_trente_neuf", "soixante_dix_plus", "moins_de_douze")
NEEDS = ("caf", "sante", "proches", "france_travail")
YEARS = (2025, 2026)
PEOPLE = 3
LONG_AGO = datetime(2000, 1, 1, tzinfo=UTC)

anonymous = st.tuples(
    st.just("anonymous"),
    st.sampled_from(COMMUNES),
    st.sampled_from(AGES),
    st.sets(st.sampled_from(NEEDS), max_size=2),
    st.sampled_from(YEARS),
    st.integers(1, 24),  # how many alike: enough for some cells to be published
)
of_person = st.tuples(
    st.just("person"),
    st.integers(0, PEOPLE - 1),
    st.sampled_from(COMMUNES),
    st.sampled_from(AGES),
    st.sets(st.sampled_from(NEEDS), max_size=2),
    st.sampled_from(YEARS),
)
correction = st.tuples(st.just("correct"), st.integers(0, 99), st.sampled_from(AGES))
step = st.tuples(st.just("step"), st.integers(0, 99), st.sampled_from(list(StepStatus)))
booking = st.tuples(
    st.just("booking"),
    st.sampled_from(COMMUNES),
    st.sampled_from(YEARS),
    st.integers(0, PEOPLE),  # PEOPLE: someone without a record
    st.sampled_from(list(BookingStatus)),
    st.sampled_from([Attendance.UNKNOWN, Attendance.SEEN, Attendance.NOSHOW]),
    st.integers(1, 14),  # how many booked alike: enough for some cells to be published
)
histories = st.lists(
    st.one_of(anonymous, of_person, correction, step, booking), min_size=1, max_size=16
)
# a place opened in a commune, or the commune's first place archived
place = st.tuples(st.just("place"), st.sampled_from(COMMUNES), st.booleans())
# the same, with places and refreshes of what changed between the actions
refreshed_histories = st.lists(
    st.one_of(anonymous, of_person, correction, step, booking, place, st.just(("refresh",))),
    min_size=1,
    max_size=20,
)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    settings = empty_database(request.param, Path(tmp_path_factory.mktemp("refresh")))
    upgrade(settings)
    return settings


def _diagnostic(
    commune: str, age: str, needs: set[str], when: datetime, person: Person | None
) -> Diagnostic:
    return Diagnostic(
        id=uuid.uuid4(),
        channel=Channel.PAPER,
        status=DiagnosticStatus.COMPLETED,
        referential_version="1",
        context={"commune": commune, "age_band": age, "needs": sorted(needs)},
        goals=dict.fromkeys(sorted(needs), "A2"),
        result={"profile": "debutant", "domains": [{"code": "E", "level": 1}]},
        person_id=None if person is None else person.id,
        structure_id=None if person is None else person.structure_id,
        completed_at=when,
        created_at=when,
    )


class History:
    """What one example writes, action by action."""

    def __init__(self, db: AsyncSession) -> None:
        self.db = db
        self.made: list[Diagnostic] = []
        self.corrected: set[uuid.UUID] = set()
        self.steps: dict[uuid.UUID, PathwayStep] = {}
        self.places: dict[str, uuid.UUID] = {}
        self.people: list[Person] = []
        self.clock = itertools.count(1)

    async def start(self) -> None:
        self.structure = await offer.structure(self.db)
        self.workshop = await offer.workshop(self.db, self.structure)
        for commune in COMMUNES:
            self.places[commune] = await offer.place(self.db, self.structure, commune)
        for _ in range(PEOPLE):
            person = Person(structure_id=self.structure, alias="x", commune_insee=COMMUNES[0])
            person.consents.append(Consent(text_version="1", given_at=datetime.now(UTC)))
            self.db.add(person)
            self.people.append(person)
        await self.db.flush()

    def _when(self, year: int) -> datetime:
        tick = next(self.clock)
        return datetime(year, 1 + tick % 12, 1 + tick % 28, 10, tick % 60, tzinfo=UTC)

    async def play(self, action: tuple[Any, ...]) -> None:
        kind, *rest = action
        if kind == "anonymous":
            commune, age, needs, year, alike = rest
            for _ in range(alike):
                self._add(_diagnostic(commune, age, needs, self._when(year), None))
        elif kind == "person":
            who, commune, age, needs, year = rest
            self._add(_diagnostic(commune, age, needs, self._when(year), self.people[who]))
        elif kind == "correct":
            await self._correct(*rest)
        elif kind == "step":
            await self._step(*rest)
        elif kind == "refresh":  # what changed so far, published as the nightly job does
            await self.db.commit()
            await refresh(self.db)
        elif kind == "place":
            commune, archive = rest
            if archive:
                opened = await self.db.get_one(Place, self.places[commune])
                opened.archived = True
            else:
                await offer.place(self.db, self.structure, commune)
        else:
            await self._book(*rest)

    def _add(self, diagnostic: Diagnostic) -> None:
        self.db.add(diagnostic)
        self.made.append(diagnostic)

    async def _correct(self, which: int, age: str) -> None:
        """A new version of a diagnostic no correction replaced yet (a correction too)."""
        open_ = [d for d in self.made if d.id not in self.corrected]
        if not open_:
            return
        old = open_[which % len(open_)]
        self.corrected.add(old.id)
        new = _diagnostic(
            old.context["commune"],
            age,
            set(old.context["needs"]),
            old.completed_at or old.created_at,
            None,
        )
        new.person_id, new.structure_id, new.supersedes_id = old.person_id, old.structure_id, old.id
        self._add(new)

    async def _step(self, which: int, status: StepStatus) -> None:
        if not self.made:
            return
        diagnostic = self.made[which % len(self.made)]
        found = self.steps.get(diagnostic.id)
        if found is not None:
            found.status = status
            return
        _, self.steps[diagnostic.id] = await pathway_with_a_step(
            self.db, diagnostic.id, diagnostic.person_id, "caf", status
        )

    async def _book(
        self,
        commune: str,
        year: int,
        who: int,
        status: BookingStatus,
        attendance: Attendance,
        alike: int,
    ) -> None:
        session = await offer.session(
            self.db, self.structure, self.workshop, self.places[commune], starts_at=self._when(year)
        )
        person = self.people[who] if who < PEOPLE else None
        for n in range(alike):
            mine = person if n == 0 else None
            self.db.add(
                Booking(
                    session_id=session,
                    person_id=None if mine is None else mine.id,
                    holder=f"person:{mine.id}" if mine else f"email:{uuid.uuid4().hex}@example.org",
                    status=status,
                    queued=next(self.clock),
                    attendance=attendance,
                )
            )


async def _published(db: AsyncSession) -> dict[Any, Any]:
    """Every published cell, and each département's counts (never published: they differ
    even where secrecy hides the difference)."""
    cells = {
        (r.year, r.indicator, r.level, r.code): r.cells for r in await db.scalars(select(StatCell))
    }
    raws = {
        (r.year, r.departement): (r.counts, r.forced) for r in await db.scalars(select(StatRaw))
    }
    return cells | raws


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(histories)
def test_a_full_refresh_publishes_what_counting_everything_again_does(
    database: Settings, history: list[tuple[Any, ...]]
) -> None:
    async def work(db: AsyncSession) -> tuple[dict[Any, Any], dict[Any, Any]]:
        played = History(db)
        await played.start()
        for action in history:
            await played.play(action)
        await db.commit()
        await refresh(db, full=True)
        full = await _published(db)
        state = await db.get(StatState, 1)
        assert state is not None
        state.watermark = LONG_AGO  # everything changed since
        await db.commit()
        await refresh(db)
        return full, await _published(db)

    full, everything_changed = Backend("refresh", database).run(work)
    assert full == everything_changed


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(refreshed_histories)
@example(  # twelve forms published; one corrected, published, its correction corrected again
    [
        ("anonymous", COMMUNES[0], AGES[0], {"caf"}, 2026, 12),
        ("refresh",),
        ("correct", 0, AGES[1]),
        ("refresh",),
        ("correct", 11, AGES[2]),
    ]
)
@example(  # a place opened after the people of its commune were published
    [
        ("anonymous", COMMUNES[0], AGES[0], {"caf"}, 2026, 12),
        ("refresh",),
        ("place", COMMUNES[0], False),
    ]
)
def test_refreshing_what_changed_as_it_comes_publishes_what_a_full_refresh_does(
    database: Settings, history: list[tuple[Any, ...]]
) -> None:
    """Refreshed between the actions (a form corrected after its first version was published,
    then corrected again, say), every count ends as a full refresh makes it, and every figure
    both publish is the same. Which cells are hidden may differ: hiding is decided again only
    where something changed, and cells hidden to protect others stay hidden (safe, not
    smallest)."""

    async def work(db: AsyncSession) -> tuple[dict[Any, Any], dict[Any, Any]]:
        played = History(db)
        await played.start()
        await db.commit()
        await refresh(db, full=True)
        for action in history:
            await played.play(action)
        await db.commit()
        await refresh(db)
        as_it_came = await _published(db)
        await refresh(db, full=True)
        return as_it_came, await _published(db)

    as_it_came, full = Backend("refresh", database).run(work)
    assert as_it_came.keys() == full.keys()
    for key, cells in full.items():
        if isinstance(cells, tuple):  # a département's counts (and the cells it forced)
            assert as_it_came[key][0] == cells[0], key
            continue
        both = {c for c, v in cells.items() if v is not None and as_it_came[key][c] is not None}
        assert {c: as_it_came[key][c] for c in both} == {c: cells[c] for c in both}, key
