"""What a mediator sees of scans: files sent together, a list that says what became of each
(« 1 à vérifier ») without being reloaded by hand, a doubtful row checked against its boxes
with each button right under its box, on a laptop and on a phone."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.app.test_scans import ITEMS, LAYOUT, everything, sheet, sheet_page
from tests.e2e.browsing import axe_violations, describe_violations, layout_problems, log_in
from tests.printables.corpus import encode

LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 320, "height": 640}


def _checked(page: Any, where: str) -> None:
    problems = layout_problems(page)
    assert not problems, f"{where}: {problems}"
    violations = axe_violations(page)
    assert not violations, describe_violations(where, violations)


def test_a_mediator_sends_sheets_and_checks_a_doubtful_row(
    new_context: Any, mediator: tuple[str, str], tmp_path: Path
) -> None:
    clear, doubtful = tmp_path / "claire.png", tmp_path / "douteuse.png"
    clear.write_bytes(sheet(None, everything("2")))
    doubtful.write_bytes(encode(sheet_page(None, everything("3"), twice=ITEMS[0])))
    page = new_context(viewport=LAPTOP).new_page()
    log_in(page, *mediator, "/pro/scans/")
    page.set_input_files("#files", [str(clear), str(doubtful)])
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    # the list follows the reading by itself, until both files are read
    row = page.locator("#depots tr", has_text="douteuse.png")
    row.get_by_text("1 à vérifier").wait_for(timeout=120_000)
    page.locator("#depots tr", has_text="claire.png").get_by_text("1 importée(s)").wait_for(
        timeout=120_000
    )
    page.locator("[data-refresh]").wait_for(state="detached", timeout=30_000)
    _checked(page, "scans list at 1280 px")
    # the clear sheet, anonymous, is listed with the sheets that came in without a name
    assert page.locator("a[href^='/pro/scans/feuilles/']").count() == 1

    with page.expect_navigation():
        row.locator("a").click()
    with page.expect_navigation():
        page.click("a[href^='/pro/scans/pages/']")
    review = page.url
    for viewport in (LAPTOP, PHONE):
        page.set_viewport_size(viewport)
        page.goto(review)
        _checked(page, f"review at {viewport['width']} px")
        picture = page.locator("img.scanned-boxes").bounding_box()
        assert picture is not None
        buttons = page.locator("fieldset .review-columns button")
        assert buttons.count() == len(LAYOUT.column_heads)
        start = LAYOUT.column_heads[0].rect.x
        width = LAYOUT.column_heads[-1].rect.right - start
        for index, head in enumerate(LAYOUT.column_heads):
            box = buttons.nth(index).bounding_box()
            assert box is not None
            middle = box["x"] + box["width"] / 2
            left = picture["x"] + picture["width"] * (head.rect.x - start) / width
            right = picture["x"] + picture["width"] * (head.rect.right - start) / width
            assert left < middle < right, f"button {index} is not under its box at {viewport}"
    with page.expect_navigation():
        page.locator("fieldset .review-columns button[value='3']").click()
    assert "Importée" in page.inner_text("main")
