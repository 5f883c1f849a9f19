"""The image of an achievement (a competence at a level, or a completed pathway): an SVG that
still reads on a black-and-white print.

It draws the pictogram that the paper form prints for the competence (``referentiel.pictograms``,
the one source of those drawings), the competence's code and plain label in words, and the level
both in words (the answer scale's short label, « Sans aide ») and as a shape: one mark per level
of the scale, filled up to the level reached, so no colour is needed to tell the levels apart.
A pathway draws its need's pictogram and words, and its autonomy goal the same way.
The texts come from the referential given, so a translated referential gives a translated image.

``png_of`` draws the same SVG as a PNG, the format most places that take a badge image accept
and the one a PNG-baked badge needs. It uses the PDF engine and renderer the paper forms use.
"""

from __future__ import annotations

import io
import textwrap
from collections import Counter
from typing import Final
from xml.sax.saxutils import escape

from referentiel.models import Competence, Referential
from referentiel.pictograms import pictogram_svg

SIZE: Final = 240
_LINE_CHARS: Final = 22
_MAX_LINES: Final = 3


class UnknownAchievementError(ValueError):
    """No competence with that code, or a level outside the scale (French message)."""


def competence_pictogram(ref: Referential, code: str) -> str:
    """The pictogram most of the competence's items print (the first of them on a tie)."""
    names = Counter(item.pictogram for item in ref.items if item.competence == code)
    if not names:
        raise UnknownAchievementError(f"compétence inconnue ou sans item : {code!r}")
    return names.most_common(1)[0][0]


def _competence(ref: Referential, code: str) -> Competence:
    for competence in ref.competences:
        if competence.code == code:
            return competence
    raise UnknownAchievementError(f"compétence inconnue : {code!r}")


def achievement_svg(ref: Referential, code: str, level: int) -> str:
    """The achievement's image for competence ``code`` at answer-scale ``level`` (1 to 4)."""
    competence = _competence(ref, code)
    levels = [v for v in ref.scale.values if v.value > 0]
    reached = next((v for v in levels if v.value == level), None)
    if reached is None:
        raise UnknownAchievementError(f"niveau {level!r} hors de l'échelle (1 à {len(levels)})")
    scale = f"{level}/{len(levels)}"
    return _badge_svg(
        title=f"{competence.code} {competence.plain_label} : {reached.short} ({scale})",
        heading=competence.code,
        label=competence.plain_label,
        pictogram=competence_pictogram(ref, code),
        words=reached.short,
        marks=[v.value <= level for v in levels],
    )


def pathway_svg(ref: Referential, need: str, goal: str) -> str:
    """The image of a pathway completed for ``need`` towards autonomy ``goal`` (A1 to A4):
    the need's pictogram and words, the goal's code, and one mark per level of the scale
    above « on fait pour moi », filled up to the goal."""
    found = next((n for n in ref.needs if n.code == need), None)
    levels = [a for a in ref.autonomy_levels if a.code != "A0"]
    reached = next((a for a in levels if a.code == goal), None)
    if found is None or reached is None:
        raise UnknownAchievementError(f"parcours inconnu : {need!r} vers {goal!r}")
    order: list[str] = [a.code for a in levels]
    return _badge_svg(
        title=f"{found.label} : {reached.label} ({reached.code})",
        heading=reached.code,
        label=found.falc,
        pictogram=found.pictogram,
        words=textwrap.shorten(reached.label, _LINE_CHARS, placeholder="…"),
        marks=[order.index(a.code) <= order.index(goal) for a in levels],
    )


def _badge_svg(
    *, title: str, heading: str, label: str, pictogram: str, words: str, marks: list[bool]
) -> str:
    """A round badge: ``heading`` on top, the pictogram, ``label`` in up to three lines,
    ``words`` at the bottom, and one circle per level (filled where ``marks`` is true)."""
    lines = textwrap.wrap(label, _LINE_CHARS)
    if len(lines) > _MAX_LINES:
        lines = [*lines[: _MAX_LINES - 1], textwrap.shorten(" ".join(lines[2:]), _LINE_CHARS)]
    # The pictogram fills its container: a nested viewport places and sizes it.
    drawing = pictogram_svg(pictogram)
    picto = f'<svg x="92" y="36" width="56" height="56" color="#000">{drawing}</svg>'
    text = "".join(
        f'<text x="120" y="{114 + 15 * n}" font-size="13">{escape(line)}</text>'
        for n, line in enumerate(lines)
    )
    step = 26
    first = SIZE / 2 - step * (len(marks) - 1) / 2
    circles = "".join(
        f'<circle cx="{first + step * n:g}" cy="172" r="8" stroke="#000" stroke-width="2.5" '
        f'fill="{"#000" if filled else "#fff"}"/>'
        for n, filled in enumerate(marks)
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {SIZE} {SIZE}" '
        f'width="{SIZE}" height="{SIZE}" role="img" aria-labelledby="title">'
        f'<title id="title">{escape(title)}</title>'
        f'<circle cx="120" cy="120" r="114" fill="#fff" stroke="#000" stroke-width="6"/>'
        f"{picto}"
        '<g fill="#000" font-family="DejaVu Sans, Verdana, sans-serif" text-anchor="middle">'
        f'<text x="120" y="30" font-size="16" font-weight="bold">{escape(heading)}</text>'
        f"{text}"
        f'<text x="120" y="200" font-size="14" font-weight="bold">{escape(words)}</text>'
        "</g>"
        f"{circles}"
        "</svg>"
    )


def png_of(svg: str, size: int = 480) -> bytes:
    """The SVG drawn as a square PNG of ``size`` pixels, transparent around its shapes."""
    import pypdfium2
    from weasyprint import HTML

    page = f"<style>@page{{size:{SIZE}px {SIZE}px;margin:0}}body{{margin:0}}</style>{svg}"
    document = pypdfium2.PdfDocument(HTML(string=page).write_pdf())
    try:
        # A CSS pixel is 0.75 point, and pdfium renders one pixel per point at scale 1.
        bitmap = document[0].render(scale=size / (SIZE * 0.75), fill_color=(255, 255, 255, 0))
        image = bitmap.to_pil()
    finally:
        document.close()
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
