"""A professional's own account pages on a 320 px phone: readable, accessible (axe-core,
WCAG 2.1 A and AA), nothing wider than the screen, and nothing refused by the
Content-Security-Policy."""

from __future__ import annotations

from typing import Any

from tests.e2e.browsing import (
    MOBILE,
    PolicyWatch,
    page_problems,
)


def test_account_pages_at_320_px(new_context: Any, mediator: tuple[str, str]) -> None:
    email, password = mediator
    context = new_context(viewport=MOBILE)
    policy = PolicyWatch(context)
    page = context.new_page()
    problems: list[str] = []

    def check(name: str) -> None:
        problems.extend(page_problems(page, policy, name))

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
