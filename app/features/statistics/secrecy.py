"""Statistical secrecy: which cells of the statistics may be published. The one place where
it is decided; every page and export reads what this decided.

A cell counts people. It is *primary* secret when it counts fewer than ``THRESHOLD`` (0
included, so that « < 11 » never tells that somebody is there). Every published number takes
part in linear relations that a reader can subtract: a territory's total is the sum of its
columns (a breakdown), and a parent territory's cell is the sum of its children's cells (the
tree France > région > département > EPCI > commune). Complementary suppression makes every
relation safe, until nothing changes:

* parent published: no secret child counts anybody, or at least two of them do and they
  add up to ``THRESHOLD`` or more (subtracting gives a group, never one small cell; an
  empty cell is no cover, as a reader may find it empty through another relation);
* parent secret: a non-empty child is secret too (otherwise the parent is the sum of the
  published children).

When a relation is unsafe, the smallest published non-empty child becomes secret; when there
is none, the parent does. Suppression only grows, so this ends. Some cells are never shown
but take part like the others (the complement of one column of a several-answer question,
« people without a smartphone », which a reader gets by subtraction): when the complement
is small, the column is hidden with it.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

THRESHOLD = 11

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True, slots=True)
class Relation(Generic[K]):
    """``parent`` = sum of ``children``."""

    parent: K
    children: tuple[K, ...]


def suppress(
    values: Mapping[K, int],
    relations: Sequence[Relation[K]],
    fixed: Mapping[K, bool] | None = None,
    order: Mapping[K, object] | None = None,
) -> tuple[set[K], set[K]]:
    """The secret cells, and the ``fixed`` cells that would have to become secret.

    ``fixed`` cells were decided by another run (a parent decided with the upper levels):
    True is secret, False published. A relation that can only be made safe by hiding a fixed
    published cell leaves it published here and names it in the second set, for the caller to
    decide again with that cell secret. ``order`` breaks ties between equal values (any
    sortable key; the cell itself otherwise), so that the same data gives the same cells.
    """
    pinned = fixed or {}
    secret = {key for key, value in values.items() if value < THRESHOLD}
    secret = {key for key in secret if pinned.get(key, True)}
    secret |= {key for key, is_secret in pinned.items() if is_secret}
    tie = order or {}
    to_raise: set[K] = set()
    involved: dict[K, list[int]] = defaultdict(list)
    for index, relation in enumerate(relations):
        for key in (relation.parent, *relation.children):
            involved[key].append(index)
    queue = deque(range(len(relations)))
    waiting = set(queue)
    while queue:
        index = queue.popleft()
        waiting.discard(index)
        relation = relations[index]
        added = _repair(values, relation, secret, pinned, tie)
        if added is None:
            continue
        if added in pinned:
            to_raise.add(added)
            continue
        secret.add(added)
        for other in involved[added]:
            if other not in waiting:
                waiting.add(other)
                queue.append(other)
    return secret, to_raise


def _repair(
    values: Mapping[K, int],
    relation: Relation[K],
    secret: set[K],
    pinned: Mapping[K, bool],
    tie: Mapping[K, object],
) -> K | None:
    """The cell to hide for the relation to be safe, or None when it is."""
    non_empty = [key for key in relation.children if key in secret and values[key] > 0]
    if relation.parent in secret:
        if non_empty or values[relation.parent] == 0:
            return None
    elif not non_empty or (
        len(non_empty) >= 2 and sum(values[key] for key in non_empty) >= THRESHOLD
    ):
        return None
    candidates = [
        key
        for key in relation.children
        if key not in secret and key not in pinned and values[key] > 0
    ]
    if candidates:
        return min(candidates, key=lambda key: (values[key], str(tie.get(key, key))))
    return None if relation.parent in secret else relation.parent


def published(values: Mapping[K, int], secret: Iterable[K]) -> dict[K, int | None]:
    """Each cell's published count: None when secret."""
    hidden = set(secret)
    return {key: None if key in hidden else value for key, value in values.items()}
