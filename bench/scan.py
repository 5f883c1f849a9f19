"""Reading filled-in Numérimètres: accuracy, silent errors, review rate and speed.

Run with `make bench`. Generates 1,000 synthetic sheets of mixed difficulty from the real PDF
(tests/printables/corpus.py: ticks, crosses, light pencil, circled and blacked-out boxes;
200 dpi scans and 12-megapixel phone photos with perspective, uneven light and crumpling),
then reads each with the reader and with a plain fixed-threshold baseline in the style of
FormScanner (grey < 127, box ticked above 40 % dark, affine registration from the four marker
centres, the layout given), on the same sheets in the same run, one core each.

Then 150 sheets answered with faint marks: a fine pen or a pencil 0.1 to 0.4 mm wide, light
grey to dark, photographed at arm's length (6 to 8 pixels per mm, at an angle, blurred, noisy,
in uneven light). Many of those marks cannot be told from the paper for sure: such a sheet
must go to review, never come back with an answer silently read as empty.

Goals: >= 99.9 % of boxes read correctly, 0 silent errors, <= 3 % of sheets sent to review,
>= 5 pages per second for 200 dpi scans; on faint marks, 0 silent errors.
"""

from __future__ import annotations

import os
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing import Pool
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from printables.layout import Field, Layout, build_layout
from printables.pdf import render_forms
from printables.reader import AnswerReading, ContextReading, read_file
from printables.registration import CANONICAL, register
from printables.texts import Language
from referentiel import load_referential
from tests.printables.corpus import (
    Filling,
    arm_length_photo,
    draw,
    faint_filling,
    photo,
    random_faint,
    random_filling,
    random_photo,
    random_scan,
    render_blank,
    scan,
)

SCANS = 900
PHOTOS = 100
FAINT = 150
SEED = 20261122
PAGE_DPI = 300
SHEETS: list[tuple[Language, str]] = [
    ("fr", "BENCH0000001"),
    ("fr", "BENCH0000002"),
    ("en", "BENCH0000003"),
]

Truth = dict[str, tuple[str, ...]]  # field key -> chosen box values
Reading = tuple[dict[str, tuple[str, ...] | None], bool]  # per field (None: flagged), sheet flagged


@dataclass
class Tally:
    boxes: int = 0
    boxes_right: int = 0
    answers: int = 0
    wrong: int = 0
    silent: int = 0
    sheets: int = 0
    flagged_sheets: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    pages: dict[str, int] = field(default_factory=dict)

    def add(self, fields: tuple[Field, ...], truth: Truth, reading: Reading) -> None:
        chosen, flagged = reading
        self.sheets += 1
        self.flagged_sheets += flagged
        for f in fields:
            read = chosen[f.key]
            right = truth.get(f.key, ())
            for box in f.boxes:
                self.boxes += 1
                self.boxes_right += read is not None and (box.value in read) == (box.value in right)
            self.answers += 1
            if read is None or sorted(read) != sorted(right):
                self.wrong += 1
                self.silent += read is not None


def _layouts() -> dict[str, Layout]:
    ref = load_referential()
    languages: tuple[Language, ...] = ("fr", "en")
    return {lang: build_layout(ref, lang) for lang in languages}


def _blanks() -> list[np.ndarray]:
    ref = load_referential()
    return [
        render_blank(render_forms(ref, 1, lang=lang, serials=[serial]), PAGE_DPI)
        for lang, serial in SHEETS
    ]


_BLANKS: list[np.ndarray] = []
_LAYOUTS: dict[str, Layout] = {}


def _init() -> None:
    cv2.setNumThreads(1)
    _BLANKS.extend(_blanks())
    _LAYOUTS.update(_layouts())


def _make(index: int) -> tuple[str, int, bytes, Truth]:
    """One sheet: which kind, which blank, the image file, and the truth."""
    rng = random.Random(SEED * 7919 + index)
    blank_index = index % len(SHEETS)
    layout = _LAYOUTS[SHEETS[blank_index][0]]
    hard = rng.random() ** 2  # most sheets are easy, a tail is hard
    faint = index >= SCANS + PHOTOS
    filling = faint_filling(layout, rng) if faint else random_filling(layout, rng, hard)
    image = _BLANKS[blank_index].copy()
    draw(image, PAGE_DPI, layout, filling, rng, random_faint(rng) if faint else None)
    if index < SCANS:
        kind, data = "scan", scan(image, PAGE_DPI, random_scan(rng, 200, hard), rng)
    elif not faint:
        kind, data = "photo", photo(image, PAGE_DPI, random_photo(rng, hard), rng)
    else:
        kind, data = "faint", photo(image, PAGE_DPI, arm_length_photo(rng), rng)
    return kind, blank_index, data, _truth(layout, filling)


def _truth(layout: Layout, filling: Filling) -> Truth:
    return {f.key: tuple(filling.chosen(f.key)) for f in layout.fields()}


def read_with_reader(data: bytes, layout: Layout) -> Reading:
    page = read_file(data, "bench.jpg")[0]
    if page.status == "error":
        return {f.key: None for f in layout.fields()}, True
    values: dict[str, tuple[str, ...] | None] = {}
    readings: dict[str, AnswerReading | ContextReading] = {**page.answers, **page.context}
    for f in layout.fields():
        key = layout.commune.key if layout.commune and f.kind == "digit" else f.key
        reading = readings[key]
        if reading.state == "ambiguous":
            values[f.key] = None
        elif f.kind == "digit":
            position = int(f.key.split(".")[1]) - 1
            values[f.key] = (str(reading.value)[position],) if reading.value else ()
        elif reading.value is None:
            values[f.key] = ()
        elif isinstance(reading.value, list):
            values[f.key] = tuple(reading.value)
        elif isinstance(reading.value, bool):
            values[f.key] = ("yes" if reading.value else "no",)
        else:
            values[f.key] = (str(reading.value),)
    return values, page.status != "ok"


def read_with_baseline(data: bytes, layout: Layout) -> Reading:
    """FormScanner's rule on an affine registration: no shading correction, no cancel
    convention, no QR (it is handed the layout), several ticks for one answer flagged."""
    grey = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_GRAYSCALE)
    if grey is None:
        return {f.key: None for f in layout.fields()}, True
    try:
        registration = register(grey)
    except ValueError:
        return {f.key: None for f in layout.fields()}, True
    centres_mm = np.array(
        [
            [m.rect.x + m.rect.w / 2, m.rect.y + m.rect.h / 2]
            for m in layout.markers
            if m.id in registration.found
        ]
    )
    centres_px = cv2.perspectiveTransform(centres_mm.reshape(-1, 1, 2), registration.homography)
    affine, _ = cv2.estimateAffine2D(centres_mm * CANONICAL, centres_px.reshape(-1, 2))
    page = cv2.warpAffine(
        registration.image,
        affine,
        (round(layout.page_w * CANONICAL), round(layout.page_h * CANONICAL)),
        flags=cv2.WARP_INVERSE_MAP,
        borderValue=255,
    )
    dark = page < 127
    values: dict[str, tuple[str, ...] | None] = {}
    flagged = False
    for f in layout.fields():
        ticked = []
        for box in f.boxes:
            r = box.rect.inner(0.7)
            x0, y0 = round(r.x * CANONICAL), round(r.y * CANONICAL)
            x1, y1 = round(r.right * CANONICAL), round(r.bottom * CANONICAL)
            if dark[y0:y1, x0:x1].mean() > 0.4:
                ticked.append(box.value)
        if not f.multiple and len(ticked) > 1:
            values[f.key], flagged = None, True
        else:
            values[f.key] = tuple(ticked)
    return values, flagged


def _print(t: Tally, kinds: tuple[tuple[str, str], ...]) -> None:
    print(
        f"cases lues correctement      : {100 * t.boxes_right / t.boxes:.3f} % "
        f"({t.boxes - t.boxes_right} sur {t.boxes})"
    )
    print(f"réponses fausses             : {t.wrong} sur {t.answers}")
    print(
        f"erreurs silencieuses         : {t.silent} "
        f"({100 * t.silent / max(1, t.wrong):.1f} % des réponses fausses, "
        f"{100 * t.silent / t.answers:.3f} % des réponses)"
    )
    print(
        f"feuilles à vérifier          : {100 * t.flagged_sheets / t.sheets:.1f} % "
        f"({t.flagged_sheets} sur {t.sheets})"
    )
    for kind, label in kinds:
        print(f"pages/s, {label:<19}: {t.pages[kind] / t.seconds[kind]:.1f}")


def main() -> None:
    start = time.perf_counter()
    layouts = _layouts()
    with Pool(os.cpu_count() or 1, initializer=_init) as pool:
        sheets = pool.map(_make, range(SCANS + PHOTOS + FAINT), chunksize=8)
    generated = time.perf_counter() - start
    cv2.setNumThreads(1)
    readers: dict[str, Callable[[bytes, Layout], Reading]] = {
        "lecteur parcours-numérique": read_with_reader,
        "référence seuil fixe (FormScanner)": read_with_baseline,
    }
    # The usual mix of scans and photos, and the faint marks, counted apart.
    tallies = {(name, faint): Tally() for name in readers for faint in (False, True)}
    read_with_reader(sheets[0][2], layouts[SHEETS[0][0]])  # caches: layouts, detectors
    for kind, blank_index, data, truth in sheets:
        layout = layouts[SHEETS[blank_index][0]]
        fields = layout.fields()
        for name, reader in readers.items():
            began = time.perf_counter()
            reading = reader(data, layout)
            tally = tallies[name, kind == "faint"]
            tally.seconds[kind] = tally.seconds.get(kind, 0.0) + time.perf_counter() - began
            tally.pages[kind] = tally.pages.get(kind, 0) + 1
            tally.add(fields, truth, reading)
    print(
        f"{SCANS + PHOTOS + FAINT} feuilles générées en {generated:.0f} s "
        f"({SCANS} scans 200 dpi, {PHOTOS} photos 12 Mpx, {FAINT} photos à bout de bras "
        "de traits fins), lues sur un cœur."
    )
    for name in readers:
        print(f"\n== {name}")
        _print(tallies[name, False], (("scan", "scans 200 dpi"), ("photo", "photos 12 Mpx")))
        print(f"-- traits fins 0,1 à 0,4 mm, photos à bout de bras ({FAINT} feuilles)")
        _print(tallies[name, True], (("faint", "6 à 8 px par mm"),))
    print(f"\ndurée totale : {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
