"""Faint marks: a fine pen or a pencil 0.1 to 0.4 mm wide, light grey to dark, on a phone photo
taken at arm's length (6 to 8 pixels per mm, at an angle, blurred, noisy, in uneven light).

The reader may not see such a mark well. It must then send the row to review, never read it
as an empty box: a silent « empty » loses the person's answer without anyone knowing.
"""

from __future__ import annotations

import random

import numpy as np
import pytest

from printables.layout import Layout
from printables.reader import read_file
from tests.printables.corpus import (
    Faint,
    Filling,
    MarkKind,
    PhotoSettings,
    arm_length_photo,
    draw,
    expected,
    faint_filling,
    photo,
    random_faint,
    read_values,
    silent_errors,
)

# The faintest a mark gets, on the poorest photo the corpus takes.
FAINTEST = {
    "pencil, 0.1 mm, light grey": ("fine_pencil", Faint(width=0.1, level=200)),
    "fine pen, 0.1 mm, light grey": ("fine_pen", Faint(width=0.1, level=200)),
    "pencil, 0.15 mm, mid grey": ("fine_pencil", Faint(width=0.15, level=150)),
}
POOR = PhotoSettings(
    px_per_mm=6.0, turn=1, tilt=8, perspective=0.08, light=0.5, blur=1.2, noise=5.0, quality=65
)


@pytest.mark.parametrize("seed", range(6))
def test_faint_marks_on_arm_length_photos_are_never_read_as_empty(
    seed: int, layout: Layout, blank_300: np.ndarray
) -> None:
    rng = random.Random(seed)
    filling = faint_filling(layout, rng)
    image = blank_300.copy()
    draw(image, 300, layout, filling, rng, random_faint(rng))
    page = read_file(photo(image, 300, arm_length_photo(rng), rng), "faint.jpg")[0]
    assert silent_errors(page, layout, filling) == []


@pytest.mark.parametrize("name", list(FAINTEST))
def test_the_faintest_marks_on_a_poor_photo_go_to_review(
    name: str, layout: Layout, blank_300: np.ndarray
) -> None:
    kind, tool = FAINTEST[name]
    mark: MarkKind = kind  # type: ignore[assignment]
    filling = Filling({row.item_id: [(str(i % 5), mark)] for i, row in enumerate(layout.items)})
    image = blank_300.copy()
    draw(image, 300, layout, filling, random.Random(1), tool)
    page = read_file(photo(image, 300, POOR, random.Random(1)), "faintest.jpg")[0]
    assert silent_errors(page, layout, filling) == []
    assert page.status == "review"
    empty = [key for key, answer in page.answers.items() if answer.state == "empty"]
    assert empty == []


def test_a_fine_pen_seen_clearly_is_read(layout: Layout, blank_300: np.ndarray) -> None:
    """A dark fine pen, photographed well enough, is read without review."""
    filling = Filling(
        {row.item_id: [(str(i % 5), "fine_pen")] for i, row in enumerate(layout.items)}
    )
    image = blank_300.copy()
    draw(image, 300, layout, filling, random.Random(2), Faint(width=0.3, level=60))
    settings = PhotoSettings(px_per_mm=8.0, turn=0, tilt=3, perspective=0.03, light=0.8)
    page = read_file(photo(image, 300, settings, random.Random(2)), "fine.jpg")[0]
    assert read_values(page)[0] == expected(layout, filling)[0]
    assert page.status == "ok", page.error
