"""The rules file is sound, and `parcours pathways check` names each problem on its own line."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from app.cli import main
from pathways.rules import load_rules, read_raw, rule_problems
from referentiel import load_referential

REF = load_referential()


def test_the_shipped_rules_fit_the_current_referential():
    assert rule_problems(REF, read_raw()) == []
    assert load_rules().referential == REF.version


def test_every_competence_a_need_asks_for_has_a_trigger_and_a_kind():
    rules = load_rules()
    asked = {c for need in REF.needs for c in need.requires}
    assert asked <= {t.competence for t in rules.triggers}
    kinds = {k.id for k in rules.kinds}
    assert {t.kind for t in rules.triggers} <= kinds


def _broken(change) -> list[str]:
    raw = copy.deepcopy(read_raw())
    change(raw)
    return rule_problems(REF, raw)


def _set(path: list[Any], value: Any):
    def change(raw: Any) -> None:
        node = raw
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value

    return change


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (_set(["prerequisites", 0, "competence"], "Z9"), "PRE-E2 : compétence inconnue « Z9 »"),
        (
            _set(["prerequisites", 0, "requires"], {"E1": 7}),
            "PRE-E2.E1 : niveau 7 hors de l'échelle",
        ),
        (
            _set(["prerequisites", 0, "requires"], {"C3": 2}),
            "PRE-E2 : « C3 » vient après « E2 » dans l'ordre du référentiel",
        ),
        (_set(["kinds", 0, "themes"], ["tricot"]), "thème inconnu « tricot »"),
        (_set(["triggers", 0, "kind"], "yoga"), "DEC-E1 : sorte d'atelier inconnue « yoga »"),
        (_set(["triggers", 0, "competence"], "X1"), "DEC-E1 : compétence inconnue « X1 »"),
        (_set(["triggers", 1, "id"], "DEC-E1"), "identifiant en double : DEC-E1"),
        (_set(["referential"], "1999.1"), "écrit pour 1999.1"),
        (_set(["modalities", 0, "serves"], ["A1"]), "aucune modalité ne sert A0"),
        (_set(["goal_levels", 0, "goal"], "A9"), "goal_levels.0.goal"),
        (_set(["guardrails", "max_steps"], 5), "guardrails.max_steps : au plus 3"),
    ],
)
def test_each_problem_is_named(change, expected):
    problems = _broken(change)
    assert any(expected in p for p in problems), problems


def test_a_competence_a_need_asks_for_without_trigger_is_a_problem():
    def drop_c3(raw: Any) -> None:
        raw["triggers"] = [t for t in raw["triggers"] if t["competence"] != "C3"]

    assert "aucun déclencheur pour « C3 », qu'un besoin demande" in _broken(drop_c3)


def test_the_command_says_the_rules_are_valid():
    outcome = CliRunner().invoke(main, ["pathways", "check"])
    assert outcome.exit_code == 0
    assert "valides pour le référentiel" in outcome.output


def test_the_command_exits_1_with_one_line_per_problem(tmp_path):
    raw = read_raw()
    raw["triggers"][0]["kind"] = "yoga"
    raw["kinds"][0]["themes"] = ["tricot"]
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), "utf-8")
    outcome = CliRunner().invoke(main, ["pathways", "check", "--file", str(path)])
    assert outcome.exit_code == 1
    lines = outcome.output.strip().splitlines()
    assert len(lines) == 2
    assert all(line.startswith("erreur : ") for line in lines)


def test_a_file_that_is_not_yaml_is_one_line(tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_text("version: [unclosed", "utf-8")
    outcome = CliRunner().invoke(main, ["pathways", "check", "--file", str(path)])
    assert outcome.exit_code == 1
    assert outcome.output.count("\n") == 1
    assert "fichier illisible" in outcome.output
