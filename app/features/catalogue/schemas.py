"""What the places and workshops API takes and gives, as /schema shows it.

Values are decoded loosely (a text, a list of texts, a number) and checked by the place and
workshop rules, which name every problem at once in one 422; the schema shows the values
they accept (the LaMednum labels, the Coop themes, the referential's codes)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar.openapi.spec import Schema
from litestar.openapi.spec.enums import OpenAPIType

from app.db.models import Modality, Place, Workshop
from app.features.catalogue.vocabulary import (
    LANGUAGES,
    TYPOLOGIES,
    coop_themes,
    fee_labels,
    place_vocabulary,
    public_labels,
)
from app.features.catalogue.workshop_rules import (
    CHECKLIST_MAX,
    DURATION_MAX,
    DURATION_MIN,
    OBSERVED_TASK,
    POINT_MAX,
    plain_language_advice,
)
from app.openapi import documented
from app.territories import display_name
from referentiel import load_referential

UNSET = msgspec.UNSET
Unset = msgspec.UnsetType


def _labels(labels: Any, description: str) -> msgspec.Meta:
    return documented(
        Schema(type=OpenAPIType.ARRAY, items=Schema(type=OpenAPIType.STRING, enum=list(labels))),
        description,
    )


def _text(limit: int, description: str) -> msgspec.Meta:
    return documented(
        Schema(type=[OpenAPIType.STRING, OpenAPIType.NULL], max_length=limit), description
    )


NAME = _text(150, "Le nom du lieu (obligatoire à la création).")
ADDRESS = _text(250, "Le numéro et la rue (obligatoire à la création).")
POSTAL_CODE = documented(
    Schema(type=[OpenAPIType.STRING, OpenAPIType.NULL], pattern=r"^[0-9]{5}$"),
    "Le code postal, par exemple 18000 ; avec `commune_name` s'il dessert plusieurs communes "
    "(un 422 liste alors les communes possibles dans `candidates`).",
)
COMMUNE_NAME = _text(100, "Le nom de la commune, par exemple Bourges.")
COMMUNE_INSEE = documented(
    Schema(type=[OpenAPIType.STRING, OpenAPIType.NULL], pattern=r"^[0-9][0-9AB][0-9]{3}$"),
    "Ou bien le code INSEE de la commune, par exemple 18033 (sans `commune_name`).",
)
COORDINATE = documented(
    Schema(type=[OpenAPIType.NUMBER, OpenAPIType.NULL]),
    "Latitude ou longitude (WGS84) ; sans elles, le centre de la commune.",
)
PHONE = _text(40, "Un numéro français, écrit comme on veut (02 48 12 34 56) ; rendu en forme +33.")
HOURS = _text(
    500,
    "Les horaires au format OpenStreetMap, par exemple « Mo-Fr 09:00-12:00,14:00-17:00 ».",
)
PIVOT = _text(40, "Le SIRET (14 chiffres) ou le RNA de la structure qui tient le lieu.")


class PlaceIn(msgspec.Struct, forbid_unknown_fields=True):
    """A new place; only the name, the address and the commune are required."""

    name: Annotated[str | None, NAME] = None
    address: Annotated[str | None, ADDRESS] = None
    postal_code: Annotated[str | None, POSTAL_CODE] = None
    commune_name: Annotated[str | None, COMMUNE_NAME] = None
    commune_insee: Annotated[str | None, COMMUNE_INSEE] = None
    address_complement: Annotated[str | None, _text(250, "Bâtiment, étage…")] = None
    latitude: Annotated[float | None, COORDINATE] = None
    longitude: Annotated[float | None, COORDINATE] = None
    pivot: Annotated[str | None, PIVOT] = None
    typologies: Annotated[list[str], _labels(TYPOLOGIES, "Le genre de lieu.")] = []
    phone: Annotated[str | None, PHONE] = None
    email: Annotated[str | None, _text(320, "L'adresse e-mail de contact.")] = None
    website: Annotated[str | None, _text(500, "Le site web.")] = None
    opening_hours: Annotated[str | None, HOURS] = None
    summary: Annotated[str | None, _text(280, "Présentation en une phrase.")] = None
    description: Annotated[str | None, _text(10_000, "Présentation détaillée.")] = None
    directions: Annotated[str | None, _text(500, "Comment venir (bus, parking…).")] = None
    services: Annotated[
        list[str], _labels(place_vocabulary("services"), "Services (LaMednum `services`).")
    ] = []
    publics: Annotated[
        list[str],
        _labels(public_labels(), "Publics accueillis en particulier (aucun : tout public)."),
    ] = []
    specific_support: Annotated[
        list[str],
        _labels(place_vocabulary("specific_support"), "LaMednum `prise_en_charge_specifique`."),
    ] = []
    fees: Annotated[list[str], _labels(fee_labels(), "LaMednum `frais_a_charge`.")] = []
    national_programmes: Annotated[
        list[str],
        _labels(
            place_vocabulary("national_programmes"), "LaMednum `dispositif_programmes_nationaux`."
        ),
    ] = []
    labels: Annotated[
        list[str], _labels(place_vocabulary("labels"), "LaMednum `formations_labels`.")
    ] = []
    access_modes: Annotated[
        list[str], _labels(place_vocabulary("access_modes"), "LaMednum `modalites_acces`.")
    ] = []
    support_modes: Annotated[
        list[str],
        _labels(place_vocabulary("support_modes"), "LaMednum `modalites_accompagnement`."),
    ] = []
    mobility: Annotated[
        list[str], _labels(place_vocabulary("mobility"), "LaMednum `itinerance`.")
    ] = []
    accessibility_url: Annotated[str | None, _text(500, "La fiche Acceslibre du lieu.")] = None
    accessibility: Annotated[str | None, _text(500, "L'accessibilité en quelques mots.")] = None
    booking_url: Annotated[str | None, _text(500, "Où prendre rendez-vous en ligne.")] = None


class PlacePatch(msgspec.Struct, forbid_unknown_fields=True):
    """Fields to change; ``null`` clears an optional one, an absent field is left as it is.
    ``archived``: true takes the place out of the offer, false brings it back."""

    name: Annotated[str | None, NAME] | Unset = UNSET
    address: Annotated[str | None, ADDRESS] | Unset = UNSET
    postal_code: Annotated[str | None, POSTAL_CODE] | Unset = UNSET
    commune_name: Annotated[str | None, COMMUNE_NAME] | Unset = UNSET
    commune_insee: Annotated[str | None, COMMUNE_INSEE] | Unset = UNSET
    address_complement: Annotated[str | None, _text(250, "Bâtiment, étage…")] | Unset = UNSET
    latitude: Annotated[float | None, COORDINATE] | Unset = UNSET
    longitude: Annotated[float | None, COORDINATE] | Unset = UNSET
    pivot: Annotated[str | None, PIVOT] | Unset = UNSET
    typologies: list[str] | Unset = UNSET
    phone: Annotated[str | None, PHONE] | Unset = UNSET
    email: str | Unset | None = UNSET
    website: str | Unset | None = UNSET
    opening_hours: Annotated[str | None, HOURS] | Unset = UNSET
    summary: str | Unset | None = UNSET
    description: str | Unset | None = UNSET
    directions: str | Unset | None = UNSET
    services: list[str] | Unset = UNSET
    publics: list[str] | Unset = UNSET
    specific_support: list[str] | Unset = UNSET
    fees: list[str] | Unset = UNSET
    national_programmes: list[str] | Unset = UNSET
    labels: list[str] | Unset = UNSET
    access_modes: list[str] | Unset = UNSET
    support_modes: list[str] | Unset = UNSET
    mobility: list[str] | Unset = UNSET
    accessibility_url: str | Unset | None = UNSET
    accessibility: str | Unset | None = UNSET
    booking_url: str | Unset | None = UNSET
    archived: bool | Unset = UNSET


class PlaceOut(msgspec.Struct):
    id: UUID
    name: str
    address: str
    address_complement: str | None
    postal_code: str
    commune_insee: str
    commune: str | None  # « Bourges (18000) »
    latitude: float | None
    longitude: float | None
    pivot: str | None
    typologies: list[str]
    phone: str | None
    email: str | None
    website: str | None
    opening_hours: str | None
    summary: str | None
    description: str | None
    directions: str | None
    services: list[str]
    publics: list[str]
    specific_support: list[str]
    fees: list[str]
    national_programmes: list[str]
    labels: list[str]
    access_modes: list[str]
    support_modes: list[str]
    mobility: list[str]
    accessibility_url: str | None
    accessibility: str | None
    booking_url: str | None
    archived: bool
    created_at: datetime
    updated_at: datetime


class PlaceListOut(msgspec.Struct):
    items: list[PlaceOut]


def place_out(place: Place) -> PlaceOut:
    own = {name: getattr(place, name) for name in PlaceOut.__struct_fields__ if name != "commune"}
    return PlaceOut(**own, commune=display_name(place.commune_insee))


# --- workshops ----------------------------------------------------------------------------------

_ref = load_referential()
LEVEL = documented(
    Schema(type=OpenAPIType.INTEGER, minimum=0, maximum=4),
    "Un niveau de l'échelle du référentiel, de 0 (« Je ne sais pas le faire ») à 4 (« Je peux "
    "aider ou expliquer à quelqu'un ») ; la sortie est plus haute que l'entrée.",
)


class CompetenceLevels(msgspec.Struct, forbid_unknown_fields=True):
    """A competence the workshop raises, from its entry level to its exit level."""

    competence: Annotated[
        str,
        documented(
            Schema(type=OpenAPIType.STRING, enum=[c.code for c in _ref.competences]),
            "Le code d'une compétence du référentiel (`GET /api/v1/referentiel`).",
        ),
    ]
    entry: Annotated[int, LEVEL]
    exit: Annotated[int, LEVEL]


class ObservedTask(msgspec.Struct, tag_field="kind", tag=OBSERVED_TASK, forbid_unknown_fields=True):
    """Completion is a task of the referential that the trainer sees the person do."""

    item: Annotated[
        str,
        documented(
            Schema(type=OpenAPIType.STRING, enum=[i.id for i in _ref.items]),
            "L'identifiant d'un item du référentiel (« Je sais… »), d'une compétence de l'atelier.",
        ),
    ]


class Checklist(msgspec.Struct, tag_field="kind", tag="checklist", forbid_unknown_fields=True):
    """Completion is validated by the trainer against short points."""

    points: Annotated[
        list[str],
        documented(
            Schema(
                type=OpenAPIType.ARRAY,
                min_items=1,
                max_items=CHECKLIST_MAX,
                items=Schema(type=OpenAPIType.STRING, max_length=POINT_MAX),
            ),
            f"De 1 à {CHECKLIST_MAX} points courts à vérifier.",
        ),
    ]


THEMES = _labels(
    coop_themes(),
    "Les thèmes de la Coop de la médiation numérique ; absent ou vide : ceux des compétences.",
)
MODALITY = documented(
    Schema(type=OpenAPIType.STRING, enum=[m.value for m in Modality]),
    "individual, collective, self_study ou remote.",
)
DURATION = documented(
    Schema(type=OpenAPIType.INTEGER, minimum=DURATION_MIN, maximum=DURATION_MAX),
    "La durée en minutes, par exemple 90.",
)
PRICE = documented(
    Schema(type=OpenAPIType.STRING, enum=list(fee_labels())),
    "Un libellé de frais LaMednum (par défaut « Gratuit »).",
)
LANGUAGE = documented(
    Schema(type=OpenAPIType.STRING, enum=list(LANGUAGES)),
    "La langue de l'atelier (par défaut fr).",
)
TITLE = _text(150, "Le titre de l'atelier (obligatoire à la création).")
DESCRIPTION = _text(5_000, "Ce que la personne y apprend à faire, en mots simples.")
PUBLICS = _labels(public_labels(), "Publics visés en particulier (aucun : tout public).")


class WorkshopIn(msgspec.Struct, forbid_unknown_fields=True):
    """A new workshop."""

    title: Annotated[str | None, TITLE] = None
    description: Annotated[str | None, DESCRIPTION] = None
    competences: list[CompetenceLevels] = []
    themes: Annotated[list[str], THEMES] = []
    modality: Annotated[str | None, MODALITY] = None
    duration_minutes: Annotated[int | None, DURATION] = None
    publics: Annotated[list[str], PUBLICS] = []
    price: Annotated[str | None, PRICE] = None
    price_detail: Annotated[str | None, _text(200, "Le prix en détail.")] = None
    accessibility: Annotated[str | None, _text(500, "L'accessibilité en quelques mots.")] = None
    language: Annotated[str | None, LANGUAGE] = None
    exit_check: ObservedTask | Checklist | None = None


class WorkshopPatch(msgspec.Struct, forbid_unknown_fields=True):
    """Fields to change; an absent field is left as it is. ``archived``: true takes the
    workshop out of the offer, false brings it back."""

    title: Annotated[str | None, TITLE] | Unset = UNSET
    description: Annotated[str | None, DESCRIPTION] | Unset = UNSET
    competences: list[CompetenceLevels] | Unset = UNSET
    themes: Annotated[list[str], THEMES] | Unset = UNSET
    modality: Annotated[str | None, MODALITY] | Unset = UNSET
    duration_minutes: Annotated[int | None, DURATION] | Unset = UNSET
    publics: Annotated[list[str], PUBLICS] | Unset = UNSET
    price: Annotated[str | None, PRICE] | Unset = UNSET
    price_detail: str | Unset | None = UNSET
    accessibility: str | Unset | None = UNSET
    language: Annotated[str | None, LANGUAGE] | Unset = UNSET
    exit_check: ObservedTask | Checklist | Unset | None = UNSET
    archived: bool | Unset = UNSET


class CompetenceOut(msgspec.Struct):
    competence: str
    entry: int
    exit: int


class ExitCheckOut(msgspec.Struct):
    """``observed_task``: ``item`` and its « Je sais… » ``text``; ``checklist``: ``points``."""

    kind: str
    item: str | None = None
    text: str | None = None
    points: list[str] | None = None


class WorkshopOut(msgspec.Struct):
    id: UUID
    title: str
    description: str
    competences: list[CompetenceOut]
    themes: list[str]
    modality: str
    duration_minutes: int
    publics: list[str]
    price: str
    price_detail: str | None
    accessibility: str | None
    language: str
    exit_check: ExitCheckOut
    archived: bool
    created_at: datetime
    updated_at: datetime
    # Words a resident may stumble on in the title or description: advice, not an error.
    plain_language: list[str]


class WorkshopListOut(msgspec.Struct):
    items: list[WorkshopOut]


def exit_check_out(check: dict[str, Any]) -> ExitCheckOut:
    if check.get("kind") == OBSERVED_TASK:
        item = load_referential().item(check["item"])
        return ExitCheckOut(kind=OBSERVED_TASK, item=item.id, text=item.text)
    return ExitCheckOut(kind=str(check.get("kind")), points=list(check.get("points") or []))


def workshop_out(workshop: Workshop) -> WorkshopOut:
    return WorkshopOut(
        id=workshop.id,
        title=workshop.title,
        description=workshop.description,
        competences=[CompetenceOut(**c) for c in workshop.competences],
        themes=list(workshop.themes),
        modality=workshop.modality.value,
        duration_minutes=workshop.duration_minutes,
        publics=list(workshop.publics),
        price=workshop.price,
        price_detail=workshop.price_detail,
        accessibility=workshop.accessibility,
        language=workshop.language,
        exit_check=exit_check_out(workshop.exit_check),
        archived=workshop.archived,
        created_at=workshop.created_at,
        updated_at=workshop.updated_at,
        plain_language=plain_language_advice(
            {"title": workshop.title, "description": workshop.description}
        ),
    )


def given(data: msgspec.Struct) -> dict[str, Any]:
    """The fields a client sent, as plain values for the rules (an absent field is left
    alone)."""
    return {
        name: msgspec.to_builtins(value)
        for name in data.__struct_fields__
        if (value := getattr(data, name)) is not UNSET
    }
