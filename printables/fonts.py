"""Text widths of the form's font, from a table shipped with the package.

The layout places every option box right after its label, so it must know how wide a label is
printed. Measuring with the installed font would make the geometry depend on the machine that
reads a scan; the advance widths of DejaVu Sans (regular and bold, in font units, generated with
Pillow from fonts-dejavu-core 2.37) are frozen in ``data/dejavu_sans_widths.json`` instead, so a
layout is the same everywhere. Kerning, which the table ignores, only ever narrows the printed
text, so the estimate is on the safe side.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Final

FONT_FAMILY: Final = "DejaVu Sans"
MM_PER_PT: Final = 25.4 / 72


@cache
def _table() -> tuple[int, dict[str, int], dict[str, int]]:
    raw = json.loads(
        resources.files("printables").joinpath("data", "dejavu_sans_widths.json").read_text("utf-8")
    )
    return raw["units_per_em"], raw["regular"], raw["bold"]


def text_width(text: str, size_pt: float, bold: bool = False) -> float:
    """Printed width in mm; a character missing from the table counts as wide as « M »."""
    units, regular, heavy = _table()
    widths = heavy if bold else regular
    fallback = widths["M"]
    return sum(widths.get(ch, fallback) for ch in text) / units * size_pt * MM_PER_PT


def wrap(text: str, width_mm: float, size_pt: float, bold: bool = False) -> list[str]:
    """Greedy word wrap, as the PDF engine does it: the lines of `text` within `width_mm`."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if current and text_width(candidate, size_pt, bold) > width_mm:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines
