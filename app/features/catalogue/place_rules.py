"""The one check of a place, for its pages and its API: every field of
:class:`app.db.models.Place`, every problem reported at once.

The commune is named as people know it (a postal code and a name) or by its INSEE code, and
read by the service's one commune lookup (:mod:`app.territories`); the place is put at the
commune's centroid unless its coordinates are given. Phone numbers are stored in the
standard's +33 form, opening hours in OSM syntax, multi-valued fields only with the labels of
the LaMednum standard.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any, Final

from app.db.models import Place
from app.features.catalogue import fields
from app.features.catalogue.fields import FieldError
from app.features.catalogue.opening_hours import OpeningHoursError, check_opening_hours
from app.features.catalogue.phone import MSG_PHONE, PhoneError, normalise_phone
from app.features.catalogue.problems import CatalogueError, Said
from app.features.catalogue.vocabulary import PLACE_VOCABULARIES, TYPOLOGIES, place_vocabulary
from app.territories import Commune, CommuneError, communes, from_parts
from app.web import Msg

POSTAL_CODE, COMMUNE_NAME, COMMUNE_INSEE = "postal_code", "commune_name", "commune_insee"
COMMUNE_FIELDS: Final = (POSTAL_CODE, COMMUNE_NAME, COMMUNE_INSEE)
COORDINATES: Final = ("latitude", "longitude")

MSG_COMMUNE_REQUIRED = Msg(
    "Indiquez le code postal et la commune du lieu, par exemple 18000 Bourges."
)
MSG_POSTAL_CODE = Msg("Un code postal a 5 chiffres, par exemple 18000.")
MSG_INSEE = Msg("Aucune commune n'a ce code INSEE : 5 caractères, par exemple 18033 pour Bourges.")
MSG_INSEE_AND_NAME = Msg(
    "Donnez soit le code INSEE, soit le code postal et le nom de la commune, pas les deux."
)
MSG_POSTAL_NOT_SERVED = Msg(
    "Le code postal {postal_code} ne dessert pas {commune}. Ses codes postaux : {codes}."
)
MSG_COORDINATES_PAIR = Msg("Donnez la latitude et la longitude, ou aucune des deux.")
MSG_LATITUDE = Msg("Une latitude est entre -90 et 90, par exemple 47,08.")
MSG_LONGITUDE = Msg("Une longitude est entre -180 et 180, par exemple 2,40.")
MSG_PIVOT = Msg(
    "Le SIRET a 14 chiffres (le RNA d'une association : W et 9 chiffres), par exemple "
    "123 456 789 00012."
)

# column -> (reader, limit): one-line texts, long texts, addresses of sites, e-mail.
_LINES: Final = {"name": 150, "address": 250, "address_complement": 250, "summary": 280}
_TEXTS: Final = {"description": 10_000, "directions": 500, "accessibility": 500}
_URLS: Final = ("website", "accessibility_url", "booking_url")
REQUIRED: Final = ("name", "address")
LIST_COLUMNS: Final = ("typologies", *PLACE_VOCABULARIES)


def _pivot(value: Any) -> str | None:
    found = fields.line(value, 40)
    if found is None:
        return None
    compact = re.sub(r"[\s.\-]", "", found)
    if not re.fullmatch(r"[a-zA-Z0-9]{9,14}", compact):
        raise FieldError(MSG_PIVOT)
    return compact.upper()


def _phone(value: Any) -> str | None:
    found = fields.line(value, 40)
    if found is None:
        return None
    try:
        return normalise_phone(found)
    except PhoneError:
        raise FieldError(MSG_PHONE) from None


def _hours(value: Any) -> str | None:
    found = fields.text(value, 500)
    if found is None:
        return None
    try:
        return check_opening_hours(found)
    except OpeningHoursError as error:
        raise FieldError(error.said) from None


def _readers() -> dict[str, Callable[[Any], Any]]:
    readers: dict[str, Callable[[Any], Any]] = {
        "pivot": _pivot,
        "phone": _phone,
        "opening_hours": _hours,
        "email": fields.email,
        "typologies": lambda v: fields.labels(v, TYPOLOGIES),
    }
    for column, limit in _LINES.items():
        readers[column] = partial(fields.line, limit=limit, required=column in REQUIRED)
    for column, limit in _TEXTS.items():
        readers[column] = partial(fields.text, limit=limit)
    for column in _URLS:
        readers[column] = fields.url
    for column in PLACE_VOCABULARIES:
        readers[column] = partial(_labels_of, column)
    return readers


def _labels_of(column: str, value: Any) -> list[str]:
    return fields.labels(value, place_vocabulary(column))


READERS: Final = _readers()
PLACE_FIELDS: Final = (*READERS, *COMMUNE_FIELDS, *COORDINATES)


def current_values(place: Place) -> dict[str, Any]:
    """What a place holds, as the rules read it (to check a change against the rest)."""
    values = {column: getattr(place, column) for column in READERS}
    return values | {
        COMMUNE_INSEE: place.commune_insee,
        POSTAL_CODE: place.postal_code,
        "latitude": place.latitude,
        "longitude": place.longitude,
    }


def _commune(given: Mapping[str, Any]) -> tuple[Commune, str]:
    """The commune and postal code named by ``given``'s commune fields; raises CatalogueError."""
    postal = given.get(POSTAL_CODE) or ""
    name = given.get(COMMUNE_NAME) or ""
    insee = given.get(COMMUNE_INSEE) or ""
    if not all(isinstance(v, str) for v in (postal, name, insee)):
        raise CatalogueError({"commune": fields.MSG_TEXT})
    postal, name, insee = postal.replace(" ", ""), " ".join(name.split()), insee.strip().upper()
    if postal and not re.fullmatch(r"\d{5}", postal):
        raise CatalogueError({POSTAL_CODE: MSG_POSTAL_CODE})
    if insee:
        if name:
            raise CatalogueError({COMMUNE_INSEE: MSG_INSEE_AND_NAME})
        commune = communes().get(insee)
        if commune is None:
            raise CatalogueError({COMMUNE_INSEE: MSG_INSEE})
        if postal and postal not in commune.postal_codes:
            codes = ", ".join(commune.postal_codes) or commune.departement
            problem = Msg(
                MSG_POSTAL_NOT_SERVED.text,
                {"postal_code": postal, "commune": commune.name, "codes": codes},
            )
            raise CatalogueError({POSTAL_CODE: problem})
        return commune, postal or commune.postal_code
    if not postal and not name:
        raise CatalogueError({POSTAL_CODE: MSG_COMMUNE_REQUIRED})
    found = from_parts(postal, name)
    if found.one is None:
        error = CommuneError(found)
        where = COMMUNE_NAME if name else POSTAL_CODE
        raise CatalogueError({where: Msg(error.message, error.params)}, found.communes)
    return found.one, postal or found.one.postal_code


def _coordinates(
    given: Mapping[str, Any], commune: Commune
) -> tuple[dict[str, float | None], dict[str, Said]]:
    problems: dict[str, Said] = {}
    read: dict[str, float | None] = {}
    for column, bound, message in (
        ("latitude", 90, MSG_LATITUDE),
        ("longitude", 180, MSG_LONGITUDE),
    ):
        try:
            value = fields.number(given.get(column))
        except FieldError as problem:
            problems[column] = problem.said
            continue
        if value is not None and not -bound <= value <= bound:
            problems[column] = message
        read[column] = value
    if problems:
        return {}, problems
    if (read["latitude"] is None) != (read["longitude"] is None):
        return {}, {"latitude": MSG_COORDINATES_PAIR}
    if read["latitude"] is None:  # the commune's centroid, when it has one
        return {"latitude": commune.lat, "longitude": commune.lon}, {}
    return read, {}


def read_place(given: Mapping[str, Any], current: Place | None = None) -> dict[str, Any]:
    """The columns to store for a new place (``current`` None) or for a change to
    ``current`` (fields not given keep their value); raises :class:`CatalogueError` with
    every problem.

    A change of commune without coordinates moves the place to the new commune's centroid.
    """
    before = {} if current is None else current_values(current)
    problems: dict[str, Said] = {}
    values: dict[str, Any] = {}
    for column, reader in READERS.items():
        try:
            values[column] = reader(given[column] if column in given else before.get(column))
        except FieldError as problem:
            problems[column] = problem.said
        if values.get(column) is None and column in LIST_COLUMNS and column not in problems:
            values[column] = []
    candidates: tuple[Commune, ...] = ()
    commune_given = any(given.get(f) not in (None, "") for f in COMMUNE_FIELDS)
    if current is None or commune_given:
        try:
            commune, postal = _commune(given)
        except CatalogueError as error:
            problems |= error.problems
            candidates = error.candidates
            commune, postal = None, ""
    else:
        commune, postal = communes().get(current.commune_insee), current.postal_code
    if commune is not None:
        values |= {"commune_insee": commune.insee, "postal_code": postal}
        moved = current is not None and commune.insee != current.commune_insee
        where = {
            c: given[c] if c in given else None if moved else before.get(c) for c in COORDINATES
        }
        coordinates, coordinate_problems = _coordinates(where, commune)
        values |= coordinates
        problems |= coordinate_problems
    if problems:
        raise CatalogueError(problems, candidates)
    return values
