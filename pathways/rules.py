"""The pathway rules as typed data, read from ``data/rules.yaml``, and their checks.

The YAML file is the single source of truth and is written to be read by a mediator; these
models only give it a shape. :func:`rule_problems` checks what the shape cannot: that every
competence, need, theme, autonomy and answer level the rules name exists in the referential
they were written for (``parcours pathways check``).
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from pathways.models import Modality
from referentiel.answers import in_french
from referentiel.masks import AUTONOMY_ORDER, AutonomyCode
from referentiel.models import Referential

Language = Literal["fr", "en"]
MAX_LEVEL = 4


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Texts(_Frozen):
    fr: str
    en: str

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.fr


class GoalLevel(_Frozen):
    """What a goal asks of each competence of a need: a level, or « besoin », the need's own."""

    id: str
    goal: AutonomyCode
    level: int | Literal["besoin"]


class Prerequisite(_Frozen):
    id: str
    competence: str
    requires: dict[str, int]


class Resource(_Frozen):
    title: str
    url: str


class Kind(_Frozen):
    """A kind of workshop a trigger selects; its Coop themes help the search."""

    id: str
    label: Texts
    themes: tuple[str, ...]
    resources: tuple[Resource, ...] = ()


class Threshold(_Frozen):
    levels: dict[str, int] = Field(default_factory=dict)
    threshold: float = Field(ge=0, le=1)


class GoalThreshold(_Frozen):
    competences: tuple[str, ...]
    threshold: float = Field(gt=0, le=1)


class Trigger(_Frozen):
    id: str
    competence: str
    kind: str
    prerequisite: Threshold
    goal: GoalThreshold


class ModalityRule(_Frozen):
    id: str
    modality: Modality
    serves: tuple[AutonomyCode, ...]


class Guardrails(_Frozen):
    max_steps: int = Field(ge=1, le=3)
    max_sessions: int = Field(ge=1, le=3)
    far_goal: int = Field(ge=1, le=4)
    model_lowers_at_most: int = Field(ge=0, le=4)
    resolve_items: int = Field(ge=0, le=2)


class Text(_Frozen):
    id: str
    fr: str
    en: str

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.fr


TextKey = Literal[
    "current",
    "current_no_answers",
    "proposed",
    "wish_kept",
    "far_goal",
    "already_there",
    "no_device",
    "delegation",
    "orientation",
    "modality",
    "preference",
    "step",
    "goal_level",
    "prerequisite",
    "unknown",
    "later",
    "model_lower",
    "sessions",
    "sessions_ranked",
    "no_session",
]


class Rules(_Frozen):
    version: str
    referential: str
    goal_levels: tuple[GoalLevel, ...]
    prerequisites: tuple[Prerequisite, ...]
    kinds: tuple[Kind, ...]
    triggers: tuple[Trigger, ...]
    modalities: tuple[ModalityRule, ...]
    guardrails: Guardrails
    texts: dict[TextKey, Text]
    modality_words: dict[Modality, Texts]

    def kind(self, kind_id: str) -> Kind:
        return next(k for k in self.kinds if k.id == kind_id)


def _data_file() -> Any:
    return resources.files("pathways").joinpath("data", "rules.yaml")


def read_raw(path: Path | None = None) -> Any:
    """The file as plain data, before validation, so that a check can report a broken file."""
    source = _data_file() if path is None else path
    return yaml.safe_load(source.read_text("utf-8"))


@cache
def load_rules(path: Path | None = None) -> Rules:
    """The rules shipped with the package (cached: every recommendation reads them)."""
    return Rules.model_validate(read_raw(path))


def _shape_problems(raw: Any) -> list[str]:
    try:
        Rules.model_validate(raw)
    except ValidationError as error:
        return [
            f"{'.'.join(str(p) for p in e['loc']) or 'fichier'} : {in_french(e)}"
            for e in error.errors()
        ]
    return []


def _level_problems(where: str, levels: dict[str, int], competences: set[str]) -> list[str]:
    problems = []
    for code, level in levels.items():
        if code not in competences:
            problems.append(f"{where} : compétence inconnue « {code} »")
        if not 0 <= level <= MAX_LEVEL:
            problems.append(f"{where}.{code} : niveau {level} hors de l'échelle 0 à 4")
    return problems


def rule_problems(ref: Referential, raw: Any) -> list[str]:
    """Every problem of a rules file against ``ref``, one line each; empty when it is sound."""
    shape = _shape_problems(raw)
    if shape:
        return shape
    rules = Rules.model_validate(raw)
    competences = {c.code for c in ref.competences}
    themes = {t.code for t in ref.frameworks.coop_thematiques}
    kinds = {k.id for k in rules.kinds}
    problems: list[str] = []
    if rules.referential != ref.version:
        problems.append(
            f"referential : écrit pour {rules.referential}, le référentiel est {ref.version}"
        )
    ids = [
        *(g.id for g in rules.goal_levels),
        *(p.id for p in rules.prerequisites),
        *(t.id for t in rules.triggers),
        *(m.id for m in rules.modalities),
    ]
    problems += [
        f"identifiant en double : {i}" for i in sorted({i for i in ids if ids.count(i) > 1})
    ]
    for goal in rules.goal_levels:
        if isinstance(goal.level, int) and not 0 <= goal.level <= MAX_LEVEL:
            problems.append(f"{goal.id} : niveau {goal.level} hors de l'échelle 0 à 4")
    order = list(ref.prerequisite_order)
    for pre in rules.prerequisites:
        where = pre.id
        if pre.competence not in competences:
            problems.append(f"{where} : compétence inconnue « {pre.competence} »")
            continue
        problems += _level_problems(where, pre.requires, competences)
        late = [
            c for c in pre.requires if c in order and order.index(c) >= order.index(pre.competence)
        ]
        problems += [
            f"{where} : « {c} » vient après « {pre.competence} » dans l'ordre du référentiel"
            for c in late
        ]
    for kind in rules.kinds:
        problems += [
            f"sorte {kind.id} : thème inconnu « {t} »" for t in kind.themes if t not in themes
        ]
    triggered = set()
    for trigger in rules.triggers:
        where = trigger.id
        triggered.add(trigger.competence)
        if trigger.competence not in competences:
            problems.append(f"{where} : compétence inconnue « {trigger.competence} »")
        if trigger.kind not in kinds:
            problems.append(f"{where} : sorte d'atelier inconnue « {trigger.kind} »")
        problems += _level_problems(
            f"{where}.prerequisite", trigger.prerequisite.levels, competences
        )
        problems += [
            f"{where}.goal : compétence inconnue « {c} »"
            for c in trigger.goal.competences
            if c not in competences
        ]
    needed = {c for need in ref.needs for c in need.requires}
    problems += [
        f"aucun déclencheur pour « {c} », qu'un besoin demande"
        for c in sorted(needed - triggered)
        if c in competences
    ]
    served = {level for m in rules.modalities for level in m.serves}
    problems += [f"aucune modalité ne sert {a}" for a in AUTONOMY_ORDER if a not in served]
    goals = {g.goal for g in rules.goal_levels}
    problems += [f"goal_levels : rien pour {a}" for a in ("A2", "A3", "A4") if a not in goals]
    return problems
