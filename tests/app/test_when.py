"""Dates as people read them: the first of the month is « 1er » in French."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from app.when import said_date, said_span


def test_the_first_of_the_month_is_said_1er() -> None:
    first = datetime(2026, 12, 1, 13, tzinfo=UTC)
    assert said_date(first) == "mardi 1er décembre 2026"
    assert said_span(first, datetime(2026, 12, 1, 15, tzinfo=UTC)).startswith(
        "mardi 1er décembre 2026, de 14 h"
    )
    assert said_date(first, "en") == "Tuesday 1 December 2026"


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1)))
def test_other_days_keep_their_number(moment: datetime) -> None:
    said = said_date(moment.replace(tzinfo=UTC))
    assert ("1er " in said) == (" 1er " in said and said.split()[1] == "1er")
    assert said.split()[1] in {"1er", *(str(day) for day in range(2, 32))}
