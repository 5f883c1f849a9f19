"""Rendering pages: every template gets the language, its gettext, the referential in that
language, the display preferences, the logged-in professional, if any, and the message left
for this page by the previous one (a « flash », kept in the session across the redirect)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from litestar import Request
from litestar.response import Redirect, Template
from markupsafe import Markup

from app import preferences
from app.db.types import as_utc
from app.features.accounts.guards import current_user
from app.i18n import LANGUAGES, gettext_for, request_language
from printables.pictograms import pictogram_svg
from referentiel import load_referential
from referentiel.i18n import localized

PARIS = ZoneInfo("Europe/Paris")
FLASH = "flash"


@dataclass(frozen=True)
class Msg:
    """A message in French (the gettext id) and its values, translated when shown."""

    text: str
    params: Mapping[str, Any] = field(default_factory=dict)
    undo: bool = False  # a notice after saving a paper form offers to cancel it

    def render(self, gettext: Any) -> str:
        return str(gettext(self.text)).format(**self.params)


def flash(request: Request, text: str, *, undo: bool = False, **params: Any) -> None:  # type: ignore[type-arg]
    """A message for the next page shown (after a redirect), kept in the session."""
    message = {"text": text, "params": params, "undo": undo}
    request.set_session({**request.session, FLASH: message})


def take_flash(request: Request) -> Msg | None:  # type: ignore[type-arg]
    session: Any = request.scope.get("session") or {}
    if FLASH not in session:
        return None
    kept = dict(session)
    stored = kept.pop(FLASH)
    request.set_session(kept)
    if not isinstance(stored, dict) or not isinstance(stored.get("text"), str):
        return None
    return Msg(stored["text"], stored.get("params") or {}, undo=stored.get("undo") is True)


def local_date(moment: datetime | None, with_time: bool = False) -> str:
    """A date as people read it in France (Paris time): 22/11/2026, or 22/11/2026 14:05."""
    if moment is None:
        return ""
    return as_utc(moment).astimezone(PARIS).strftime("%d/%m/%Y %H:%M" if with_time else "%d/%m/%Y")


def pictogram(name: str) -> Markup:
    """The referential's pictogram that the paper form prints, drawn inline on a page.

    Always beside a text that says the same, so it is decorative: hidden from screen readers
    (an inline SVG's `alt=""`) and never focusable. It takes the colour of the text around it.
    """
    hidden = '<svg class="picto" aria-hidden="true" focusable="false" '
    return Markup(pictogram_svg(name).replace("<svg ", hidden, 1))


def page(request: Request, template: str, status: int = 200, **context: Any) -> Template:  # type: ignore[type-arg]
    lang = request_language(request)
    response = Template(
        template_name=template,
        context={
            "_": gettext_for(lang),
            "lang": lang,
            "languages": LANGUAGES,
            "large_text": preferences.read(request, preferences.TEXT_SIZE) == "grand",
            "user": current_user(request),
            "ref": localized(load_referential(), lang),
            "path": request.url.path,
            "notice": take_flash(request),
            **context,
        },
        status_code=status,
    )
    if request.query_params.get("lang") in LANGUAGES:
        preferences.keep(response, request, preferences.LANGUAGE, lang)
    return response


def see_other(path: str) -> Redirect:
    """After a form post, go to a page by GET, so that a refresh never posts twice."""
    return Redirect(path=path, status_code=303)
