"""axe-core (WCAG 2.0 and 2.1, levels A and AA) on every page a resident can see, at 320 px.

Each page is reached the way a resident reaches it (forms posted from the page before); the
JSON API is only used to answer the questions quickly when the state after them is what is
tested. Every page is also checked for reflow: no sideways scrolling at 320 px (WCAG 1.4.10),
and for anything the Content-Security-Policy refused (an inline style or script would be, and
the page would look or work differently than in development).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.e2e.badges import an_issued_badge
from tests.e2e.browsing import (
    PolicyWatch,
    adaptive_diagnostic,
    not_sure_about_paperwork,
    page_problems,
)
from tests.e2e.wallets import a_wallet

Setup = Callable[[Any, dict[str, str]], None]


@pytest.fixture(scope="module")
def states(shared_page: Any, server: Any) -> dict[str, str]:
    """Diagnostics at each step, made once: answered, with needs chosen, completed; and a
    holder's wallet of badges and a badge issued."""
    page = shared_page
    answered = adaptive_diagnostic(page.request)
    with_needs = adaptive_diagnostic(page.request, answer=3)
    page.goto(f"/diagnostic/{with_needs}/besoins")
    page.locator("input[name=needs][value=impots]").check()
    page.locator("input[name=needs][value=arnaques]").check()
    with page.expect_navigation():
        page.locator("form[action$='/besoins'] button[type=submit]").click()
    assert page.url.endswith("/objectifs"), page.url
    completed = adaptive_diagnostic(page.request, answer=1)
    response = page.request.post(
        f"/api/v1/diagnostics/{completed}/finish",
        data={
            "context": {"needs": ["impots", "arnaques"], "commune": "93066"},
            "goals": {"impots": "A3"},
        },
    )
    assert response.ok, response.text()
    settling = adaptive_diagnostic(page.request, answer=not_sure_about_paperwork)
    page.goto(f"/diagnostic/{settling}/besoins")
    page.locator("input[name=needs][value=caf]").check()
    with page.expect_navigation():
        page.locator("form[action$='/besoins'] button[type=submit]").click()
    page.locator("input[name=goal_caf][value=A3]").check()
    with page.expect_navigation():
        page.locator("form[action$='/objectifs'] button[type=submit]").click()
    assert page.url.endswith("/precision"), page.url
    return {
        "answered": answered,
        "with_needs": with_needs,
        "completed": completed,
        "settling": settling,
        "badge": an_issued_badge(server),
        "wallet": a_wallet(server),
    }


def _goto(path: str) -> Setup:
    def setup(page: Any, states: dict[str, str]) -> None:
        target = path.format(**states)
        page.goto(target)
        # the page asked for, not a page it redirected to
        assert urlsplit(page.url).path == urlsplit(target).path, page.url

    return setup


def _start(page: Any, _states: dict[str, str]) -> None:
    page.goto("/")
    with page.expect_navigation():
        page.locator("form[action='/diagnostic'] button[type=submit]").click()
    assert page.url.endswith("/question"), page.url


def _large_text(setup: Setup) -> Setup:
    """The page, then the « larger text » link of its header followed (it comes back here)."""

    def large(page: Any, states: dict[str, str]) -> None:
        setup(page, states)
        with page.expect_navigation():
            page.locator("a[href^='/preferences/texte']").click()
        assert "large-text" in (page.locator("html").get_attribute("class") or "")

    return large


def _english(setup: Setup) -> Setup:
    """The page, then the same address with ?lang=en (as the header's « English » link does)."""

    def english(page: Any, states: dict[str, str]) -> None:
        setup(page, states)
        page.goto(page.url.split("?")[0] + "?lang=en")
        assert page.locator("html").get_attribute("lang") == "en"

    return english


def _commune(typed: str) -> Setup:
    def setup(page: Any, states: dict[str, str]) -> None:
        page.goto(f"/diagnostic/{states['answered']}/contexte")
        page.locator("#commune_query").fill(typed)
        with page.expect_navigation():
            page.locator("form[action$='/contexte'] button[type=submit]").click()

    return setup


def _feedback_given(page: Any, states: dict[str, str]) -> None:
    """« Cette proposition vous convient-elle ? » answered: the thanks, where the form was."""
    page.goto(RESULT.format(**states))
    with page.expect_navigation():
        page.locator("form.feedback button[value=oui]").first.click()
    assert page.locator(".feedback [role=status]").count() == 1


def _unreadable_badge(page: Any, _states: dict[str, str]) -> None:
    """A pasted text that is no badge: the verdict, its reason and the checks behind it."""
    page.goto("/verifier")
    page.locator("#json").fill("pas un badge")
    with page.expect_navigation():
        page.locator("form[action='/verifier'] button[type=submit]").click()
    page.locator("details.checks summary").click()


def _nothing_to_verify(page: Any, _states: dict[str, str]) -> None:
    page.goto("/verifier")
    with page.expect_navigation():
        page.locator("form[action='/verifier'] button[type=submit]").click()
    assert page.locator("[role=alert]").count() == 1


def _resume_error(page: Any, _states: dict[str, str]) -> None:
    page.goto("/reprendre")
    page.locator("#code").fill("ZZZZ-ZZZZ")
    with page.expect_navigation():
        page.locator("form[action='/reprendre'] button[type=submit]").click()
    assert page.locator("[role=alert]").count() == 1


RESULT = "/diagnostic/{completed}/resultat"
PAGES: dict[str, Setup] = {
    "home": _goto("/"),
    "home-en": _english(_goto("/")),
    "home-large-text": _large_text(_goto("/")),
    "resume": _goto("/reprendre"),
    "resume-wrong-code": _resume_error,
    "question": _start,
    "question-en": _english(_start),
    "question-large-text": _large_text(_start),
    "context": _goto("/diagnostic/{answered}/contexte"),
    "context-en": _english(_goto("/diagnostic/{answered}/contexte")),
    "context-ambiguous-commune": _commune("Saint-Denis"),
    "context-unknown-commune": _commune("Zzyzx-sur-Mer"),
    "context-misspelt-commune": _commune("Mouliins"),
    "needs": _goto("/diagnostic/{answered}/besoins"),
    "needs-en": _english(_goto("/diagnostic/{answered}/besoins")),
    "goals": _goto("/diagnostic/{with_needs}/objectifs"),
    "goals-en": _english(_goto("/diagnostic/{with_needs}/objectifs")),
    "finish-without-needs": _goto("/diagnostic/{answered}/terminer"),
    "settling-question": _goto("/diagnostic/{settling}/precision"),
    "settling-question-en": _english(_goto("/diagnostic/{settling}/precision")),
    "result": _goto(RESULT),
    "result-en": _english(_goto(RESULT)),
    "result-large-text": _large_text(_goto(RESULT)),
    "result-printable": _goto(RESULT + "?impression=1"),
    "result-feedback-given": _feedback_given,
    "not-found": _goto("/cette-page-n-existe-pas"),
    "not-found-en": _english(_goto("/cette-page-n-existe-pas")),
    "unknown-diagnostic": _goto("/diagnostic/00000000-0000-4000-8000-000000000000/question"),
    "verifier": _goto("/verifier"),
    "verifier-en": _english(_goto("/verifier")),
    "verifier-nothing-given": _nothing_to_verify,
    "verifier-valid-badge": _goto("/verifier?credential={badge}"),
    "verifier-valid-badge-large-text": _large_text(_goto("/verifier?credential={badge}")),
    "verifier-unreadable-badge": _unreadable_badge,
    "verifier-unknown-badge": _goto("/verifier?credential=00000000-0000-4000-8000-000000000000"),
    "wallet": _goto("{wallet}"),
    "wallet-en": _english(_goto("{wallet}")),
    "wallet-large-text": _large_text(_goto("{wallet}")),
    "wallet-link-closed": _goto("/portefeuille/" + "A" * 43),
}


@pytest.mark.parametrize("name", list(PAGES))
def test_resident_page_is_accessible_and_within_the_policy(
    name: str, shared_page: Any, policy: PolicyWatch, states: dict[str, str]
) -> None:
    page = shared_page
    # no language or text size left over from the page before (the session stays: it is what
    # opens the diagnostics of `states` in this browser)
    page.context.clear_cookies(name=re.compile(r"^(lang|texte)$"))
    PAGES[name](page, states)
    problems = page_problems(page, policy, name)
    assert not problems, "\n\n".join(problems)


def test_error_pages_say_what_happened(page: Any) -> None:
    response = page.goto("/cette-page-n-existe-pas")
    assert response is not None and response.status == 404
    assert page.locator("h1").inner_text() == "Page introuvable"
    assert page.locator("a.button[href='/']").count() == 1
