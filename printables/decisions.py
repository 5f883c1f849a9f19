"""The rules that turn box measurements into answers: every threshold is here.

A box is measured (:mod:`printables.marks`) in the inner 70 % of its square, away from its
printed outline, as AMC's ``--prop``:

* ``ink``: share of pixels darker than the sheet's ink threshold;
* ``light``: share of pixels at least a fifth darker than the paper, which sees light pencil;
* ``ring``: how many of the strips just outside the box hold a stroke (out of ``sides``);
* ``line``: how much darker than its own paper a thin line in the centre of the box is, on
  average (grey levels of a black-hat, :func:`printables.marks.strokes`), which sees a fine
  pen or a light pencil where ``ink`` and ``light`` see nothing or a stray trace, and in how
  many ninths of that centre it runs (a tick or a cross crosses several, a dot sits in one).

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

Faint marks. A box is empty only when the three measures say so: never « empty » for a mark
that could not be seen well. A line that ink and light do not read as a tick is a fine tick
from FINE_TICK on if it runs across the box (read like a light pencil tick, with a low
confidence, and only when the rest of its row is clean), and ambiguous from FINE_TRACE on.
On the corpus's photos taken at arm's length, empty boxes measure up to 0.5 and ticks of a
fine pen or a pencil 0.1 to 0.4 mm wide from about 1.3; only the faintest of all (0.1 mm,
light grey, on the poorest photo) fall to the level of the paper's own grain, some seen and
some not. So the sheet is read as a whole too (:func:`doubt_unanswered`): on a sheet answered
with fine strokes, some of them barely seen, a question read as unanswered may hold a mark
too faint to see, and goes to a person. When even the faintest line of the sheet is well
above a tick (FINE_SURE), the same pen on the same photo would have shown elsewhere too: an
unanswered question is unanswered.
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
FINE_TRACE: Final = 0.6  # from this line level on, a box holds a line, however faint
FINE_REACH: Final = 3  # ninths of the box's centre a line crosses to be a tick, not a dot
FINE_TICK: Final = 1.0  # from this one on, the line is a tick (a fine pen, a pencil)
FINE_SHEET: Final = 2  # boxes with a line seen only as a fine stroke: a sheet answered so
FINE_SURE: Final = 2.5  # ...the faintest of them this clear: nothing else was missed
GAP: Final = 0.07  # the chosen box must beat the runner-up by this much
RING_SIDES: Final = 3  # strokes on this many sides (or all it has, if fewer) make a circle
CIRCLED_CONFIDENCE: Final = 0.7


@dataclass(frozen=True, slots=True)
class Line:
    """The thin line in a box's centre: its level (grey levels darker than the paper around
    it, on average) and how many of the centre's ninths it crosses."""

    level: float = 0.0
    reach: int = 0


@dataclass(frozen=True, slots=True)
class BoxMark:
    box: Box
    ink: float
    light: float
    ring: int
    sides: int
    state: BoxState
    faint: bool = False
    line: Line = Line()

    @property
    def fine(self) -> bool:
        """A line that ink and light do not read as a tick (a fine pen, a pencil, from afar)."""
        return self.ink < TICK and self.light < PENCIL and self.line.level >= FINE_TRACE

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


def box_state(
    ink: float, light: float, solid: float = 0.0, line: Line = Line()
) -> tuple[BoxState, bool]:
    """The state of one box, and whether it is a faint tick (a pencil, a fine pen). `solid`
    matters only for a dark box (ink ≥ HEAVY), `line` only for a box that ink and light do not
    read as a tick."""
    if ink >= CANCEL or (ink >= HEAVY and solid >= SOLID):
        return "cancelled", False
    if ink >= HEAVY and solid > GAPPED:
        return "ambiguous", False
    if ink >= TICK:
        return "ticked", False
    if light >= PENCIL or (line.level >= FINE_TICK and line.reach >= FINE_REACH):
        return "ticked", True  # light pencil against the paper, or a fine pen's thin line
    if max(ink, light) < TRACE and line.level < FINE_TRACE:
        return "empty", False
    return "ambiguous", False  # a faint stray mark or line: a hesitation, dirt, a tick?


def _clip(value: float) -> float:
    return min(1.0, max(0.0, value))


def _tick_confidence(mark: BoxMark) -> float:
    if mark.circled:
        return CIRCLED_CONFIDENCE
    if mark.fine:
        return 0.55 + 0.15 * _clip((mark.line.level - FINE_TICK) / FINE_TICK)
    if mark.faint:
        return 0.6 + 0.15 * _clip((mark.light - PENCIL) / PENCIL)
    return 0.5 + 0.5 * _clip((mark.ink - TICK) / 0.1)


def _clean_confidence(marks: list[BoxMark]) -> float:
    """How sure that these boxes hold nothing: how far the most marked one is from a trace."""
    worst = max(
        (max(m.ink / TRACE, m.light / TRACE, m.line.level / FINE_TRACE) for m in marks), default=0.0
    )
    return 0.5 + 0.5 * _clip(1 - worst)


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
        if winner.circled or winner.fine:  # seen by shape, not by ink: the rest must be clean
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


def doubt_unanswered(fields: list[FieldMark]) -> list[FieldMark]:
    """The sheet read as a whole: when it was answered with fine strokes (FINE_SHEET boxes
    show one), some barely seen (below FINE_SURE), each question read as unanswered is
    ambiguous instead, since its mark may be too faint for the picture: a person looks."""
    fine = [m.line.level for f in fields for m in f.boxes if m.fine]
    if len(fine) < FINE_SHEET or min(fine) >= FINE_SURE:
        return fields
    return [
        FieldMark(f.field, f.boxes, "ambiguous", (), 0.3) if f.state == "empty" else f
        for f in fields
    ]
