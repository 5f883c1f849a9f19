"""The adaptive short form: Pix-style tube walk, a few items per competence, a bounded total.

Competences are taken in prerequisite order. In each, the walk asks the first item of the
starting difficulty (the easiest, so that a beginner is never met by a hard question first);
« 3 or 4 » moves one difficulty up, « 0 or 1 » one down, « 2 » is enough, and « ? » tries
another item of the same difficulty. A competence that an inference rule takes as not yet
acquired (:mod:`referentiel.inference`) is skipped. At most ``max_per_competence`` items per
competence and ``max_questions`` in all: a competence gets a further item only while every
competence still to come keeps room for its first question.

The path depends only on the answers given (each step reads only the answers walked before
it), so « back » is simply removing the last answer.
"""

from __future__ import annotations

from collections.abc import Container, Mapping
from dataclasses import dataclass, field

from referentiel.answers import UNKNOWN, Answer
from referentiel.inference import inferred
from referentiel.models import Inference, Item, Referential

GO_UP_FROM = 3
GO_DOWN_FROM = 1


@dataclass(frozen=True)
class Walk:
    """Where a person is in the short form.

    ``asked`` are the items answered so far, in the order asked; ``upcoming`` is the next
    question (None at the end); ``left`` is at most how many questions remain, ``upcoming``
    included: it never grows, and shrinks faster when a rule spares questions.
    """

    asked: tuple[Item, ...]
    upcoming: Item | None
    left: int
    skipped: Mapping[str, Inference] = field(default_factory=dict)


def _first_unasked(tube: tuple[Item, ...], difficulty: int, asked: set[str]) -> Item | None:
    return next((i for i in tube if i.difficulty == difficulty and i.id not in asked), None)


def first_unanswered(ref: Referential, competence: str, answered: Container[str]) -> Item | None:
    """A competence's first question not in ``answered``: the first item of the starting
    difficulty, or of the nearest one its tube has; None when every item was answered."""
    start = ref.forms.rapide.start_difficulty
    return min(
        (i for i in ref.tube(competence) if i.id not in answered),
        key=lambda i: (abs(i.difficulty - start), -i.difficulty),
        default=None,
    )


def first_item(ref: Referential, competence: str) -> Item:
    """A competence's first question (every competence has items: `referentiel check`)."""
    item = first_unanswered(ref, competence, ())
    if item is None:
        raise LookupError(f"compétence sans question : {competence}")
    return item


def _step(tube: tuple[Item, ...], item: Item, answer: Answer, asked: set[str]) -> Item | None:
    if answer == UNKNOWN:
        return _first_unasked(tube, item.difficulty, asked)
    if answer >= GO_UP_FROM:
        return _first_unasked(tube, item.difficulty + 1, asked)
    if answer <= GO_DOWN_FROM:
        return _first_unasked(tube, item.difficulty - 1, asked)
    return None


def _competence(
    ref: Referential, competence: str, answers: Mapping[str, Answer], room: int
) -> tuple[list[Item], Item | None]:
    """Items already walked in one competence (at most ``room``), and the next one to ask."""
    tube = ref.tube(competence)
    walked: list[Item] = []
    current: Item | None = first_item(ref, competence)
    while current is not None and len(walked) < room:
        if current.id not in answers:
            return walked, current
        walked.append(current)
        current = _step(tube, current, answers[current.id], {i.id for i in walked})
    return walked, None


def walk(ref: Referential, answers: Mapping[str, Answer]) -> Walk:
    """Replay the short form over ``answers``: what was asked, and what comes next."""
    form = ref.forms.rapide
    order = ref.prerequisite_order
    # without a bound, the most the walk could ever ask
    bound = form.max_questions or form.max_per_competence * len(order)
    asked: list[Item] = []
    for position, competence in enumerate(order):
        known = {i.id: answers[i.id] for i in asked}
        skipped = inferred(ref, known)
        if competence in skipped:
            continue
        to_come = [c for c in order[position + 1 :] if c not in skipped]
        room = min(form.max_per_competence, bound - len(asked) - len(to_come))
        walked, upcoming = _competence(ref, competence, answers, room)
        asked.extend(walked)
        if upcoming is not None:
            here = room - len(walked)
            later = form.max_per_competence * len(to_come)
            left = min(here + later, bound - len(asked))
            return Walk(tuple(asked), upcoming, left, skipped)
    known = {i.id: answers[i.id] for i in asked}
    return Walk(tuple(asked), None, 0, inferred(ref, known))


def next_item(ref: Referential, answers: Mapping[str, Answer]) -> Item | None:
    """The next question of the short form, or None when the form is complete."""
    return walk(ref, answers).upcoming
