"""Nothing is lost: a reload or a dropped connection mid-way, then the resume code elsewhere."""

from __future__ import annotations

from typing import Any

from tests.e2e.browsing import diagnostic_id, question_number


def _answer(page: Any, value: str = "2") -> None:
    with page.expect_navigation():
        page.locator(f"button[name=value][value={value!r}]").click()


def _question(page: Any) -> tuple[int, str]:
    return question_number(page), page.locator("#question").inner_text()


def test_reload_and_lost_connection_lose_nothing(new_context: Any) -> None:
    context = new_context()
    page = context.new_page()
    page.goto("/")
    with page.expect_navigation():
        page.locator("form[action='/diagnostic'] button[type=submit]").click()
    for value in ("3", "2", "0"):
        _answer(page, value)
    where = _question(page)
    assert where[0] == 4
    identifier = diagnostic_id(page)

    page.reload()
    assert _question(page) == where

    # The line drops as the person answers: the answer never reached the server, the page
    # after reconnecting asks the same question again.
    context.set_offline(True)
    try:
        page.locator("button[name=value][value='4']").click(no_wait_after=True)
        page.wait_for_timeout(300)
    finally:
        context.set_offline(False)
    assert page.url.startswith("chrome-error:"), page.url
    page.goto(f"/diagnostic/{identifier}/question")
    assert _question(page) == where

    # The home page of the same browser offers to go on.
    page.goto("/")
    with page.expect_navigation():
        page.locator("a.button[href$='/question']").click()
    assert _question(page) == where


def test_resume_code_continues_on_another_device(new_context: Any) -> None:
    first = new_context().new_page()
    first.goto("/")
    with first.expect_navigation():
        first.locator("form[action='/diagnostic'] button[type=submit]").click()
    _answer(first, "1")
    _answer(first, "?")
    where = _question(first)
    code = first.locator(".code").inner_text().strip()
    assert len(code.replace("-", "")) == 8, code

    # Another device: nothing in common with the first but the code, typed loosely.
    second = new_context().new_page()
    second.goto("/")
    assert second.locator("a.button[href$='/question']").count() == 0
    second.goto("/reprendre")
    second.locator("#code").fill(code.lower().replace("-", " "))
    with second.expect_navigation():
        second.locator("form[action='/reprendre'] button[type=submit]").click()
    assert diagnostic_id(second) == diagnostic_id(first)
    assert _question(second) == where

    # An answer given on one device is there on the other.
    _answer(second, "2")
    first.reload()
    assert _question(first) == _question(second)
    assert question_number(first) == where[0] + 1


def test_a_wrong_resume_code_says_so(page: Any) -> None:
    page.goto("/reprendre")
    page.locator("#code").fill("ZZZZ-ZZZZ")
    with page.expect_navigation() as navigation:
        page.locator("form[action='/reprendre'] button[type=submit]").click()
    assert navigation.value.status == 404
    assert "aucun diagnostic" in page.locator("[role=alert]").inner_text()
    assert page.locator("#code").get_attribute("aria-invalid") == "true"
    assert page.locator("#code").input_value() == "ZZZZ-ZZZZ"
