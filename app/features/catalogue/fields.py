"""Reading one value of a place or a workshop, whoever sends it: a page posts strings (and
lists of strings for checkboxes), the API sends JSON types. Each reader returns the value to
store or a message for the field; the place and workshop rules put them together."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import Any

from app.email_address import EMAIL_MAX, is_email_address
from app.web import Msg

MSG_REQUIRED = Msg("Ce champ est obligatoire.")
MSG_TOO_LONG = Msg("{max} caractères au plus (il y en a {length}).")
MSG_TEXT = Msg("Un texte est attendu.")
MSG_LIST = Msg("Une liste de valeurs est attendue.")
MSG_UNKNOWN_LABELS = Msg("Valeur inconnue : {unknown}. Choisissez parmi : {known}.")
MSG_NUMBER = Msg("Un nombre est attendu, par exemple 47,08.")
MSG_WHOLE_NUMBER = Msg("Un nombre entier est attendu, par exemple 90.")
MSG_EMAIL = Msg("Cette adresse e-mail n'est pas complète : par exemple contact@mediatheque.fr.")
MSG_URL = Msg("Cette adresse de site n'est pas complète : par exemple https://www.exemple.fr.")

_URL = re.compile(r"https?://[^\s/$.?#][^\s]*", re.IGNORECASE)


class FieldError(ValueError):
    def __init__(self, said: Any) -> None:
        super().__init__(str(said))
        self.said = said


def text(value: Any, limit: int, *, required: bool = False) -> str | None:
    """A text without spaces around, None when blank (refused when ``required``)."""
    if value is None or value == "":
        if required:
            raise FieldError(MSG_REQUIRED)
        return None
    if not isinstance(value, str):
        raise FieldError(MSG_TEXT)
    cleaned = value.strip()
    if not cleaned:
        if required:
            raise FieldError(MSG_REQUIRED)
        return None
    if len(cleaned) > limit:
        raise FieldError(Msg(MSG_TOO_LONG.text, {"max": limit, "length": len(cleaned)}))
    return cleaned


def line(value: Any, limit: int, *, required: bool = False) -> str | None:
    """A text on one line: its runs of spaces and line breaks become one space."""
    cleaned = text(value, limit * 4, required=required)
    if cleaned is None:
        return None
    return text(" ".join(cleaned.split()), limit, required=required)


def labels(value: Any, vocabulary: Iterable[str]) -> list[str]:
    """Labels of a vocabulary, each once, in the vocabulary's order; an unknown one refused."""
    if value is None or value == "":
        return []
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise FieldError(MSG_LIST)
    known = list(vocabulary)
    chosen = {v.strip() for v in values if v.strip()}
    unknown = sorted(chosen - set(known))
    if unknown:
        raise FieldError(
            Msg(
                MSG_UNKNOWN_LABELS.text,
                {
                    "unknown": ", ".join(f"« {u} »" for u in unknown),
                    "known": ", ".join(f"« {k} »" for k in known),
                },
            )
        )
    return [label for label in known if label in chosen]


def number(value: Any) -> float | None:
    """A decimal number, written with a comma or a point; None when blank."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise FieldError(MSG_NUMBER)
    try:
        if isinstance(value, int | float):
            found = float(value)
        elif isinstance(value, str):
            found = float(value.strip().replace(",", ".").replace(" ", ""))
        else:
            raise ValueError(value)
    except ValueError:
        raise FieldError(MSG_NUMBER) from None
    if not math.isfinite(found):
        raise FieldError(MSG_NUMBER)
    return found


def whole(value: Any) -> int | None:
    """A whole number (« 90 »); None when blank."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise FieldError(MSG_WHOLE_NUMBER)
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"\s*\d{1,6}\s*", value):
        return int(value)
    raise FieldError(MSG_WHOLE_NUMBER)


def email(value: Any) -> str | None:
    found = text(value, EMAIL_MAX)
    if found is not None and not is_email_address(found):
        raise FieldError(MSG_EMAIL)
    return found


def url(value: Any, limit: int = 500) -> str | None:
    """A web address; « www.exemple.fr » is read as https://www.exemple.fr."""
    found = text(value, limit)
    if found is None:
        return None
    if found.lower().startswith("www."):
        found = "https://" + found
    if not _URL.fullmatch(found) or len(found) > limit:
        raise FieldError(MSG_URL)
    return found
