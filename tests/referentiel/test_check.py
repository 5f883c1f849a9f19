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


def test_a_pictogram_that_nothing_draws_is_reported():
    raw = copy.deepcopy(read_raw())
    raw["items"][0]["pictogram"] = "licorne"
    raw["needs"][0]["pictogram"] = "licorne"
    problems = check_raw(raw)
    assert any(f"item {raw['items'][0]['id']} : pictogramme 'licorne'" in p for p in problems)
    assert any(f"besoin {raw['needs'][0]['code']} : pictogramme" in p for p in problems)


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


def test_an_inference_rule_reads_first_questions_and_infers_later_non_core_competences():
    raw = copy.deepcopy(read_raw())
    rule = raw["inferences"][0]
    rule["items"] = ["E1.3", "Z9.1"]  # not E1's first question; unknown
    rule["competences"] = ["E1", "C3", "Q1"]  # not after E1; core; unknown
    rule["confidence"] = 0.5
    raw["inferences"].append(dict(rule))
    raw["forms"]["rapide"]["max_questions"] = 5
    problems = check_raw(raw)
    where = f"déduction {rule['id']}"
    for expected in (
        f"déduction {rule['id']} : identifiant présent 2 fois",
        f"{where} : E1.3 n'est pas la première question de E1",
        f"{where} : item inconnu Z9.1",
        f"{where} : compétence inconnue Q1",
        f"{where} : C3 est une compétence socle",
        f"{where} : confiance 0.5 pas plus faible qu'une réponse",
        "formulaire rapide : max_questions 5 ne laisse pas une question",
    ):
        assert any(p.startswith(expected) for p in problems), expected


def test_an_inferred_competence_comes_after_the_items_it_is_inferred_from():
    raw = copy.deepcopy(read_raw())
    raw["inferences"][0]["items"] = ["E2.1"]
    raw["inferences"][0]["competences"] = ["E1"]
    problems = check_raw(raw)
    assert any("E1 doit venir après les items" in p for p in problems)
    raw["inferences"][0]["competences"] = []
    assert any("au moins un item et une compétence" in p for p in check_raw(raw))
