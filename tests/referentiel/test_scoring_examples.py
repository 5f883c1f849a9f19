"""Worked examples: one person per profile, evidence, and needs."""

from __future__ import annotations

import pytest

from referentiel.answers import Evidence
from referentiel.explain import explain
from referentiel.scoring import score
from tests.referentiel.strategies import REF


def everything_at(level: int, **overrides: int) -> dict[str, int | str]:
    """Every item of the complete form at one level, some competences set apart."""
    return {i.id: overrides.get(i.competence, level) for i in REF.items}


def test_a_person_who_needs_help_to_use_a_device_is_far_from_digital():
    result = score(REF, everything_at(2, E1=1))
    assert result.profile == "eloigne"
    assert result.competence("E1").level == 1


def test_four_competences_at_zero_is_far_from_digital_even_with_a_device():
    result = score(REF, everything_at(3, C2=0, R1=0, P3=0, E3=0))
    assert result.profile == "eloigne"


def test_one_core_competence_below_alone_is_a_beginner():
    result = score(REF, everything_at(3, C3=1))
    assert result.profile == "debutant"
    assert result.competence("C3").level == 1


def test_core_competences_done_alone_is_autonomous_for_the_essentials():
    result = score(REF, everything_at(2))
    assert result.profile == "autonome"
    assert {d.level for d in result.domains} == {2}


def test_someone_who_can_explain_most_things_is_advanced():
    result = score(REF, everything_at(4, R1=3, P3=3))
    assert result.profile == "avance"


def test_nothing_answered_gives_no_profile_and_unknown_levels():
    result = score(REF, {"E1.1": "?"})
    assert result.profile is None
    assert all(c.level is None and c.items == 0 for c in result.competences)


def test_a_harder_item_done_alone_lifts_the_easier_unasked_ones():
    # Only the d2 item answered at 3: the d1 items are inferred at least as high.
    result = score(REF, {"E1.3": 3})
    assert result.competence("E1").level == 3
    assert result.competence("E1").items == 1


def test_an_easy_item_not_done_alone_caps_the_harder_unasked_ones():
    result = score(REF, {"E3.1": 1})
    assert result.competence("E3").level == 1


def test_confidence_grows_with_answers_and_falls_with_contradictions():
    one = score(REF, {"I1.1": 2}).competence("I1").confidence
    three = score(REF, {"I1.1": 2, "I1.2": 2, "I1.3": 2}).competence("I1").confidence
    contradiction = score(REF, {"I1.1": 0, "I1.4": 4}).competence("I1").confidence
    assert one < three
    assert contradiction < score(REF, {"I1.1": 4, "I1.4": 0}).competence("I1").confidence


def test_failed_observed_task_caps_a_self_declared_level():
    evidence = [Evidence(kind="observed_task", competence="P2", passed=False, source="SMS")]
    result = score(REF, everything_at(4), evidence)
    assert result.competence("P2").level == 1
    assert result.competence("P2").evidence == tuple(evidence)
    assert result.competence("P1").level == 4


def test_pix_level_raises_every_competence_it_maps_to():
    evidence = [Evidence(kind="pix", pix_competence="4.1", pix_level=3)]
    result = score(REF, everything_at(0), evidence)
    mapped = [c.code for c in REF.competences if "4.1" in c.mappings.crcn]
    assert mapped
    for code in mapped:
        assert result.competence(code).level == 2
        assert result.competence(code).confidence == 1.0


def test_autonomy_per_need_follows_the_competences_it_requires():
    need = REF.needs[0]
    required = set(need.requires)
    alone = score(REF, everything_at(4, **dict.fromkeys(required - {"E1", "E2"}, 2)))
    assert alone.need(need.code) in {"A3", "A4"}
    with_help = score(REF, everything_at(1), knows_help=True)
    assert with_help.need(need.code) == "A2"
    nothing = score(REF, everything_at(0), knows_help=True)
    assert nothing.need(need.code) == "A1"
    assert score(REF, everything_at(0), knows_help=False).need(need.code) == "A0"
    assert score(REF, everything_at(4)).need(need.code) == "A4"


def test_explanations_name_the_answers_and_rules_in_french():
    result = score(REF, {"E1.3": 3, "E1.1": 4}, knows_help=True)
    text = explain(REF, result)
    e1 = " ".join(text.competences["E1"])
    assert "vous avez répondu 3" in e1
    assert "pas demandé" in e1
    assert "Votre niveau : 4 sur 4." in e1 or "Votre niveau : 3 sur 4." in e1
    assert REF.version in text.version
    assert set(text.autonomy) == {n.code for n in REF.needs}


@pytest.mark.parametrize("value", [5, -1, 2.5, "deux", None, [1]])
def test_values_outside_the_scale_are_refused(value):
    from referentiel.scoring import ScoringError

    with pytest.raises(ScoringError):
        score(REF, {"E1.1": value})


def test_evidence_alone_gives_a_level_and_explains_it():
    evidence = [Evidence(kind="observed_task", competence="C1", passed=True, source="atelier")]
    result = score(REF, {}, evidence)
    assert result.competence("C1").level == 2
    lines = explain(REF, result).competences["C1"]
    assert any("devant un médiateur" in line for line in lines)
    assert lines[-1] == "Votre niveau : 2 sur 4."


def test_two_answers_about_one_competence_leave_the_profile_to_complete():
    result = score(REF, {"E1.1": 4, "E1.2": 4})
    assert result.profile is None
    assert result.to_complete == ("E2", "C1", "I1", "P2", "C3")
    assert "Profil à compléter" in explain(REF, result).profile


def test_a_beginner_has_the_harder_competences_as_not_yet_acquired_and_says_why():
    rule = REF.inferences[0]
    result = score(REF, dict.fromkeys(rule.items, 1))
    for code in rule.competences:
        competence = result.competence(code)
        assert (competence.level, competence.items, competence.inferred) == (0, 0, rule.id)
        assert competence.confidence == rule.confidence
        lines = " ".join(explain(REF, result).competences[code])
        assert "Pas demandé" in lines and "à vérifier avec un médiateur" in lines
    inferred_domains = {REF.competence(c).domain for c in rule.competences}
    assert {d.code for d in result.domains if d.inferred} == inferred_domains
    answered = score(REF, {**dict.fromkeys(rule.items, 1), "R1.1": 3})
    assert answered.competence("R1").inferred is None
    assert answered.competence("R1").level == 3
