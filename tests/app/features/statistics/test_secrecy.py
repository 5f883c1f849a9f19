"""Nothing published lets a reader compute a small cell: every relation a reader can subtract
(the tree of territories, each breakdown and its total) is solved as a linear program over
everything published, and no secret cell of fewer than 11 people comes out as one number."""

from __future__ import annotations

from collections import Counter

import numpy as np
from hypothesis import HealthCheck, given, settings
from scipy.optimize import linprog
from scipy.sparse import lil_matrix

from app.features.statistics.cube import Cell, decide, departement_cells, lower_stage, upper_stage
from app.features.statistics.indicators import TOTAL, Indicator
from app.features.statistics.secrecy import THRESHOLD, Relation, suppress
from app.features.statistics.territory import Level, territory
from tests.app.features.statistics.people import (
    PLANTED,
    RARE_AGE,
    RARE_BADGE,
    RARE_NEED,
    Someone,
    counts_by_departement,
    populations,
)


def publish(people: list[Someone]) -> tuple[dict[Cell, int], list[Relation[Cell]], set[Cell]]:
    """Every cell, every relation and the secret cells, as a refresh decides them."""
    by_dep = counts_by_departement(people)
    totals = {
        dep: sum((Counter(c) for c in communes.values()), Counter())
        for dep, communes in by_dep.items()
    }
    forced: dict[Cell, bool] = {}
    while True:
        upper = upper_stage(totals)
        upper_secret, _ = decide(upper, forced)
        values, relations, secret = dict(upper.values), list(upper.relations), set(upper_secret)
        raised = False
        for dep, communes in by_dep.items():
            lower = lower_stage(dep, communes)
            fixed = {key: key in upper_secret for key in departement_cells(lower, dep)}
            lower_secret, to_raise = decide(lower, fixed)
            forced |= dict.fromkeys(to_raise, True)
            raised = raised or bool(to_raise)
            values |= lower.values
            relations += lower.relations
            secret |= lower_secret
        if not raised:
            return values, relations, secret


def readable_range(
    values: dict[Cell, int], relations: list[Relation[Cell]], secret: set[Cell], cell: Cell
) -> tuple[float, float]:
    """The least and the most ``cell`` can count, given every published cell and relation."""
    keys = sorted(values)
    index = {key: i for i, key in enumerate(keys)}
    published = [key for key in keys if key not in secret]
    rows = lil_matrix((len(relations) + len(published), len(keys)))
    right = np.zeros(len(relations) + len(published))
    for i, relation in enumerate(relations):
        rows[i, index[relation.parent]] = 1
        for child in relation.children:
            rows[i, index[child]] -= 1
    for j, key in enumerate(published, len(relations)):
        rows[j, index[key]] = 1
        right[j] = values[key]
    objective = np.zeros(len(keys))
    objective[index[cell]] = 1
    matrix = rows.tocsr()
    low = linprog(objective, A_eq=matrix, b_eq=right, bounds=(0, None), method="highs")
    high = linprog(-objective, A_eq=matrix, b_eq=right, bounds=(0, None), method="highs")
    assert low.status == 0
    return low.fun, (np.inf if high.status == 3 else -high.fun)


def planted_cells() -> list[Cell]:
    """The cells that hold the planted person where they are rare: their commune and EPCI."""
    commune = territory(Level.COMMUNE, PLANTED.commune)
    epci = territory(Level.EPCI, commune.parent or "")
    found = []
    for node in (commune, epci):
        for indicator, column in (
            (Indicator.PEOPLE, "total"),
            (Indicator.AGE_BAND, RARE_AGE),
            (Indicator.NEEDS, RARE_NEED),
            (Indicator.LEVEL_E, "0"),
            (Indicator.BADGES, TOTAL),
            (Indicator.BADGES, RARE_BADGE),
        ):
            found.append((node.level.value, node.code, indicator, column))
    return found


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(populations)
def test_no_small_cell_can_be_computed_from_what_is_published(people: list[Someone]) -> None:
    values, relations, secret = publish([*people, PLANTED])
    for key, value in values.items():
        if key not in secret and key[2] != Indicator.OFFER and not key[3].startswith("not:"):
            assert value == 0 or value >= THRESHOLD or key in secret, key
        if key not in secret and key[3].startswith("not:"):
            assert value == 0 or value >= THRESHOLD, key  # a complement is read by subtraction
    for cell in planted_cells():
        if values[cell] >= THRESHOLD:
            continue  # the planted person's EPCI may well count 11 people or more
        assert cell in secret
        low, high = readable_range(values, relations, secret, cell)
        assert high - low >= 1, (cell, low, high)
    for relation in relations:
        # the plain subtraction of one table: parent minus its published children
        hidden = [c for c in relation.children if c in secret and values[c] > 0]
        if relation.parent not in secret and hidden:
            assert len(hidden) >= 2 and sum(values[c] for c in hidden) >= THRESHOLD


def test_a_small_cell_with_published_neighbours_takes_the_smallest_with_it() -> None:
    values = {"total": 40, "a": 3, "b": 12, "c": 25}
    secret, _ = suppress(values, [Relation("total", ("a", "b", "c"))])
    assert secret == {"a", "b"}


def test_a_parent_is_hidden_when_no_child_can_hide_with_the_small_one() -> None:
    values = {"total": 14, "a": 3, "b": 11, "top": 30, "other": 16}
    relations = [Relation("total", ("a", "b")), Relation("top", ("total", "other"))]
    secret, _ = suppress(values, relations, fixed={"b": False})
    assert "a" in secret
