"""The administrators' pages on a 320 px phone, as an administrator of a département's network
uses them: the accounts, a new account (with its errors, then created), a coordinator's
territory, the audit trail. axe-core clean (WCAG 2.1 A and AA), nothing wider than the
screen, no word cut in two (an e-mail address goes to the next line after its « @ » or before
a dot), nothing refused by the Content-Security-Policy."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pyotp
import pytest

from tests.e2e.browsing import MOBILE, PolicyWatch, layout_problems, page_problems

EMAIL, PASSWORD = "administration@e2e.example.org", "correct horse battery e2e admin"
COORDINATOR = "coordination-indre@e2e.example.org"


@pytest.fixture(scope="module")
def administrator(server: Any) -> None:
    """An administrator made with `parcours users create`, as the first one is."""
    subprocess.run(
        [
            *(str(Path(sys.executable).parent / "parcours"), "users", "create", EMAIL),
            *("--role", "admin", "--structure", "Réseau des médiathèques"),
        ],
        input=PASSWORD.encode(),
        env={**os.environ, "PARCOURS_DATABASE_URL": f"sqlite+aiosqlite:///{server.database}"},
        cwd=server.database.parent,
        check=True,
        capture_output=True,
    )


def _submit(page: Any, action: str) -> None:
    with page.expect_navigation():
        page.locator(f"form[action='{action}'] button[type=submit]").click()


def test_the_administration_pages_are_accessible_at_320_px(
    new_context: Any, administrator: None
) -> None:
    context = new_context(viewport=MOBILE)
    policy = PolicyWatch(context)
    page = context.new_page()
    problems: list[str] = []

    def check(name: str) -> None:
        problems.extend(page_problems(page, policy, name))
        problems.extend(f"{name}: {problem}" for problem in layout_problems(page))

    page.goto("/pro/admin/comptes")
    page.fill("#email", EMAIL)
    page.fill("#password", PASSWORD)
    _submit(page, "/pro/connexion")
    # an administrator turns on the second factor before anything else
    assert page.url.endswith("/pro/compte/double-authentification"), page.url
    secret = page.locator(".code").inner_text().replace(" ", "")
    page.fill("#code", pyotp.TOTP(secret).now())
    _submit(page, "/pro/compte/double-authentification/activer")

    # an API token in service, so that the accounts page lists one
    page.goto("/pro/compte/jetons")
    page.fill("#label", "tablette de la permanence du marché")
    _submit(page, "/pro/compte/jetons")
    page.goto("/pro/admin/comptes")
    assert "tablette de la permanence du marché" in page.locator("main").inner_text()
    check("the accounts")
    page.get_by_role("link", name="Créer un compte").click()
    page.wait_for_url("**/pro/admin/comptes/nouveau")
    check("a new account")
    page.fill("#email", COORDINATOR)
    page.check("#role-coordinator")
    page.fill("#structure", "Département de l'Indre")
    _submit(page, "/pro/admin/comptes/nouveau")
    summary = page.locator(".error-summary")
    assert "que suit ce coordinateur" in summary.inner_text()
    check("a new account with an error")
    page.select_option("#territoire", "departement:36")
    _submit(page, "/pro/admin/comptes/nouveau")
    assert page.locator(".code.token").inner_text()
    assert "Indre (département 36)" in page.locator("main").inner_text()
    check("the account created, its first password shown")

    page.get_by_role("link", name=f"Changer le territoire suivi par {COORDINATOR}").click()
    page.wait_for_url("**/territoire")
    check("a coordinator's territory")
    page.select_option("#territoire", "region:24")
    _submit(page, urlsplit(page.url).path)
    assert "Centre-Val de Loire (région)" in page.locator(".notice").inner_text()
    check("the territory changed")
    page.goto("/pro/admin/journal?action=account.scope")
    check("the audit trail")
    assert not problems, "\n\n".join(problems)
