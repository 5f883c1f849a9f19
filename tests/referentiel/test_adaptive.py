"""The adaptive short form asks few questions, starts easy, and always ends."""

from __future__ import annotations

from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from referentiel.adaptive import first_item, next_item, walk
from referentiel.load import known_versions, load_version
from tests.referentiel.strategies import REF, answer_values

FORM = REF.forms.rapide


@given(st.data())
def test_the_walk_asks_a_bounded_number_of_questions_and_ends(data):
    answers: dict[str, int | str] = {}
    totals = []
    for _ in range(len(REF.items) + 1):
        state = walk(REF, answers)
        totals.append(len(state.asked) + state.left)
        if state.upcoming is None:
            break
        assert state.upcoming.id not in answers
        answers[state.upcoming.id] = data.draw(answer_values, label=state.upcoming.id)
    else:
        raise AssertionError("the walk never ended")
    assert len(answers) <= FORM.max_questions
    per_competence = Counter(REF.item(i).competence for i in answers)
    assert max(per_competence.values()) <= FORM.max_per_competence
    # every competence is asked, or taken as not yet acquired by a rule
    assert set(per_competence) | set(state.skipped) == {c.code for c in REF.competences}
    assert not set(per_competence) & set(state.skipped)
    # the questions announced never grow, and the last count is what was asked
    assert totals == sorted(totals, reverse=True)
    assert totals[-1] == len(answers)


def test_every_competence_starts_at_its_easiest_item():
    for competence in REF.prerequisite_order:
        easiest = min(i.difficulty for i in REF.tube(competence))
        assert first_item(REF, competence).difficulty == easiest
    first = next_item(REF, {})
    assert first == first_item(REF, REF.prerequisite_order[0])


def test_a_high_answer_goes_up_and_a_low_one_ends_the_competence():
    start = first_item(REF, REF.prerequisite_order[0])
    high = next_item(REF, {start.id: 4})
    assert high is not None and high.competence == start.competence
    assert high.difficulty == start.difficulty + 1
    low = next_item(REF, {start.id: 0})
    assert low is not None and low.competence != start.competence


def test_alone_in_the_usual_case_is_enough_for_a_competence():
    start = next_item(REF, {})
    assert start is not None
    following = next_item(REF, {start.id: 2})
    assert following is not None and following.competence != start.competence


def test_a_beginner_is_not_asked_what_a_rule_takes_as_not_yet_acquired():
    rule = REF.inferences[0]
    answers: dict[str, int | str] = dict.fromkeys(rule.items, 1)
    state = walk(REF, answers)
    assert set(state.skipped) == set(rule.competences)
    while state.upcoming is not None:
        assert state.upcoming.competence not in rule.competences
        answers[state.upcoming.id] = 0
        state = walk(REF, answers)
    assert not {REF.item(i).competence for i in answers} & set(rule.competences)


def test_the_questions_left_shrink_when_a_rule_spares_some():
    rule = REF.inferences[0]
    *before, last = rule.items
    answers: dict[str, int | str] = dict.fromkeys(before, 0)
    ahead = walk(REF, answers)
    assert ahead.upcoming is not None and ahead.upcoming.id == last
    spared = walk(REF, {**answers, last: 0})
    kept = walk(REF, {**answers, last: 2})
    assert len(spared.asked) + spared.left < len(kept.asked) + kept.left


def test_removing_the_last_answer_goes_back_to_the_same_question():
    answers: dict[str, int | str] = {}
    first = next_item(REF, answers)
    assert first is not None
    answers[first.id] = 1
    second = next_item(REF, answers)
    answers.pop(first.id)
    assert next_item(REF, answers) == first
    answers[first.id] = 1
    assert next_item(REF, answers) == second


def test_a_diagnostic_begun_under_an_archived_version_walks_as_that_version_did():
    archived = [load_version(v) for v in known_versions() if v != REF.version]
    assert archived
    for old in archived:
        answers: dict[str, int | str] = {}
        while (item := next_item(old, answers)) is not None:
            answers[item.id] = 0
        asked = {old.item(i).competence for i in answers}
        assert asked | set(walk(old, answers).skipped) == {c.code for c in old.competences}
