"""The words the offer is written in, read from where they are published rather than retyped.

* The LaMednum standard 1.0.2 (``app/data/lamednum-1.0.2.schema.json``, a Frictionless Table
  Schema) spells each multi-valued field's labels as the alternatives of its pattern:
  :func:`lamednum_vocabulary` reads them back, so what a form offers is what the schema
  accepts, and the exports validate that file as it is.
* The Coop de la médiation numérique's ``Thematique`` values, for workshops, are the
  referential's ``frameworks.coop_thematiques`` (19 general themes, then 11 administrative
  ones), which also maps each competence to its themes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from functools import cache
from importlib import resources
from typing import Any, Final

from app.db.models import Modality
from referentiel import Referential, load_referential

SCHEMA_FILE: Final = "lamednum-1.0.2.schema.json"


def N_(text: str) -> str:  # noqa: N802 (gettext's name for « mark only »)
    """Marks a French text for the message catalog; it is translated where it is shown."""
    return text


# Place column -> the LaMednum field whose labels it holds.
PLACE_VOCABULARIES: Final[Mapping[str, str]] = {
    "services": "services",
    "publics": "publics_specifiquement_adresses",
    "specific_support": "prise_en_charge_specifique",
    "fees": "frais_a_charge",
    "national_programmes": "dispositif_programmes_nationaux",
    "labels": "formations_labels",
    "access_modes": "modalites_acces",
    "support_modes": "modalites_accompagnement",
    "mobility": "itinerance",
}

# What a form calls each place vocabulary (message ids).
PLACE_VOCABULARY_TITLES: Final[Mapping[str, str]] = {
    "services": N_("Services proposés"),
    "publics": N_("Publics accueillis en particulier"),
    "specific_support": N_("Accueil adapté"),
    "fees": N_("Frais pour la personne"),
    "national_programmes": N_("Dispositifs et programmes nationaux"),
    "labels": N_("Formations et labels"),
    "access_modes": N_("Comment venir ou prendre contact"),
    "support_modes": N_("Façons d'accompagner"),
    "mobility": N_("Lieu fixe ou itinérant"),
}

# The multi-value pattern of the standard: (?:(?:^|\|)(A|B|C))+$
_MULTI = re.compile(r"^\(\?:\(\?:\^\|\\\|\)\((?P<labels>.*)\)\)\+\$$")
_UNESCAPE = re.compile(r"\\(.)")


@cache
def lamednum_schema() -> dict[str, Any]:
    """The LaMednum 1.0.2 Table Schema, as published (exports validate CSV files against it)."""
    text = resources.files("app").joinpath("data", SCHEMA_FILE).read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def lamednum_schema_path() -> str:
    """Where the schema file is, for tools that read a path (frictionless)."""
    return str(resources.files("app").joinpath("data", SCHEMA_FILE))


def lamednum_field(name: str) -> dict[str, Any]:
    """One field of the schema; KeyError for a name the standard does not have."""
    for found in lamednum_schema()["fields"]:
        if found["name"] == name:
            return dict(found)
    raise KeyError(name)


def lamednum_pattern(name: str) -> str:
    """The pattern a field's cell must match (labels joined with « | »)."""
    return str(lamednum_field(name)["constraints"]["pattern"])


def _split(alternatives: str) -> list[str]:
    """``A|B\\(c\\)`` -> [A, B(c)]: split at the unescaped bars, then unescape."""
    parts, current, escaped = [], "", False
    for char in alternatives:
        if escaped:
            current += "\\" + char
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "|":
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    return [_UNESCAPE.sub(r"\1", part) for part in parts]


@cache
def lamednum_vocabulary(field: str) -> tuple[str, ...]:
    """The labels a multi-valued field of the standard takes, in the schema's order
    (``lamednum_vocabulary("frais_a_charge")`` -> Gratuit, Gratuit sous condition, Payant)."""
    found = _MULTI.match(lamednum_pattern(field))
    if found is None:
        raise ValueError(f"{field}: not a list of labels in the LaMednum schema")
    return tuple(_split(found.group("labels")))


def place_vocabulary(column: str) -> tuple[str, ...]:
    """The labels a multi-valued column of a place takes."""
    return lamednum_vocabulary(PLACE_VOCABULARIES[column])


def fee_labels() -> tuple[str, ...]:
    """A workshop's price is one of the standard's fee labels."""
    return lamednum_vocabulary("frais_a_charge")


def public_labels() -> tuple[str, ...]:
    """The publics a place or a workshop addresses in particular (none: everyone)."""
    return lamednum_vocabulary("publics_specifiquement_adresses")


# --- Coop themes --------------------------------------------------------------------------------

FIRST_ADMINISTRATIVE_THEME: Final = "papiers_elections_citoyennete"


def coop_themes(ref: Referential | None = None) -> dict[str, str]:
    """Coop ``Thematique`` code -> label, in the order the Coop lists them (general themes,
    then administrative ones), in ``ref``'s language (French by default)."""
    ref = ref or load_referential()
    return {theme.code: theme.label for theme in ref.frameworks.coop_thematiques}


def theme_groups(ref: Referential | None = None) -> tuple[dict[str, str], dict[str, str]]:
    """(general themes, administrative themes): the Coop's two lists, for a form."""
    themes = list(coop_themes(ref).items())
    cut = next(i for i, (code, _) in enumerate(themes) if code == FIRST_ADMINISTRATIVE_THEME)
    return dict(themes[:cut]), dict(themes[cut:])


def suggested_themes(competences: Iterable[str], ref: Referential | None = None) -> list[str]:
    """The Coop themes the referential maps these competences to, without repeats: what a
    workshop raising them is about when its author names no theme."""
    ref = ref or load_referential()
    known = {c.code: c for c in ref.competences}
    themes = (t for code in competences if code in known for t in known[code].mappings.coop)
    return list(dict.fromkeys(themes))


# --- workshops ----------------------------------------------------------------------------------

MODALITY_LABELS: Final[Mapping[Modality, str]] = {
    Modality.INDIVIDUAL: N_("Accompagnement individuel"),
    Modality.COLLECTIVE: N_("Atelier collectif"),
    Modality.SELF_STUDY: N_("En autonomie, avec de l'aide si besoin"),
    Modality.REMOTE: N_("À distance"),
}

# Languages a workshop may be given in (ISO 639-1), with their French names (message ids).
LANGUAGES: Final[Mapping[str, str]] = {
    "fr": N_("Français"),
    "en": N_("Anglais"),
    "es": N_("Espagnol"),
    "pt": N_("Portugais"),
    "ar": N_("Arabe"),
    "tr": N_("Turc"),
    "ro": N_("Roumain"),
    "ru": N_("Russe"),
    "uk": N_("Ukrainien"),
    "de": N_("Allemand"),
    "it": N_("Italien"),
    "zh": N_("Chinois"),
    "lsf": N_("Langue des signes française"),
}

# --- places -------------------------------------------------------------------------------------

# The kinds of place the standard's `typologie` names (data·inclusion structure codes), limited
# to those that host digital mediation; labels are message ids.
TYPOLOGIES: Final[Mapping[str, str]] = {
    "EPN": N_("Espace public numérique, médiathèque"),
    "MSAP": N_("France Services"),
    "ASSO": N_("Association"),
    "OF": N_("Organisme de formation"),
    "TIERS_LIEUX": N_("Tiers-lieu"),
    "FABLAB": N_("Fablab (atelier de fabrication numérique)"),
    "CCAS": N_("Centre communal d'action sociale (CCAS)"),
    "MUNI": N_("Mairie"),
    "MDS": N_("Maison des solidarités"),
    "MJC": N_("Maison des jeunes et de la culture (MJC)"),
    "MQ": N_("Maison de quartier"),
    "PIMMS": N_("Point information médiation multi services (PIMMS)"),
    "PIJ_BIJ": N_("Point ou bureau information jeunesse"),
    "LA_POSTE": N_("La Poste"),
}
