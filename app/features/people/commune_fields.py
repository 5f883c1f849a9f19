"""A person's commune as an API client names it: the INSEE code, as stored, or what people
know, a postal code and a name, read by the service's one commune lookup
(:mod:`app.territories`). Nothing is guessed: a postal code several communes share, a name
several communes bear or a misspelt name is a 422 that lists the communes that would fit."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import msgspec

from app.openapi import CommuneCandidate
from app.territories import Commune, from_parts

COMMUNE_NAME_MAX = 100
INSEE_FIELD, POSTAL_FIELD, NAME_FIELD = "commune_insee", "commune_postal_code", "commune_name"

MSG_TWICE = "donnez soit commune_insee, soit commune_postal_code et commune_name, pas les deux."
MSG_POSTAL_CODE = "un code postal a 5 chiffres, par exemple 03000."
MSG_NAME = f"un nom de commune de 1 à {COMMUNE_NAME_MAX} caractères est attendu."
MSG_NONE = "aucune commune ne correspond à ce code postal et à ce nom."
MSG_SEVERAL = (
    "plusieurs communes correspondent : précisez le code postal et le nom, ou donnez le code "
    "INSEE de l'une d'elles (liste dans `candidates`) : {candidates}."
)
MSG_NEAR = (
    "aucune commune ne porte ce nom ; les plus proches sont dans `candidates` : {candidates}."
)
CANDIDATES_LISTED = 12  # in the message; `candidates` has them all


@dataclass(frozen=True)
class CommuneRead:
    """The change to make (``{"commune_insee": …}``, empty when no commune field was given),
    or the problems by field, with the communes that would fit."""

    change: dict[str, Any]
    problems: dict[str, str] = field(default_factory=dict)
    candidates: tuple[Commune, ...] = ()


def read_commune_fields(given: Mapping[str, Any]) -> CommuneRead:
    """The commune fields among ``given`` (only those the client sent)."""
    postal, name = given.get(POSTAL_FIELD), given.get(NAME_FIELD)
    if postal is None and name is None:
        return CommuneRead({INSEE_FIELD: given[INSEE_FIELD]} if INSEE_FIELD in given else {})
    problems = {}
    if given.get(INSEE_FIELD) is not None:
        problems[INSEE_FIELD] = MSG_TWICE
    if postal is not None and not (isinstance(postal, str) and re.fullmatch(r"\d{5}", postal)):
        problems[POSTAL_FIELD] = MSG_POSTAL_CODE
    if name is not None and not (
        isinstance(name, str) and 0 < len(name.strip()) <= COMMUNE_NAME_MAX
    ):
        problems[NAME_FIELD] = MSG_NAME
    if problems:
        return CommuneRead({}, problems)
    found = from_parts(postal or "", (name or "").strip())
    if found.one is not None:
        return CommuneRead({INSEE_FIELD: found.one.insee})
    listed = ", ".join(
        f"{c.name} ({c.postal_code}, INSEE {c.insee})" for c in found.communes[:CANDIDATES_LISTED]
    )
    message = MSG_NONE if not found.communes else MSG_NEAR if found.near else MSG_SEVERAL
    where = NAME_FIELD if postal is None else POSTAL_FIELD if name is None else "commune"
    return CommuneRead({}, {where: message.format(candidates=listed)}, found.communes)


def candidates_out(candidates: tuple[Commune, ...]) -> list[dict[str, Any]]:
    """The communes a 422 offers (its `candidates` member)."""
    return [
        msgspec.to_builtins(CommuneCandidate(c.insee, c.name, list(c.postal_codes), c.display))
        for c in candidates
    ]
