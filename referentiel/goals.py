"""Autonomy goals: for each need a person names, the level (A0 to A4) they choose to reach."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeGuard

from referentiel.masks import AUTONOMY_ORDER, AutonomyCode
from referentiel.models import Referential


def is_goal(value: object) -> TypeGuard[AutonomyCode]:
    """An autonomy level a person may choose as a goal (A0 to A4)."""
    return value in AUTONOMY_ORDER


def goal_problems(ref: Referential, goals: Any) -> list[str]:
    """One line per goal that names no need of the referential, or no autonomy level."""
    if not isinstance(goals, Mapping):
        return ["goals : un objet {besoin: objectif} est attendu"]
    needs = {n.code for n in ref.needs}
    return [
        f"goals.{need} : besoin inconnu"
        if need not in needs
        else f"goals.{need} : objectif {goal!r} inconnu (A0 à A4)"
        for need, goal in goals.items()
        if need not in needs or not is_goal(goal)
    ]
