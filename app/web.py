"""Rendering pages: every template gets the language, its gettext, the referential in that
language, the display preferences and the logged-in professional, if any."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.response import Redirect, Template

from app.features.accounts.guards import current_user
from app.i18n import LANG_COOKIE, LANGUAGES, gettext_for, request_language
from referentiel import load_referential
from referentiel.i18n import localized

LARGE_TEXT_COOKIE = "texte"
YEAR = 365 * 24 * 3600


def page(request: Request, template: str, status: int = 200, **context: Any) -> Template:  # type: ignore[type-arg]
    lang = request_language(request)
    response = Template(
        template_name=template,
        context={
            "_": gettext_for(lang),
            "lang": lang,
            "languages": LANGUAGES,
            "large_text": request.cookies.get(LARGE_TEXT_COOKIE) == "grand",
            "user": current_user(request),
            "ref": localized(load_referential(), lang),
            "path": request.url.path,
            **context,
        },
        status_code=status,
    )
    if request.query_params.get("lang") in LANGUAGES:
        response.set_cookie(LANG_COOKIE, lang, max_age=YEAR, samesite="lax", httponly=True)
    return response


def see_other(path: str) -> Redirect:
    """After a form post, go to a page by GET, so that a refresh never posts twice."""
    return Redirect(path=path, status_code=303)
