"""Context answers and goals have one rule each, whichever way they arrive: typed in a JSON
body, or as the text of a form (the resident's pages, paper entry, the scan review)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from referentiel.answers import context_problems
from referentiel.context import (
    ContextValueError,
    as_text,
    read_context_value,
)
from referentiel.masks import AUTONOMY_ORDER
from referentiel.submission import SubmissionError, read_submission
from tests.referentiel.strategies import REF

QUESTIONS = REF.context_questions
NEEDS = [n.code for n in REF.needs]
TEXTS = st.lists(st.text(max_size=8) | st.sampled_from(["oui", "non", "03190", "2A004"]))


@given(st.sampled_from(QUESTIONS), TEXTS)
def test_a_form_text_is_read_as_a_value_that_fits_its_question_or_refused(question, texts):
    try:
        value = read_context_value(question, texts)
    except ContextValueError as error:
        refusal = str(error)  # says what is expected
        value = None
    else:
        refusal = "none"
    assert refusal
    if value is not None:
        assert context_problems(REF, {question.id: value}) == []
        assert read_context_value(question, as_text(value)) == value


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda q: q.id)
def test_every_choice_a_form_offers_is_read_back(question):
    texts = {
        "yes_no": ["oui", "non"],
        "commune": ["03190", "2B033"],
    }.get(question.kind, [o.code for o in question.options])
    for text in texts:
        value = read_context_value(question, [text])
        assert value is not None
        assert context_problems(REF, {question.id: value}) == []


def test_a_yes_no_question_reads_oui_and_non_only():
    knows_help = next(q for q in QUESTIONS if q.kind == "yes_no")
    assert read_context_value(knows_help, ["oui"]) is True
    assert read_context_value(knows_help, ["non"]) is False
    assert read_context_value(knows_help, [""]) is None
    with pytest.raises(ContextValueError):
        read_context_value(knows_help, ["true"])


@given(st.dictionaries(st.sampled_from(NEEDS), st.sampled_from(AUTONOMY_ORDER)))
def test_goals_travel_inside_the_submission(goals):
    submission = read_submission({"answers": {"E1.1": 2}, "goals": goals})
    assert submission.goals == goals


@pytest.mark.parametrize(
    ("goals", "problem"),
    [
        ({"caf": "A5"}, "goals.caf : objectif 'A5' inconnu (A0 à A4)"),
        ({"caf": 3}, "goals.caf : objectif 3 inconnu (A0 à A4)"),
        ({"voyage": "A2"}, "goals.voyage : besoin inconnu"),
        (["caf"], "goals : un objet {besoin: objectif} est attendu"),
    ],
)
def test_a_goal_outside_the_referential_is_refused_with_the_others(goals, problem):
    with pytest.raises(SubmissionError) as refused:
        read_submission({"answers": {"E1.1": "x"}, "goals": goals})
    assert problem in refused.value.problems
    assert any(p.startswith("answers.E1.1") for p in refused.value.problems)
