"""The decision rules on box measurements, without images."""

from __future__ import annotations

import pytest

from printables.decisions import BoxMark, FieldMark, Line, box_state, decide, doubt_unanswered
from printables.layout import Box, Field, Rect

RECT = Rect(x=0, y=0, w=5, h=5)


def _field(count: int, kind: str = "item") -> Field:
    boxes = tuple(Box(value=str(i), rect=RECT) for i in range(count))
    return Field(key="E1.1", kind=kind, boxes=boxes, area=RECT)  # type: ignore[arg-type]


def _marks(field: Field, *measures: tuple[float, float, int]) -> tuple[BoxMark, ...]:
    return _lines(field, *((ink, light, ring, Line()) for ink, light, ring in measures))


def _lines(field: Field, *measures: tuple[float, float, int, Line]) -> tuple[BoxMark, ...]:
    """Marks with their thin line too (ink, light, ring, line)."""
    out = []
    for box, (ink, light, ring, line) in zip(field.boxes, measures, strict=True):
        state, faint = box_state(ink, light, line=line)
        out.append(BoxMark(box, ink, light, ring, 4, state, faint, line))
    return tuple(out)


EMPTY = (0.0, 0.0, 0)


@pytest.mark.parametrize(
    ("ink", "light", "state"),
    [
        (0.0, 0.0, "empty"),
        (0.3, 0.35, "ticked"),
        (0.6, 0.65, "ticked"),  # a thick felt-pen cross
        (0.0, 0.2, "ticked"),  # light pencil
        (0.04, 0.06, "ambiguous"),  # a stray trace
    ],
)
def test_box_states(ink: float, light: float, state: str) -> None:
    assert box_state(ink, light)[0] == state


@pytest.mark.parametrize(
    ("ink", "solid", "state"),
    [
        (0.8, 0.1, "ticked"),  # a thick cross: white between its arms
        (0.8, 0.6, "ambiguous"),
        (0.8, 0.8, "cancelled"),  # a box scribbled out
        (0.97, 0.2, "cancelled"),
    ],
)
def test_dark_boxes_are_told_apart_by_their_shape(ink: float, solid: float, state: str) -> None:
    assert box_state(ink, ink, solid)[0] == state


def test_one_tick_is_the_answer() -> None:
    field = _field(3)
    read = decide(field, _marks(field, EMPTY, (0.3, 0.35, 0), EMPTY))
    assert (read.state, read.chosen) == ("ticked", ("1",))
    assert read.confidence > 0.9


def test_two_ticks_make_the_row_ambiguous() -> None:
    field = _field(3)
    read = decide(field, _marks(field, (0.3, 0.3, 0), (0.35, 0.4, 0), EMPTY))
    assert (read.state, read.chosen) == ("ambiguous", ())


def test_a_cancelled_box_gives_way_to_the_new_tick() -> None:
    field = _field(3)
    read = decide(field, _marks(field, (1.0, 1.0, 0), EMPTY, (0.3, 0.35, 0)))
    assert (read.state, read.chosen) == ("ticked", ("2",))


def test_a_cancelled_box_alone_is_no_answer() -> None:
    field = _field(3)
    read = decide(field, _marks(field, (1.0, 1.0, 0), EMPTY, EMPTY))
    assert (read.state, read.chosen) == ("cancelled", ())


def test_a_faint_trace_alone_is_doubtful_but_does_not_spoil_a_clear_tick() -> None:
    field = _field(3)
    assert decide(field, _marks(field, (0.05, 0.06, 0), EMPTY, EMPTY)).state == "ambiguous"
    read = decide(field, _marks(field, (0.05, 0.06, 0), EMPTY, (0.4, 0.45, 0)))
    assert (read.state, read.chosen) == ("ticked", ("2",))
    assert read.confidence < 1


def test_a_circled_box_is_chosen_when_nothing_else_is_marked() -> None:
    field = _field(3)
    assert decide(field, _marks(field, EMPTY, (0.0, 0.0, 4), EMPTY)).chosen == ("1",)
    assert decide(field, _marks(field, (0.3, 0.3, 0), (0.0, 0.0, 4), EMPTY)).state == "ambiguous"


def test_multiple_choice_keeps_every_tick_and_doubts_a_trace() -> None:
    field = _field(4, "multiple")
    read = decide(field, _marks(field, (0.3, 0.3, 0), EMPTY, (0.0, 0.2, 0), (1.0, 1.0, 0)))
    assert (read.state, read.chosen) == ("ticked", ("0", "2"))
    doubtful = decide(field, _marks(field, (0.3, 0.3, 0), (0.05, 0.05, 0), EMPTY, EMPTY))
    assert doubtful.state == "ambiguous"


@pytest.mark.parametrize(
    ("light", "line", "state"),
    [
        (0.0, Line(0.2, 0), "empty"),  # the paper's own grain
        (0.0, Line(0.8, 4), "ambiguous"),  # a line too faint to call a tick: a person looks
        (0.0, Line(1.6, 4), "ticked"),  # a fine pen's tick, seen by nothing else
        (0.06, Line(3.0, 5), "ticked"),  # ...that light sees as a stray trace
        (0.0, Line(4.0, 1), "ambiguous"),  # a dot, not a tick: a hesitation?
    ],
)
def test_a_line_that_ink_and_light_miss_is_never_empty(
    light: float, line: Line, state: str
) -> None:
    assert box_state(0.0, light, line=line)[0] == state


def test_a_fine_tick_is_the_answer_only_in_a_clean_row() -> None:
    field = _field(3)
    fine = (0.0, 0.0, 0, Line(1.6, 4))
    read = decide(
        field, _lines(field, (0.0, 0.0, 0, Line(0.1, 0)), fine, (0.0, 0.0, 0, Line(0.2, 0)))
    )
    assert (read.state, read.chosen) == ("ticked", ("1",))
    assert read.confidence < 0.7
    faint_elsewhere = decide(
        field, _lines(field, (0.0, 0.0, 0, Line(0.8, 4)), fine, (0.0, 0.0, 0, Line(0.2, 0)))
    )
    assert faint_elsewhere.state == "ambiguous"


def test_an_empty_row_is_less_sure_when_a_line_nears_the_trace() -> None:
    field = _field(3)
    clean = decide(field, _lines(field, *[(0.0, 0.0, 0, Line())] * 3))
    grainy = decide(field, _lines(field, *[(0.0, 0.0, 0, Line(0.45, 0))] * 3))
    assert (clean.state, grainy.state) == ("empty", "empty")
    assert grainy.confidence < clean.confidence == 1.0


def _sheet(*rows: tuple[tuple[float, float, int, Line], ...]) -> list[FieldMark]:
    out = []
    for index, measures in enumerate(rows):
        field = _field(len(measures)).model_copy(update={"key": f"E{index}.1"})
        out.append(decide(field, _lines(field, *measures)))
    return out


def test_on_a_sheet_answered_with_barely_seen_lines_an_unanswered_row_goes_to_review() -> None:
    """Its mark may be too faint for the picture: some of a fine pen's ticks are seen, others
    not. Clear lines everywhere, or a single one, say nothing of the others."""
    fine, blank = (0.0, 0.0, 0, Line(1.6, 4)), (0.0, 0.0, 0, Line(0.1, 0))
    read = doubt_unanswered(_sheet((fine, blank), (blank, fine), (blank, blank)))
    assert [f.state for f in read] == ["ticked", "ticked", "ambiguous"]
    clear = (0.0, 0.0, 0, Line(4.0, 5))
    read = doubt_unanswered(_sheet((clear, blank), (blank, clear), (blank, blank)))
    assert [f.state for f in read] == ["ticked", "ticked", "empty"]
    inked = (0.3, 0.35, 0, Line(9.0, 5))
    read = doubt_unanswered(_sheet((inked, blank), (blank, fine), (blank, blank)))
    assert [f.state for f in read] == ["ticked", "ticked", "empty"]
