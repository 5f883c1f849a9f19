"""The cells of one period, from the counts per commune to what may be published.

Secrecy is decided in two stages that share the départements' cells: the *upper* stage
(France, régions, départements) and, for each département, the *lower* stage (its EPCI and
communes), where the département's cells are fixed as the upper stage left them. A lower
stage that can only be made safe by hiding one of its département's cells sends it back up,
and both stages run again. So adding diagnostics in one département recomputes the upper
levels (about 130 territories) and that département only, never the whole country.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache

from app.features.statistics.indicators import (
    REPEAT,
    TOTAL,
    Indicator,
    Kind,
    specs,
)
from app.features.statistics.secrecy import Relation, suppress
from app.features.statistics.territory import Level, Territory, parent_of, territory

# (territory level, territory code, indicator, column)
Cell = tuple[str, str, str, str]
Counts = Mapping[tuple[str, str], int]  # (indicator, column) -> count, for one territory
NOT = "not:"


def _cell(node: Territory, indicator: str, column: str) -> Cell:
    return (node.level.value, node.code, indicator, column)


@cache
def _people_columns() -> tuple[tuple[str, str], ...]:
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
    return tuple(found)


Pair = tuple[str, str]  # (indicator, column) of a territory


@cache
def _row_template() -> tuple[tuple[tuple[Pair, tuple[Pair, ...]], ...], tuple[Pair, ...]]:
    """Every territory's breakdowns as (total, columns) pairs, and the hidden complements:
    the same for each territory, so worked out once (a full refresh has ~35,000 of them)."""
    relations: list[tuple[Pair, tuple[Pair, ...]]] = []
    hidden: list[Pair] = []
    for spec in specs().values():
        if spec.kind == Kind.EXACT or not spec.columns:
            continue
        total = (spec.total, TOTAL)
        cells = [(spec.indicator, code) for code in spec.codes]
        if spec.kind == Kind.PARTITION:
            relations.append((total, tuple(cells)))
            continue
        for cell, code in zip(cells, spec.codes, strict=True):
            complement = (spec.indicator, NOT + code)
            hidden.append(complement)
            relations.append((total, (cell, complement)))
    return tuple(relations), tuple(hidden)


@cache
def _complement_template() -> tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...]:
    """Per several-answer indicator: its total's indicator, itself, (column, complement)."""
    return tuple(
        (spec.total, spec.indicator, tuple((code, NOT + code) for code in spec.codes))
        for spec in specs().values()
        if spec.kind == Kind.SEVERAL
    )


def row_relations(node: Territory) -> tuple[list[Relation[Cell]], set[Cell]]:
    """A territory's breakdowns: its total is the sum of a partition's columns, and of each
    column of a several-answer indicator and its complement."""
    level, code = node.level.value, node.code
    template, complements = _row_template()
    relations = [
        Relation((level, code, *total), tuple([(level, code, *column) for column in columns]))
        for total, columns in template
    ]
    return relations, {(level, code, *pair) for pair in complements}


def add_complements(node: Territory, values: dict[Cell, int]) -> None:
    """The people who did not give each answer of a several-answer indicator."""
    level, code = node.level.value, node.code
    for total_indicator, indicator, columns in _complement_template():
        total = values.get((level, code, total_indicator, TOTAL), 0)
        for column, complement in columns:
            values[(level, code, indicator, complement)] = total - values.get(
                (level, code, indicator, column), 0
            )


def tree_relations(parent: Territory, kids: Iterable[Territory]) -> list[Relation[Cell]]:
    level, code = parent.level.value, parent.code
    kids_keys = [(kid.level.value, kid.code) for kid in kids]
    return [
        Relation(
            (level, code, indicator, column),
            tuple([(kid_level, kid_code, indicator, column) for kid_level, kid_code in kids_keys]),
        )
        for indicator, column in _people_columns()
    ]


def add_counts(values: dict[Cell, int], node: Territory, counts: Counts) -> None:
    level, code = node.level.value, node.code
    for (indicator, column), count in counts.items():
        key = (level, code, indicator, column)
        values[key] = values.get(key, 0) + count


@dataclass(frozen=True, slots=True)
class Stage:
    values: dict[Cell, int]
    relations: list[Relation[Cell]]
    hidden: set[Cell]
    nodes: tuple[Territory, ...] = ()  # every territory with cells here, the root included


def _zeros(values: dict[Cell, int], relations: Iterable[Relation[Cell]]) -> None:
    for relation in relations:
        values.setdefault(relation.parent, 0)
        for key in relation.children:
            values.setdefault(key, 0)


def _stage(root: Territory, leaves: Mapping[Territory, Counts], root_rows: bool) -> Stage:
    """Two levels below ``root``: the leaves' parents, then the leaves with their counts.
    Leaves are taken by code, so that the same counts give the same cells whatever order
    they were read in."""
    values: dict[Cell, int] = {}
    relations: list[Relation[Cell]] = []
    hidden: set[Cell] = set()
    middles: dict[Territory, list[Territory]] = defaultdict(list)
    ordered = sorted(leaves.items(), key=lambda item: item[0].code)
    for leaf, counts in ordered:
        middle = parent_of(leaf)
        for node in (leaf, middle, root):
            add_counts(values, node, counts)
        middles[middle].append(leaf)
    relations += tree_relations(root, sorted(middles, key=lambda t: t.code))
    for middle, kids in sorted(middles.items(), key=lambda item: item[0].code):
        relations += tree_relations(middle, sorted(kids, key=lambda t: t.code))
    # Every cell of the breakdowns below is in these sums already: their zeros come first.
    _zeros(values, relations)
    add_complements(root, values)
    for node in [*([root] if root_rows else []), *middles, *(leaf for leaf, _ in ordered)]:
        add_complements(node, values)
        rows, more = row_relations(node)
        relations += rows
        hidden |= more
    return Stage(values, relations, hidden, (root, *middles, *(leaf for leaf, _ in ordered)))


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
