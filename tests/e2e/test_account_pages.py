"""A professional's own account pages on a 320 px phone: readable, accessible (axe-core,
WCAG 2.1 A and AA), nothing wider than the screen, and nothing refused by the
Content-Security-Policy."""

from __future__ import annotations

from typing import Any

from tests.e2e.browsing import (
    MOBILE,
    PolicyWatch,
    axe_violations,
    describe_violations,
    no_horizontal_scroll,
)


def test_account_pages_at_320_px(new_context: Any, mediator: tuple[str, str]) -> None:
    email, password = mediator
    context = new_context(viewport=MOBILE)
    policy = PolicyWatch(context)
    page = context.new_page()
    problems: list[str] = []

    def check(name: str) -> None:
        page.wait_for_load_state("load")
        violations = axe_violations(page)
        if violations:
            problems.append(describe_violations(name, violations))
        try:
            no_horizontal_scroll(page)
        except AssertionError as error:
            problems.append(f"{name}: {error}")
        refused = policy.violations(page)
        if refused:
            problems.append(f"{name}: refused by the policy: {refused}")

    page.goto("/pro/connexion")
    page.locator("#email").fill(email)
    page.locator("#password").fill("pas le bon mot de passe")
    with page.expect_navigation():
        page.locator("form[action='/pro/connexion'] button[type=submit]").click()
    assert page.locator("[role=alert]").inner_text().startswith("Adresse e-mail ou mot de passe")
    check("login with an error")
    page.locator("#password").fill(password)
    with page.expect_navigation():
        page.locator("form[action='/pro/connexion'] button[type=submit]").click()
    for path in ("/pro/compte", "/pro/compte/mot-de-passe", "/pro/compte/double-authentification"):
        page.goto(path)
        assert page.url.endswith(path), page.url
        check(path)
    page.goto("/pro/compte/jetons")
    page.locator("#label").fill("tablette du marché de Bourges, le mardi matin")
    with page.expect_navigation():
        page.locator("form[action='/pro/compte/jetons'] button[type=submit]").click()
    assert page.locator(".code.token").inner_text().startswith("pn_")
    check("a new token, shown once")
    assert not problems, "\n\n".join(problems)
