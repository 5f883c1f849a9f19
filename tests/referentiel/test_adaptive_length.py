"""How many questions simulated people are asked; run with -s to read the distribution."""

from __future__ import annotations

from referentiel import load_referential
from tests.referentiel.respondents import populations, spread

REF = load_referential()
FORM = REF.forms.rapide
BEGINNER_AT_MOST = 10


def test_distribution_of_questions_asked(capsys):
    spreads = {name: spread(REF, people) for name, people in populations(REF)}
    with capsys.disabled():
        print(f"\nquestions asked by the short form, referential {REF.version}:")
        for name, counts in spreads.items():
            print("  " + counts.line(name))
    assert max(spreads["all 0"].counts) <= BEGINNER_AT_MOST
    for name, counts in spreads.items():
        assert max(counts.counts) <= FORM.max_questions, name


def test_the_start_page_promise_is_the_measured_median():
    median = spread(REF, dict(populations(REF))["realistic"]).median
    assert median == FORM.median_questions
    assert FORM.minutes == round(median * FORM.seconds_per_question / 60)
