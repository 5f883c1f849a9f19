"""The cells of one period, from the counts per commune to what may be published.

Secrecy is decided in two stages that share the départements' cells: the *upper* stage
(France, régions, départements) and, for each département, the *lower* stage (its EPCI and
communes), where the département's cells are fixed as the upper stage left them. A lower
stage that can only be made safe by hiding one of its département's cells sends it back up,
and both stages run again. So adding diagnostics in one département recomputes the upper
levels (about 130 territories) and that département only, never the whole country.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from app.features.statistics.indicators import (
    REPEAT,
    TOTAL,
    Indicator,
    Kind,
    specs,
)
from app.features.statistics.secrecy import Relation, suppress
from app.features.statistics.territory import Level, Territory, children_of, parent_of, territory

# (territory level, territory code, indicator, column)
Cell = tuple[str, str, str, str]
Counts = Mapping[tuple[str, str], int]  # (indicator, column) -> count, for one territory
NOT = "not:"


def _cell(node: Territory, indicator: str, column: str) -> Cell:
    return (node.level.value, node.code, indicator, column)


def _people_columns() -> list[tuple[str, str]]:
    """The cells of a territory that take part in the tree's sums."""
    found: list[tuple[str, str]] = [(Indicator.PEOPLE, TOTAL), (Indicator.PEOPLE, REPEAT)]
    for spec in specs().values():
        if spec.kind == Kind.EXACT:
            continue
        if spec.total == spec.indicator and spec.indicator != Indicator.PEOPLE:
            found.append((spec.indicator, TOTAL))
        found += [(spec.indicator, code) for code in spec.codes]
        if spec.kind == Kind.SEVERAL:
            # a reader subtracts them (the total minus the column), so they add up too
            found += [(spec.indicator, NOT + code) for code in spec.codes]
    return found


def row_relations(node: Territory) -> tuple[list[Relation[Cell]], set[Cell]]:
    """A territory's breakdowns: its total is the sum of a partition's columns, and of each
    column of a several-answer indicator and its complement."""
    relations: list[Relation[Cell]] = []
    hidden: set[Cell] = set()
    for spec in specs().values():
        if spec.kind == Kind.EXACT or not spec.columns:
            continue
        total = _cell(node, spec.total, TOTAL)
        cells = [_cell(node, spec.indicator, code) for code in spec.codes]
        if spec.kind == Kind.PARTITION:
            relations.append(Relation(total, tuple(cells)))
            continue
        for cell, code in zip(cells, spec.codes, strict=True):
            complement = _cell(node, spec.indicator, NOT + code)
            hidden.add(complement)
            relations.append(Relation(total, (cell, complement)))
    return relations, hidden


def add_complements(node: Territory, values: dict[Cell, int]) -> None:
    """The people who did not give each answer of a several-answer indicator."""
    for spec in specs().values():
        if spec.kind != Kind.SEVERAL:
            continue
        total = values.get(_cell(node, spec.total, TOTAL), 0)
        for code in spec.codes:
            values[_cell(node, spec.indicator, NOT + code)] = total - values.get(
                _cell(node, spec.indicator, code), 0
            )


def tree_relations(parent: Territory, kids: Iterable[Territory]) -> list[Relation[Cell]]:
    kids = tuple(kids)
    return [
        Relation(_cell(parent, indicator, column), tuple(_cell(k, indicator, column) for k in kids))
        for indicator, column in _people_columns()
    ]


def add_counts(values: dict[Cell, int], node: Territory, counts: Counts) -> None:
    for (indicator, column), count in counts.items():
        key = _cell(node, indicator, column)
        values[key] = values.get(key, 0) + count


@dataclass(frozen=True, slots=True)
class Stage:
    values: dict[Cell, int]
    relations: list[Relation[Cell]]
    hidden: set[Cell]


def _zeros(values: dict[Cell, int], relations: Iterable[Relation[Cell]]) -> None:
    for relation in relations:
        for key in (relation.parent, *relation.children):
            values.setdefault(key, 0)


def _stage(root: Territory, leaves: Mapping[Territory, Counts], root_rows: bool) -> Stage:
    """Two levels below ``root``: the leaves' parents, then the leaves with their counts."""
    values: dict[Cell, int] = {}
    relations: list[Relation[Cell]] = []
    hidden: set[Cell] = set()
    middles: dict[Territory, list[Territory]] = defaultdict(list)
    for leaf, counts in leaves.items():
        middle = parent_of(leaf)
        for node in (leaf, middle, root):
            add_counts(values, node, counts)
        middles[middle].append(leaf)
    relations += tree_relations(root, sorted(middles, key=lambda t: t.code))
    for middle, kids in sorted(middles.items(), key=lambda item: item[0].code):
        relations += tree_relations(middle, sorted(kids, key=lambda t: t.code))
    add_complements(root, values)
    for node in [*([root] if root_rows else []), *middles, *leaves]:
        add_complements(node, values)
        rows, more = row_relations(node)
        relations += rows
        hidden |= more
    _zeros(values, relations)
    return Stage(values, relations, hidden)


def upper_stage(by_departement: Mapping[str, Counts]) -> Stage:
    """France, its régions and the départements, from each département's counts."""
    leaves = {territory(Level.DEPARTEMENT, code): c for code, c in by_departement.items()}
    return _stage(territory(Level.FRANCE, "FR"), leaves, root_rows=True)


def lower_stage(departement: str, by_commune: Mapping[str, Counts]) -> Stage:
    """A département's EPCI and communes (the département itself only as their parent: its
    breakdowns belong to the upper stage)."""
    leaves = {territory(Level.COMMUNE, code): c for code, c in by_commune.items()}
    return _stage(territory(Level.DEPARTEMENT, departement), leaves, root_rows=False)


def departement_cells(stage: Stage, departement: str) -> dict[Cell, int]:
    return {
        key: value
        for key, value in stage.values.items()
        if key[0] == Level.DEPARTEMENT and key[1] == departement
    }


def decide(stage: Stage, fixed: Mapping[Cell, bool] | None = None) -> tuple[set[Cell], set[Cell]]:
    return suppress(stage.values, stage.relations, fixed)


def leaf_counts(
    rows: Iterable[tuple[str, Iterable[tuple[str, str]]]],
) -> dict[str, Counter[tuple[str, str]]]:
    """Per commune, how many people (or rows) count in each (indicator, column)."""
    found: dict[str, Counter[tuple[str, str]]] = defaultdict(Counter)
    for commune, cells in rows:
        found[commune].update(cells)
    return found


def children_in(node: Territory) -> tuple[Territory, ...]:
    return children_of(node)
