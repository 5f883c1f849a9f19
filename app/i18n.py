"""Languages of the pages: French source strings, English catalog, chosen per request.

Message ids are the French texts (the service is French first); `app/locale/en/.../messages.po`
translates them. The catalog is compiled in memory at start-up, so no build step is needed.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from functools import cache
from importlib import resources

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import get_decimal_symbol
from babel.support import NullTranslations, Translations
from litestar import Request

from app import preferences

LANGUAGES = ("fr", "en")
# Each language in its own words, as a list of languages shows it.
LANGUAGE_NAMES = {"fr": "Français", "en": "English"}
DEFAULT_LANGUAGE = "fr"
Gettext = Callable[[str], str]


@cache
def translations(lang: str) -> NullTranslations:
    if lang == DEFAULT_LANGUAGE:
        return NullTranslations()
    source = resources.files("app").joinpath("locale", lang, "LC_MESSAGES", "messages.po")
    catalog = read_po(io.StringIO(source.read_text("utf-8")), locale=lang)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled)


def request_language(request: Request) -> str:  # type: ignore[type-arg]
    """?lang= wins (and is remembered in a cookie), then the cookie, then French."""
    asked = request.query_params.get("lang") or preferences.read(request, preferences.LANGUAGE)
    return asked if asked in LANGUAGES else DEFAULT_LANGUAGE


def gettext_for(lang: str) -> Gettext:
    return translations(lang).gettext


def decimal_mark(lang: str) -> str:
    """« , » in French, « . » in English: how a page writes a deduced value such as 2,5."""
    return str(get_decimal_symbol(lang))
