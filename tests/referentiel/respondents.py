"""Simulated people taking the adaptive short form, and the number of questions each is asked.

A respondent is a function from an item to the answer that person gives: always the same
answer for the same item, whatever the order of the questions. The « realistic » population
is the public the service is made for, mostly beginners: an ability drawn per person, and
an answer that falls with the competence's rank in the prerequisite order and the item's
difficulty, with some noise and an occasional « ? ».
"""

from __future__ import annotations

import math
import random
import statistics
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from referentiel.adaptive import next_item
from referentiel.answers import UNKNOWN, Answer
from referentiel.models import Item, Referential

Respondent = Callable[[Item], Answer]
PEOPLE = 1001  # odd: the median is one person's count


def walk(ref: Referential, respondent: Respondent) -> dict[str, Answer]:
    """Every answer given, in the order asked, from the first question to the end."""
    answers: dict[str, Answer] = {}
    while (item := next_item(ref, answers)) is not None:
        assert item.id not in answers, f"{item.id} asked twice"
        answers[item.id] = respondent(item)
    return answers


def always(value: Answer) -> Respondent:
    return lambda _item: value


def mixed(seed: int) -> Respondent:
    """Any answer, « ? » included, as likely as each other."""
    return lambda item: random.Random(f"mixed-{seed}-{item.id}").choice([0, 1, 2, 3, 4, UNKNOWN])


def realistic(ref: Referential, seed: int) -> Respondent:
    people = random.Random(f"person-{seed}")
    ability = 5 * people.betavariate(2, 2.5)  # mean about 2.2: most people are beginners
    rank = {
        code: n / (len(ref.prerequisite_order) - 1) for n, code in enumerate(ref.prerequisite_order)
    }

    def answer(item: Item) -> Answer:
        chance = random.Random(f"realistic-{seed}-{item.id}")
        if chance.random() < 0.04:
            return UNKNOWN
        value = ability - 1.5 * rank[item.competence] - 0.6 * (item.difficulty - 1)
        return min(4, max(0, round(value + chance.gauss(0, 0.6))))

    return answer


@dataclass(frozen=True)
class Spread:
    """How many questions a population was asked."""

    counts: tuple[int, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.counts)

    @property
    def p90(self) -> int:
        """Nine people in ten are asked at most this many questions (nearest rank)."""
        ordered = sorted(self.counts)
        return ordered[math.ceil(0.9 * len(ordered)) - 1]

    def line(self, name: str) -> str:
        return (
            f"{name:<10} people={len(self.counts):<5} min={min(self.counts):<3} "
            f"median={self.median:<5g} p90={self.p90:<5g} max={max(self.counts)}"
        )


def populations(ref: Referential) -> Iterator[tuple[str, list[Respondent]]]:
    yield "all 0", [always(0)]
    yield "all 4", [always(4)]
    yield "mixed", [mixed(seed) for seed in range(PEOPLE)]
    yield "realistic", [realistic(ref, seed) for seed in range(PEOPLE)]


def spread(ref: Referential, people: list[Respondent]) -> Spread:
    return Spread(tuple(len(walk(ref, person)) for person in people))
