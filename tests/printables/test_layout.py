"""The layout: one A4 page, legible, deterministic, versioned."""

from __future__ import annotations

import hashlib
import json
from itertools import combinations
from pathlib import Path

import pytest
from PIL import ImageFont

from printables.fonts import text_width
from printables.layout import (
    HEAD_LINE,
    MARGIN,
    PAGE_H,
    PAGE_W,
    TEXT_PT,
    Layout,
    LayoutError,
    Rect,
    build_layout,
    layout_for,
)
from printables.sheet import LAYOUT_REVISION
from referentiel import UnknownVersionError
from referentiel.models import Referential

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
# Geometry per layout revision, referential version and language, for each sheet that may have
# been printed. A printed sheet is read with the layout its QR names: if one of these changes,
# sheets already printed would be misread. Bump LAYOUT_REVISION (and keep the old geometry
# readable) instead of updating a digest; a new referential version adds its own (its texts move
# the boxes that follow them).
GEOMETRY_DIGEST = {
    (1, "2026.1", "fr"): "7d1f0c6a4da2ed78",
    (1, "2026.1", "en"): "610d7f1bb13adcc6",
    (1, "2026.2", "fr"): "3a23bfa1290bb706",
    (1, "2026.2", "en"): "610d7f1bb13adcc6",
    (2, "2026.2", "fr"): "64fbfefa2e1583b3",
    (2, "2026.2", "en"): "9d4393721861cbe4",
}


def _texts(layout: Layout) -> list:
    out = [layout.title, layout.serial, *layout.instructions, *layout.example_labels]
    out += [layout.items_heading, *layout.column_heads]
    out += [row.label for row in layout.items]
    for q in layout.questions:
        out += [q.heading, *(o.label for o in q.options)]
    out += layout.column_numbers
    if layout.commune:
        out += [layout.commune.heading, layout.commune.hint, *layout.commune.column_labels]
    return out


def _overlap(a: Rect, b: Rect, tolerance: float = 0.01) -> bool:
    return (
        a.x < b.right - tolerance
        and b.x < a.right - tolerance
        and a.y < b.bottom - tolerance
        and b.y < a.bottom - tolerance
    )


def geometry_digest(layout: Layout) -> str:
    boxes = [(f.key, b.value, b.rect.model_dump()) for f in layout.fields() for b in f.boxes]
    payload = json.dumps([boxes, [m.model_dump() for m in layout.markers], layout.qr.model_dump()])
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_whole_form_fits_one_a4_page_in_large_type(ref: Referential, lang: str) -> None:
    layout = build_layout(ref, lang)  # type: ignore[arg-type]
    assert (layout.page_w, layout.page_h) == (210, 297)
    assert [row.item_id for row in layout.items] == list(ref.forms.papier.items or ())
    assert {q.key for q in layout.questions} == {*ref.forms.papier.context, "wished_autonomy"} - {
        "commune"
    }
    assert layout.commune is not None and len(layout.commune.rows) == 5
    for text in _texts(layout):
        assert text.size_pt >= 12, text.text
    boxes = [b.rect for f in layout.fields() for b in f.boxes]
    for rect in [*boxes, layout.qr]:
        assert rect.x >= MARGIN and rect.right <= PAGE_W - MARGIN
        assert rect.y >= MARGIN - 1 and rect.bottom <= PAGE_H - MARGIN
        assert not any(_overlap(rect, m.rect.grow(1.5)) for m in layout.markers)
    for a, b in combinations(boxes, 2):
        assert not _overlap(a, b)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_label_fits_the_room_the_layout_gives_it(ref: Referential, lang: str) -> None:
    layout = build_layout(ref, lang)  # type: ignore[arg-type]
    for text in _texts(layout):
        if text.align == "left":
            assert text_width(text.text, text.size_pt, text.bold) <= text.rect.w + 0.01, text.text
    labels = [o.label.rect for q in layout.questions for o in q.options]
    for a, b in combinations(labels + [o.box.rect for q in layout.questions for o in q.options], 2):
        assert not _overlap(a, b)


def test_item_rows_have_five_values_and_unknown(layout: Layout) -> None:
    for row in layout.items:
        assert [b.value for b in row.boxes] == ["0", "1", "2", "3", "4", "?"]
        assert all(b.rect.w >= 5 for b in row.boxes)


def test_the_commune_is_asked_as_people_know_it(layout: Layout) -> None:
    """Its postal code in digit boxes 0–9, and its name on a line of its own, wide enough to
    write « Saint-Rémy-de-Provence »."""
    grid = layout.commune
    assert grid is not None and grid.code == "postal" and grid.key == "postal_code"
    assert [[b.value for b in row] for row in grid.rows] == [list("0123456789")] * 5
    assert grid.hint.text == "Code postal"
    assert grid.name_line is not None and grid.name_line.w >= 70
    area = grid.area()
    assert area.union(grid.name_line) == area == area.union(grid.rows[-1][-1].rect)
    assert [f.key for f in layout.fields() if f.kind == "digit"] == [
        f"postal_code.{i}" for i in range(1, 6)
    ]
    printed = [layout.title.rect, *(t.rect for t in layout.instructions), layout.qr]
    printed += [m.rect for m in layout.markers] + [grid.hint.rect]
    assert not any(_overlap(grid.name_line, rect) for rect in printed)


def test_revision_1_sheets_asked_the_insee_code_with_corsica_letters(ref: Referential) -> None:
    grid = build_layout(ref, "fr", revision=1).commune
    assert grid is not None and grid.key == "commune" and grid.name_line is None
    values = [[b.value for b in row] for row in grid.rows]
    assert values[1][-2:] == ["A", "B"]
    assert all(len(row) == 10 for i, row in enumerate(values) if i != 1)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_column_headings_carry_the_numbers_typed_on_the_entry_screen(
    ref: Referential, lang: str
) -> None:
    """0 to 4 above each answer's wording, as the keyboard entry screen asks them; « ? » is
    its own heading."""
    layout = build_layout(ref, lang)  # type: ignore[arg-type]
    numbers = layout.column_numbers
    assert [n.text for n in numbers] == ["0", "1", "2", "3", "4"]
    assert layout.column_heads[-1].text == "?"
    for number, head, box in zip(numbers, layout.column_heads, layout.items[0].boxes, strict=False):
        assert number.bold and number.rect.x <= box.rect.x and box.rect.right <= number.rect.right
        label_top = head.rect.bottom - 2 * HEAD_LINE - 0.4  # two lines at most, at the bottom
        assert number.rect.bottom <= label_top + 0.01
        assert head.rect.bottom <= layout.items[0].band.y


def test_layouts_are_found_by_version_and_revision_and_cached(ref: Referential) -> None:
    current = layout_for(ref.version, "fr", LAYOUT_REVISION)
    assert current is layout_for(ref.version, "fr", LAYOUT_REVISION)
    assert current == build_layout(ref, "fr")
    assert layout_for(ref.version, "fr", 1) == build_layout(ref, "fr", 1)
    assert layout_for(ref.version, "fr", 1).revision == 1
    with pytest.raises(UnknownVersionError):
        layout_for("1999.1", "fr", LAYOUT_REVISION)


def test_a_paper_form_too_long_for_one_page_is_refused(ref: Referential) -> None:
    papier = ref.forms.papier.model_copy(update={"items": tuple(i.id for i in ref.items)})
    too_long = ref.model_copy(update={"forms": ref.forms.model_copy(update={"papier": papier})})
    with pytest.raises(LayoutError, match="ne tient pas sur une page A4"):
        build_layout(too_long, "fr")


@pytest.mark.parametrize(("revision", "version", "lang"), list(GEOMETRY_DIGEST))
def test_the_printed_geometry_does_not_change_under_printed_sheets(
    revision: int, version: str, lang: str
) -> None:
    layout = layout_for(version, lang, revision)  # type: ignore[arg-type]
    assert geometry_digest(layout) == GEOMETRY_DIGEST[revision, version, lang]


@pytest.mark.skipif(not DEJAVU.exists(), reason="fonts-dejavu-core is not installed")
def test_the_frozen_width_table_matches_the_font() -> None:
    font = ImageFont.truetype(str(DEJAVU), 1000, layout_engine=ImageFont.Layout.BASIC)
    for text in ("Créer mon adresse e-mail", "Je préfère ne pas répondre", "Œuvre « à » 12 €"):
        measured = font.getlength(text) / 1000 * TEXT_PT * 25.4 / 72
        assert text_width(text, TEXT_PT) == pytest.approx(measured, rel=0.01)
