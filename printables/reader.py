"""Reading filled-in Numérimètre sheets from scans and photos: one result per page.

For each page: find the corner markers and the homography (:mod:`printables.registration`),
rectify the page, read the QR code where the layout puts it (then anywhere, as a fallback),
take the layout of the layout revision, referential version and language the QR names, and
read every group of boxes (:mod:`printables.marks`). A page is ``ok`` when every answer is
clear, ``review`` when a person must look at something (each doubtful group comes with its
picture), ``error`` when it cannot be read at all; one bad page never stops the others.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Final, Literal

import cv2
import numpy as np
import zxingcpp
from pydantic import BaseModel, ConfigDict, Field

from printables.decisions import BoxState, FieldMark
from printables.inputs import Document, InputError, Limits, Source, open_document
from printables.layout import (
    NO,
    QR_RECT,
    UNKNOWN_VALUE,
    YES,
    Layout,
    Rect,
    layout_for,
)
from printables.marks import flatten, read_fields
from printables.registration import CANONICAL, Registration, RegistrationError, register
from printables.sheet import PayloadError, SheetRef, parse_payload
from printables.texts import Language
from referentiel import UnknownVersionError

Status = Literal["ok", "review", "error"]
LayoutSource = Callable[[str, Language, int], Layout]  # version, language, revision

_QR_PX_PER_MM: Final = 8.0
_QR_ONLY: Final = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
_QR_MARGIN: Final = 3.0
_CROP_MARGIN: Final = 1.5


class AnswerReading(BaseModel):
    value: int | Literal["?"] | None
    state: BoxState
    confidence: float


class ContextReading(BaseModel):
    """One context question: a code, a list of codes, yes/no, or the commune's code: its
    postal code (key ``postal_code``) on the sheets printed now, its INSEE code (key
    ``commune``) on sheets of layout revision 1."""

    value: str | bool | list[str] | None
    state: BoxState
    confidence: float


class PageReading(BaseModel):
    """What one page says. The JSON form (``model_dump``) has exactly the public fields;
    `sheet` (the whole QR identity, with the person reference) and `crops` are for the
    application and are not dumped. `crops` holds a PNG of each doubtful answer or context
    question, by its key, and of the postal code's boxes with the commune's written name
    whenever a postal code is read: a postal code may be shared by several communes, and then
    a person reads the name."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    file: str
    page: int | None
    sheet_id: str | None = None
    form_version: str | None = None
    status: Status
    answers: dict[str, AnswerReading] = Field(default_factory=dict)
    context: dict[str, ContextReading] = Field(default_factory=dict)
    error: str | None = None
    sheet: SheetRef | None = Field(default=None, exclude=True)
    crops: dict[str, bytes] = Field(default_factory=dict, exclude=True)


def read_file(
    source: Source,
    name: str,
    limits: Limits | None = None,
    layouts: LayoutSource = layout_for,
) -> list[PageReading]:
    """Every page of one uploaded file (its bytes, or the file it was saved to). Never raises
    for bad input: a refused file gives one ``error`` result with ``page`` null."""
    return list(iter_file(source, name, limits, layouts))


def iter_file(
    source: Source,
    name: str,
    limits: Limits | None = None,
    layouts: LayoutSource = layout_for,
) -> Iterator[PageReading]:
    """As :func:`read_file`, one page at a time, for progress reporting on big batches."""
    try:
        with open_document(source, limits) as document:
            for number in range(1, document.pages + 1):
                yield read_page(document, name, number, layouts)
    except InputError as error:
        yield refused(name, error)


def read_page(
    document: Document, name: str, number: int, layouts: LayoutSource = layout_for
) -> PageReading:
    """Page `number` (from 1) of an opened file: a long batch can be read a page at a time,
    the file closed in between."""
    page = document.page(number)
    if page.image is None:
        return PageReading(file=name, page=number, status="error", error=page.error)
    try:
        return read_image(page.image, name, number, layouts)
    except (cv2.error, ValueError, MemoryError):
        # One unreadable page must not stop the batch (nor show a library's message).
        return PageReading(
            file=name,
            page=number,
            status="error",
            error="lecture impossible de cette page : l'image n'a pas pu être analysée",
        )


def refused(name: str, error: InputError) -> PageReading:
    """The one result of a file refused as a whole; the message names the file."""
    return PageReading(file=name, page=None, status="error", error=f"« {name} » : {error}")


def read_image(
    grey: np.ndarray, name: str = "", page: int | None = 1, layouts: LayoutSource = layout_for
) -> PageReading:
    """One grey page image (uint8, 2-D)."""

    def failed(message: str, sheet: SheetRef | None = None) -> PageReading:
        return PageReading(
            file=name,
            page=page,
            sheet_id=sheet.serial if sheet else None,
            form_version=sheet.version if sheet else None,
            status="error",
            error=message,
            sheet=sheet,
        )

    try:
        registration = register(grey)
    except RegistrationError as error:
        return failed(str(error))
    sheet, qr_problem = _read_qr(registration)
    if sheet is None and qr_problem is not None:
        return failed(qr_problem)
    try:
        layout = layouts(sheet.version, sheet.lang, sheet.revision) if sheet else None
    except UnknownVersionError as error:
        return failed(
            f"feuille du référentiel {error.version}, que ce logiciel ne connaît pas "
            f"(versions connues : {', '.join(error.known)})",
            sheet,
        )
    notes = []
    if layout is None:
        return failed(
            "code QR illisible (taché, plié ou flou ?) : impossible de savoir quel formulaire "
            "c'est. Reprenez la photo, ou saisissez la feuille à la main"
        )
    if registration.missing:
        notes.append(
            f"un carré de coin manque ({', '.join(registration.missing)}) : page lue avec les "
            "trois autres, vérifiez les réponses"
        )
    rectified = registration.page()
    marks = read_fields(flatten(rectified), layout, CANONICAL)
    answers, context = _answers(layout, marks)
    areas = _areas(layout)
    # Each digit row may be clear while the code is not (three digits of five): the code's
    # reading decides.
    doubtful = [
        key
        for key in areas
        if (context[key] if key in context else answers[key]).state == "ambiguous"
    ]
    crops = {key: _crop(rectified, areas[key]) for key in doubtful}
    grid = layout.commune
    if grid is not None and grid.name_line is not None and context[grid.key].state != "empty":
        crops[grid.key] = _crop(rectified, areas[grid.key])
    if doubtful:
        notes.append(f"à vérifier : {', '.join(doubtful)}")
    return PageReading(
        file=name,
        page=page,
        sheet_id=sheet.serial if sheet else None,
        form_version=layout.version,
        status="review" if notes else "ok",
        answers=answers,
        context=context,
        error=" ; ".join(notes) or None,
        sheet=sheet,
        crops=crops,
    )


def _areas(layout: Layout) -> dict[str, Rect]:
    """Where each answer and context question is on the page, in form order; the commune's
    code is one, from its five digit rows (and the written name) together."""
    areas = {f.key: f.area for f in layout.fields() if f.kind != "digit"}
    if layout.commune is not None:
        areas[layout.commune.key] = layout.commune.area().grow(0.6)
    return areas


def _qr_crop(registration: Registration, px_per_mm: float) -> np.ndarray:
    """The QR code rectified at `px_per_mm`, everything around it blanked (a clean quiet
    zone, whatever is printed or scribbled nearby)."""
    area = QR_RECT.grow(_QR_MARGIN)
    crop = registration.warp(area, px_per_mm)
    inside = QR_RECT.grow(0.4)
    clean = np.full_like(crop, 255)
    x0, y0 = round((inside.x - area.x) * px_per_mm), round((inside.y - area.y) * px_per_mm)
    x1, y1 = x0 + round(inside.w * px_per_mm), y0 + round(inside.h * px_per_mm)
    clean[y0:y1, x0:x1] = crop[y0:y1, x0:x1]
    return clean


def _decode_qr(image: np.ndarray) -> str:
    found = zxingcpp.read_barcodes(image, formats=_QR_ONLY)
    return str(found[0].text) if found else ""


def _read_qr(registration: Registration) -> tuple[SheetRef | None, str | None]:
    """The sheet's identity: (sheet, None), or (None, why it is refused), or (None, None)
    when no QR code could be decoded at all. zxing-cpp reads blurry low-resolution codes that
    OpenCV's decoders miss, in about a millisecond on the rectified crop; the whole image is
    searched only when that fails."""
    text = _decode_qr(_qr_crop(registration, _QR_PX_PER_MM)) or _decode_qr(registration.image)
    if not text:
        return None, None
    try:
        return parse_payload(text), None
    except PayloadError as error:
        return None, str(error)


def crop_area(rect: Rect) -> Rect:
    """What the picture of a doubtful field shows around it, in mm: the review lines its
    buttons up with the boxes from this."""
    return rect.grow(_CROP_MARGIN)


def _crop(page: np.ndarray, rect: Rect) -> bytes:
    area = crop_area(rect)
    h, w = page.shape[:2]
    x0, y0 = max(0, round(area.x * CANONICAL)), max(0, round(area.y * CANONICAL))
    x1, y1 = min(w, round(area.right * CANONICAL)), min(h, round(area.bottom * CANONICAL))
    ok, png = cv2.imencode(".png", page[y0:y1, x0:x1])
    return png.tobytes() if ok else b""


def _answers(
    layout: Layout, marks: list[FieldMark]
) -> tuple[dict[str, AnswerReading], dict[str, ContextReading]]:
    answers: dict[str, AnswerReading] = {}
    context: dict[str, ContextReading] = {}
    digits = []
    for mark in marks:
        kind = mark.field.kind
        if kind == "item":
            value = mark.chosen[0] if mark.chosen else None
            answers[mark.field.key] = AnswerReading(
                value=_scale_value(value), state=mark.state, confidence=mark.confidence
            )
        elif kind == "digit":
            digits.append(mark)
        else:
            context[mark.field.key] = ContextReading(
                value=_context_value(kind, mark.chosen),
                state=mark.state,
                confidence=mark.confidence,
            )
    if layout.commune is not None:
        context[layout.commune.key] = _code(digits)
    return answers, context


def _scale_value(value: str | None) -> int | Literal["?"] | None:
    if value is None:
        return None
    return UNKNOWN_VALUE if value == UNKNOWN_VALUE else int(value)


def _context_value(kind: str, chosen: tuple[str, ...]) -> str | bool | list[str] | None:
    if kind == "multiple":
        return list(chosen)
    if not chosen:
        return None
    if kind == "yes_no":
        return {YES: True, NO: False}[chosen[0]]
    return chosen[0]


def _code(digits: list[FieldMark]) -> ContextReading:
    """Five digit rows make one code: all filled, or none; anything else is doubtful."""
    confidence = min(m.confidence for m in digits)
    states = {m.state for m in digits}
    if states <= {"empty", "cancelled"}:
        return ContextReading(value=None, state="empty", confidence=confidence)
    if states == {"ticked"}:
        code = "".join(m.chosen[0] for m in digits)
        return ContextReading(value=code, state="ticked", confidence=confidence)
    return ContextReading(value=None, state="ambiguous", confidence=min(confidence, 0.3))
