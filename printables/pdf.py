"""PDF output: the paper forms, drawn exactly from the layout, and a person's attestation.

HTML and CSS through WeasyPrint (absolute positions in millimetres for the form, ordinary flow
for the attestation), with Jinja2 templates shipped in ``templates/``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from functools import cache
from typing import Final

from babel.dates import format_date
from jinja2 import Environment, PackageLoader, select_autoescape
from pydantic import BaseModel, ConfigDict
from weasyprint import HTML

from printables.codes import marker_svg, qr_svg
from printables.fonts import FONT_FAMILY, wrap
from printables.layout import TEXT_PT, build_layout
from printables.sheet import SheetRef, display_serial, new_serial
from printables.texts import TEXTS, Language, language_referential
from referentiel.models import Referential
from referentiel.pictograms import pictogram_svg
from referentiel.scoring import DiagnosticResult

CHUNK: Final = 20  # pages rendered at once: a progress step, and bounded memory for big runs

Progress = Callable[[int], None]


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("printables", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["mm"] = lambda value: f"{value:.3f}mm"
    env.globals["wrap"] = lambda text, width: wrap(text, width, TEXT_PT)
    env.globals["font"] = FONT_FAMILY
    return env


def render_forms(
    ref: Referential,
    count: int = 1,
    *,
    lang: Language = "fr",
    person: str | None = None,
    serials: Sequence[str] | None = None,
    progress: Progress | None = None,
) -> bytes:
    """`count` forms in one PDF, one page each, each with its own serial in its QR code.

    `serials` (as many as `count`) lets the caller number the sheets itself, for instance from
    a database sequence; by default each sheet gets a random 12-character serial. `person` is
    a pseudonymous reference printed in every QR code, never a name. `progress` is called with
    the number of pages done after each chunk.
    """
    if serials is not None and len(serials) != count:
        raise ValueError(f"{len(serials)} numéros de feuille pour {count} feuilles")
    if serials is not None and len(set(serials)) != len(serials):
        raise ValueError("deux feuilles auraient le même numéro")
    numbers = list(serials) if serials is not None else [new_serial() for _ in range(count)]
    sheets = [
        SheetRef(version=ref.version, lang=lang, serial=serial, person=person) for serial in numbers
    ]
    layout = build_layout(ref, lang)
    template = environment().get_template("form.html")
    common = {
        "layout": layout,
        "markers": {m.id: marker_svg(m.id) for m in layout.markers},
        "pictograms": {row.pictogram: pictogram_svg(row.pictogram) for row in layout.items},
    }
    documents = []
    for start in range(0, count, CHUNK):
        chunk = [
            {"serial": display_serial(s.serial), "qr": qr_svg(s.payload())}
            for s in sheets[start : start + CHUNK]
        ]
        html = template.render(sheets=chunk, **common)
        documents.append(HTML(string=html).render())
        if progress is not None:
            progress(min(start + CHUNK, count))
    pages = [page for document in documents for page in document.pages]
    pdf: bytes = documents[0].copy(pages).write_pdf()
    return pdf


class Issuer(BaseModel):
    """Who gives the attestation and where to see it again: read on paper, it must say where
    it comes from without the screen around it."""

    model_config = ConfigDict(frozen=True)

    service: str  # the service's name and address, as printed at the top
    structure: str | None = None  # the structure that accompanied the person, if any
    resume_code: str | None = None  # the code that opens the result again online…
    resume_address: str | None = None  # …typed at this address


def render_attestation(
    ref: Referential,
    result: DiagnosticResult,
    alias: str | None,
    issued: dt.date,
    *,
    lang: Language = "fr",
    needs: Sequence[str] | None = None,
    issuer: Issuer | None = None,
) -> bytes:
    """One page for the person: levels by domain in plain words, autonomy for each need.

    `alias` is None for an anonymous resident. `needs` restricts the autonomy list to the
    needs the person named (all needs by default). The result must come from `ref` (the same
    referential version).
    """
    if result.version != ref.version:
        raise ValueError(
            f"résultat du référentiel {result.version}, référentiel fourni {ref.version}"
        )
    texts = TEXTS[lang]
    shown = language_referential(ref, lang)
    scale = {v.value: v.as_level for v in shown.scale.values}
    autonomy = {a.code: a.label for a in shown.autonomy_levels}
    wanted = set(needs) if needs is not None else None
    domains = [
        {
            "label": shown.domain(d.code).plain_label,
            "level": d.level,
            "words": scale[d.level] if d.level is not None else texts.attestation_unknown_level,
            "estimated": d.inferred,
        }
        for d in result.domains
    ]
    need_rows = [
        {
            "label": need.falc,
            "pictogram": pictogram_svg(need.pictogram),
            "level": result.need(need.code),
            "words": autonomy[result.need(need.code)],
        }
        for need in shown.needs
        if wanted is None or need.code in wanted
    ]
    profile = next(
        (p.plain_label for p in shown.profiles if p.code == result.profile),
        texts.attestation_to_complete,
    )
    date = format_date(issued, format="long", locale=lang)
    html = (
        environment()
        .get_template("attestation.html")
        .render(
            lang=lang,
            texts=texts,
            issued=(
                texts.attestation_for.format(date=date, alias=alias)
                if alias
                else texts.attestation_issued.format(date=date)
            ),
            issuer=issuer,
            version=ref.version,
            domains=domains,
            needs=need_rows,
            profile=profile,
        )
    )
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf
