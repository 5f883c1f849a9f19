"""A resident types a commune that several communes share, on a 320 px phone: the page says
so first, with the focus, and the choice is right under the field."""

from __future__ import annotations

from contextlib import suppress
from typing import Any

from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.e2e.browsing import (
    MOBILE,
    activate,
    adaptive_diagnostic,
    choose_radio,
    no_horizontal_scroll,
    type_into,
)

SUBMIT = "form[action$='/contexte'] button[type=submit]"


def _focused_id(page: Any) -> str:
    """The id of what has the focus once the browser has applied ``autofocus`` (Chromium does it
    at its next rendering step, which may come after the load event on a busy machine)."""
    with suppress(PlaywrightTimeoutError):  # nothing took the focus: the assertion says so
        page.wait_for_function("() => document.activeElement !== document.body", timeout=30_000)
    return str(page.evaluate("() => document.activeElement?.id"))


def _bottom(page: Any, selector: str) -> float:
    box = page.locator(selector).bounding_box()
    assert box is not None, selector
    return float(box["y"] + box["height"])


def _top(page: Any, selector: str) -> float:
    box = page.locator(selector).bounding_box()
    assert box is not None, selector
    return float(box["y"])


def test_a_commune_several_share_is_asked_under_the_field_after_a_focused_summary(
    page: Any,
) -> None:
    identifier = adaptive_diagnostic(page.request)
    page.goto(f"/diagnostic/{identifier}/contexte")
    choose_radio(page, "age_band", "soixante_dix_plus")
    type_into(page, "#commune_query", "Moulins")
    activate(page, SUBMIT)

    # The summary comes first, on screen, with the focus: a screen reader reads it out.
    assert _focused_id(page) == "erreurs"
    summary = page.locator("#erreurs")
    assert "Plusieurs communes correspondent" in summary.inner_text()
    assert 0 <= _top(page, "#erreurs") < MOBILE["height"]
    # The choice is under the field: the field and the first commune fit in one screen.
    assert page.locator("input[name=commune]").count() == 3
    assert _bottom(page, "#commune_choice") - _top(page, "#commune_query") < MOBILE["height"]
    no_horizontal_scroll(page)
    # The other answers are kept.
    assert page.locator("input[name=age_band][value=soixante_dix_plus]").is_checked()

    # The summary's link leads to the choice; the keyboard picks Moulins of the Allier.
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.url.endswith("#commune_choice")
    assert _focused_id(page) == "commune_choice"
    assert page.evaluate(
        "() => { const r = document.activeElement.getBoundingClientRect();"
        " return r.top >= 0 && r.bottom <= window.innerHeight; }"
    ), "the choice is not on screen"
    choose_radio(page, "commune", "03190")
    activate(page, SUBMIT)
    assert page.url.endswith("/besoins"), page.url
    stored = page.request.get(f"/api/v1/diagnostics/{identifier}").json()
    assert stored["context"]["commune"] == "03190"
    assert stored["context"]["age_band"] == "soixante_dix_plus"
