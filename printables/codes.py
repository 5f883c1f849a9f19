"""The machine-readable marks of a sheet, drawn as vector shapes: ArUco markers and the QR code.

Both are grids of dark cells; they are drawn as SVG rectangles (one per horizontal run, with
``crispEdges``) rather than images, so they print sharp at any resolution.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Final

import cv2
import segno

ARUCO_DICTIONARY: Final = cv2.aruco.DICT_4X4_50
_MARKER_CELLS: Final = 6  # 4×4 bits plus a one-cell black border


@cache
def aruco_dictionary() -> cv2.aruco.Dictionary:
    return cv2.aruco.getPredefinedDictionary(ARUCO_DICTIONARY)


def grid_svg(dark: Sequence[Sequence[bool]]) -> str:
    """An SVG drawing each run of dark cells of `dark` as one rectangle, one unit per cell."""
    size = len(dark)
    runs = []
    for y, row in enumerate(dark):
        x = 0
        while x < len(row):
            if row[x]:
                start = x
                while x < len(row) and row[x]:
                    x += 1
                runs.append(f'<rect x="{start}" y="{y}" width="{x - start}" height="1"/>')
            else:
                x += 1
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {len(dark[0])} {size}" '
        'width="100%" height="100%" shape-rendering="crispEdges" fill="#000">'
        + "".join(runs)
        + "</svg>"
    )


def marker_svg(marker_id: int) -> str:
    bits = cv2.aruco.generateImageMarker(aruco_dictionary(), marker_id, _MARKER_CELLS)
    return grid_svg([[value == 0 for value in row] for row in bits.tolist()])


def qr_svg(payload: str) -> str:
    """The QR code, error correction M at least (segno raises it when that costs no size)."""
    qr = segno.make(payload, error="m", micro=False)
    return grid_svg([[bool(cell) for cell in row] for row in qr.matrix])
