"""Measuring the boxes of a rectified page; :mod:`printables.decisions` says what they mean.

1. Flatten: divide the page by its own background (a morphological close, which erases ink
   smaller than a box, computed at quarter resolution), so shadows and uneven light vanish and
   the paper is 255 everywhere. Not a small-block adaptive threshold, which hollows out a
   filled box.
2. Ink threshold: Otsu over the boxes' inner parts only, clamped, so a pale pen or a dark
   pencil both separate from the paper.
3. Fine strokes: a fine pen or a light pencil line 0.1 mm wide, on a photo taken at arm's
   length, may have no pixel darker than the ink threshold, nor even than the light level. A
   morphological black-hat (the page with every stroke thinner than 0.8 mm filled in with the
   paper around it, minus the page) measures each line against its own paper, whatever the
   light, and a step of shadow gives nothing.
4. Align each group of boxes on its printed outlines, within ±1.2 mm: the homography is exact
   at the markers, but a crumpled or badly fed sheet moves a row by a millimetre, enough to put
   a box's outline where its inside should be. A row has several boxes, so its outlines fix
   its position even when one box is filled in.
5. Measure each box (ink, light, stroke, ring) and let the decision rules read the group.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import cv2
import numpy as np

from printables.decisions import (
    FINE_TRACE,
    HEAVY,
    BoxMark,
    FieldMark,
    Line,
    box_state,
    decide,
    doubt_unanswered,
)
from printables.layout import Box, Field, Layout, Rect

INNER: Final = 0.7
BODY_INSET: Final = 0.45  # mm: the inside of a box up to its printed outline, for its shape
LIGHT_LEVEL: Final = 205  # of 255 on the flattened page: a fifth darker than the paper
PRINT_LEVEL: Final = 150  # printed outlines are darker than this
OTSU_RANGE: Final = (110, 185)
RING_STRIP: Final = 0.05  # share of a side strip that makes a stroke
RING_OUTSIDE: Final = 0.5  # mm between the box's outline and its side strips
RING_WIDTH: Final = 2.0  # mm: how far out a circling stroke is looked for
ALIGN_MM: Final = 1.2  # how far a group may have drifted from where the homography puts it
OUTLINE_MM: Final = 0.3  # half the width of the band where a box's printed outline is
STROKE_INNER: Final = 0.6  # the centre of a box, clear of its outline if a row is a pixel off
STROKE_BLUR_MM: Final = 0.2  # a light blur first: pixel noise is not a stroke
STROKE_MM: Final = 0.8  # strokes thinner than this stand out from their paper


def flatten(page: np.ndarray) -> np.ndarray:
    """The page divided by its background, so the paper is 255 wherever the light falls."""
    small = cv2.resize(page, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (11, 11))
    background = cv2.GaussianBlur(cv2.morphologyEx(small, cv2.MORPH_CLOSE, kernel), (5, 5), 0)
    background = cv2.resize(
        background, (page.shape[1], page.shape[0]), interpolation=cv2.INTER_LINEAR
    )
    return cv2.divide(page, np.maximum(background, 1), scale=255)


def strokes(flat: np.ndarray, scale: float) -> np.ndarray:
    """How much darker than the paper right around it each pixel is, for strokes thinner than
    STROKE_MM (grey levels, float): a morphological black-hat of the lightly blurred page."""
    blurred = cv2.GaussianBlur(flat.astype(np.float32), (0, 0), STROKE_BLUR_MM * scale)
    size = max(3, round(STROKE_MM * scale) | 1)
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size))
    found: np.ndarray = cv2.morphologyEx(blurred, cv2.MORPH_BLACKHAT, kernel)
    return found


def _px(rect: Rect, scale: float) -> tuple[int, int, int, int]:
    x0, y0 = round(rect.x * scale), round(rect.y * scale)
    return x0, y0, max(x0 + 1, round(rect.right * scale)), max(y0 + 1, round(rect.bottom * scale))


def _strips(box: Box) -> list[Rect]:
    """The strips just outside a box, within its halo, where a circling stroke passes."""
    if box.halo is None:
        return []
    r, h, gap = box.rect, box.halo.grow(-0.2), RING_OUTSIDE  # a neighbour's circle may spill
    top, left = max(h.y, r.y - gap - RING_WIDTH), max(h.x, r.x - gap - RING_WIDTH)
    bottom = min(h.bottom, r.bottom + gap + RING_WIDTH)
    right = min(h.right, r.right + gap + RING_WIDTH)
    strips = [
        Rect(x=r.x, y=top, w=r.w, h=r.y - gap - top),
        Rect(x=r.x, y=r.bottom + gap, w=r.w, h=bottom - r.bottom - gap),
        Rect(x=left, y=r.y, w=r.x - gap - left, h=r.h),
        Rect(x=r.right + gap, y=r.y, w=right - r.right - gap, h=r.h),
    ]
    return [s for s in strips if s.w >= 0.3 and s.h >= 0.3]


@dataclass(frozen=True, slots=True)
class _Group:
    """One field's boxes in pixels: rows of (x0, y0, x1, y1)."""

    field: Field
    inner: np.ndarray
    centre: np.ndarray  # where fine strokes are measured
    body: np.ndarray
    outer: np.ndarray  # the outline band is outer minus hole
    hole: np.ndarray
    strips: np.ndarray  # every box's side strips, one after the other...
    owner: np.ndarray  # ...and the index of the box each belongs to


@dataclass(frozen=True, slots=True)
class _Plan:
    """A layout's boxes in pixels of the rectified page, computed once per layout."""

    groups: tuple[_Group, ...]
    mask: np.ndarray
    reach: int


_PLANS: dict[int, tuple[Layout, _Plan]] = {}


def _rects(rects: list[Rect], scale: float) -> np.ndarray:
    return np.array([_px(r, scale) for r in rects], np.int64).reshape(-1, 4)


def _plan(layout: Layout, shape: tuple[int, int], scale: float) -> _Plan:
    """Cached by layout object (a layout holds tuples of models: hashing it costs more)."""
    entry = _PLANS.get(id(layout))
    if entry is not None and entry[0] is layout and entry[1].mask.shape == shape:
        return entry[1]
    groups = tuple(
        _Group(
            field=f,
            inner=_rects([b.rect.inner(INNER) for b in f.boxes], scale),
            centre=_rects([b.rect.inner(STROKE_INNER) for b in f.boxes], scale),
            body=_rects([b.rect.grow(-BODY_INSET) for b in f.boxes], scale),
            outer=_rects([b.rect.grow(OUTLINE_MM) for b in f.boxes], scale),
            hole=_rects([b.rect.grow(-OUTLINE_MM) for b in f.boxes], scale),
            strips=_rects([s for b in f.boxes for s in _strips(b)], scale),
            owner=np.array([i for i, b in enumerate(f.boxes) for _ in _strips(b)], np.int64),
        )
        for f in layout.fields()
    )
    mask = np.zeros(shape, bool)
    for x0, y0, x1, y1 in np.concatenate([g.inner for g in groups]):
        mask[y0:y1, x0:x1] = True
    plan = _Plan(groups, mask, round(ALIGN_MM * scale))
    _PLANS[id(layout)] = (layout, plan)
    return plan


def ink_threshold(flat: np.ndarray, mask: np.ndarray) -> float:
    """Otsu over the boxes only (what matters is ink against paper inside boxes), clamped so
    that a sheet with no marks at all, or only marks, keeps a sensible threshold."""
    values = flat[mask].reshape(1, -1)
    level, _ = cv2.threshold(values, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return float(np.clip(level, *OTSU_RANGE))


def _sums(table: np.ndarray, rects: np.ndarray) -> np.ndarray:
    """Sums over rectangles (…, 4) from an integral image, clipped to the page."""
    h, w = table.shape[0] - 1, table.shape[1] - 1
    # np.minimum/np.maximum: np.clip costs more than the sums on arrays this small.
    x0, x1 = (
        np.minimum(np.maximum(rects[..., 0], 0), w),
        np.minimum(np.maximum(rects[..., 2], 0), w),
    )
    y0, y1 = (
        np.minimum(np.maximum(rects[..., 1], 0), h),
        np.minimum(np.maximum(rects[..., 3], 0), h),
    )
    sums: np.ndarray = table[y1, x1] - table[y0, x1] - table[y1, x0] + table[y0, x0]
    return sums


def _best(scores: np.ndarray, shifts: np.ndarray) -> np.ndarray:
    """For each column of `scores` (shifts × boxes), the shift with the most printed ink under
    the outlines; no shift unless one is clearly better."""
    centre = len(shifts) // 2
    penalised = scores - 0.01 * (shifts[:, :1] ** 2 + shifts[:, 1:2] ** 2)
    best = penalised.argmax(axis=0)
    columns = np.arange(scores.shape[1])
    keep = penalised[best, columns] > scores[centre] * 1.02
    chosen: np.ndarray = shifts[np.where(keep, best, centre)]
    return chosen


def _shifts(reach: int) -> np.ndarray:
    steps = np.arange(-reach, reach + 1)
    dx, dy = np.meshgrid(steps, steps)
    return np.stack([dx, dy, dx, dy], axis=-1).reshape(-1, 4)


def _align(printed: np.ndarray, group: _Group, reach: int) -> np.ndarray:
    """Each box's shift (n, 4): the group's as a whole, within `reach` px, then each box's
    own within half of that, since a crumple bends a long row."""
    shifts = _shifts(reach)[:, None, :]
    band = _sums(printed, group.outer + shifts) - _sums(printed, group.hole + shifts)
    common = _best(band.sum(axis=1, keepdims=True), shifts[:, 0])[0]
    fine = _shifts(max(1, reach // 2))[:, None, :]
    outer, hole = group.outer + common, group.hole + common
    own = _sums(printed, outer + fine) - _sums(printed, hole + fine)
    shifted: np.ndarray = common + _best(own, fine[:, 0])
    return shifted


def _share(mask: np.ndarray, r: np.ndarray) -> float:
    x0, y0, x1, y1 = (int(v) for v in r)
    return np.count_nonzero(mask[y0:y1, x0:x1]) / max(1, (x1 - x0) * (y1 - y0))


def _solid(mask: np.ndarray, r: np.ndarray) -> float:
    """The ink share of the least inked of the box's nine cells (3 × 3): low for a cross,
    whose arms leave the middle of each side white, high for a box blacked out."""
    x0, y0, x1, y1 = (int(v) for v in r)
    xs, ys = np.linspace(x0, x1, 4).round().astype(int), np.linspace(y0, y1, 4).round().astype(int)
    return min(
        _share(mask, np.array([xs[i], ys[j], xs[i + 1], ys[j + 1]]))
        for i in range(3)
        for j in range(3)
    )


def _ninths(rects: np.ndarray) -> np.ndarray:
    """Each rectangle (n, 4) cut into 3 × 3 cells: (n, 9, 4)."""
    x0, y0, x1, y1 = (rects[:, i : i + 1] for i in range(4))
    steps = np.arange(4) / 3
    xs = np.round(x0 + (x1 - x0) * steps).astype(np.int64)  # (n, 4)
    ys = np.round(y0 + (y1 - y0) * steps).astype(np.int64)
    cells = [
        np.stack([xs[:, i], ys[:, j], xs[:, i + 1], ys[:, j + 1]], axis=-1)
        for j in range(3)
        for i in range(3)
    ]
    return np.stack(cells, axis=1)


def _reach(table: np.ndarray, rects: np.ndarray, level: float) -> np.ndarray:
    """How many ninths of each rectangle hold a line of at least `level`: a tick or a cross
    runs across several, a dot sits in one."""
    cells = _ninths(rects)
    area = (cells[..., 2] - cells[..., 0]) * (cells[..., 3] - cells[..., 1])
    means = _sums(table, cells) / np.maximum(area, 1)
    reach: np.ndarray = (means >= level).sum(axis=1)
    return reach


def _shares(table: np.ndarray, rects: np.ndarray) -> np.ndarray:
    area = (rects[:, 2] - rects[:, 0]) * (rects[:, 3] - rects[:, 1])
    shares: np.ndarray = _sums(table, rects) / np.maximum(area, 1)
    return shares


def read_fields(flat: np.ndarray, layout: Layout, scale: float) -> list[FieldMark]:
    """Every field of the layout, read from the flattened rectified page."""
    plan = _plan(layout, flat.shape[:2], scale)
    ink_mask = flat < ink_threshold(flat, plan.mask)
    ink = cv2.integral(ink_mask.astype(np.uint8))
    light = cv2.integral((flat < LIGHT_LEVEL).astype(np.uint8))
    printed = cv2.integral((flat < PRINT_LEVEL).astype(np.uint8))
    fine = cv2.integral(strokes(flat, scale), sdepth=cv2.CV_64F)
    out = []
    for group in plan.groups:
        shifts = _align(printed, group, plan.reach)
        inks = _shares(ink, group.inner + shifts)
        lights = _shares(light, group.inner + shifts)
        levels = _shares(fine, group.centre + shifts)
        reaches = _reach(fine, group.centre + shifts, FINE_TRACE)
        stroked = _shares(light, group.strips + shifts[group.owner]) >= RING_STRIP
        rings = np.bincount(group.owner, weights=stroked, minlength=len(shifts))
        sides = np.bincount(group.owner, minlength=len(shifts))
        marks = []
        for i, box in enumerate(group.field.boxes):
            solid = _solid(ink_mask, group.body[i] + shifts[i]) if inks[i] >= HEAVY else 0.0
            line = Line(float(levels[i]), int(reaches[i]))
            state, faint = box_state(float(inks[i]), float(lights[i]), solid, line)
            marks.append(
                BoxMark(
                    box,
                    float(inks[i]),
                    float(lights[i]),
                    int(rings[i]),
                    int(sides[i]),
                    state,
                    faint,
                    line,
                )
            )
        out.append(decide(group.field, tuple(marks)))
    return doubt_unanswered(out)
