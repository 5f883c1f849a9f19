"""Opening hours in the OpenStreetMap syntax, which both national standards use
(« Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00 »).

The grammar is checked by ``opening-hours-py`` (the Python binding of the maintained Rust
parser ``opening-hours-rs``); what a person is told is ours: in French, where the text stops
reading, the usual mistakes of someone who writes hours the French way (« lundi », « 9h »),
and an example to copy.
"""

from __future__ import annotations

import re
from typing import Final

import opening_hours

from app.features.catalogue.problems import Sentences
from app.web import Msg

EXAMPLE: Final = "Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00"
MSG_SYNTAX = Msg(
    "Ces horaires ne suivent pas la forme attendue (celle d'OpenStreetMap). Les jours "
    "s'écrivent en anglais et en 2 lettres (Mo Tu We Th Fr Sa Su, par exemple Mo-Fr pour du "
    "lundi au vendredi), les heures sur 24 h avec deux-points (09:00-12:00), et chaque règle "
    "est séparée par un point-virgule. Par exemple : « {example} ».",
    {"example": EXAMPLE},
)
MSG_EMPTY = Msg("Tapez les horaires, par exemple : « {example} ».", {"example": EXAMPLE})
MSG_FRENCH_DAYS = Msg("Les jours en français (lundi, mardi…) ne sont pas compris : écrivez Mo, Tu…")
MSG_H = Msg("Les heures s'écrivent 09:00 et pas 9h.")

_FRENCH_DAY = re.compile(
    r"\b(lun|mar|mer|jeu|ven|sam|dim)(di|credi|edi|anche)?\b|\b(lu|ma|me|je|ve|di)\b", re.I
)
_H = re.compile(r"\d\s*h\s*\d*", re.I)
# The parser's error type is missing from the package's type stubs.
PARSER_ERROR: type[Exception] = opening_hours.ParserError  # type: ignore[attr-defined]
_POSITION = re.compile(r"-->\s*\d+:(\d+)")


class OpeningHoursError(ValueError):
    """Not OSM opening hours; ``said`` tells where and how to write them."""

    def __init__(self, said: Sentences) -> None:
        super().__init__(said.french)
        self.said = said


def check_opening_hours(text: str) -> str:
    """The hours, spaces around removed, when their syntax is right; raises
    :class:`OpeningHoursError` with a French message otherwise."""
    hours = " ".join(text.split())
    try:
        opening_hours.OpeningHours(hours)
    except PARSER_ERROR as error:
        raise OpeningHoursError(explain(hours, str(error))) from None
    return hours


def explain(hours: str, parser_message: str) -> Sentences:
    """What to tell about hours that do not read: the rule, where it stops, a likely cause."""
    if not hours:
        return Sentences((MSG_EMPTY,))
    said = [MSG_SYNTAX]
    position = _POSITION.search(parser_message)
    if position:
        column = int(position.group(1))
        near = hours[column - 1 : column + 9]
        said.append(
            Msg(
                "Le problème commence au caractère {column} : « {near} ».",
                {"column": column, "near": near},
            )
        )
    if _FRENCH_DAY.search(hours):
        said.append(MSG_FRENCH_DAYS)
    if _H.search(hours):
        said.append(MSG_H)
    return Sentences(tuple(said))
