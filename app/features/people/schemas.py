"""What the people API takes and gives, as /schema shows it."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

import msgspec
from litestar.openapi.spec import Schema
from litestar.openapi.spec.enums import OpenAPIType

from app.db.models import Person
from app.features.people.commune_fields import COMMUNE_NAME_MAX
from app.features.people.service import ALIAS_MAX, birth_year_bands
from app.openapi import documented
from app.territories import display_name
from referentiel.context import INSEE_PATTERN

# Checked by the service, which names every field at fault in one 422.
ALIAS = documented(
    Schema(type=OpenAPIType.STRING, min_length=1, max_length=ALIAS_MAX, pattern=r"\S"),
    "Un prénom ou un surnom, jamais le nom complet.",
)
BAND = documented(
    Schema(enum=[*(code for code, _ in birth_year_bands()), None]),
    "La tranche d'âge (voir `GET /api/v1/people/consent`).",
)
COMMUNE = documented(
    Schema(type=[OpenAPIType.STRING, OpenAPIType.NULL], pattern=f"^{INSEE_PATTERN}$"),
    "Le code INSEE de la commune, par exemple 03190 pour Moulins ; ou bien donnez "
    "`commune_postal_code` et `commune_name`.",
)
POSTAL_CODE = documented(
    Schema(type=OpenAPIType.STRING, pattern=r"^[0-9]{5}$"),
    "Le code postal de la commune, par exemple 03000. Seul, il suffit s'il ne dessert qu'une "
    "commune ; sinon, ajoutez `commune_name` (un 422 liste les communes possibles).",
)
COMMUNE_NAME = documented(
    Schema(type=OpenAPIType.STRING, min_length=1, max_length=COMMUNE_NAME_MAX, pattern=r"\S"),
    "Le nom de la commune, par exemple Moulins ; majuscules, accents, tirets et apostrophes "
    "n'importent pas, et « Lyon 3e » est Lyon. Seul, il suffit si une seule commune porte ce "
    "nom ; sinon, ajoutez `commune_postal_code` (un 422 liste les communes possibles).",
)
CONSENT = documented(
    Schema(type=OpenAPIType.BOOLEAN, enum=[True]),
    "`true` : la personne a accepté le texte de `GET /api/v1/people/consent`, lu avec elle.",
)


class PersonIn(msgspec.Struct, forbid_unknown_fields=True):
    """A new record, only with the person's consent."""

    alias: Annotated[str, ALIAS]
    birth_year_band: Annotated[str | None, BAND] = None
    commune_insee: Annotated[str | None, COMMUNE] = None
    commune_postal_code: Annotated[str, POSTAL_CODE] | msgspec.UnsetType = msgspec.UNSET
    commune_name: Annotated[str, COMMUNE_NAME] | msgspec.UnsetType = msgspec.UNSET
    consent: Annotated[bool, CONSENT] = False


class PersonPatch(msgspec.Struct, forbid_unknown_fields=True):
    """Fields to change; ``null`` clears an optional one, an absent field is left as it is."""

    alias: Annotated[str, ALIAS] | msgspec.UnsetType = msgspec.UNSET
    birth_year_band: Annotated[str | None, BAND] | msgspec.UnsetType = msgspec.UNSET
    commune_insee: Annotated[str | None, COMMUNE] | msgspec.UnsetType = msgspec.UNSET
    commune_postal_code: Annotated[str, POSTAL_CODE] | msgspec.UnsetType = msgspec.UNSET
    commune_name: Annotated[str, COMMUNE_NAME] | msgspec.UnsetType = msgspec.UNSET


class ConsentOut(msgspec.Struct):
    text_version: str
    given_at: datetime


class PersonOut(msgspec.Struct):
    id: UUID
    alias: str
    birth_year_band: str | None
    commune_insee: str | None
    commune: str | None
    created_at: datetime
    updated_at: datetime
    last_diagnostic_at: datetime | None
    consents: list[ConsentOut]


class PersonListOut(msgspec.Struct):
    items: list[PersonOut]
    total: int
    limit: int
    offset: int


class ConsentTextOut(msgspec.Struct):
    version: str
    text: str
    birth_year_bands: dict[str, str]


def person_out(person: Person, last_diagnostic_at: datetime | None) -> PersonOut:
    return PersonOut(
        id=person.id,
        alias=person.alias,
        birth_year_band=person.birth_year_band,
        commune_insee=person.commune_insee,
        commune=display_name(person.commune_insee),
        created_at=person.created_at,
        updated_at=person.updated_at,
        last_diagnostic_at=last_diagnostic_at,
        consents=[
            ConsentOut(c.text_version, c.given_at)
            for c in sorted(person.consents, key=lambda c: c.given_at)
        ],
    )
