"""A badge on one page of paper, for a counsellor who prefers paper: what it proves, who gave
it and when, and the QR code of its verification link. The paper itself proves nothing; the
link does, so the link is printed in full beside its code, for whoever cannot scan it."""

from __future__ import annotations

import datetime as dt
from typing import Final

from babel.dates import format_date
from pydantic import BaseModel, ConfigDict
from weasyprint import HTML

from printables.codes import qr_svg
from printables.pdf import environment
from printables.texts import Language


class BadgeSheet(BaseModel):
    """What the page says, already in the page's language (the service words it)."""

    model_config = ConfigDict(frozen=True)

    title: str  # what the badge recognises, in plain words
    level: str  # how far, in the words of the answer scale
    evidence: str  # how it was observed, by whom and when
    issuer: str
    issued: dt.date
    link: str  # the public verification link, also in the QR code
    service: str  # the service's name and address, so that the paper says where it comes from


class BadgeTexts(BaseModel):
    model_config = ConfigDict(frozen=True)

    heading: str
    proves: str
    evidence: str
    issued: str
    verify: str
    note: str


TEXTS: Final[dict[Language, BadgeTexts]] = {
    "fr": BadgeTexts(
        heading="Badge numérique",
        proves="Ce que montre ce badge",
        evidence="Comment il a été obtenu",
        issued="Délivré par {issuer}, le {date}.",
        verify=(
            "Pour vérifier ce badge, scannez le code QR avec un téléphone, ou tapez cette "
            "adresse dans un navigateur :"
        ),
        note=(
            "La page de vérification dit si le badge est authentique, s'il est toujours "
            "valable, et ce qu'il prouve. Ce papier seul ne prouve rien : c'est la page qui "
            "fait foi."
        ),
    ),
    "en": BadgeTexts(
        heading="Digital badge",
        proves="What this badge shows",
        evidence="How it was earned",
        issued="Issued by {issuer} on {date}.",
        verify=(
            "To check this badge, scan the QR code with a phone, or type this address in a browser:"
        ),
        note=(
            "The verification page says whether the badge is genuine, whether it is still "
            "valid, and what it proves. This paper alone proves nothing: the page does."
        ),
    ),
}


def render_badge_sheet(sheet: BadgeSheet, *, lang: Language = "fr") -> bytes:
    """The one-page PDF of ``sheet``."""
    texts = TEXTS[lang]
    date = format_date(sheet.issued, format="long", locale=lang)
    html = (
        environment()
        .get_template("badge.html")
        .render(
            lang=lang,
            texts=texts,
            sheet=sheet,
            issued=texts.issued.format(issuer=sheet.issuer, date=date),
            qr=qr_svg(sheet.link),
        )
    )
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf
