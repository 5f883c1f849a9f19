"""A synthetic corpus of filled-in Numérimètre sheets, shared by the tests and bench/scan.py.

The real PDF is rendered to an image (pypdfium2), marks are drawn where the layout puts the
boxes, as a person would draw them (tick, cross, filled box, light pencil, circled box,
scribbled-out box, and faint ticks of a fine pen or a pencil 0.1 to 0.4 mm wide, light grey
to dark), then the page goes through a flatbed scanner or a phone camera: rotation (upside
down too), perspective, resolution (down to 6 pixels per mm for a photo taken at arm's
length), blur, noise, JPEG compression, uneven light, and a slight crumple. The truth that was
drawn comes with it, in the reader's output format.

It lives with the tests, not in the library: only tests and the benchmark need fake sheets.
"""

from __future__ import annotations

import io
import math
import random
from dataclasses import dataclass, field
from typing import Literal

import cv2
import numpy as np
import pypdfium2 as pdfium
from PIL import Image

from printables.layout import UNKNOWN_VALUE, Box, Layout
from printables.reader import PageReading

MarkKind = Literal[
    "tick", "cross", "fill", "pencil", "circle", "scribble", "fine_pen", "fine_pencil"
]
CANCELLING: frozenset[MarkKind] = frozenset({"fill", "scribble"})
MM_PER_INCH = 25.4


@dataclass
class Filling:
    """What a person drew: for each field key, the (box value, mark) pairs, in drawing order."""

    marks: dict[str, list[tuple[str, MarkKind]]] = field(default_factory=dict)

    def chosen(self, key: str) -> list[str]:
        return [v for v, kind in self.marks.get(key, []) if kind not in CANCELLING]


def render_blank(pdf: bytes, dpi: float, page: int = 0) -> np.ndarray:
    document = pdfium.PdfDocument(pdf)
    try:
        grey = document[page].render(scale=dpi / 72, grayscale=True).to_numpy()
    finally:
        document.close()
    return np.ascontiguousarray(grey.reshape(grey.shape[0], grey.shape[1]))


# --- what to draw ----------------------------------------------------------------------------


def random_filling(layout: Layout, rng: random.Random, hard: float = 0.0) -> Filling:
    """A plausible sheet. `hard` (0..1) raises the share of pencil, circles and cancellations."""
    filling = Filling()
    kinds: list[MarkKind] = ["tick", "cross", "pencil", "circle"]
    weights = [0.62, 0.32, 0.04 + 0.1 * hard, 0.02 + 0.04 * hard]
    for f in layout.fields():
        if f.kind == "digit":
            continue
        marks: list[tuple[str, MarkKind]] = []
        values = [b.value for b in f.boxes]
        if f.multiple:
            chosen = rng.sample(values, rng.randint(0, min(3, len(values))))
        elif rng.random() < 0.03:
            chosen = []
        else:
            chosen = [rng.choice(values)]
        if chosen and not f.multiple and rng.random() < 0.03 + 0.1 * hard:
            cancelled = rng.choice([v for v in values if v != chosen[0]])
            marks.append((cancelled, rng.choice(["fill", "scribble"])))
        marks += [(v, rng.choices(kinds, weights)[0]) for v in chosen]
        filling.marks[f.key] = marks
    if layout.commune is not None and rng.random() < 0.7:
        write_code(filling, layout, rng.choice(CODES[layout.commune.code]), rng)
    return filling


# Codes people write: postal codes (a big city's, Corsica's, overseas, and some shared by
# several communes), and the INSEE codes that sheets of layout revision 1 asked for.
CODES = {
    "postal": ["75001", "33000", "59000", "20000", "97400", "01000", "03190", "13001"],
    "insee": ["75056", "33063", "59350", "2A004", "2B033", "97411", "01001"],
}


def write_code(filling: Filling, layout: Layout, code: str, rng: random.Random) -> None:
    """Tick (or cross) one box per character of `code` in the commune's digit rows."""
    assert layout.commune is not None
    for index, digit in enumerate(code):
        mark: MarkKind = rng.choice(["tick", "cross"])
        filling.marks[f"{layout.commune.key}.{index + 1}"] = [(digit, mark)]


def expected(layout: Layout, filling: Filling) -> tuple[dict[str, object], dict[str, object]]:
    """The answers and context the reader must return for `filling` (values only)."""
    answers: dict[str, object] = {}
    context: dict[str, object] = {}
    for f in layout.fields():
        chosen = filling.chosen(f.key)
        if f.kind == "item":
            value = chosen[0] if chosen else None
            answers[f.key] = value if value in (None, UNKNOWN_VALUE) else int(str(value))
        elif f.kind == "multiple":
            context[f.key] = [b.value for b in f.boxes if b.value in chosen]
        elif f.kind == "yes_no":
            context[f.key] = {"yes": True, "no": False}[chosen[0]] if chosen else None
        elif f.kind == "single":
            context[f.key] = chosen[0] if chosen else None
    if layout.commune is not None:
        key = layout.commune.key
        digits = [filling.chosen(f"{key}.{i + 1}") for i in range(len(layout.commune.rows))]
        context[key] = "".join(d[0] for d in digits) if all(digits) else None
    return answers, context


# --- drawing ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Faint:
    """A fine pen or a pencil: stroke width in mm and grey level on white paper (0 is black)."""

    width: float
    level: int
    grainy: bool = False


FAINT_WIDTH = (0.1, 0.4)  # mm
FAINT_LEVEL = (60, 200)  # dark to light grey


def random_faint(rng: random.Random) -> Faint:
    """One person's fine pen or pencil, from dark to light grey."""
    return Faint(
        width=rng.uniform(*FAINT_WIDTH),
        level=rng.randint(*FAINT_LEVEL),
        grainy=rng.random() < 0.5,
    )


class Pen:
    """Draws in page millimetres on an image rendered at `dpi`. `faint` is the tool of the
    fine marks (``fine_pen``, ``fine_pencil``); by default each mark gets a random one."""

    def __init__(
        self, image: np.ndarray, dpi: float, rng: random.Random, faint: Faint | None = None
    ) -> None:
        self.image = image
        self.scale = dpi / MM_PER_INCH
        self.rng = rng
        self.faint = faint

    def px(self, points: list[tuple[float, float]]) -> np.ndarray:
        return (np.array(points) * self.scale * 16).round().astype(np.int32)

    def line(self, points: list[tuple[float, float]], width_mm: float, level: int) -> None:
        thickness = max(1, round(width_mm * self.scale))
        cv2.polylines(self.image, [self.px(points)], False, level, thickness, cv2.LINE_AA, 4)

    def jitter(self, amount: float) -> float:
        return self.rng.uniform(-amount, amount)

    def width(self) -> float:
        """Mostly ballpoint pens, some felt-tips."""
        if self.rng.random() < 0.75:
            return self.rng.uniform(0.3, 0.55)
        return self.rng.uniform(0.55, 0.85)


def draw(
    image: np.ndarray,
    dpi: float,
    layout: Layout,
    filling: Filling,
    rng: random.Random,
    faint: Faint | None = None,
) -> None:
    """Draw every mark of `filling` on the rendered blank `image`, in place."""
    pen = Pen(image, dpi, rng, faint)
    boxes = {f.key: {b.value: b for b in f.boxes} for f in layout.fields()}
    for key, marks in filling.marks.items():
        for value, kind in marks:
            _MARKS[kind](pen, boxes[key][value])


def _tick(pen: Pen, box: Box) -> None:
    r, j = box.rect, pen.jitter
    size = pen.rng.uniform(0.75, 1.15)
    points = [
        (r.x + r.w * (0.2 + j(0.08)), r.y + r.h * (0.5 + j(0.1))),
        (r.x + r.w * (0.42 + j(0.06)), r.y + r.h * (0.82 + j(0.06))),
        (r.x + r.w * (0.2 + 0.75 * size + j(0.05)), r.y + r.h * (1 - 0.95 * size + j(0.05))),
    ]
    pen.line(points, pen.width(), pen.rng.randint(10, 80))


def _cross(pen: Pen, box: Box) -> None:
    r, j = box.rect, pen.jitter
    width, level = pen.width(), pen.rng.randint(10, 80)
    reach = pen.rng.uniform(0.05, 0.25)
    pen.line(
        [
            (r.x + r.w * (reach + j(0.05)), r.y + r.h * (reach + j(0.05))),
            (r.right - r.w * (reach + j(0.05)), r.bottom - r.h * (reach + j(0.05))),
        ],
        width,
        level,
    )
    pen.line(
        [
            (r.right - r.w * (reach + j(0.05)), r.y + r.h * (reach + j(0.05))),
            (r.x + r.w * (reach + j(0.05)), r.bottom - r.h * (reach + j(0.05))),
        ],
        width,
        level,
    )


def _pencil(pen: Pen, box: Box) -> None:
    """A light, thin pencil tick with a grainy stroke."""
    r, j = box.rect, pen.jitter
    mask = np.zeros_like(pen.image)
    points = [
        (r.x + r.w * (0.18 + j(0.05)), r.y + r.h * (0.5 + j(0.08))),
        (r.x + r.w * (0.42 + j(0.05)), r.y + r.h * (0.85 + j(0.05))),
        (r.x + r.w * (0.9 + j(0.05)), r.y + r.h * (0.1 + j(0.05))),
    ]
    thickness = max(1, round(pen.rng.uniform(0.35, 0.5) * pen.scale))
    cv2.polylines(mask, [pen.px(points)], False, 255, thickness, cv2.LINE_AA, 4)
    x0, y0 = int(r.x * pen.scale) - 4, int(r.y * pen.scale) - 4
    x1, y1 = int(r.right * pen.scale) + 4, int(r.bottom * pen.scale) + 4
    grain = np.random.default_rng(pen.rng.randrange(2**32)).uniform(0.6, 1.0, (y1 - y0, x1 - x0))
    level = pen.rng.randint(120, 165)
    region = pen.image[y0:y1, x0:x1].astype(np.float32)
    alpha = mask[y0:y1, x0:x1].astype(np.float32) / 255 * grain
    pen.image[y0:y1, x0:x1] = (region * (1 - alpha) + level * alpha).astype(np.uint8)


SUPERSAMPLE = 4


def fine_stroke(pen: Pen, points: list[tuple[float, float]], tool: Faint) -> None:
    """A stroke thinner than a pixel or two: drawn 4 times larger, then averaged down, so its
    ink (width × darkness) is right at any resolution. Ink darkens what is under it (paper or
    print); a pencil's stroke is grainy."""
    s = SUPERSAMPLE
    xy = np.array(points) * pen.scale
    x0, y0 = (xy.min(axis=0) - 3).astype(int)
    x1, y1 = (xy.max(axis=0) + 4).astype(int)
    mask = np.zeros(((y1 - y0) * s, (x1 - x0) * s), np.uint8)
    local = ((xy - [x0, y0]) * s * 16).round().astype(np.int32)
    thickness = max(1, round(tool.width * pen.scale * s))
    cv2.polylines(mask, [local], False, 255, thickness, cv2.LINE_AA, 4)
    small = cv2.resize(mask, (x1 - x0, y1 - y0), interpolation=cv2.INTER_AREA)
    cover = small.astype(np.float64) / 255
    if tool.grainy:
        generator = np.random.default_rng(pen.rng.randrange(2**32))
        cover *= generator.uniform(0.45, 1.0, cover.shape)
    region = pen.image[y0:y1, x0:x1].astype(np.float64)
    ink = 1 - cover * (1 - tool.level / 255)
    pen.image[y0:y1, x0:x1] = np.clip(region * ink, 0, 255).round().astype(np.uint8)


def _fine(pen: Pen, box: Box, grainy: bool) -> None:
    """A tick, or for a pen sometimes a cross, of a fine pen or a pencil."""
    tool = pen.faint or random_faint(pen.rng)
    tool = Faint(tool.width, tool.level, grainy)
    r, j = box.rect, pen.jitter
    if not grainy and pen.rng.random() < 0.4:
        near = pen.rng.uniform(0.1, 0.25)
        far = 1 - near
        for stroke in (((near, near), (far, far)), ((far, near), (near, far))):
            points = [(r.x + r.w * (u + j(0.04)), r.y + r.h * (v + j(0.04))) for u, v in stroke]
            fine_stroke(pen, points, tool)
        return
    size = pen.rng.uniform(0.75, 1.1)
    fine_stroke(
        pen,
        [
            (r.x + r.w * (0.2 + j(0.06)), r.y + r.h * (0.5 + j(0.08))),
            (r.x + r.w * (0.42 + j(0.05)), r.y + r.h * (0.82 + j(0.05))),
            (r.x + r.w * (0.2 + 0.72 * size + j(0.04)), r.y + r.h * (1 - 0.9 * size + j(0.04))),
        ],
        tool,
    )


def _fine_pen(pen: Pen, box: Box) -> None:
    _fine(pen, box, grainy=False)


def _fine_pencil(pen: Pen, box: Box) -> None:
    _fine(pen, box, grainy=True)


def _circle(pen: Pen, box: Box) -> None:
    """A ring around the box, inside the free space the layout keeps around it."""
    r = box.rect
    halo = box.halo or r.grow(1.5)
    room_y = min(r.y - halo.y, halo.bottom - r.bottom)
    width = pen.rng.uniform(0.3, 0.5)
    ax = r.w / 2 + pen.rng.uniform(1.0, 1.6)
    ay = r.h / 2 + max(0.45, room_y - width / 2 - pen.rng.uniform(0.05, 0.2))
    center = (r.x + r.w / 2 + pen.jitter(0.2), r.y + r.h / 2 + pen.jitter(0.05))
    start = pen.rng.uniform(0, 360)
    points = [
        (center[0] + ax * math.cos(math.radians(a)), center[1] + ay * math.sin(math.radians(a)))
        for a in np.arange(start, start + 380, 10)
    ]
    pen.line(points, width, pen.rng.randint(20, 80))


def _fill(pen: Pen, box: Box) -> None:
    r = box.rect.grow(pen.rng.uniform(-0.25, 0.3))
    corners = [
        (r.x + pen.jitter(0.2), r.y + pen.jitter(0.2)),
        (r.right + pen.jitter(0.2), r.y + pen.jitter(0.2)),
        (r.right + pen.jitter(0.2), r.bottom + pen.jitter(0.2)),
        (r.x + pen.jitter(0.2), r.bottom + pen.jitter(0.2)),
    ]
    cv2.fillPoly(pen.image, [pen.px(corners)], pen.rng.randint(10, 70), cv2.LINE_AA, 4)


def _scribble(pen: Pen, box: Box) -> None:
    """Zig-zags back and forth over the box, as when blacking it out in a hurry."""
    r = box.rect.grow(0.2)
    width = pen.rng.uniform(0.6, 0.9)
    step = width * pen.rng.uniform(0.6, 0.85)
    points = []
    y = r.y + 0.2
    left = True
    while y < r.bottom:
        points.append((r.x + pen.jitter(0.3) if left else r.right + pen.jitter(0.3), y))
        left = not left
        y += step
    pen.line(points, width, pen.rng.randint(10, 60))


_MARKS = {
    "tick": _tick,
    "cross": _cross,
    "pencil": _pencil,
    "circle": _circle,
    "fill": _fill,
    "scribble": _scribble,
    "fine_pen": _fine_pen,
    "fine_pencil": _fine_pencil,
}


# --- the way to the reader -------------------------------------------------------------------


def encode(image: np.ndarray, quality: int | None = None) -> bytes:
    """JPEG at `quality`, or PNG when no quality is given (a lossless clean scan)."""
    if quality is None:
        ok, data = cv2.imencode(".png", image)
    else:
        ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return data.tobytes()


def copier_pdf(*pages: np.ndarray) -> bytes:
    """A PDF with one A4 page per picture, as a copier makes a batch scan."""
    document = pdfium.PdfDocument.new()
    for picture in pages:
        page = document.new_page(595, 842)
        bitmap = pdfium.PdfImage.new(document)
        bitmap.set_bitmap(pdfium.PdfBitmap.from_pil(Image.fromarray(picture)))
        bitmap.set_matrix(pdfium.PdfMatrix().scale(595, 842))
        page.insert_obj(bitmap)
        page.gen_content()
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _noise(image: np.ndarray, sigma: float, rng: random.Random) -> np.ndarray:
    if sigma <= 0:
        return image
    generator = np.random.default_rng(rng.randrange(2**32))
    noise = generator.normal(0, sigma, image.shape).astype(np.int16)
    noisy: np.ndarray = np.clip(image.astype(np.int16) + noise, 0, 255).astype(np.uint8)
    return noisy


@dataclass(frozen=True)
class ScanSettings:
    dpi: float = 200.0
    angle: float = 0.0  # degrees; 180 for a sheet fed upside down
    blur: float = 0.0  # Gaussian sigma in output pixels
    noise: float = 0.0
    quality: int | None = 85


def scan(page: np.ndarray, page_dpi: float, settings: ScanSettings, rng: random.Random) -> bytes:
    """A flatbed or copier scan: rotated and resampled in one step, then blurred and noisy."""
    height, width = page.shape
    factor = settings.dpi / page_dpi
    turn = math.radians(settings.angle)
    cos, sin = abs(math.cos(turn)), abs(math.sin(turn))
    out_w = round((width * cos + height * sin) * factor) + 40
    out_h = round((width * sin + height * cos) * factor) + 40
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), settings.angle, factor)
    matrix[:, 2] += (out_w / 2 - width / 2, out_h / 2 - height / 2)
    interpolation = cv2.INTER_AREA if factor < 1 and settings.angle % 90 == 0 else cv2.INTER_LINEAR
    if factor < 1 and settings.angle % 90:
        page = cv2.GaussianBlur(page, (0, 0), 0.5 / factor)
    image = cv2.warpAffine(page, matrix, (out_w, out_h), flags=interpolation, borderValue=235)
    if settings.blur > 0:
        image = cv2.GaussianBlur(image, (0, 0), settings.blur)
    return encode(_noise(image, settings.noise, rng), settings.quality)


def random_scan(rng: random.Random, dpi: float = 200.0, hard: float = 0.0) -> ScanSettings:
    return ScanSettings(
        dpi=dpi,
        angle=rng.uniform(-2.5, 2.5) + (180 if rng.random() < 0.15 else 0),
        blur=rng.uniform(0, 0.6 + 0.6 * hard),
        noise=rng.uniform(0, 3 + 4 * hard),
        quality=rng.randint(60 - int(30 * hard), 92),
    )


@dataclass(frozen=True)
class PhotoSettings:
    size: tuple[int, int] = (4000, 3000)  # 12 megapixels
    fill: float = 0.85  # share of the frame's short side the page's long side covers... roughly
    px_per_mm: float | None = None  # instead of `fill`: the page's resolution in the photo
    turn: int = 0  # quarter turns
    tilt: float = 0.0  # degrees
    perspective: float = 0.05  # corner displacement, share of the page size
    light: float = 0.6  # darkest share of the light across the page (1 = even)
    crumple: float = 0.5  # mm: the largest local displacement
    blur: float = 0.8
    noise: float = 3.0
    quality: int = 85


def photo(page: np.ndarray, page_dpi: float, settings: PhotoSettings, rng: random.Random) -> bytes:
    """A phone photo of the sheet lying on a table."""
    height, width = page.shape
    if settings.crumple > 0:
        page = _crumple(page, settings.crumple * page_dpi / MM_PER_INCH, rng)
    out_w, out_h = settings.size
    if settings.turn % 2 == 0:
        out_w, out_h = out_h, out_w  # the long side of the frame along the page's
    scale = min(out_w / width, out_h / height) * settings.fill
    if settings.px_per_mm is not None:
        scale = settings.px_per_mm / (page_dpi / MM_PER_INCH)
    corners = np.array([[0, 0], [width, 0], [width, height], [0, height]], np.float32)
    center = np.array([out_w / 2, out_h / 2], np.float32)
    angle = math.radians(settings.turn * 90 + settings.tilt)
    rotation = np.array(
        [[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]], np.float32
    )
    placed = (corners - [width / 2, height / 2]) * scale @ rotation.T + center
    shake = settings.perspective * max(width, height) * scale
    placed += np.array([[rng.uniform(-shake, shake) for _ in range(2)] for _ in range(4)])
    # A person frames the whole sheet: pull it in if a corner left the picture.
    spill = max(np.abs(placed - center).max(axis=0) / (center * 0.97))
    if spill > 1:
        placed = (placed - center) / spill + center
    matrix = cv2.getPerspectiveTransform(corners, placed.astype(np.float32))
    table = np.full((out_h, out_w), rng.randint(60, 140), np.uint8)
    image = cv2.warpPerspective(
        page, matrix, (out_w, out_h), dst=table, borderMode=cv2.BORDER_TRANSPARENT
    )
    image = _light(image, settings.light, rng)
    if settings.blur > 0:
        image = cv2.GaussianBlur(image, (0, 0), settings.blur)
    return encode(_noise(image, settings.noise, rng), settings.quality)


def _crumple(page: np.ndarray, amplitude_px: float, rng: random.Random) -> np.ndarray:
    """A smooth random displacement field: paper that was folded in a pocket, then flattened."""
    height, width = page.shape
    generator = np.random.default_rng(rng.randrange(2**32))
    coarse = generator.normal(0, 1, (2, 6, 5)).astype(np.float32)
    coarse *= 1 / max(
        1e-6, float(np.abs(coarse).max())
    )  # the largest displacement is the amplitude
    dx = cv2.resize(coarse[0], (width, height), interpolation=cv2.INTER_CUBIC) * amplitude_px
    dy = cv2.resize(coarse[1], (width, height), interpolation=cv2.INTER_CUBIC) * amplitude_px
    xs, ys = np.meshgrid(np.arange(width, dtype=np.float32), np.arange(height, dtype=np.float32))
    return cv2.remap(page, xs + dx, ys + dy, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def _light(image: np.ndarray, darkest: float, rng: random.Random) -> np.ndarray:
    """A linear gradient of light from one side to the other, the far side at `darkest`."""
    height, width = image.shape
    angle = rng.uniform(0, 2 * math.pi)
    small = np.zeros((height // 8, width // 8), np.float32)
    ys, xs = np.mgrid[0 : small.shape[0], 0 : small.shape[1]].astype(np.float32)
    ramp = xs / small.shape[1] * math.cos(angle) + ys / small.shape[0] * math.sin(angle)
    ramp = (ramp - ramp.min()) / max(1e-6, float(ramp.max() - ramp.min()))
    gain = cv2.resize(1 - (1 - darkest) * ramp, (width, height), interpolation=cv2.INTER_LINEAR)
    return cv2.multiply(image.astype(np.float32), gain).astype(np.uint8)


def random_photo(rng: random.Random, hard: float = 0.0) -> PhotoSettings:
    return PhotoSettings(
        fill=rng.uniform(0.75, 0.95),
        turn=rng.randrange(4),
        tilt=rng.uniform(-12, 12),
        perspective=rng.uniform(0.0, 0.04 + 0.04 * hard),
        light=rng.uniform(0.55, 0.95),
        crumple=rng.uniform(0.0, 0.3 + 0.3 * hard),  # slight: at most 0.6 mm
        blur=rng.uniform(0.3, 1.0 + 0.6 * hard),
        noise=rng.uniform(1, 4 + 3 * hard),
        quality=rng.randint(60 - int(30 * hard), 92),
    )


def arm_length_photo(rng: random.Random) -> PhotoSettings:
    """A phone photo taken standing, the sheet on a table at arm's length: the page at 6 to 8
    pixels per mm, at an angle, a little blurred and noisy, in uneven light."""
    return PhotoSettings(
        px_per_mm=rng.uniform(6.0, 8.0),
        turn=rng.randrange(4),
        tilt=rng.uniform(-10, 10),
        perspective=rng.uniform(0.02, 0.08),
        light=rng.uniform(0.5, 0.9),
        crumple=rng.uniform(0.0, 0.3),
        blur=rng.uniform(0.4, 1.2),
        noise=rng.uniform(1.5, 5.0),
        quality=rng.randint(65, 92),
    )


def faint_filling(layout: Layout, rng: random.Random) -> Filling:
    """A sheet answered with one fine pen or one pencil: every answer a faint tick or cross."""
    kind: MarkKind = rng.choice(["fine_pen", "fine_pencil"])
    filling = random_filling(layout, rng)
    for key, marks in filling.marks.items():
        filling.marks[key] = [(value, kind) for value, mark in marks if mark not in CANCELLING]
    return filling


def read_values(page: PageReading) -> tuple[dict[str, object], dict[str, object]]:
    """The values a reading gives, in the shape of :func:`expected`."""
    answers: dict[str, object] = {k: a.value for k, a in page.answers.items()}
    context: dict[str, object] = {k: c.value for k, c in page.context.items()}
    return answers, context


def silent_errors(page: PageReading, layout: Layout, filling: Filling) -> list[str]:
    """Answers read wrong and not flagged as ambiguous: what must never happen."""
    answers, context = expected(layout, filling)
    wrong = []
    for key, value in answers.items():
        got = page.answers[key]
        if got.value != value and got.state != "ambiguous":
            wrong.append(f"{key}: {value!r} read as {got.value!r} ({got.state})")
    for key, value in context.items():
        got_context = page.context[key]
        if got_context.value != value and got_context.state != "ambiguous":
            wrong.append(f"{key}: {value!r} read as {got_context.value!r} ({got_context.state})")
    return wrong
