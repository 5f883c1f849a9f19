"""The crosswalk (``crosswalk.yaml``) from the offer's words to the two national formats, read
into typed values: a data·inclusion target the installed schema does not know fails at load,
not in an export."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from importlib import resources
from typing import Any

import yaml
from data_inclusion.schema.v1 import (
    Frais,
    ModeAccueil,
    ModeMobilisation,
    PersonneMobilisatrice,
    Public,
    ReseauPorteur,
    Thematique,
    TypeService,
)
from pydantic import BaseModel, ConfigDict

from app.db.models import Modality


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Targets(_Strict):
    """Where one of our values goes: data·inclusion thematiques and LaMednum services."""

    data_inclusion: tuple[Thematique, ...]
    lamednum: tuple[str, ...]


class PlaceService(_Strict):
    key: str
    type: TypeService
    data_inclusion: tuple[Thematique, ...]
    description: str


class ModalityTargets(_Strict):
    type: TypeService
    modes_accueil: tuple[ModeAccueil, ...]
    lamednum: str


class AccessMode(_Strict):
    modes: tuple[ModeMobilisation, ...]
    by: tuple[PersonneMobilisatrice, ...]


class Crosswalk(_Strict):
    version: str
    coop_themes: dict[str, Targets]
    competences: dict[str, Targets]
    lamednum_services: dict[str, PlaceService]
    publics: dict[str, Public]
    fees: dict[str, Frais]
    modalities: dict[Modality, ModalityTargets]
    support_modes: dict[str, tuple[ModeAccueil, ...]]
    access_modes: dict[str, AccessMode]
    national_programmes: dict[str, tuple[ReseauPorteur, ...]]
    typologies: dict[str, tuple[ReseauPorteur, ...]]

    def _targets(self, themes: Iterable[str], competences: Iterable[str]) -> list[Targets]:
        """The crosswalk rows of a workshop's themes, then of its competences (unknown codes
        have none)."""
        rows = [self.coop_themes[code] for code in themes if code in self.coop_themes]
        return rows + [self.competences[code] for code in competences if code in self.competences]

    def thematiques(self, themes: Iterable[str], competences: Iterable[str]) -> list[Thematique]:
        """A workshop's data·inclusion thematiques, in order and without repeats."""
        rows = self._targets(themes, competences)
        return list(dict.fromkeys(t for row in rows for t in row.data_inclusion))

    def lamednum_services_of(self, themes: Iterable[str], competences: Iterable[str]) -> list[str]:
        """The LaMednum services a workshop gives its place."""
        rows = self._targets(themes, competences)
        return list(dict.fromkeys(s for row in rows for s in row.lamednum))


@cache
def crosswalk() -> Crosswalk:
    """The crosswalk shipped with the service (loaded once)."""
    text = resources.files(__package__).joinpath("crosswalk.yaml").read_text("utf-8")
    raw: dict[str, Any] = yaml.safe_load(text)
    return Crosswalk.model_validate(raw)
