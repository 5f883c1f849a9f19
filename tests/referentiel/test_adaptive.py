"""The adaptive short form asks few questions and always ends."""

from __future__ import annotations

from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from referentiel.adaptive import next_item, progress
from tests.referentiel.strategies import REF, answer_values


@given(st.data())
def test_the_walk_asks_at_most_two_items_per_competence_and_ends(data):
    answers: dict[str, int | str] = {}
    for _ in range(len(REF.items) + 1):
        item = next_item(REF, answers)
        if item is None:
            break
        assert item.id not in answers
        answers[item.id] = data.draw(answer_values, label=item.id)
    else:
        raise AssertionError("the walk never ended")
    per_competence = Counter(REF.item(i).competence for i in answers)
    assert set(per_competence) == {c.code for c in REF.competences}
    assert max(per_competence.values()) <= REF.forms.rapide.max_per_competence
    assert progress(REF, answers) == (len(REF.competences), len(REF.competences))


def test_it_starts_in_the_middle_of_the_first_prerequisite():
    first = next_item(REF, {})
    assert first is not None
    assert first.competence == REF.prerequisite_order[0]
    assert first.difficulty == REF.forms.rapide.start_difficulty


def test_a_high_answer_goes_up_and_a_low_answer_goes_down():
    start = next_item(REF, {})
    assert start is not None
    tube = REF.tube(start.competence)
    low = next_item(REF, {start.id: 0})
    assert low is not None and low.competence == start.competence
    assert low.difficulty == start.difficulty - 1
    if any(i.difficulty > start.difficulty for i in tube):
        high = next_item(REF, {start.id: 4})
        assert high is not None and high.difficulty == start.difficulty + 1
    else:
        high = next_item(REF, {start.id: 4})
        assert high is None or high.competence != start.competence


def test_alone_in_the_usual_case_is_enough_for_a_competence():
    start = next_item(REF, {})
    assert start is not None
    following = next_item(REF, {start.id: 2})
    assert following is not None and following.competence != start.competence


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
