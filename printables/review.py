"""What a person checks a doubtful answer row against: the picture of the row's boxes, cut
from the reader's picture of the whole row, with each column's heading above its box and its
button below it.

The geometry comes from the layout the sheet was printed with, like everything the reader
does: a column's width gives its weight in the row (the « ? » column is half as wide as the
others), so that a page lines headings and buttons up with the boxes at any screen width.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import gcd

import cv2
import numpy as np

from printables.layout import Layout
from printables.reader import crop_area
from printables.registration import CANONICAL


@dataclass(frozen=True)
class ReviewColumn:
    value: str  # the answer its button gives: "0" to "4", or "?"
    number: str  # what heads it: the number the entry screen types (printed from revision 2)…
    words: str  # …and its short words (« Avec aide »)
    weight: int  # its width, relative to the narrowest column

    @property
    def heading(self) -> str:
        return " ".join(dict.fromkeys(filter(None, (self.number, self.words))))


@dataclass(frozen=True)
class ReviewRow:
    left: int  # where the first column starts in the row's picture, in pixels
    right: int  # where the last column ends
    columns: tuple[ReviewColumn, ...]


def review_row(layout: Layout, item_id: str) -> ReviewRow:
    """Where the answer columns of item ``item_id`` lie in its picture, and what heads them.

    Raises KeyError for an item the layout does not print."""
    row = next((r for r in layout.items if r.item_id == item_id), None)
    if row is None:
        raise KeyError(item_id)
    heads = layout.column_heads
    numbers = {i: t.text for i, t in enumerate(layout.column_numbers)}
    tenths = [round(head.rect.w * 10) for head in heads]
    unit = gcd(*tenths)
    origin = max(0, round(crop_area(row.band).x * CANONICAL))
    first, last = heads[0].rect, heads[-1].rect
    return ReviewRow(
        left=round(first.x * CANONICAL) - origin,
        right=round(last.right * CANONICAL) - origin,
        columns=tuple(
            ReviewColumn(
                value=box.value,
                number=numbers.get(i, box.value),
                words=head.text,
                weight=width // unit,
            )
            for i, (box, head, width) in enumerate(zip(row.boxes, heads, tenths, strict=True))
        ),
    )


def answer_boxes(picture: bytes, row: ReviewRow) -> bytes:
    """The part of a row's picture (PNG) that shows its answer boxes, as a PNG; the whole
    picture when it cannot be cut (an empty or unreadable one)."""
    image = cv2.imdecode(np.frombuffer(picture, np.uint8), cv2.IMREAD_UNCHANGED)
    if image is None or image.shape[1] < row.right:
        return picture
    ok, png = cv2.imencode(".png", image[:, max(0, row.left) : row.right])
    return png.tobytes() if ok else picture
