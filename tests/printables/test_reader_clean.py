"""Property: whatever is drawn on a clean render of the real PDF is read back exactly."""

from __future__ import annotations

import random
from functools import cache

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from printables.fonts import text_width
from printables.layout import TEXT_PT, Layout, build_layout
from printables.pdf import render_forms
from printables.reader import read_file
from printables.texts import Language
from referentiel import load_referential
from referentiel.i18n import localized
from tests.printables.conftest import SERIAL
from tests.printables.corpus import (
    CODES,
    Filling,
    MarkKind,
    draw,
    encode,
    expected,
    render_blank,
    write_code,
)

CHOOSING: list[MarkKind] = ["tick", "cross", "pencil", "circle"]
CANCELLING: list[MarkKind] = ["fill", "scribble"]


@st.composite
def fillings(draw_: st.DrawFn, layout: Layout) -> Filling:
    """Any set of answers: none, one or several per question, with any kind of mark, some
    boxes cancelled (filled in) before the final choice."""
    filling = Filling()
    for field in layout.fields():
        if field.kind == "digit":
            continue
        values = [b.value for b in field.boxes]
        most = min(3, len(values)) if field.multiple else 1
        chosen = draw_(st.lists(st.sampled_from(values), max_size=most, unique=True))
        marks = []
        free = [v for v in values if v not in chosen]
        if not field.multiple and free and draw_(st.integers(0, 9)) == 0:
            marks.append((draw_(st.sampled_from(free)), draw_(st.sampled_from(CANCELLING))))
        marks += [(v, draw_(st.sampled_from(CHOOSING))) for v in chosen]
        filling.marks[field.key] = marks
    if layout.commune is not None:
        code = draw_(st.none() | st.sampled_from(CODES[layout.commune.code]))
        if code is not None:
            write_code(filling, layout, code, random.Random(draw_(st.integers(0, 9))))
    return filling


def _differences(
    image: np.ndarray, layout: Layout, filling: Filling, layouts: object = None
) -> dict[str, object]:
    """What was read differently from what was drawn (key: (drawn, read, state)), and the
    page status when it is not ``ok``."""
    kwargs = {} if layouts is None else {"layouts": layouts}
    page = read_file(encode(image), "clean.png", **kwargs)[0]  # type: ignore[arg-type]
    readings = {**page.answers, **page.context}
    drawn = {**expected(layout, filling)[0], **expected(layout, filling)[1]}
    out: dict[str, object] = {
        key: (value, readings[key].value, readings[key].state, filling.marks.get(key))
        for key, value in drawn.items()
        if readings[key].value != value
    }
    if page.status != "ok":
        out["status"] = page.error
    return out


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data(), seed=st.integers(0, 2**32 - 1))
def test_a_clean_scan_reads_back_exactly(
    data: st.DataObject, seed: int, layout: Layout, blank_200: np.ndarray
) -> None:
    """Drawn where the sheet's own layout (its referential version) puts the boxes."""
    filling = data.draw(fillings(layout))
    image = blank_200.copy()
    draw(image, 200, layout, filling, random.Random(seed))
    assert _differences(image, layout, filling) == {}


@cache
def _sheet(items: tuple[str, ...], lang: Language) -> tuple[Layout, np.ndarray]:
    ref = load_referential()
    papier = ref.forms.papier.model_copy(update={"items": items})
    custom = ref.model_copy(update={"forms": ref.forms.model_copy(update={"papier": papier})})
    pdf = render_forms(custom, 1, lang=lang, serials=[SERIAL])
    return build_layout(custom, lang), render_blank(pdf, 200)


def _fitting_items() -> list[str]:
    """Items whose label fits the label column in both languages (the layout refuses others,
    see test_layout)."""
    ref = load_referential()
    room = build_layout(ref, "fr").items[0].label.rect.w
    english = {i.id: i.falc for i in localized(ref, "en").items}
    return [
        i.id
        for i in ref.items
        if max(text_width(i.falc, TEXT_PT), text_width(english[i.id], TEXT_PT)) <= room
    ]


@settings(max_examples=4, deadline=None)
@given(
    items=st.lists(st.sampled_from(_fitting_items()), min_size=2, max_size=24, unique=True),
    lang=st.sampled_from(["fr", "en"]),
    data=st.data(),
)
def test_any_paper_form_reads_back_exactly(
    items: list[str], lang: Language, data: st.DataObject
) -> None:
    layout, blank = _sheet(tuple(items), lang)
    filling = data.draw(fillings(layout))
    image = blank.copy()
    draw(image, 200, layout, filling, random.Random(len(items)))
    assert _differences(image, layout, filling, lambda _version, _lang, _revision: layout) == {}
