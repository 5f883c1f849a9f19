"""Open data: the published cells of every territory of one level, one row each, as CSV or as
a Frictionless Data Package (JSON), under the Licence Ouverte 2.0.

Territories are named as INSEE's code officiel géographique and the national open data on
territories name them (``code_commune``, ``code_epci`` as a SIREN, ``code_departement``,
``code_region``). A secret cell is empty in the CSV and null in JSON: « < 11 » people, or
hidden so that it cannot be found by subtraction.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from functools import cache
from importlib import resources
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models import StatCell
from app.features.statistics.indicators import TOTAL, Indicator, Kind, specs
from app.features.statistics.territory import NO_EPCI, Level, territory

LICENCE = {
    "name": "etalab-2.0",
    "title": "Licence Ouverte / Open Licence version 2.0",
    "path": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
}
SCHEMA_FILE = "statistiques.schema.json"
LEVELS = (Level.COMMUNE, Level.EPCI, Level.DEPARTEMENT, Level.REGION)
MSG_LEVEL = "Niveau inconnu : commune, epci, departement ou region."

# Column name prefixes, in French as open data readers expect them.
_PREFIX = {
    Indicator.AGE_BAND: "age",
    Indicator.FREQUENCY: "frequence",
    Indicator.EQUIPMENT: "equipement",
    Indicator.PROFILE: "profil",
    Indicator.NEEDS: "besoin",
    Indicator.AUTONOMY_WISHED: "autonomie_souhaitee",
}
_NAMED = {
    (Indicator.PEOPLE, TOTAL): "nb_personnes",
    (Indicator.PEOPLE, "diagnostics"): "nb_diagnostics",
    (Indicator.PATHWAYS, "started"): "nb_parcours_commences",
    (Indicator.PATHWAYS, "completed"): "nb_parcours_termines",
    (Indicator.BOOKINGS, TOTAL): "nb_personnes_inscrites",
    (Indicator.BOOKINGS, "seats_filled"): "nb_places_occupees",
    (Indicator.BOOKINGS, "waiting"): "nb_personnes_liste_attente",
    (Indicator.BOOKINGS, "seen"): "nb_personnes_venues",
    (Indicator.BOOKINGS, "noshow"): "nb_personnes_absentes",
    (Indicator.BADGES, TOTAL): "nb_personnes_badge",
    (Indicator.BADGES, "pathway"): "nb_personnes_badge_parcours",
    (Indicator.OFFER, "places"): "nb_lieux",
    (Indicator.OFFER, "sessions"): "nb_seances",
    (Indicator.OFFER, "seats"): "nb_places",
}
_KEYS = ("annee", "niveau", "code", "nom", "code_epci", "code_departement", "code_region")


def _name(indicator: Indicator, column: str) -> str:
    if (indicator, column) in _NAMED:
        return _NAMED[(indicator, column)]
    if indicator.value.startswith("level_"):
        return f"niveau_{indicator.value[-1].lower()}_{column}"
    if indicator == Indicator.BADGES:  # a domain of the referential
        return f"nb_personnes_badge_domaine_{column.lower()}"
    return f"{_PREFIX[indicator]}_{column.lower()}"


@cache
def count_columns() -> tuple[tuple[Indicator, str, str, str], ...]:
    """(indicator, column, open data name, French title) of every count, in order."""
    found: list[tuple[Indicator, str, str, str]] = []
    for spec in specs().values():
        if spec.indicator == Indicator.PEOPLE:
            found += [
                (spec.indicator, TOTAL, _name(spec.indicator, TOTAL), "Personnes"),
                (
                    spec.indicator,
                    "diagnostics",
                    _name(spec.indicator, "diagnostics"),
                    "Diagnostics",
                ),
            ]
            continue
        if spec.total_label:  # its own total: people booked, people with a badge
            title = f"{spec.label} : {spec.total_label}"
            found.append((spec.indicator, TOTAL, _name(spec.indicator, TOTAL), title))
        found += [
            (spec.indicator, c.code, _name(spec.indicator, c.code), f"{spec.label} : {c.label}")
            for c in spec.columns
        ]
    return tuple(found)


def table_schema() -> dict[str, Any]:
    """The Frictionless Table Schema of every export (the file shipped is this, written out)."""
    fields: list[dict[str, Any]] = [
        {"name": "annee", "type": "year", "title": "Année", "constraints": {"required": True}},
        {
            "name": "niveau",
            "type": "string",
            "title": "Niveau du territoire",
            "constraints": {"required": True, "enum": [level.value for level in LEVELS]},
        },
        {
            "name": "code",
            "type": "string",
            "title": "Code du territoire",
            "description": "Code INSEE de la commune, du département ou de la région ; SIREN "
            "de l'EPCI, suivi du département (« 200069193-18 ») pour la partie d'un EPCI "
            "qui en couvre plusieurs.",
            "constraints": {
                "required": True,
                "pattern": "[0-9AB]{2,5}|[0-9]{9}(-[0-9AB]{2,3})?|sans-epci-[0-9AB]{2,3}",
            },
        },
        {
            "name": "nom",
            "type": "string",
            "title": "Nom du territoire",
            "constraints": {"required": True},
        },
        {
            "name": "code_epci",
            "type": "string",
            "title": "SIREN de l'EPCI",
            "constraints": {"pattern": "[0-9]{9}"},
        },
        {
            "name": "code_departement",
            "type": "string",
            "title": "Code du département",
            "constraints": {"pattern": "[0-9AB]{2,3}"},
        },
        {
            "name": "code_region",
            "type": "string",
            "title": "Code de la région",
            "constraints": {"pattern": "[0-9]{2}"},
        },
    ]
    for indicator, _column, name, title in count_columns():
        exact = specs()[indicator].kind == Kind.EXACT
        field: dict[str, Any] = {
            "name": name,
            "type": "integer",
            "title": title,
            "constraints": {"minimum": 0 if exact else 11},
        }
        if not exact:
            field["description"] = (
                "Vide : moins de 11 personnes, ou masqué pour qu'aucune petite case ne se "
                "retrouve par soustraction."
            )
        fields.append(field)
    return {
        "fields": fields,
        "missingValues": [""],
        "primaryKey": ["annee", "niveau", "code"],
    }


def schema_path() -> str:
    return str(resources.files("app.features.statistics") / SCHEMA_FILE)


async def open_data_rows(db: AsyncSession, level: Level, year: int) -> list[dict[str, Any]]:
    """One row per territory of ``level`` that has statistics in ``year``, by code."""
    if level not in LEVELS:
        raise ValueError(MSG_LEVEL)
    rows: dict[str, dict[str, Any]] = {}
    query = select(StatCell.code, StatCell.indicator, StatCell.cells).where(
        StatCell.year == year, StatCell.level == level
    )
    wanted = {(i, c): n for i, c, n, _ in count_columns()}
    for code, indicator, cells in await db.execute(query):
        row = rows.get(code)
        if row is None:
            row = rows[code] = _identity(level, code, year)
        for column, count in cells.items():
            name = wanted.get((Indicator(indicator), column))
            if name is not None:
                row[name] = count
    return [rows[code] for code in sorted(rows)]


def _identity(level: Level, code: str, year: int) -> dict[str, Any]:
    node = territory(level, code)
    row: dict[str, Any] = {"annee": year, "niveau": level.value, "code": code, "nom": node.name}
    epci = node.code if level == Level.EPCI else node.parent if level == Level.COMMUNE else None
    row["code_epci"] = None if epci is None or epci.startswith(NO_EPCI) else epci[:9]
    row["code_departement"] = node.departement
    row["code_region"] = (
        node.code
        if level == Level.REGION
        else territory(Level.DEPARTEMENT, node.departement).parent
        if node.departement
        else None
    )
    for _indicator, _column, name, _title in count_columns():
        row[name] = 0 if specs()[_indicator].kind == Kind.EXACT else None
    return row


def header() -> list[str]:
    return [*_KEYS, *(name for _i, _c, name, _t in count_columns())]


def csv_text(rows: Sequence[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header(), lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
    return out.getvalue()


def data_package(rows: Sequence[dict[str, Any]], level: Level, year: int) -> str:
    """A Frictionless Data Package with the rows inline, their schema and the licence."""
    package = {
        "name": f"parcours-numerique-statistiques-{level.value}-{year}",
        "title": f"Compétences numériques et besoins par {level.value}, {year}",
        "licenses": [LICENCE],
        "resources": [
            {
                "name": "statistiques",
                "profile": "tabular-data-resource",
                "schema": table_schema(),
                "data": [header(), *([row[k] for k in header()] for row in rows)],
            }
        ],
    }
    return json.dumps(package, ensure_ascii=False, indent=1) + "\n"
