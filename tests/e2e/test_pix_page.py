"""A mediator imports a Pix Orga export on a 320 px phone: a bad file is explained, then a good
one is matched and confirmed, with JavaScript turned off too; every state of the page reads
whole and passes axe-core."""

from __future__ import annotations

import re
from typing import Any

from tests.badges.test_pix import pix_export
from tests.e2e.browsing import axe_violations, describe_violations, layout_problems, log_in


def _readable(page: Any, where: str) -> None:
    problems = layout_problems(page)
    assert not problems, f"{where}: {problems}"
    violations = axe_violations(page)
    assert not violations, describe_violations(where, violations)


def _send(page: Any, content: bytes) -> None:
    page.set_input_files(
        "#file", files=[{"name": "export.csv", "mimeType": "text/csv", "buffer": content}]
    )
    with page.expect_navigation():
        page.click("main form button[type=submit]")


def _import(page: Any, alias: str, *, check: bool) -> None:
    page.goto("/pro/personnes/nouvelle")
    page.fill("#alias", alias)
    page.check("#consent-case")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    person = re.search(r"/pro/personnes/([0-9a-f-]{36})$", page.url)
    assert person, page.url

    page.goto("/pro/pix")
    if check:
        _readable(page, "the Pix import form")
    _send(page, b"nom;prenom\nNdiaye;Oumou\n")
    assert "Nom du Participant" in page.locator(".error-summary").inner_text()
    if check:
        _readable(page, "the Pix import with a bad file")

    _send(page, pix_export([("Ndiaye", alias, {"2.1": 4}), ("Keller", "Bruno", {"4.1": 2})]))
    assert page.locator("#personne-2").input_value() == person.group(1)  # suggested
    assert page.locator("#personne-3").input_value() == ""  # nobody like Bruno Keller
    if check:
        _readable(page, "the matching of a Pix export")
    with page.expect_navigation():
        page.click("main form[action='/pro/pix/confirmer'] button[type=submit]")
    assert page.url.endswith("/pro/pix"), page.url
    assert "1 personne(s) rattachée(s)" in page.locator(".notice").inner_text()


def test_a_pix_export_is_matched_and_confirmed_and_each_step_passes_axe(
    new_context: Any, mediator: tuple[str, str]
) -> None:
    page = new_context().new_page()
    log_in(page, *mediator, path="/pro")
    _import(page, "Oumou", check=True)


def test_the_pix_import_works_without_javascript(
    new_context: Any, mediator: tuple[str, str]
) -> None:
    page = new_context(java_script_enabled=False).new_page()
    log_in(page, *mediator, path="/pro")
    _import(page, "Ténin", check=False)
