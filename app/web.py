"""What every page needs: rendering (the language, its gettext, the referential in that
language, the display preferences, the logged-in professional, if any, and the message left
for this page by the previous one, a « flash » kept in the session across the redirect),
reading a posted form, the error summary, and files to download."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol
from urllib.parse import quote
from uuid import UUID
from zoneinfo import ZoneInfo

from litestar import Request, Response
from litestar.params import URLEncodedBody
from litestar.response import Redirect, Template
from markupsafe import Markup, escape

from app import preferences
from app.db.types import as_utc
from app.features.accounts.guards import current_user
from app.i18n import LANGUAGES, gettext_for, request_language
from referentiel import Referential, load_referential
from referentiel.i18n import localized
from referentiel.pictograms import pictogram_svg

PARIS = ZoneInfo("Europe/Paris")
FLASH = "flash"

FormData = Mapping[str, str | list[str]]
Form = URLEncodedBody[dict[str, str | list[str]]]


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


_COMPOUND = re.compile(r"\S+-\S+")


def whole_words(text: str) -> Markup:
    """``text`` with each hyphenated word (« Vierzon-Sologne-Berry », « rendez-vous ») in a
    box of its own (``.whole``): a narrow line breaks before the word rather than at one of its
    hyphens, which leaves half a name on each line; only a word wider than the whole line
    still breaks, at its hyphens. Plain text only: it is escaped here."""
    return Markup(
        _COMPOUND.sub(lambda word: f'<span class="whole">{word.group()}</span>', escape(text))
    )


def address_breaks(email: str) -> Markup:
    """An e-mail address that may go to the next line after its « @ » and before each dot, as
    typesetters break addresses, rather than run off a phone's screen or break mid-word
    (``<wbr>`` changes neither what a screen reader says nor what is copied)."""
    return Markup(str(escape(email)).replace("@", "@<wbr>").replace(".", "<wbr>."))


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


def one(data: FormData, key: str) -> str:
    """A form field sent once (the first value if sent several times), without spaces around."""
    value = data.get(key, "")
    if isinstance(value, list):
        value = value[0] if value else ""
    return value.strip()


def many(data: FormData, key: str) -> list[str]:
    """A form field that may be sent several times (checkboxes), its blank values left out."""
    value = data.get(key, [])
    values = value if isinstance(value, list) else [value]
    return [v.strip() for v in values if v.strip()]


def parse_uuid(value: Any) -> UUID | None:
    try:
        return UUID(str(value))
    except ValueError:
        return None


def localized_ref(request: Request) -> Referential:  # type: ignore[type-arg]
    """Today's referential in the page's language."""
    return localized(load_referential(), request_language(request))


class Renders(Protocol):
    """A message shown in the reader's language: a :class:`Msg`, or several said together."""

    def render(self, gettext: Any) -> str: ...


def field_labels(
    request: Request,  # type: ignore[type-arg]
    labels: Mapping[str, tuple[str, str]],
) -> dict[str, tuple[str, str]]:
    """A form's table of fields (key -> anchor and label to translate), in the request's
    language, for :func:`error_summary`."""
    _ = gettext_for(request_language(request))
    return {key: (anchor, _(label)) for key, (anchor, label) in labels.items()}


def error_summary(
    request: Request,  # type: ignore[type-arg]
    errors: Mapping[str, Renders],
    labels: Mapping[str, tuple[str, str]],
) -> list[tuple[str, str, str]]:
    """(anchor, label, message) per error, for the error summary at the top of a form;
    ``labels`` gives each error key its field's anchor and label."""
    _ = gettext_for(request_language(request))
    return [(*labels.get(key, ("", "")), msg.render(_)) for key, msg in errors.items()]


def slug(text: str, default: str) -> str:
    """A file name's part from a name people wrote: ASCII letters, digits and hyphens."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")[:40] or default


def download(content: bytes, media_type: str, name: str) -> Response[bytes]:
    """A file the browser saves under ``name`` (accents kept for browsers that read them)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return Response(
        content,
        media_type=media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{ascii_name}"; '
            f"filename*=UTF-8''{quote(name)}"
        },
    )
