"""Charts and maps drawn on the server as SVG: no script, no tile server, nothing fetched.

Each drawing is an image with a title and a description (``role="img"``), always shown beside
its data table, which is the accessible equivalent and what a screen reader reads. Colours are
a light-to-dark sequence, so the classes still read on a black and white print, and the legend
names each class; a cell hidden to protect people (« < 11 ») has its own hatching, and an area
without data stays white with a dotted edge. Only presentation attributes are used (no
``style``), which the Content-Security-Policy allows.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from markupsafe import Markup

# Light to dark, each step darker in black and white too (ColorBrewer « Blues », 6 classes
# without the palest, which would read as « no data » on paper).
PALETTE = ("#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c")
INK = "#1b1b1b"
HIDDEN_FILL = "#d9d9d9"
LESS_THAN = "< 11"
WIDTH = 800


@dataclass(frozen=True)
class Area:
    """One outline of the map: a commune, an EPCI or a département (GeoJSON geometry)."""

    code: str
    name: str
    geometry: Mapping[str, Any]


@dataclass(frozen=True)
class Marker:
    """A place on the map; ``weight`` (sessions in the period) sets its size."""

    name: str
    lat: float
    lon: float
    weight: int
    label: str


@dataclass(frozen=True)
class Bar:
    """One row of a bar chart: a value per series; None is a hidden cell (« < 11 »)."""

    label: str
    values: tuple[float | None, ...]


@dataclass(frozen=True)
class Classes:
    """The class limits of a choropleth (upper bounds, ascending)."""

    bounds: tuple[float, ...]

    def of(self, value: float) -> int:
        for index, bound in enumerate(self.bounds):
            if value <= bound:
                return index
        return len(self.bounds) - 1


def classes_for(values: Sequence[float], count: int = len(PALETTE)) -> Classes:
    """Quantile classes of the values shown (fewer when there are few distinct values)."""
    ordered = sorted(set(values))
    if not ordered:
        return Classes(())
    count = min(count, len(ordered))
    bounds = [ordered[math.ceil(len(ordered) * (i + 1) / count) - 1] for i in range(count)]
    return Classes(tuple(sorted(set(bounds))))


def _rings(geometry: Mapping[str, Any]) -> list[list[list[float]]]:
    if geometry["type"] == "Polygon":
        return list(geometry["coordinates"])
    return [ring for polygon in geometry["coordinates"] for ring in polygon]


class Projection:
    """Longitude and latitude to the drawing's units: an equirectangular projection at the
    areas' mean latitude, which is faithful enough at the scale of a département or a région."""

    def __init__(self, areas: Sequence[Area], width: int = WIDTH) -> None:
        points = [p for a in areas for ring in _rings(a.geometry) for p in ring]
        lons = [p[0] for p in points] or [0.0]
        lats = [p[1] for p in points] or [0.0]
        self.west, self.north = min(lons), max(lats)
        self.cos = math.cos(math.radians((min(lats) + max(lats)) / 2))
        span = max((max(lons) - self.west) * self.cos, 1e-9)
        self.scale = (width - 20) / span
        self.width = width
        self.height = math.ceil((self.north - min(lats)) * self.scale) + 20

    def __call__(self, lon: float, lat: float) -> tuple[int, int]:
        x = 10 + (lon - self.west) * self.cos * self.scale
        y = 10 + (self.north - lat) * self.scale
        return round(x), round(y)

    def path(self, geometry: Mapping[str, Any]) -> str:
        """Relative moves between whole units: a quarter of the absolute form's weight."""
        parts: list[str] = []
        for ring in _rings(geometry):
            points = [self(lon, lat) for lon, lat in ring]
            x, y = points[0]
            parts.append(f"M{x} {y}")
            steps = []
            for px, py in points[1:]:
                if (px, py) != (x, y):
                    steps.append(f"{px - x} {py - y}")
                    x, y = px, py
            parts.append("l" + " ".join(steps) + "z")
        return "".join(parts)


def _text(value: str) -> str:
    return escape(value)


def _defs(prefix: str) -> str:
    return (
        "<defs>"
        f'<pattern id="{prefix}-{HIDDEN}" width="6" height="6" patternUnits="userSpaceOnUse"'
        ' patternTransform="rotate(45)">'
        f'<rect width="6" height="6" fill="{HIDDEN_FILL}"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="{INK}" stroke-width="1.5"/></pattern>'
        f'<pattern id="{prefix}-second" width="5" height="5" patternUnits="userSpaceOnUse"'
        ' patternTransform="rotate(-45)">'
        f'<rect width="5" height="5" fill="{PALETTE[1]}"/>'
        f'<line x1="0" y1="0" x2="0" y2="5" stroke="{PALETTE[4]}" stroke-width="2"/></pattern>'
        "</defs>"
    )


def _open(prefix: str, width: int, height: int, title: str, desc: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}"'
        f' role="img" aria-labelledby="{prefix}-title {prefix}-desc" class="chart"'
        f' preserveAspectRatio="xMidYMid meet">'
        f'<title id="{prefix}-title">{_text(title)}</title>'
        f'<desc id="{prefix}-desc">{_text(desc)}</desc>{_defs(prefix)}'
    )


@dataclass(frozen=True)
class Shade:
    """How an area is filled, and the legend's words for it. ``fill`` is a colour, or the
    name of one of the drawing's patterns (``hidden``: a cell of fewer than 11 people)."""

    fill: str
    words: str
    dashed: bool = False  # no data: a dashed edge, so that white still reads as « nothing »


HIDDEN = "hidden"


def _fill(prefix: str, fill: str) -> str:
    return fill if fill.startswith("#") else f"url(#{prefix}-{fill})"


def area_map(
    prefix: str,
    areas: Sequence[Area],
    shading: Mapping[str, tuple[Shade, str]],
    legend: Sequence[Shade],
    *,
    title: str,
    desc: str,
    markers: Sequence[Marker] = (),
    places: str = "",
    outlines: Sequence[Area] = (),
) -> Markup:
    """A map of ``areas``, each filled with its shade and titled with its words (what a
    pointer shows); ``outlines`` are drawn on top without fill (EPCI borders over communes),
    then the markers (``places`` is their legend's words)."""
    projection = Projection(areas)
    height = projection.height + 24 * (len(legend) + (1 if markers else 0)) + 16
    out = [_open(prefix, projection.width, height, title, desc), "<g>"]
    for area in areas:
        shade, words = shading[area.code]
        dash = ' stroke-dasharray="2 2"' if shade.dashed else ""
        out.append(
            f'<path d="{projection.path(area.geometry)}" fill="{_fill(prefix, shade.fill)}"'
            f' stroke="{INK}" stroke-width="0.5"{dash}>'
            f"<title>{_text(area.name)} : {_text(words)}</title></path>"
        )
    out.append("</g>")
    for area in outlines:
        out.append(
            f'<path d="{projection.path(area.geometry)}" fill="none" stroke="{INK}"'
            ' stroke-width="2"/>'
        )
    heaviest = max((m.weight for m in markers), default=1) or 1
    for marker in markers:
        x, y = projection(marker.lon, marker.lat)
        radius = 4 + 6 * math.sqrt(marker.weight / heaviest)
        out.append(
            f'<circle cx="{x}" cy="{y}" r="{radius:.1f}" fill="#ffffff" stroke="{INK}"'
            f' stroke-width="2"><title>{_text(marker.label)}</title></circle>'
        )
    y = projection.height + 8
    for shade in legend:
        dash = ' stroke-dasharray="2 2"' if shade.dashed else ""
        out.append(
            f'<rect x="10" y="{y}" width="28" height="18" fill="{_fill(prefix, shade.fill)}"'
            f' stroke="{INK}"{dash}/><text x="46" y="{y + 14}" font-size="15"'
            f' fill="{INK}">{_text(shade.words)}</text>'
        )
        y += 24
    if markers:
        out.append(
            f'<circle cx="24" cy="{y + 9}" r="7" fill="#ffffff" stroke="{INK}" stroke-width="2"/>'
            f'<text x="46" y="{y + 14}" font-size="15" fill="{INK}">{_text(places)}</text>'
        )
    out.append("</svg>")
    return Markup("".join(out))


@dataclass(frozen=True)
class Words:
    """The words of a choropleth's legend, in the page's language."""

    hidden: str  # « < 11 : moins de 11 personnes, non montré »
    missing: str  # « Pas de données »
    between: Callable[[str, str], str]  # « de 3 à 8 »


def choropleth(
    prefix: str,
    areas: Sequence[Area],
    values: Mapping[str, float | None],
    words: Words,
    fmt: Callable[[float], str],
    **drawing: Any,
) -> Markup:
    """A map of ``areas`` coloured by class of their value. A code in ``values`` with None is
    a hidden cell (« < 11 »); a code absent from it has no data."""
    shown = [v for v in values.values() if v is not None]
    classes = classes_for(shown)
    shades: list[Shade] = []
    low = min(shown, default=0.0)
    for index, bound in enumerate(classes.bounds):
        start = low if index == 0 else classes.bounds[index - 1]
        text = fmt(bound) if start == bound else words.between(fmt(start), fmt(bound))
        shades.append(Shade(PALETTE[index if len(classes.bounds) > 1 else 2], text))
    hidden = Shade(HIDDEN, words.hidden)
    missing = Shade("#ffffff", words.missing, dashed=True)
    shading: dict[str, tuple[Shade, str]] = {}
    for area in areas:
        if area.code not in values:
            shading[area.code] = (missing, words.missing)
        elif (value := values[area.code]) is None:
            shading[area.code] = (hidden, LESS_THAN)
        else:
            shading[area.code] = (shades[classes.of(value)], fmt(value))
    return area_map(prefix, areas, shading, [*shades, hidden, missing], **drawing)


def bars(
    prefix: str,
    rows: Sequence[Bar],
    *,
    title: str,
    desc: str,
    series: Sequence[str] = (),
    fmt: Callable[[float], str] = lambda v: f"{v:g}",
) -> Markup:
    """Horizontal bars, each label above its bar(s) so that long French labels never get cut;
    with two series (two territories side by side), the second is hatched. A hidden cell
    draws no bar and says « < 11 »."""
    count = max(1, len(series))
    top = max((v for r in rows for v in r.values if v is not None), default=0.0) or 1.0
    bar_height, label_height, gap = 18, 20, 12
    row_height = label_height + count * (bar_height + 4) + gap
    legend_height = 26 if count > 1 else 0
    height = legend_height + len(rows) * row_height + 8
    span = WIDTH - 140
    fills = (PALETTE[4], f"url(#{prefix}-second)")
    out = [_open(prefix, WIDTH, height, title, desc)]
    if count > 1:
        x = 10
        for index, name in enumerate(series[:2]):
            out.append(
                f'<rect x="{x}" y="4" width="18" height="18" fill="{fills[index]}"'
                f' stroke="{INK}"/><text x="{x + 26}" y="18" font-size="15"'
                f' fill="{INK}">{_text(name)}</text>'
            )
            x += 30 + 9 * len(name)
    y = legend_height
    for row in rows:
        out.append(
            f'<text x="10" y="{y + 15}" font-size="15" fill="{INK}">{_text(row.label)}</text>'
        )
        y += label_height
        for index, value in enumerate(row.values[:2]):
            if value is None:
                out.append(
                    f'<rect x="10" y="{y}" width="40" height="{bar_height}"'
                    f' fill="{_fill(prefix, HIDDEN)}" stroke="{INK}"/>'
                    f'<text x="58" y="{y + 14}" font-size="14" fill="{INK}">{LESS_THAN}</text>'
                )
            else:
                width = max(1, round(span * value / top)) if value > 0 else 0
                out.append(
                    f'<rect x="10" y="{y}" width="{width}" height="{bar_height}"'
                    f' fill="{fills[index]}" stroke="{INK}" stroke-width="0.5"/>'
                    f'<text x="{18 + width}" y="{y + 14}" font-size="14"'
                    f' fill="{INK}">{_text(fmt(value))}</text>'
                )
            y += bar_height + 4
        y += gap
    out.append("</svg>")
    return Markup("".join(out))
