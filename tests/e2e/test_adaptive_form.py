"""The short form as a person sees it: « back » keeps the answer, a beginner is spared the hard
questions and reads them as « à vérifier avec un médiateur »."""

from __future__ import annotations

from typing import Any

import pytest

from referentiel import load_referential
from tests.e2e.browsing import PolicyWatch, page_problems, question_number

REF = load_referential()
BACK = "form[action$='/retour'] button"


def _answer(page: Any, value: str) -> None:
    with page.expect_navigation():
        page.locator(f"button[name=value][value={value!r}]").click()


def _back(page: Any) -> None:
    with page.expect_navigation():
        page.locator(BACK).click()


def _pressed(page: Any) -> list[str]:
    return page.locator("button[name=value][aria-pressed=true]").evaluate_all(
        "buttons => buttons.map(b => b.value)"
    )


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_going_back_shows_the_answers_given(new_context: Any, javascript: bool) -> None:
    context = new_context(java_script_enabled=javascript)
    policy = PolicyWatch(context)
    page = context.new_page()
    page.goto("/")
    with page.expect_navigation():
        page.locator("form[action='/diagnostic'] button[type=submit]").click()
    assert _pressed(page) == []
    _answer(page, "3")
    _answer(page, "?")
    third = question_number(page)

    _back(page)
    assert question_number(page) == third - 1
    assert _pressed(page) == ["?"]
    assert page.get_by_text("Votre réponse d'avant est marquée").is_visible()
    if javascript:
        assert page_problems(page, policy, "question after « back »") == []
    _back(page)
    assert question_number(page) == 1
    assert _pressed(page) == ["3"]

    # The same answer again: the next question shows its earlier answer too.
    _answer(page, "3")
    assert _pressed(page) == ["?"]
    # Another answer: it is the one kept, and the question after it has none yet.
    _answer(page, "1")
    assert _pressed(page) == []
    _back(page)
    assert _pressed(page) == ["1"]


def test_a_beginner_answers_at_most_ten_questions_and_reads_what_to_check(
    new_context: Any,
) -> None:
    context = new_context()
    policy = PolicyWatch(context)
    page = context.new_page()
    page.goto("/")
    promised = page.get_by_text(f"Environ {REF.forms.rapide.minutes} minutes.")
    assert promised.is_visible()
    with page.expect_navigation():
        page.locator("form[action='/diagnostic'] button[type=submit]").click()
    totals = []
    while page.url.endswith("/question"):
        progress = page.locator("progress")
        totals.append(int(progress.get_attribute("max") or 0))
        _answer(page, "0")
    assert len(totals) <= 10
    assert totals == sorted(totals, reverse=True) and totals[-1] < totals[0]
    for step in ("/contexte", "/besoins", "/terminer"):
        assert page.url.endswith(step), page.url
        with page.expect_navigation():
            page.locator(f"form[action$={step!r}] button[type=submit]").click()
    assert page.url.endswith("/resultat"), page.url
    rule = REF.inferences[0]
    heading = page.get_by_role("heading", name="À vérifier avec un médiateur")
    assert heading.is_visible()
    listed = page.locator("ul.inferred li").all_inner_texts()
    assert listed == [c.plain_label for c in REF.competences if c.code in rule.competences]
    assert page_problems(page, policy, "beginner's result") == []
