"""The outlines the maps draw, read from app/data/geo/ (how they were made: SOURCES.md there).

Commune and EPCI outlines exist for the départements listed in ``WITH_COMMUNES``; every
metropolitan département and région has its outline. A territory without commune outlines is
shown by its tables only, and the page says so.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from app.features.dashboard.svg import Area

# Départements whose communes (and EPCI, dissolved from them) the project ships.
WITH_COMMUNES = ("03", "18", "28", "86")


@cache
def _layer(name: str) -> tuple[Area, ...]:
    text = resources.files("app").joinpath("data", "geo", f"{name}.geojson").read_text("utf-8")
    features: list[dict[str, Any]] = json.loads(text)["features"]
    return tuple(
        Area(f["properties"]["code"], f["properties"]["nom"], f["geometry"]) for f in features
    )


def communes_of(departement: str) -> tuple[Area, ...]:
    """The communes of a département (2026 codes), or nothing when not shipped."""
    return _layer(f"communes-{departement}") if departement in WITH_COMMUNES else ()


def epcis_of(departement: str) -> tuple[Area, ...]:
    """The EPCI of a département, as the outline of their communes inside it."""
    return _layer(f"epci-{departement}") if departement in WITH_COMMUNES else ()


def departements(codes: frozenset[str] | None = None) -> tuple[Area, ...]:
    """Metropolitan départements (all, or those named)."""
    return tuple(a for a in _layer("departements") if codes is None or a.code in codes)


def regions() -> tuple[Area, ...]:
    """Metropolitan régions: their borders over a map of France by département."""
    return _layer("regions")
