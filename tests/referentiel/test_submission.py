"""Reading a submitted diagnostic: any JSON at all gives a Submission or the list of its
problems, never an exception of another kind (the API turns the list into a 422)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from referentiel.submission import Submission, SubmissionError, read_submission
from tests.referentiel.strategies import REF, answer_sets

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8,
)
QUESTIONS = [q.id for q in REF.context_questions]


@given(answer_sets, st.dictionaries(st.sampled_from(QUESTIONS), JSON), st.lists(JSON, max_size=2))
def test_any_context_or_evidence_is_read_or_refused_with_its_problems(answers, context, evidence):
    raw = {"answers": answers, "context": context, "evidence": evidence}
    try:
        submission: Submission | None = read_submission(raw)
    except SubmissionError as error:
        submission, problems = None, error.problems
    assert submission is not None or problems


def test_a_list_answer_holding_an_object_is_a_problem_not_a_crash():
    raw = {"answers": {}, "context": {"needs": [{}], "frequency": ["jamais"]}}
    with pytest.raises(SubmissionError) as refused:
        read_submission(raw)
    assert {p.split(" :")[0] for p in refused.value.problems} == {
        "context.frequency",
        "context.needs",
    }
