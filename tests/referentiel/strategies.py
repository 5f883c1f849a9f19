"""Hypothesis strategies over the real referential."""

from __future__ import annotations

from hypothesis import strategies as st

from referentiel import load_referential

REF = load_referential()
ITEM_IDS = [i.id for i in REF.items]
values = st.integers(min_value=0, max_value=4)
answer_values = st.one_of(values, st.just("?"))
answer_sets = st.dictionaries(st.sampled_from(ITEM_IDS), answer_values)
scored_sets = st.dictionaries(st.sampled_from(ITEM_IDS), values, min_size=1)
