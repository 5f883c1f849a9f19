"""The paper Numérimètre's geometry: one object that draws the PDF and reads the scan.

Everything is in millimetres from the page's top-left corner. :func:`build_layout` computes it
from a referential's ``papier`` form and a language, deterministically (label widths come from
the frozen font table of :mod:`printables.fonts`), so the reader recomputes exactly the layout a
sheet was printed with from what its QR code says: layout revision, referential version and
language (:func:`layout_for`).

The page, top to bottom (revision 2):

* four ArUco markers in the corners (distinct ids, so they also give the orientation) and the
  QR code under the top-right marker;
* the title, the two-line instruction with a drawn example, and the commune as people know
  it: its name written on a line (never machine-read: a person looks at it when the postal
  code is shared by several communes) and its postal code as five rows of digit boxes 0–9;
  that grid is often filled in by the mediator, so its boxes are smaller;
* the column headings: the number a mediator types for each answer on the keyboard entry
  screen (0–4, and « ? »), above the answer's short wording;
* one row per item: pictogram, plain-language label, five answer boxes 0–4 and « ? »;
* the context questions, flowed line by line (age band, equipment, frequency of use, whether
  the person knows where to find help), then the needs as a grid of tick boxes, then one
  single row for the wished autonomy A0–A4 that applies to the ticked needs. One wished level
  for all needs keeps the page to one sheet; the mediator refines it per need on screen.

Revision 1 asked the commune's INSEE code (a second row with A and B for Corsica's 2A/2B),
which people do not know, had no numbers in the column headings and taller item rows; its
geometry is still computed (:data:`REVISIONS`), so sheets printed with it are still read.

All text is at least 12 pt. Context option labels are printed without their trailing
parenthesis (« Rarement (moins d'une fois par semaine) » prints « Rarement »): the paper form
has no room for the clarification, the screen form keeps it.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Final, Literal

from pydantic import BaseModel, ConfigDict

from printables.fonts import text_width, wrap
from printables.sheet import LAYOUT_REVISION
from printables.texts import TEXTS, FormTexts, Language, language_referential
from referentiel import load_version
from referentiel.models import UNKNOWN, ContextQuestion, Referential

PAGE_W: Final = 210.0
PAGE_H: Final = 297.0
MARGIN: Final = 6.0
MARKER: Final = 10.0
# ArUco DICT_4X4_50 ids, clockwise from the top-left corner.
MARKER_IDS: Final = (11, 22, 33, 44)
QR_SIZE: Final = 20.0
TEXT_PT: Final = 12.0
TITLE_PT: Final = 20.0

# The items table (the row pitch and the headings' height depend on the revision).
HEAD_Y: Final = 42.0
HEAD_LINE: Final = 4.6  # one line of a column heading
BOX: Final = 5.0
PICTO: Final = 5.0
LABEL_X: Final = 12.5
ANSWER_X: Final = 83.0
ANSWER_W: Final = 22.0
UNKNOWN_W: Final = 11.0

# The context questions.
LINE: Final = 6.4
CONTEXT_BOX: Final = 4.6
LABEL_GAP: Final = 1.5
OPTION_GAP: Final = 4.5
GRID_GAP: Final = 2.5
MAX_INDENT: Final = 45.0  # a longer heading does not indent the lines that follow it
BLOCK_GAP: Final = 8.0
HALO: Final = 2.2  # free space kept left of an option's box, where a circling stroke shows
GRID_MIN_OPTIONS: Final = 9  # a longer list reads better as columns than as a flowing line

# The commune, in the top band.
DIGIT_PITCH: Final = 5.0
DIGIT_BOX: Final = 4.2
COMMUNE_DIGITS: Final = 5
CORSICA_ROW: Final = 1  # the second character of 2A… / 2B… INSEE codes (revision 1)
NAME_X: Final = 82.0  # the commune's heading and written name, right of the title
NAME_H: Final = 6.0

FieldKind = Literal["item", "single", "multiple", "yes_no", "digit"]
CodeKind = Literal["insee", "postal"]
WISHED_AUTONOMY: Final = "wished_autonomy"
COMMUNE: Final = "commune"
POSTAL_CODE: Final = "postal_code"
YES: Final = "yes"
NO: Final = "no"
UNKNOWN_VALUE: Final = UNKNOWN


class LayoutError(ValueError):
    """The paper form of this referential does not fit on one A4 page."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Revision(_Frozen):
    """What differs between two printed layouts. A sheet's QR code names its revision, and
    every revision ever printed stays here, so that old sheets are read as they were printed."""

    number: int
    row: float  # the item rows' pitch
    head_h: float  # the column headings' height
    numbered_heads: bool  # headings start with the number typed on the entry screen
    code: CodeKind  # what the digit boxes ask: the commune's INSEE code or its postal code


REVISIONS: Final = {
    1: Revision(number=1, row=6.4, head_h=10.0, numbered_heads=False, code="insee"),
    2: Revision(number=2, row=6.2, head_h=14.2, numbered_heads=True, code="postal"),
}


class Rect(_Frozen):
    x: float
    y: float
    w: float
    h: float

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h

    def inner(self, ratio: float) -> Rect:
        """The centred part of the rectangle, `ratio` of its width and height."""
        dx, dy = self.w * (1 - ratio) / 2, self.h * (1 - ratio) / 2
        return Rect(x=self.x + dx, y=self.y + dy, w=self.w - 2 * dx, h=self.h - 2 * dy)

    def grow(self, mm: float) -> Rect:
        return Rect(x=self.x - mm, y=self.y - mm, w=self.w + 2 * mm, h=self.h + 2 * mm)

    def union(self, other: Rect) -> Rect:
        x, y = min(self.x, other.x), min(self.y, other.y)
        return Rect(
            x=x, y=y, w=max(self.right, other.right) - x, h=max(self.bottom, other.bottom) - y
        )


class Text(_Frozen):
    rect: Rect
    text: str
    size_pt: float = TEXT_PT
    bold: bool = False
    align: Literal["left", "center"] = "left"


class Box(_Frozen):
    """One tick box. `halo` is the print-free area around it, where a circled choice shows."""

    value: str
    rect: Rect
    halo: Rect | None = None


class Field(_Frozen):
    """A group of boxes read together: one item, one context question, one commune digit."""

    key: str
    kind: FieldKind
    boxes: tuple[Box, ...]
    area: Rect

    @property
    def multiple(self) -> bool:
        return self.kind == "multiple"


class ItemRow(_Frozen):
    item_id: str
    band: Rect
    label: Text
    pictogram: str
    pictogram_rect: Rect
    boxes: tuple[Box, ...]


class Option(_Frozen):
    box: Box
    label: Text


class Question(_Frozen):
    key: str
    kind: Literal["single", "multiple", "yes_no"]
    heading: Text
    options: tuple[Option, ...]


class CommuneGrid(_Frozen):
    """The commune's code as rows of digit boxes, one row per character, each with a square
    where the character is written; from revision 2, the postal code, and a line for the
    commune's name."""

    code: CodeKind
    heading: Text
    hint: Text
    column_labels: tuple[Text, ...]
    write_ins: tuple[Rect, ...]
    rows: tuple[tuple[Box, ...], ...]
    name_line: Rect | None = None

    @property
    def key(self) -> str:
        """The context key of what the digits give: ``commune`` (INSEE) or ``postal_code``."""
        return COMMUNE if self.code == "insee" else POSTAL_CODE

    def area(self) -> Rect:
        """The digit boxes and the written name: what a person looks at to check them."""
        area = self.write_ins[0].union(self.rows[-1][-1].rect)
        for row in self.rows:
            area = area.union(row[-1].rect)
        if self.name_line is None:
            return area
        return area.union(self.name_line).union(self.hint.rect)


class Marker(_Frozen):
    id: int
    rect: Rect


class Layout(_Frozen):
    revision: int
    version: str
    lang: Language
    page_w: float
    page_h: float
    markers: tuple[Marker, ...]
    qr: Rect
    title: Text
    serial: Text
    instructions: tuple[Text, ...]
    example_boxes: tuple[Rect, Rect]
    example_labels: tuple[Text, Text]
    items_heading: Text
    column_heads: tuple[Text, ...]
    column_numbers: tuple[Text, ...]
    items: tuple[ItemRow, ...]
    questions: tuple[Question, ...]
    commune: CommuneGrid | None

    def fields(self) -> tuple[Field, ...]:
        """Every group of boxes, in reading order: items, then context, then commune digits."""
        out = [Field(key=r.item_id, kind="item", boxes=r.boxes, area=r.band) for r in self.items]
        for q in self.questions:
            area = q.heading.rect
            for option in q.options:
                area = area.union(option.box.rect).union(option.label.rect)
            out.append(
                Field(key=q.key, kind=q.kind, boxes=tuple(o.box for o in q.options), area=area)
            )
        if self.commune is not None:
            grid = self.commune
            for index, row in enumerate(grid.rows):
                area = grid.write_ins[index].union(row[-1].rect).grow(0.6)
                out.append(Field(key=f"{grid.key}.{index + 1}", kind="digit", boxes=row, area=area))
        return tuple(out)


def marker_rects() -> tuple[Marker, ...]:
    """The corner markers, the same for every referential version of this layout revision."""
    far_x, far_y = PAGE_W - MARGIN - MARKER, PAGE_H - MARGIN - MARKER
    corners = ((MARGIN, MARGIN), (far_x, MARGIN), (far_x, far_y), (MARGIN, far_y))
    return tuple(
        Marker(id=marker_id, rect=Rect(x=x, y=y, w=MARKER, h=MARKER))
        for marker_id, (x, y) in zip(MARKER_IDS, corners, strict=True)
    )


QR_RECT: Final = Rect(x=PAGE_W - MARGIN - QR_SIZE, y=MARGIN + MARKER + 3.5, w=QR_SIZE, h=QR_SIZE)


@cache
def layout_for(version: str, lang: Language, revision: int) -> Layout:
    """The layout a sheet of this referential version, language and layout revision was
    printed with.

    Raises :class:`referentiel.UnknownVersionError` for a version this installation lacks.
    """
    return build_layout(load_version(version), lang, revision)


def build_layout(
    ref: Referential, lang: Language = "fr", revision: int = LAYOUT_REVISION
) -> Layout:
    spec = REVISIONS[revision]
    texts = TEXTS[lang]
    shown = language_referential(ref, lang)
    markers = marker_rects()
    commune_question = next((q for q in _context_questions(shown) if q.kind == "commune"), None)
    title = Text(
        rect=Rect(x=MARGIN + MARKER + 3, y=MARGIN - 1, w=60, h=10),
        text=texts.title,
        size_pt=TITLE_PT,
        bold=True,
    )
    grid = _commune_grid(commune_question, spec.code, lang) if commune_question else None
    instruction_y = MARGIN + 11
    instructions = tuple(
        Text(
            rect=Rect(x=title.rect.x, y=instruction_y + i * 5.2, w=100, h=5.2),
            text=line,
            bold=i == 0,
        )
        for i, line in enumerate(texts.instructions)
    )
    example_y = instruction_y + 11.5
    tick_box = Rect(x=title.rect.x, y=example_y + 0.6, w=BOX, h=BOX)
    tick_label = _label_after(tick_box, texts.example_tick, example_y, 6.2)
    cancel_box = Rect(x=tick_label.rect.right + 8, y=example_y + 0.6, w=BOX, h=BOX)
    cancel_label = _label_after(cancel_box, texts.example_cancel, example_y, 6.2)
    serial = Text(rect=Rect(x=title.rect.x, y=example_y + 6.4, w=60, h=5.2), text=texts.serial)
    layout = Layout(
        revision=revision,
        version=ref.version,
        lang=lang,
        page_w=PAGE_W,
        page_h=PAGE_H,
        markers=markers,
        qr=QR_RECT,
        title=title,
        serial=serial,
        instructions=instructions,
        example_boxes=(tick_box, cancel_box),
        example_labels=(tick_label, cancel_label),
        items_heading=Text(
            rect=Rect(x=LABEL_X, y=HEAD_Y + spec.head_h - 5.2, w=ANSWER_X - LABEL_X, h=5.2),
            text=texts.items_heading,
            bold=True,
        ),
        column_heads=_column_heads(shown, spec),
        column_numbers=_column_numbers(shown) if spec.numbered_heads else (),
        items=_item_rows(shown, spec),
        questions=_questions(shown, spec, texts, markers),
        commune=grid,
    )
    _check_fits(layout, grid)
    return layout


def _context_questions(ref: Referential) -> list[ContextQuestion]:
    by_id = {q.id: q for q in ref.context_questions}
    return [by_id[q] for q in ref.forms.papier.context]


def _paper_label(label: str) -> str:
    return re.sub(r"\s*\([^)]*\)\s*$", "", label)


def _label_after(box: Rect, text: str, line_y: float, line_h: float, bold: bool = False) -> Text:
    x = box.right + LABEL_GAP
    return Text(
        rect=Rect(x=x, y=line_y, w=text_width(text, TEXT_PT, bold) + 0.5, h=line_h),
        text=text,
        bold=bold,
    )


def _column_heads(ref: Referential, spec: Revision) -> tuple[Text, ...]:
    """Each column's short wording, at the bottom of the headings' band."""
    return tuple(
        Text(
            rect=_column(i).model_copy(update={"y": HEAD_Y, "h": spec.head_h}),
            text=choice.short,
            align="center",
        )
        for i, choice in enumerate(ref.scale.choices)
    )


def _column_numbers(ref: Referential) -> tuple[Text, ...]:
    """The number of each answer 0–4, the one typed on the keyboard entry screen, on the top
    line of its heading (« ? » is its own number)."""
    return tuple(
        Text(
            rect=_column(i).model_copy(update={"y": HEAD_Y, "h": HEAD_LINE}),
            text=str(value.value),
            bold=True,
            align="center",
        )
        for i, value in enumerate(ref.scale.values)
    )


def _column(index: int) -> Rect:
    """The answer column `index` (0–4, then 5 for « ? ») across the whole page height."""
    x = ANSWER_X + index * ANSWER_W
    return Rect(x=x, y=0, w=UNKNOWN_W if index == 5 else ANSWER_W, h=PAGE_H)


def _item_rows(ref: Referential, spec: Revision) -> tuple[ItemRow, ...]:
    values = [choice.value for choice in ref.scale.choices]
    rows = []
    row_h = spec.row
    for index, item in enumerate(ref.form_items("papier")):
        y = HEAD_Y + spec.head_h + index * row_h
        boxes = []
        for col, value in enumerate(values):
            column = _column(col)
            cx = column.x + column.w / 2
            boxes.append(
                Box(
                    value=value,
                    rect=Rect(x=cx - BOX / 2, y=y + (row_h - BOX) / 2, w=BOX, h=BOX),
                    halo=Rect(x=column.x + 1, y=y, w=column.w - 2, h=row_h),
                )
            )
        rows.append(
            ItemRow(
                item_id=item.id,
                band=Rect(x=MARGIN, y=y, w=PAGE_W - 2 * MARGIN, h=row_h),
                label=Text(
                    rect=Rect(x=LABEL_X, y=y, w=ANSWER_X - LABEL_X - 1, h=row_h), text=item.falc
                ),
                pictogram=item.pictogram,
                pictogram_rect=Rect(x=MARGIN + 0.5, y=y + (row_h - PICTO) / 2, w=PICTO, h=PICTO),
                boxes=tuple(boxes),
            )
        )
    return tuple(rows)


def _commune_grid(question: ContextQuestion, code: CodeKind, lang: Language) -> CommuneGrid:
    """Revision 1: the heading and « code INSEE » above a grid with A and B for Corsica.
    Revision 2: the heading and a line for the written name, then « Code postal » beside a
    grid of digits only."""
    texts = TEXTS[lang]
    columns = [str(d) for d in range(10)] + (["A", "B"] if code == "insee" else [])
    grid_w = DIGIT_PITCH * (len(columns) + 1) + 1.4
    x0 = QR_RECT.x - 3 - grid_w
    boxes_x = x0 + DIGIT_PITCH + 1.4
    labels_y = MARGIN + 5
    rows_y = labels_y + 5
    heading_x = x0 if code == "insee" else NAME_X
    heading = Text(
        rect=Rect(
            x=heading_x, y=MARGIN - 1, w=text_width(question.falc, TEXT_PT, True) + 0.5, h=NAME_H
        ),
        text=question.falc,
        bold=True,
    )
    name_line = None
    if code == "insee":
        hint_rect = Rect(
            x=heading.rect.right + 2,
            y=MARGIN - 1,
            w=text_width(texts.commune_hint, TEXT_PT) + 0.5,
            h=NAME_H,
        )
        hint_text = texts.commune_hint
    else:
        name_x = heading.rect.right + 2
        name_right = PAGE_W - MARGIN - MARKER - 3
        name_line = Rect(x=name_x, y=MARGIN - 1, w=name_right - name_x, h=NAME_H)
        width = text_width(texts.postal_code, TEXT_PT, True) + 0.5
        hint_rect = Rect(x=boxes_x - 1 - width, y=labels_y, w=width, h=5)
        hint_text = texts.postal_code
    hint = Text(rect=hint_rect, text=hint_text, bold=code == "postal")
    column_labels = tuple(
        Text(
            rect=Rect(x=boxes_x + i * DIGIT_PITCH, y=labels_y, w=DIGIT_PITCH, h=5),
            text=label,
            align="center",
        )
        for i, label in enumerate(columns)
    )
    inset = (DIGIT_PITCH - DIGIT_BOX) / 2
    rows = []
    write_ins = []
    for row in range(COMMUNE_DIGITS):
        y = rows_y + row * DIGIT_PITCH
        write_ins.append(Rect(x=x0, y=y, w=DIGIT_PITCH, h=DIGIT_PITCH))
        allowed = columns if row == CORSICA_ROW else columns[:10]
        rows.append(
            tuple(
                Box(
                    value=value,
                    rect=Rect(
                        x=boxes_x + i * DIGIT_PITCH + inset, y=y + inset, w=DIGIT_BOX, h=DIGIT_BOX
                    ),
                )
                for i, value in enumerate(allowed)
            )
        )
    return CommuneGrid(
        code=code,
        heading=heading,
        hint=hint,
        column_labels=column_labels,
        write_ins=tuple(write_ins),
        rows=tuple(rows),
        name_line=name_line,
    )


class _Lines:
    """The context area as lines of text, each as wide as the corner markers allow."""

    def __init__(self, top: float, markers: tuple[Marker, ...]) -> None:
        self.top = top
        self.markers = markers
        self.index = -1
        self.x = 0.0

    def y(self) -> float:
        return self.top + self.index * LINE

    def span(self) -> tuple[float, float]:
        y0, y1 = self.y(), self.y() + LINE
        left, right = MARGIN, PAGE_W - MARGIN
        for marker in self.markers:
            r = marker.rect.grow(2.0)
            if r.y < y1 and r.bottom > y0:
                if r.x < PAGE_W / 2:
                    left = max(left, r.right + HALO)  # room for a box's halo too
                else:
                    right = min(right, r.x)
        return left, right

    def new(self) -> None:
        self.index += 1
        self.x = self.span()[0]

    def room(self) -> float:
        return self.span()[1] - self.x


def _questions(
    ref: Referential, spec: Revision, texts: FormTexts, markers: tuple[Marker, ...]
) -> tuple[Question, ...]:
    top = HEAD_Y + spec.head_h + len(ref.form_items("papier")) * spec.row + 1.5
    lines = _Lines(top, markers)
    lines.new()
    out = []
    for q in _context_questions(ref):
        if q.kind == "commune":
            continue
        if q.kind == "yes_no":
            options = [(YES, texts.yes), (NO, texts.no)]
        else:
            options = [(o.code, _paper_label(o.label)) for o in q.options]
            needs = {n.code: n.falc for n in ref.needs}
            if all(code in needs for code, _ in options):
                options = [(code, needs[code]) for code, _ in options]
        place = _grid if len(options) >= GRID_MIN_OPTIONS else _flow
        out.append(place(lines, q.id, q.kind, q.falc, options))
    levels: list[tuple[str, str]] = [(a.code, a.label) for a in ref.autonomy_levels]
    out.append(_flow(lines, WISHED_AUTONOMY, "single", texts.wished_autonomy, levels))
    return tuple(out)


def _option(x: float, line_y: float, code: str, label: str, halo_left: float) -> Option:
    box = Rect(x=x, y=line_y + (LINE - CONTEXT_BOX) / 2, w=CONTEXT_BOX, h=CONTEXT_BOX)
    return Option(
        box=Box(
            value=code,
            rect=box,
            halo=Rect(x=halo_left, y=line_y, w=box.right + 1.2 - halo_left, h=LINE),
        ),
        label=_label_after(box, label, line_y, LINE),
    )


def _option_width(label: str) -> float:
    return CONTEXT_BOX + LABEL_GAP + text_width(label, TEXT_PT)


def _heading(lines: _Lines, text: str) -> Text:
    heading = Text(
        rect=Rect(x=lines.x, y=lines.y(), w=text_width(text, TEXT_PT, True) + 0.5, h=LINE),
        text=text,
        bold=True,
    )
    lines.x = heading.rect.right + 2.5
    return heading


def _flow(
    lines: _Lines,
    key: str,
    kind: Literal["single", "multiple", "yes_no"],
    heading_text: str,
    options: list[tuple[str, str]],
) -> Question:
    """Heading then options, flowing like a sentence: the question starts on the current
    line when its heading and first option fit there, and wraps where it must."""
    start = text_width(heading_text, TEXT_PT, True) + 2.5 + _option_width(options[0][1])
    if lines.x > lines.span()[0] and start <= lines.room() - BLOCK_GAP:
        lines.x += BLOCK_GAP
    elif lines.x > lines.span()[0]:
        lines.new()
    at_start = lines.x == lines.span()[0]
    heading = _heading(lines, heading_text)
    indent = lines.x if at_start and heading.rect.w <= MAX_INDENT else lines.span()[0]
    placed = []
    for code, label in options:
        width = _option_width(label)
        if width > lines.room():
            lines.new()
            if indent + width <= lines.span()[1]:
                lines.x = max(lines.x, indent)
        placed.append(_option(lines.x, lines.y(), code, label, lines.x - HALO))
        lines.x += width + OPTION_GAP
    return Question(key=key, kind=kind, heading=heading, options=tuple(placed))


def _grid(
    lines: _Lines,
    key: str,
    kind: Literal["single", "multiple", "yes_no"],
    heading_text: str,
    options: list[tuple[str, str]],
) -> Question:
    """Heading (at the end of the current line if it has room), then the options in as many
    equal columns as fit."""
    width = text_width(heading_text, TEXT_PT, True)
    if lines.x > lines.span()[0] and width <= lines.room() - BLOCK_GAP:
        lines.x += BLOCK_GAP
    elif lines.x > lines.span()[0]:
        lines.new()
    heading = _heading(lines, heading_text)
    lines.new()
    left, right = lines.span()
    widest = max(_option_width(label) for _, label in options)
    columns = max(1, int((right - left + GRID_GAP) // (widest + GRID_GAP)))
    pitch = (right - left) / columns
    placed = []
    for index, (code, label) in enumerate(options):
        if index and index % columns == 0:
            lines.new()
        x = left + (index % columns) * pitch
        placed.append(_option(x, lines.y(), code, label, x - HALO))
        lines.x = x + pitch
    return Question(key=key, kind=kind, heading=heading, options=tuple(placed))


def _check_fits(layout: Layout, grid: CommuneGrid | None) -> None:
    """Refuse a layout that would spill off the page or crowd the markers."""
    problems = []
    bottom = max((o.box.halo or o.box.rect).bottom for q in layout.questions for o in q.options)
    if bottom > PAGE_H - MARGIN:
        spill = bottom - PAGE_H + MARGIN
        problems.append(f"les questions de contexte dépassent le bas de la page de {spill:.1f} mm")
    for row in layout.items:
        if text_width(row.label.text, TEXT_PT) > row.label.rect.w:
            problems.append(f"l'intitulé de {row.item_id} est trop long : « {row.label.text} »")
    for head in layout.column_heads:
        if len(wrap(head.text, head.rect.w - 0.5, TEXT_PT)) > 2:
            problems.append(f"l'en-tête de colonne « {head.text} » ne tient pas sur deux lignes")
    if grid is not None and grid.heading.rect.x < layout.title.rect.x + 60:
        problems.append("la grille de la commune chevauche le titre")
    if problems:
        raise LayoutError(
            f"le Numérimètre papier {layout.version} ({layout.lang}) ne tient pas sur une page "
            "A4 : " + " ; ".join(problems)
        )
