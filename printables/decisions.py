"""The rules that turn box measurements into answers: every threshold is here.

A box is measured (:mod:`printables.marks`) in the inner 70 % of its square, away from its
printed outline, as AMC's ``--prop``:

* ``ink``: share of pixels darker than the sheet's ink threshold;
* ``light``: share of pixels at least a fifth darker than the paper, which sees light pencil;
* ``ring``: how many of the strips just outside the box hold a stroke (out of ``sides``).

States follow AMC and SDAPS: empty, ticked, cancelled (filled in completely, the form's
instruction for cancelling: AMC ``--seuil-up``, SDAPS ``checkcorrect``), and ambiguous in
between. A ticked box has from 8 % ink, which covers a thin tick as well as a thick felt-pen
cross. A dark box is told apart by ``solid``, the ink share of its least inked ninth: a filled
or scribbled-out box is dark everywhere (cancelled), a thick cross leaves white gaps between
its arms (ticked), and a box in between is ambiguous. A circled box (a stroke on every side it
has room for, nothing inside) counts as chosen; an unanswered single-choice question with
strokes around a box is doubtful, since that may be a circle drawn too loosely. A group is
ambiguous, and the page goes to review, when it has two ticks for one answer, a box between
thresholds, a faint stray mark, or a winner that does not beat the runner-up by a clear gap
(OMRChecker's largest-gap idea). Nothing is guessed silently: every decision carries a confidence.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

from printables.layout import Box, Field

BoxState = Literal["empty", "ticked", "cancelled", "ambiguous"]

TRACE: Final = 0.03  # below this (ink and light), a box is clean
TICK: Final = 0.08  # from this ink share on, a box is ticked
HEAVY: Final = 0.7  # from this on, a box is dark enough to be a cancellation...
SOLID: Final = 0.75  # ...if even its least inked ninth is this dark,
GAPPED: Final = 0.5  # ...and a thick cross if its least inked ninth is this light
CANCEL: Final = 0.95  # whatever its shape, a box this dark is cancelled
PENCIL: Final = 0.12  # light-stroke share that makes a faint (pencil) tick
GAP: Final = 0.07  # the chosen box must beat the runner-up by this much
RING_SIDES: Final = 3  # strokes on this many sides (or all it has, if fewer) make a circle
CIRCLED_CONFIDENCE: Final = 0.7


@dataclass(frozen=True, slots=True)
class BoxMark:
    box: Box
    ink: float
    light: float
    ring: int
    sides: int
    state: BoxState
    faint: bool = False

    @property
    def strength(self) -> float:
        """How strongly the box looks chosen, to compare the boxes of one group."""
        return max(self.ink, self.light * 0.6)

    @property
    def circled(self) -> bool:
        """A stroke on (nearly) every side the box has room for, and no tick inside."""
        return (
            self.state in ("empty", "ambiguous")
            and self.sides >= 2
            and self.ring >= min(RING_SIDES, self.sides)
        )


@dataclass(frozen=True, slots=True)
class FieldMark:
    """A group's reading: `chosen` box values (one at most for a single choice)."""

    field: Field
    boxes: tuple[BoxMark, ...]
    state: BoxState
    chosen: tuple[str, ...]
    confidence: float


def box_state(ink: float, light: float, solid: float = 0.0) -> tuple[BoxState, bool]:
    """The state of one box, and whether it is a faint (pencil) tick. `solid` matters only
    for a dark box (ink ≥ HEAVY)."""
    if ink >= CANCEL or (ink >= HEAVY and solid >= SOLID):
        return "cancelled", False
    if ink >= HEAVY and solid > GAPPED:
        return "ambiguous", False
    if ink >= TICK:
        return "ticked", False
    if light >= PENCIL:
        return "ticked", True  # light pencil: seen only against the paper
    if max(ink, light) < TRACE:
        return "empty", False
    return "ambiguous", False  # a faint stray mark: a hesitation, or dirt


def _clip(value: float) -> float:
    return min(1.0, max(0.0, value))


def _tick_confidence(mark: BoxMark) -> float:
    if mark.circled:
        return CIRCLED_CONFIDENCE
    if mark.faint:
        return 0.6 + 0.15 * _clip((mark.light - PENCIL) / PENCIL)
    return 0.5 + 0.5 * _clip((mark.ink - TICK) / 0.1)


def _clean_confidence(marks: list[BoxMark]) -> float:
    """How sure that these boxes hold nothing."""
    worst = max((max(m.ink, m.light) for m in marks), default=0.0)
    return 0.5 + 0.5 * _clip((TRACE - worst) / TRACE)


def decide(field: Field, marks: tuple[BoxMark, ...]) -> FieldMark:
    return _multiple(field, marks) if field.multiple else _single(field, marks)


def _single(field: Field, marks: tuple[BoxMark, ...]) -> FieldMark:
    """One answer at most: a clear winner, or nothing, or ambiguous. A faint trace in another
    box does not spoil a clear winner (the gap check weighs it), but alone it is doubtful."""
    ticked = [m for m in marks if m.state == "ticked"]
    circled = [m for m in marks if m.circled]
    doubtful = [m for m in marks if m.state == "ambiguous" and not m.circled]
    heavy = [m for m in doubtful if m.ink >= TICK]
    if not ticked and len(circled) == 1 and not doubtful:
        ticked = circled
    elif circled:
        heavy += circled
    if len(ticked) == 1 and not heavy:
        winner = ticked[0]
        rest = [m for m in marks if m is not winner and m.state != "cancelled"]
        gap = winner.strength - max((m.strength for m in rest), default=0.0)
        if winner.circled:
            gap = GAP + 0.1 if all(m.state in ("empty", "cancelled") for m in rest) else 0.0
        if gap >= GAP:
            confidence = min(
                _tick_confidence(winner),
                0.5 + 0.5 * _clip((gap - GAP) / 0.1),
                _clean_confidence(rest) if not doubtful else 0.5 + 0.5 * _clip(gap - 2 * GAP),
            )
            return FieldMark(field, marks, "ticked", (winner.box.value,), round(confidence, 3))
    if ticked or doubtful or heavy or any(m.ring and m.state == "empty" for m in marks):
        # Strokes around a box of an unanswered question: a circle drawn too loosely?
        return FieldMark(field, marks, "ambiguous", (), 0.2 if len(ticked) > 1 else 0.3)
    state: BoxState = "cancelled" if any(m.state == "cancelled" for m in marks) else "empty"
    rest = [m for m in marks if m.state != "cancelled"]
    return FieldMark(field, marks, state, (), round(_clean_confidence(rest), 3))


def _multiple(field: Field, marks: tuple[BoxMark, ...]) -> FieldMark:
    """Any number of answers: each box on its own, ambiguous if any box is."""
    chosen = [m for m in marks if m.state == "ticked" or m.circled]
    if any(m.state == "ambiguous" and not m.circled for m in marks):
        return FieldMark(field, marks, "ambiguous", (), 0.3)
    clean = [m for m in marks if m.state == "empty" and not m.circled]
    confidence = min([_tick_confidence(m) for m in chosen] + [_clean_confidence(clean)])
    state: BoxState = "ticked" if chosen else "empty"
    if not chosen and any(m.state == "cancelled" for m in marks):
        state = "cancelled"
    return FieldMark(field, marks, state, tuple(m.box.value for m in chosen), round(confidence, 3))
