"""The pages work with JavaScript turned off: preferences are links, every step is a form."""

from __future__ import annotations

from typing import Any

from referentiel import load_referential

REF = load_referential()


def _submit(page: Any, form: str) -> None:
    with page.expect_navigation():
        page.locator(f"form[action$={form!r}] button[type=submit]").click()


def test_short_path_without_javascript(new_context: Any) -> None:
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/")
    assert page.locator("html").get_attribute("class") is None

    # Larger text and English are plain links.
    with page.expect_navigation():
        page.locator("a[href^='/preferences/texte']").click()
    assert page.locator("html").get_attribute("class") == "large-text"
    with page.expect_navigation():
        page.locator("a[hreflang=en]").click()
    assert page.locator("html").get_attribute("lang") == "en"
    with page.expect_navigation():
        page.locator("a[hreflang=fr]").click()
    assert page.locator("html").get_attribute("lang") == "fr"

    _submit(page, "/diagnostic")
    asked = 0
    while page.url.endswith("/question"):
        assert page.locator("progress").count() == 1
        with page.expect_navigation():
            page.locator("button[name=value][value='2']").click()
        asked += 1
        assert asked <= 2 * len(REF.prerequisite_order)
    # « 2 » settles a competence in one question.
    assert asked == len(REF.prerequisite_order)

    assert page.url.endswith("/contexte"), page.url
    _submit(page, "/contexte")  # every context question may stay unanswered
    assert page.url.endswith("/besoins"), page.url
    _submit(page, "/besoins")  # no need chosen: straight to the end
    assert page.url.endswith("/terminer"), page.url
    _submit(page, "/terminer")
    assert page.url.endswith("/resultat"), page.url
    assert page.locator("table").first.locator("tbody tr").count() == len(REF.domains)
    assert page.locator("html").get_attribute("class") == "large-text"
