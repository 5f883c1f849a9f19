"""Series in Paris wall-clock time: the rule stored, its occurrences, and the clocks' changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.features.schedule.series import (
    MAX_OCCURRENCES,
    Repeat,
    RuleError,
    occurrences,
    parse_rule,
    repeat_problems,
)
from app.when import PARIS, from_paris, in_paris


def test_every_tuesday_for_six_weeks_is_one_rule_and_six_tuesdays():
    repeat = Repeat(weekdays=frozenset({1}), count=6)
    assert repeat.rule() == "FREQ=WEEKLY;INTERVAL=1;BYDAY=TU;COUNT=6"
    starts = occurrences(datetime(2027, 3, 9, 14, 0), repeat)
    assert [s.date() for s in starts] == [date(2027, 3, 9) + timedelta(weeks=w) for w in range(6)]


def test_every_monday_and_thursday_until_31_january_stops_on_that_day():
    repeat = Repeat(weekdays=frozenset({0, 3}), until=date(2027, 1, 31))
    assert repeat.rule() == "FREQ=WEEKLY;INTERVAL=1;BYDAY=MO,TH;UNTIL=20270131T235959"
    starts = occurrences(datetime(2027, 1, 4, 9, 30), repeat)
    assert starts[0] == datetime(2027, 1, 4, 9, 30)
    assert starts[-1] == datetime(2027, 1, 28, 9, 30)
    assert {s.weekday() for s in starts} == {0, 3}
    assert len(starts) == 8


def test_a_session_at_14_h_stays_at_14_h_when_the_clocks_change():
    starts = occurrences(datetime(2027, 3, 16, 14, 0), Repeat(frozenset({1}), count=4))
    moments = [from_paris(s) for s in starts]
    assert [m.hour for m in moments] == [13, 13, 12, 12]  # UTC: winter, then summer time
    assert {in_paris(m).hour for m in moments} == {14}


def test_the_rule_is_read_back_into_the_same_choices():
    for repeat in (
        Repeat(frozenset({1}), count=6),
        Repeat(frozenset({0, 3}), interval=2, until=date(2027, 1, 31)),
    ):
        assert parse_rule(repeat.rule()) == repeat
        assert parse_rule("RRULE:" + repeat.rule().lower()) == repeat


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=DAILY;COUNT=3",
        "FREQ=WEEKLY;BYDAY=TU",  # never ends: still a Repeat, refused by repeat_problems
        "FREQ=WEEKLY;BYDAY=XX;COUNT=2",
        "FREQ=WEEKLY;BYDAY=TU;COUNT=deux",
        "FREQ=WEEKLY;BYDAY=TU;BYSETPOS=1;COUNT=2",
        "FREQ=WEEKLY;FREQ=WEEKLY;BYDAY=TU;COUNT=2",
        "FREQ=WEEKLY;BYDAY=TU;UNTIL=2027",
        "n'importe quoi",
        "",
    ],
)
def test_rules_outside_plain_weekly_choices_are_refused_in_words(rule):
    try:
        repeat = parse_rule(rule)
    except RuleError as error:
        refusal = str(error)
    else:
        refusal = " ".join(m.render(str) for m in repeat_problems(repeat).values())
    assert refusal


def test_choices_that_make_no_series_are_named():
    problems = repeat_problems(Repeat(frozenset(), interval=9, count=None, until=None))
    assert set(problems) == {"weekdays", "interval", "count"}
    assert "count" in repeat_problems(Repeat(frozenset({1}), count=MAX_OCCURRENCES + 1))


@settings(max_examples=300, deadline=None)
@given(
    first=st.dates(min_value=date(2026, 1, 1), max_value=date(2030, 12, 31)),
    at=st.times().map(lambda t: t.replace(second=0, microsecond=0)),
    weekdays=st.frozensets(st.integers(0, 6), min_size=1),
    interval=st.integers(1, 4),
    count=st.integers(1, 40),
)
def test_occurrences_keep_their_wall_clock_time_across_every_change(
    first: date, at: time, weekdays: frozenset[int], interval: int, count: int
):
    starts = occurrences(datetime.combine(first, at), Repeat(weekdays, interval, count=count))
    assert len(starts) == count
    assert starts == sorted(set(starts))
    for start in starts:
        assert start.time() == at and start.weekday() in weekdays and start.date() >= first
        moment = from_paris(start)
        assert moment.tzinfo == UTC
        back = in_paris(moment).replace(tzinfo=None)
        if _exists(start):
            assert back == start  # the autumn's repeated hour: the first one is meant
        else:  # the spring gap: read with the offset before the change, an hour later
            assert back == start + timedelta(hours=1)


def _exists(local: datetime) -> bool:
    """Whether a wall-clock time happens in Paris (not in the spring gap)."""
    there = local.replace(tzinfo=PARIS)
    return there.astimezone(UTC).astimezone(PARIS).replace(tzinfo=None) == local
