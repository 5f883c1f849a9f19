"""The adaptive short form: Pix-style tube walk, at most a few items per competence.

In each competence (taken in prerequisite order, easiest first for the person) the walk asks
the first item of the starting difficulty; « 3 or 4 » moves one difficulty up, « 0 or 1 » one
down, « 2 » is enough, and « ? » tries another item of the same difficulty. The path depends
only on the answers given, so « back » is simply removing the last answer.
"""

from __future__ import annotations

from collections.abc import Mapping

from referentiel.answers import UNKNOWN, Answer
from referentiel.models import Item, Referential

GO_UP_FROM = 3
GO_DOWN_FROM = 1


def _first_unasked(tube: tuple[Item, ...], difficulty: int, asked: set[str]) -> Item | None:
    return next((i for i in tube if i.difficulty == difficulty and i.id not in asked), None)


def _start(tube: tuple[Item, ...], difficulty: int) -> Item:
    """The first item of the starting difficulty, or of the nearest one the tube has."""
    return min(tube, key=lambda i: (abs(i.difficulty - difficulty), -i.difficulty))


def _step(tube: tuple[Item, ...], item: Item, answer: Answer, asked: set[str]) -> Item | None:
    if answer == UNKNOWN:
        return _first_unasked(tube, item.difficulty, asked)
    if answer >= GO_UP_FROM:
        return _first_unasked(tube, item.difficulty + 1, asked)
    if answer <= GO_DOWN_FROM:
        return _first_unasked(tube, item.difficulty - 1, asked)
    return None


def competence_path(
    ref: Referential, competence: str, answers: Mapping[str, Answer]
) -> tuple[list[Item], Item | None]:
    """Items already walked in one competence, and the next one to ask (None when done)."""
    form = ref.forms.rapide
    tube = ref.tube(competence)
    walked: list[Item] = []
    current: Item | None = _start(tube, form.start_difficulty)
    while current is not None and len(walked) < form.max_per_competence:
        if current.id not in answers:
            return walked, current
        walked.append(current)
        current = _step(tube, current, answers[current.id], {i.id for i in walked})
    return walked, None


def next_item(ref: Referential, answers: Mapping[str, Answer]) -> Item | None:
    """The next question of the short form, or None when the form is complete."""
    for competence in ref.prerequisite_order:
        _, upcoming = competence_path(ref, competence, answers)
        if upcoming is not None:
            return upcoming
    return None


def progress(ref: Referential, answers: Mapping[str, Answer]) -> tuple[int, int]:
    """(competences finished, competences in all), for a progress bar that never goes back."""
    done = sum(competence_path(ref, c, answers)[1] is None for c in ref.prerequisite_order)
    return done, len(ref.prerequisite_order)
