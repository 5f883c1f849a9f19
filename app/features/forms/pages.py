"""« Imprimer des formulaires »: blank Numérimètres in one PDF, each sheet with its own serial,
and a person's own sheet, which the scan files with them.

The CLI prints any number (`parcours print numerimetre`); a page draws at most
:data:`MAX_SHEETS`, which a mediator prints for a group in well under a minute.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from litestar import Controller, Request, Response, get
from litestar.di import NamedDependency
from litestar.response import Template

from app.access import Permission, needs
from app.db.models import Person
from app.features.accounts import PAGE_ERRORS
from app.features.people import PERSON
from app.i18n import LANGUAGE_NAMES, gettext_for, request_language
from app.pdf import PDF_LIMIT, draw
from app.web import PARIS, Msg, download, error_summary, page, slug
from printables.texts import LANGUAGES, Language
from referentiel import load_referential

MAX_SHEETS = 30
DEFAULT_SHEETS = 10
PDF = "application/pdf"
MSG_COUNT = "Indiquez un nombre de feuilles de 1 à {max}."
MSG_LANGUAGE = "Choisissez la langue des feuilles dans la liste."


@dataclass(frozen=True)
class PrintOrder:
    """What to print: how many sheets, in which language."""

    count: int
    lang: Language


def read_order(
    query: Mapping[str, str], default_lang: str
) -> tuple[PrintOrder | None, dict[str, Msg]]:
    """The order typed in the form (``nombre``, ``langue``), or the problem per field."""
    errors: dict[str, Msg] = {}
    typed = query.get("nombre", "").strip()
    count = int(typed) if typed.isdigit() and len(typed) <= 3 else 0
    if not 1 <= count <= MAX_SHEETS:
        errors["nombre"] = Msg(MSG_COUNT, {"max": MAX_SHEETS})
    lang = _language(query.get("langue", default_lang))
    if lang is None:
        errors["langue"] = Msg(MSG_LANGUAGE)
    if errors or lang is None:
        return None, errors
    return PrintOrder(count, lang), {}


def _language(code: str) -> Language | None:
    return next((known for known in LANGUAGES if known == code), None)


def render_sheets(count: int, lang: Language, person: str | None = None) -> bytes:
    """``count`` sheets of today's Numérimètre; WeasyPrint (and Pango) are loaded only here."""
    from printables.pdf import render_forms

    return render_forms(load_referential(), count, lang=lang, person=person)


def _today() -> str:
    return f"{datetime.now(PARIS):%Y-%m-%d}"


class FormPages(Controller):
    path = "/pro"
    include_in_schema = False
    opt = needs(Permission.FORMS)
    exception_handlers = PAGE_ERRORS
    dependencies = PERSON

    @get("/formulaires")
    async def order_form(self, request: Request[Any, Any, Any]) -> Template:
        values = {"nombre": str(DEFAULT_SHEETS), "langue": request_language(request)}
        return self._form(request, values, {})

    @get("/formulaires/numerimetres.pdf", guards=[PDF_LIMIT])
    async def blank_forms(self, request: Request[Any, Any, Any]) -> Template | Response[bytes]:
        query = {key: request.query_params.get(key, "")[:20] for key in ("nombre", "langue")}
        order, errors = read_order(query, request_language(request))
        if order is None:
            return self._form(request, query, errors)
        pdf = await draw(partial(render_sheets, order.count, order.lang))
        return download(pdf, PDF, f"numerimetres-{order.count}-{order.lang}-{_today()}.pdf")

    @get(
        "/personnes/{person_id:uuid}/formulaire.pdf",
        guards=[PDF_LIMIT],
        opt=needs(Permission.PEOPLE),
    )
    async def person_form(
        self, request: Request[Any, Any, Any], person: NamedDependency[Person]
    ) -> Response[bytes]:
        """One sheet with the person's reference in its QR code (never their name): scanned,
        it becomes their diagnostic."""
        lang = _language(request.query_params.get("langue", "")) or _language(
            request_language(request)
        )
        pdf = await draw(partial(render_sheets, 1, lang or "fr", str(person.id)))
        return download(pdf, PDF, f"numerimetre-{slug(person.alias, 'personne')}-{_today()}.pdf")

    @staticmethod
    def _form(
        request: Request[Any, Any, Any], values: Mapping[str, str], errors: dict[str, Msg]
    ) -> Template:
        _ = gettext_for(request_language(request))
        labels = {
            "nombre": ("nombre", _("Nombre de feuilles")),
            "langue": ("langue", _("Langue des feuilles")),
        }
        return page(
            request,
            "forms/order.html",
            status=422 if errors else 200,
            values=values,
            errors=errors,
            summary=error_summary(request, errors, labels),
            languages_printed={code: LANGUAGE_NAMES[code] for code in LANGUAGES},
            max_sheets=MAX_SHEETS,
        )
