"""Hypothesis strategies over the real referential."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from referentiel import load_referential

REF = load_referential()
ITEM_IDS = [i.id for i in REF.items]
# The items inference rules read: drawn often, so that rules fire in many examples.
GATES = sorted({item for rule in REF.inferences for item in rule.items})
values = st.integers(min_value=0, max_value=4)
answer_values = st.one_of(values, st.just("?"))


def _with_gates(drawn: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    gates = st.fixed_dictionaries({}, optional=dict.fromkeys(GATES, drawn))
    return st.builds(
        lambda rest, gate: {**rest, **gate},
        st.dictionaries(st.sampled_from(ITEM_IDS), drawn),
        gates,
    )


answer_sets = _with_gates(answer_values)
scored_sets = _with_gates(values).filter(bool)
