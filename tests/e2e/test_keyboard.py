"""The whole resident diagnostic on a 320 px screen with the keyboard only: no click, no tap.

Tab and Shift+Tab move the focus, Enter or Space press buttons and links, Space ticks boxes,
arrow keys choose in radio groups, and the commune is typed. Every focused element must show
its focus, and no page may scroll sideways.
"""

from __future__ import annotations

import random
from typing import Any

from referentiel import load_referential
from tests.e2e.browsing import (
    activate,
    choose_radio,
    diagnostic_id,
    no_horizontal_scroll,
    question_number,
    tab_to,
    tick,
    type_into,
)

REF = load_referential()
SCALE = ["0", "1", "2", "3", "4", "?"]
BACK = "form[action$='/retour'] button"


def test_the_skip_link_comes_first_and_shows(page: Any) -> None:
    page.goto("/")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.classList.contains('skip')")
    box = page.locator("a.skip").bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 320
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "contenu"


def _answer_every_question(page: Any, rng: random.Random) -> int:
    """Answer until the form ends; goes back once on the way. Returns the answers kept."""
    answered = 0
    went_back = False
    limit = 2 * len(REF.prerequisite_order) + 5
    while page.url.endswith("/question"):
        no_horizontal_scroll(page)
        number = question_number(page)
        assert number == answered + 1
        if number == 3 and not went_back:
            activate(page, BACK, key="Space")
            went_back = True
            answered -= 1
            assert question_number(page) == 2
            continue
        value = rng.choice(SCALE)
        button = f"button[name=value][value={value!r}]"
        if number == 4:
            # Past the scale to « back », then up again with Shift+Tab.
            tab_to(page, BACK)
            tab_to(page, button, backwards=True)
            with page.expect_navigation():
                page.keyboard.press("Enter")
        else:
            activate(page, button, rng.choice(["Enter", "Space"]))
        answered += 1
        assert answered <= limit, "the short form never ends"
    assert went_back
    assert answered >= len(REF.prerequisite_order)
    return answered


def _answer_context(page: Any) -> None:
    assert page.url.endswith("/contexte"), page.url
    no_horizontal_scroll(page)
    choose_radio(page, "age_band", "quarante_cinquante_neuf")
    tick(page, "equipment", "smartphone")
    tick(page, "equipment", "connexion_domicile")
    choose_radio(page, "frequency", "chaque_semaine")
    type_into(page, "#commune_query", "Saint-Denis")
    choose_radio(page, "knows_help", "non")
    activate(page, "form[action$='/contexte'] button[type=submit]")

    # Several communes have that name: the page asks which one and keeps the other answers.
    assert page.url.endswith("/contexte")
    no_horizontal_scroll(page)
    assert page.locator("input[name=commune]").count() == 4
    assert page.locator("input[name=age_band][value=quarante_cinquante_neuf]").is_checked()
    choose_radio(page, "commune", "93066")
    activate(page, "form[action$='/contexte'] button[type=submit]")


def _choose_needs_and_goals(page: Any) -> None:
    assert page.url.endswith("/besoins"), page.url
    no_horizontal_scroll(page)
    tick(page, "needs", "impots")
    tick(page, "needs", "sante")
    activate(page, "form[action$='/besoins'] button[type=submit]", key="Space")
    assert page.url.endswith("/objectifs"), page.url
    no_horizontal_scroll(page)
    assert page.locator("fieldset").count() == 2
    choose_radio(page, "goal_impots", "A3")
    choose_radio(page, "goal_sante", "A4")
    activate(page, "form[action$='/objectifs'] button[type=submit]")


def _check_result(page: Any) -> None:
    """Levels by domain in words, and the table that says the same as the chart."""
    assert page.url.endswith("/resultat"), page.url
    no_horizontal_scroll(page)
    assert page.locator("h1").inner_text() == "Mon résultat"
    assert page.locator("ul.bars").get_attribute("aria-hidden") == "true"
    assert page.locator("ul.bars > li").count() == len(REF.domains)
    levels = page.locator("table").first
    assert "Niveau par domaine" in levels.locator("caption").inner_text()
    rows = levels.locator("tbody tr")
    assert rows.count() == len(REF.domains)
    labels = {d.plain_label for d in REF.domains}
    for index in range(rows.count()):
        assert rows.nth(index).locator("th").inner_text().strip() in labels
        cells = rows.nth(index).locator("td")
        level = cells.nth(0).inner_text().strip()
        assert level == "?" or level in {f"{n} / 4" for n in range(5)}, level
        assert cells.nth(1).inner_text().strip()
    assert page.locator("table").nth(1).locator("tbody tr").count() == 2


def test_whole_diagnostic_with_the_keyboard_at_320px(page: Any) -> None:
    page.goto("/")
    no_horizontal_scroll(page)
    activate(page, "form[action='/diagnostic'] button[type=submit]")
    answered = _answer_every_question(page, random.Random(20261122))
    _answer_context(page)
    _choose_needs_and_goals(page)
    _check_result(page)

    # What was typed is what the service stored.
    stored = page.request.get(f"/api/v1/diagnostics/{diagnostic_id(page)}").json()
    assert stored["status"] == "completed"
    assert len(stored["answers"]) == answered
    assert stored["context"]["commune"] == "93066"
    assert stored["context"]["age_band"] == "quarante_cinquante_neuf"
    assert stored["context"]["frequency"] == "chaque_semaine"
    assert sorted(stored["context"]["equipment"]) == ["connexion_domicile", "smartphone"]
    assert stored["context"]["knows_help"] is False
    assert sorted(stored["context"]["needs"]) == ["impots", "sante"]
    assert stored["goals"] == {"impots": "A3", "sante": "A4"}

    # The printable version is a keyboard step away too.
    activate(page, "a[href$='?impression=1']")
    assert "impression=1" in page.url
