"""What pages and exports ask: the published cells of territories, for an indicator and a
period. Reads `stat_cell` only (what :mod:`.refresh` decided may be published), so nothing
here can show a secret cell."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models import Role, StatCell, StatState, User
from app.features.statistics.indicators import TOTAL, Column, Indicator, Kind, spec
from app.features.statistics.refresh import STATE_ID
from app.features.statistics.territory import (
    Level,
    Territory,
    TerritoryError,
    contains,
    descendants,
    france,
    territory,
)

SUPPRESSED = "< 11"
MSG_PERIOD = "Période inconnue : choisissez une année (par exemple 2026)."
FIRST_YEAR = 2000
LAST_YEAR = 2100


class PeriodError(ValueError):
    """A period that is not one calendar year: periods never overlap, so that no two of them
    can be subtracted."""


def period(value: int | str) -> int:
    """The calendar year a page or the command line asked for; PeriodError otherwise."""
    text = str(value).strip()
    if not text.isdigit() or not FIRST_YEAR <= int(text) <= LAST_YEAR:
        raise PeriodError(MSG_PERIOD)
    return int(text)


@dataclass(frozen=True, slots=True)
class Cell:
    column: str
    count: int | None  # None: secret

    @property
    def shown(self) -> str:
        return SUPPRESSED if self.count is None else f"{self.count:,}".replace(",", "\u202f")


@dataclass(frozen=True, slots=True)
class Row:
    territory: Territory
    total: Cell
    cells: tuple[Cell, ...]
    diagnostics: int | None

    def cell(self, column: str) -> Cell:
        return next(c for c in self.cells if c.column == column)


@dataclass(frozen=True, slots=True)
class Table:
    indicator: Indicator
    period: int
    level: Level
    within: Territory
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    summary: Row
    refreshed_at: datetime | None


def _row(
    node: Territory, indicator: Indicator, found: StatCell | None, people: StatCell | None
) -> Row:
    """A territory's row; a territory nobody counts in has every cell secret (« < 11 »), as
    an empty cell must look like a small one. The offer is public: 0 is 0."""
    described = spec(indicator)
    cells = dict(found.cells) if found is not None else {}
    exact = described.kind == Kind.EXACT
    default = 0 if exact else None
    shown = tuple(Cell(code, cells.get(code, default)) for code in described.codes)
    people_cells = dict(people.cells) if people is not None else {}
    total = cells.get(TOTAL, people_cells.get(TOTAL)) if not exact else None
    return Row(node, Cell(TOTAL, total), shown, people_cells.get("diagnostics"))


async def _cells(
    db: AsyncSession, year: int, indicator: Indicator, nodes: Sequence[Territory]
) -> dict[tuple[str, str], StatCell]:
    """The stored rows of these territories (by level and code), read by their parents."""
    wanted = {(n.level.value, n.code) for n in nodes}
    by_level: dict[Level, set[str]] = {}
    for node in nodes:
        by_level.setdefault(node.level, set()).add(node.code)
    found: dict[tuple[str, str], StatCell] = {}
    for level, codes in by_level.items():
        query = select(StatCell).where(
            StatCell.year == year, StatCell.indicator == indicator, StatCell.level == level
        )
        departements = {territory(level, c).departement for c in codes}
        if level in (Level.EPCI, Level.COMMUNE) and len(departements) <= 5:
            query = query.where(StatCell.departement.in_(departements))
        elif len(codes) <= 500:
            query = query.where(StatCell.code.in_(codes))
        for row in await db.scalars(query):
            if (row.level, row.code) in wanted:
                found[(row.level, row.code)] = row
    return found


async def statistics_rows(
    db: AsyncSession, indicator: Indicator, year: int, territories: Sequence[Territory]
) -> tuple[Row, ...]:
    """The rows of these territories, in this order (two side by side, say)."""
    stored = await _cells(db, year, indicator, territories)
    people = (
        stored
        if indicator == Indicator.PEOPLE
        else await _cells(db, year, Indicator.PEOPLE, territories)
    )
    return tuple(
        _row(
            node,
            indicator,
            stored.get((node.level.value, node.code)),
            people.get((node.level.value, node.code)),
        )
        for node in territories
    )


async def statistics_table(
    db: AsyncSession,
    indicator: Indicator,
    year: int,
    level: Level,
    within: Territory | None = None,
) -> Table:
    """Every territory of ``level`` inside ``within`` (France by default), and ``within``
    itself as the summary row."""
    parent = within or france()
    nodes = descendants(parent, level)
    rows = await statistics_rows(db, indicator, year, [*nodes, parent])
    ordered = sorted(rows[:-1], key=lambda r: (r.territory.name, r.territory.code))
    return Table(
        indicator,
        year,
        level,
        parent,
        spec(indicator).columns,
        tuple(ordered),
        rows[-1],
        await refreshed_at(db),
    )


async def refreshed_at(db: AsyncSession) -> datetime | None:
    state = await db.get(StatState, STATE_ID)
    return None if state is None else state.refreshed_at


async def periods(db: AsyncSession) -> tuple[int, ...]:
    """The years with published statistics, newest first."""
    query = select(StatCell.year).where(StatCell.level == Level.FRANCE).distinct()
    return tuple(sorted(await db.scalars(query), reverse=True))


def scope_of(user: User | None) -> Territory | None:
    """What a professional's statistics cover: everything for an administrator, a
    coordinator's département or région, nothing otherwise (nor for a coordinator whose scope
    is not set)."""
    if user is not None and user.role == Role.ADMIN:
        return france()
    if user is None or user.role != Role.COORDINATOR:
        return None
    level, code = (
        (Level.DEPARTEMENT, user.scope_departement)
        if user.scope_departement
        else (Level.REGION, user.scope_region)
    )
    try:
        return territory(level, code or "")
    except TerritoryError:
        return None


def within_scope(scope: Territory | None, asked: Territory) -> bool:
    return scope is not None and contains(scope, asked)


def no_show_rate(row: Row) -> float | None:
    """Absences among the people whose attendance was taken; None when a part is secret."""
    seen, noshow = row.cell("seen").count, row.cell("noshow").count
    if seen is None or noshow is None or seen + noshow == 0:
        return None
    return noshow / (seen + noshow)
