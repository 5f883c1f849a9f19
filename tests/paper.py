"""Reading what comes out on paper: a PDF's text, and the level bars as drawn on its pages."""

from __future__ import annotations

import numpy as np
import pypdfium2 as pdfium

# The bars' colours in app.css: --accent for the level, #dfe6f1 for the rest of the bar.
FILLED = (0x0B, 0x4F, 0xA8)
EMPTY = (0xDF, 0xE6, 0xF1)
TOLERANCE = 16  # per channel: the renderer smooths edges
SCALE = 2  # 144 dpi: a bar is many pixels high and wide


def pdf_text(pdf: bytes) -> str:
    """Every page's text, lines joined by spaces (a PDF breaks lines where the page did)."""
    document = pdfium.PdfDocument(pdf)
    try:
        return " ".join(" ".join(page.get_textpage().get_text_range().split()) for page in document)
    finally:
        document.close()


def _near(image: np.ndarray, colour: tuple[int, int, int]) -> np.ndarray:
    return np.all(np.abs(image.astype(int) - colour) <= TOLERANCE, axis=2)


def bar_fills(pdf: bytes) -> list[float]:
    """How full each level bar is drawn (0 to 1), top to bottom, page after page: the share of
    the bar's middle row in the level's colour. A bar printed without its colours is not
    found at all."""
    fills: list[float] = []
    document = pdfium.PdfDocument(pdf)
    try:
        for page in document:
            image = np.asarray(page.render(scale=SCALE).to_pil().convert("RGB"))
            filled, empty = _near(image, FILLED), _near(image, EMPTY)
            # a bar runs across most of the page; text and its smoothed edges never do
            drawn = (filled | empty).sum(axis=1) > image.shape[1] / 4
            rows = np.flatnonzero(drawn)
            # consecutive rows make one bar
            for bar in np.split(rows, np.flatnonzero(np.diff(rows) > 1) + 1):
                if len(bar) < 4 * SCALE:
                    continue
                middle = bar[len(bar) // 2]
                full, rest = int(filled[middle].sum()), int(empty[middle].sum())
                fills.append(full / (full + rest))
    finally:
        document.close()
    return fills
