"""A mediator types paper forms with the keyboard only: one key per answer, the focus moves on
by itself, Enter saves, and the next blank form is ready at once."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from referentiel import load_referential
from tests.e2e.browsing import axe_violations, describe_violations, type_into
from tests.e2e.conftest import Server

ITEMS = [item.id for item in load_referential().form_items("papier")]
# What a mediator types for the 24 rows, French keyboard keys without Shift included:
# é -> 2, & -> 1, ' -> 4, à -> 0, "," -> ?, "." (keypad) -> ?
KEYS = ["2", "é", "3", "&", "?", "4", "'", "0", "à", ",", "1", "2"] * 2
READ = {"0": 0, "1": 1, "2": 2, "3": 3, "4": 4, "é": 2, "&": 1, "'": 4, "à": 0, ",": "?", "?": "?"}
COMMUNES = {1: "03190", 2: "29200"}  # a postal code eleven communes share, then Brest's
EXPECTED = {item: READ[key] for item, key in zip(ITEMS, KEYS, strict=True)}


def _focused_id(page: Any) -> str:
    focused: str = page.evaluate("() => document.activeElement.id")
    return focused


def _row(item_id: str) -> str:
    return "r-" + item_id.replace(".", "-")


def _log_in(page: Any, email: str, password: str) -> None:
    page.goto("/pro/papier")  # asks for the login, then comes back here
    type_into(page, "#email", email)
    type_into(page, "#password", password)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/pro/papier"), page.url
    # Chromium applies autofocus after the load event: keys typed before it would be lost.
    page.wait_for_function(f"document.activeElement?.id === '{_row(ITEMS[0])}'")


def _last_saved(server: Server) -> dict[str, Any]:
    with sqlite3.connect(server.database) as db:
        answers, context = db.execute(
            "SELECT answers, context FROM diagnostic WHERE channel = 'PAPER' "
            "ORDER BY created_at DESC LIMIT 1"
        ).fetchone()
    return {"answers": json.loads(answers), "context": json.loads(context)}


def test_forms_are_typed_one_key_per_answer_and_saved_with_enter(
    new_context: Any, server: Server, mediator: tuple[str, str]
) -> None:
    page = new_context(viewport={"width": 1280, "height": 800}).new_page()
    _log_in(page, *mediator)
    violations = axe_violations(page)
    assert not violations, describe_violations("paper entry page", violations)

    for number in (1, 2):
        assert _focused_id(page) == _row(ITEMS[0]), "the first row waits for the first key"
        for index, (item, key) in enumerate(zip(ITEMS, KEYS, strict=True)):
            assert _focused_id(page) == _row(item)
            page.keyboard.type(key)
            if index + 1 < len(ITEMS):
                assert _focused_id(page) == _row(ITEMS[index + 1]), f"stuck after {item}"
        # After the last row: the first question about the person; Tab to the commune, then
        # Enter saves.
        assert _focused_id(page) == "ctx-age_band"
        type_into(page, "#ctx-commune", COMMUNES[number])
        with page.expect_navigation():
            page.keyboard.press("Enter")
        if number == 1:
            # 03190, copied from the sheet: the INSEE code of Moulins, but a postal code first,
            # of eleven other communes. The page says what to type; the answers are still there.
            main = page.inner_text("main")
            assert "Tapez l'une de ces réponses" in main and "« 03190 Hérisson »" in main
            assert page.input_value(f"#{_row(ITEMS[-1])}") == str(EXPECTED[ITEMS[-1]])
            type_into(page, "#ctx-commune", "03000 Moulins")
            with page.expect_navigation():
                page.keyboard.press("Enter")
        main = page.inner_text("main")
        assert f"Formulaire n° {number} enregistré." in main, main[:1500]
        saved = _last_saved(server)
        assert saved["answers"] == EXPECTED
        assert saved["context"]["commune"] == {1: "03190", 2: "29019"}[number]


def test_a_typing_mistake_is_corrected_without_the_mouse(
    new_context: Any, server: Server, mediator: tuple[str, str]
) -> None:
    page = new_context(viewport={"width": 1280, "height": 800}).new_page()
    _log_in(page, *mediator)
    page.keyboard.type("12")  # rows 1 and 2; the focus is on row 3
    page.keyboard.press("Backspace")  # row 3 is empty: back to row 2
    assert _focused_id(page) == _row(ITEMS[1])
    page.keyboard.type("4")  # replaces the 2 without erasing it first, and moves on
    assert _focused_id(page) == _row(ITEMS[2])
    assert page.input_value(f"#{_row(ITEMS[1])}") == "4"
    page.keyboard.type("x")  # not an answer: nothing moves
    assert _focused_id(page) == _row(ITEMS[2])
