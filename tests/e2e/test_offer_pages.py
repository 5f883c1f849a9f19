"""A mediator publishes their structure's offer in the browser, on a 320 px phone: a place and
a workshop typed in with JavaScript turned off, a mistake shown in an error summary, and every
page of the offer readable whole and clean for axe-core."""

from __future__ import annotations

import re
from typing import Any

from tests.e2e.browsing import axe_violations, describe_violations, layout_problems, log_in


def _submit(page: Any) -> None:
    with page.expect_navigation():
        page.click("main form[method=post] button[type=submit] >> nth=-1")


def _readable(page: Any, where: str) -> None:
    problems = layout_problems(page)
    assert not problems, f"{where}: {problems}"
    violations = axe_violations(page)
    assert not violations, describe_violations(where, violations)


def test_a_place_and_a_workshop_are_published_without_javascript(
    new_context: Any, mediator: tuple[str, str]
) -> None:
    page = new_context(java_script_enabled=False).new_page()
    log_in(page, *mediator, path="/pro/offre")

    page.goto("/pro/offre/lieux/nouveau")
    page.fill("#name", "Médiathèque des Gibjoncs")
    page.fill("#address", "3 rue Jean Moulin")
    page.fill("#postal_code", "18000")
    page.fill("#commune_name", "Bourgs")  # a typo
    page.fill("#phone", "02 48 57 81 46")
    page.fill("#opening_hours", "mardi 9h-12h")
    page.check("input[name=services][value='Accès internet et matériel informatique']")
    _submit(page)
    summary = page.locator(".error-summary")
    assert summary.count() == 1
    text = summary.inner_text()
    assert "Vouliez-vous dire : « 18000 Bourges » ?" in text
    assert "Horaires d'ouverture" in text
    assert page.locator("#name").input_value() == "Médiathèque des Gibjoncs"  # kept
    page.fill("#commune_name", "Bourges")
    page.fill("#opening_hours", "Tu-Sa 09:00-12:00,14:00-18:00")
    _submit(page)
    assert page.url.endswith("/pro/offre/lieux"), page.url
    assert "Lieu « Médiathèque des Gibjoncs » ajouté." in page.locator(".notice").inner_text()
    assert "Bourges (18000)" in page.locator("table").inner_text()

    _add_workshop(
        page,
        "Premiers pas avec son téléphone",
        "Allumer son téléphone, ouvrir une application et revenir à l'accueil.",
        "E1.2",
    )


def _add_workshop(page: Any, title: str, description: str, item: str) -> None:
    """A collective workshop from level 0 to 2 in the competence of ``item``, whose exit check
    is that observed task."""
    competence = item.partition(".")[0]
    page.goto("/pro/offre/ateliers/nouveau")
    page.fill("#title", title)
    page.fill("#description", description)
    page.select_option(f"#entry-{competence}", "0")
    page.select_option(f"#exit-{competence}", "2")
    page.check("#modality-collective")
    page.fill("#duration_minutes", "90")
    page.check("#exit_kind-observed_task")
    page.select_option("#exit_item", item)
    _submit(page)
    assert page.url.endswith("/pro/offre/ateliers"), page.locator("main").inner_text()
    assert title in page.locator("table").inner_text()


def test_the_offer_s_pages_read_whole_on_a_phone_and_pass_axe(
    new_context: Any, mediator: tuple[str, str]
) -> None:
    page = new_context().new_page()
    log_in(page, *mediator, path="/pro/offre")
    _readable(page, "the offer's home")
    for path in ("/pro/offre/lieux/nouveau", "/pro/offre/ateliers/nouveau"):
        page.goto(path)
        _readable(page, path)
        _submit(page)  # empty: every required field refused
        assert page.locator(".error-summary").count() == 1
        focused = page.evaluate("() => document.activeElement?.id")
        assert focused == "erreurs", f"{path}: the summary does not take the focus ({focused})"
        _readable(page, f"{path} with its errors")
    # a competence whose name holds a hyphenated word (« e-mail ») and a long title: the list
    # keeps them whole on a phone
    _add_workshop(
        page,
        "Envoyer la photo d'un document à sa caisse de retraite depuis son téléphone",
        "Prendre en photo une feuille et l'envoyer dans un message.",
        "C1.2",
    )
    for path in ("/pro/offre/lieux", "/pro/offre/ateliers"):
        page.goto(path)
        _readable(page, path)
        edit = page.locator("a[href$='/modifier']").first
        if edit.count():
            href = edit.get_attribute("href")
            assert href and re.fullmatch(r"/pro/offre/\w+/[0-9a-f-]{36}/modifier", href)
            page.goto(href)
            _readable(page, href)
