"""Scans and photos of filled sheets: every kind of mark, every kind of damage.

Each case is one synthetic sheet (fixed seed). In every case, an answer read wrong must be
flagged ambiguous (never a silent error); the usual cases must also read exactly, page ``ok``.
A 100 dpi blurred scan may lose a light pencil tick: there, review is the right outcome.
"""

from __future__ import annotations

import random
from pathlib import Path

import cv2
import numpy as np
import pytest

from printables.layout import Layout, build_layout
from printables.reader import read_file
from referentiel.models import Referential
from tests.printables.conftest import PERSON, SERIAL
from tests.printables.corpus import (
    Filling,
    MarkKind,
    PhotoSettings,
    ScanSettings,
    draw,
    expected,
    photo,
    random_filling,
    read_values,
    render_blank,
    scan,
    silent_errors,
    write_code,
)

REVISION_1_PDF = Path(__file__).parent / "data" / "revision1.pdf"

SCANS = {
    "200 dpi, slightly skewed": ScanSettings(dpi=200, angle=1.5, noise=2, quality=85),
    "upside down, 150 dpi, JPEG 40": ScanSettings(dpi=150, angle=181, noise=3, quality=40),
    "300 dpi, noisy, JPEG 30": ScanSettings(dpi=300, angle=0.5, noise=6, quality=30),
}
PHOTOS = {
    "quarter turn, perspective, uneven light": PhotoSettings(
        turn=1, tilt=8, perspective=0.05, light=0.55, crumple=0.0
    ),
    "upside down, slightly crumpled": PhotoSettings(
        turn=2, tilt=-5, perspective=0.03, light=0.7, crumple=0.5, quality=60
    ),
    "blurred and dim": PhotoSettings(
        turn=3, tilt=3, perspective=0.02, light=0.6, crumple=0.3, blur=1.4, noise=4, quality=70
    ),
}


def _sheet(
    layout: Layout, blank_300: np.ndarray, seed: int, hard: float
) -> tuple[Filling, np.ndarray]:
    rng = random.Random(seed)
    filling = random_filling(layout, rng, hard)
    image = blank_300.copy()
    draw(image, 300, layout, filling, rng)
    return filling, image


@pytest.mark.parametrize("name", list(SCANS))
def test_scans_read_exactly(name: str, layout: Layout, blank_300: np.ndarray) -> None:
    filling, image = _sheet(layout, blank_300, seed=len(name), hard=0.3)
    page = read_file(scan(image, 300, SCANS[name], random.Random(1)), "scan.jpg")[0]
    assert silent_errors(page, layout, filling) == []
    assert page.status == "ok", page.error
    assert read_values(page) == expected(layout, filling)
    assert (page.sheet_id, page.form_version, page.sheet and page.sheet.person) == (
        SERIAL,
        layout.version,
        PERSON,
    )


def test_a_poor_100_dpi_scan_never_misleads(layout: Layout, blank_300: np.ndarray) -> None:
    settings = ScanSettings(dpi=100, angle=-1, blur=0.6, noise=2, quality=70)
    for seed in range(3):
        filling, image = _sheet(layout, blank_300, seed=seed, hard=0.5)
        page = read_file(scan(image, 300, settings, random.Random(seed)), "poor.jpg")[0]
        assert page.status in ("ok", "review")
        assert silent_errors(page, layout, filling) == []


@pytest.mark.parametrize("name", list(PHOTOS))
def test_phone_photos_read_exactly(name: str, layout: Layout, blank_300: np.ndarray) -> None:
    filling, image = _sheet(layout, blank_300, seed=len(name), hard=0.3)
    page = read_file(photo(image, 300, PHOTOS[name], random.Random(2)), "photo.jpg")[0]
    assert silent_errors(page, layout, filling) == []
    assert page.status == "ok", page.error
    assert read_values(page) == expected(layout, filling)


@pytest.mark.parametrize("kind", ["tick", "cross", "pencil", "circle"])
def test_every_kind_of_mark_is_read(kind: MarkKind, layout: Layout, blank_300: np.ndarray) -> None:
    filling = Filling({row.item_id: [(str(i % 5), kind)] for i, row in enumerate(layout.items)})
    image = blank_300.copy()
    draw(image, 300, layout, filling, random.Random(3))
    page = read_file(scan(image, 300, ScanSettings(angle=0.8, noise=2), random.Random(3)), "k.jpg")[
        0
    ]
    assert read_values(page)[0] == expected(layout, filling)[0]
    assert page.status == "ok"


@pytest.mark.parametrize("cancel", ["fill", "scribble"])
def test_a_blacked_out_box_is_cancelled(
    cancel: MarkKind, layout: Layout, blank_300: np.ndarray
) -> None:
    marks: list[tuple[str, MarkKind]] = [("1", "tick"), ("1", cancel), ("3", "cross")]
    filling = Filling({"E1.1": marks, "E1.3": [("2", cancel)]})
    image = blank_300.copy()
    draw(image, 300, layout, filling, random.Random(4))
    page = read_file(scan(image, 300, ScanSettings(), random.Random(4)), "c.jpg")[0]
    assert (page.answers["E1.1"].value, page.answers["E1.1"].state) == (3, "ticked")
    assert (page.answers["E1.3"].value, page.answers["E1.3"].state) == (None, "cancelled")


def test_two_ticks_in_a_row_go_to_review_with_a_picture(
    layout: Layout, blank_300: np.ndarray
) -> None:
    filling = Filling({"E2.1": [("1", "tick"), ("3", "tick")], "needs": [("caf", "tick")]})
    image = blank_300.copy()
    draw(image, 300, layout, filling, random.Random(5))
    page = read_file(scan(image, 300, ScanSettings(), random.Random(5)), "two.jpg")[0]
    assert page.status == "review"
    assert (page.answers["E2.1"].value, page.answers["E2.1"].state) == (None, "ambiguous")
    assert "E2.1" in (page.error or "")
    crop = _picture(page.crops["E2.1"])
    assert crop.shape[1] > crop.shape[0] > 30  # a row: wide, and tall enough to see
    assert page.context["needs"].value == ["caf"]
    assert "crops" not in page.model_dump() and "sheet" not in page.model_dump()


def _picture(png: bytes) -> np.ndarray:
    return cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_GRAYSCALE)


def test_an_incomplete_postal_code_goes_to_review_with_one_picture(
    layout: Layout, blank_300: np.ndarray
) -> None:
    filling = Filling({"postal_code.1": [("7", "tick")], "postal_code.2": [("5", "tick")]})
    image = blank_300.copy()
    draw(image, 300, layout, filling, random.Random(6))
    page = read_file(scan(image, 300, ScanSettings(), random.Random(6)), "c.jpg")[0]
    assert page.status == "review"
    assert "à vérifier : postal_code" in (page.error or "")
    assert (page.context["postal_code"].value, page.context["postal_code"].state) == (
        None,
        "ambiguous",
    )
    assert set(page.crops) == {"postal_code"}


def test_a_postal_code_comes_with_the_picture_of_the_written_name(
    layout: Layout, blank_300: np.ndarray
) -> None:
    """03190 is the postal code of eleven communes: the application shows the name the person
    wrote, which the reader does not read."""
    filling = Filling()
    write_code(filling, layout, "03190", random.Random(6))
    image = blank_300.copy()
    draw(image, 300, layout, filling, random.Random(6))
    assert layout.commune is not None and layout.commune.name_line is not None
    line = layout.commune.name_line
    written = (line.x + 2, line.bottom - 1), (line.x + 40, line.y + 1.5)
    cv2.line(image, *[(round(x * 300 / 25.4), round(y * 300 / 25.4)) for x, y in written], 0, 4)
    page = read_file(scan(image, 300, ScanSettings(), random.Random(6)), "c.jpg")[0]
    assert page.status == "ok", page.error
    reading = page.context["postal_code"]
    assert (reading.value, reading.state) == ("03190", "ticked")
    picture = _picture(page.crops["postal_code"])
    assert picture.shape[1] > 300 and picture.shape[0] > 200  # the boxes, and the name above
    shown = layout.commune.area().grow(2.1)  # as the reader crops it, at 6 px per mm
    x0, y0 = round((line.x - shown.x) * 6), round((line.y - shown.y) * 6)
    assert picture[y0 + 6 : y0 + 30, x0 + 6 : x0 + 240].min() < 100  # what was written
    assert "crops" not in page.model_dump()


def test_a_sheet_printed_with_the_first_layout_is_still_read(ref: Referential) -> None:
    """Its QR code says layout revision 1: the INSEE code grid, the taller rows."""
    layout = build_layout(ref, "fr", revision=1)
    image = render_blank(REVISION_1_PDF.read_bytes(), 300)
    filling = random_filling(layout, random.Random(12))
    write_code(filling, layout, "2A004", random.Random(12))
    draw(image, 300, layout, filling, random.Random(12))
    page = read_file(scan(image, 300, ScanSettings(angle=1), random.Random(12)), "old.jpg")[0]
    assert page.status == "ok", page.error
    assert (page.sheet_id, page.sheet and page.sheet.revision) == ("OLDSHEET0001", 1)
    assert read_values(page) == expected(layout, filling)
    assert page.context["commune"].value == "2A004" and "postal_code" not in page.context


def test_a_torn_off_corner_is_read_with_three_markers_and_reviewed(
    layout: Layout, blank_300: np.ndarray
) -> None:
    filling, image = _sheet(layout, blank_300, seed=7, hard=0.0)
    cv2.rectangle(image, (0, 3300), (260, 3508), 255, -1)  # bottom-left corner gone
    page = read_file(scan(image, 300, ScanSettings(), random.Random(7)), "torn.jpg")[0]
    assert page.status == "review"
    assert "en bas à gauche" in (page.error or "") and "trois autres" in (page.error or "")
    assert read_values(page) == expected(layout, filling)


@pytest.mark.parametrize("corners", [2, 1])
def test_too_few_markers_is_an_error_that_says_what_to_do(
    corners: int, blank_300: np.ndarray
) -> None:
    image = blank_300.copy()
    cv2.rectangle(image, (0, 3300), (2480, 3508), 255, -1)  # bottom edge cut off
    if corners == 1:
        cv2.rectangle(image, (2200, 0), (2480, 260), 255, -1)
    page = read_file(scan(image, 300, ScanSettings(), random.Random(8)), "cut.jpg")[0]
    assert page.status == "error"
    assert "au moins 3" in (page.error or "") and "Reprenez" in (page.error or "")


def test_an_unreadable_qr_code_is_an_error(blank_300: np.ndarray) -> None:
    image = blank_300.copy()
    cv2.rectangle(image, (2170, 220), (2410, 470), 0, -1)  # ink spilt on the code
    page = read_file(scan(image, 300, ScanSettings(), random.Random(9)), "qr.jpg")[0]
    assert page.status == "error"
    assert "code QR illisible" in (page.error or "")
