"""`check` finds every inconsistency of an edited referential, in words an editor can act on."""

from __future__ import annotations

import copy

from referentiel.check import check_raw
from referentiel.load import read_raw


def test_the_shipped_referential_is_sound():
    assert check_raw(read_raw()) == []


def test_it_reports_every_problem_at_once():
    raw = copy.deepcopy(read_raw())
    raw["items"].append(dict(raw["items"][0]))  # duplicate id
    raw["items"][1]["competence"] = "Z9"
    raw["competences"][0]["mappings"]["crcn"] = ["9.9"]
    raw["needs"][0]["requires"] = {"Q1": 2}
    problems = check_raw(raw)
    assert any("présent 2 fois" in p for p in problems)
    assert any("compétence inconnue Z9" in p for p in problems)
    assert any("code crcn inconnu 9.9" in p for p in problems)
    assert any(f"besoin {raw['needs'][0]['code']} : compétence inconnue Q1" in p for p in problems)


def test_a_competence_needs_items_at_two_difficulties():
    raw = copy.deepcopy(read_raw())
    target = raw["competences"][0]["code"]
    for item in raw["items"]:
        if item["competence"] == target:
            item["difficulty"] = 1
    assert any(
        f"compétence {target} : items à 1 niveau(x) de difficulté" in p for p in check_raw(raw)
    )


def test_a_malformed_file_is_described_not_raised():
    raw = copy.deepcopy(read_raw())
    raw["items"][0]["difficulty"] = 7
    del raw["version"]
    problems = check_raw(raw)
    assert any(p.startswith("items.0.difficulty") for p in problems)
    assert any(p.startswith("version") for p in problems)
