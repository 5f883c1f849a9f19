"""The result on paper, as the browser prints it with its usual settings (no background
graphics): bars filled as the levels say, the date, the service and its address, the resume
code with the full address where to type it, and none of the screen's buttons or advice."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from tests.e2e.browsing import answer_until_the_end, diagnostic_id, start_diagnostic, submit
from tests.paper import bar_fills, pdf_text

PARIS = ZoneInfo("Europe/Paris")


def _levels(page: Any) -> list[float]:
    """The levels of the result's table, as a share of the bar (« ? » draws an empty bar)."""
    cells = page.locator("table").first.locator("tbody td:nth-child(2)").all_inner_texts()
    found = [re.search(r"\d", cell) for cell in cells]
    return [int(level.group()) / 4 if level else 0.0 for level in found]


def test_the_printed_result_says_what_a_sheet_alone_must_say(new_context: Any, server: Any):
    page = new_context().new_page()
    start_diagnostic(page)
    answer_until_the_end(page, ["4", "1", "3", "0", "2", "?"])
    identifier = diagnostic_id(page)
    page.goto(f"/diagnostic/{identifier}/besoins")
    submit(page, "/besoins")
    submit(page, "/terminer")
    with page.expect_navigation():
        page.locator("a[href$='/resultat?impression=1']").click()
    levels = _levels(page)
    code = page.locator(".code").inner_text()

    page.emulate_media(media="print")
    pdf = page.pdf(format="A4")  # background graphics off, as in a browser's print dialog
    text = pdf_text(pdf)

    fills = bar_fills(pdf)
    assert len(fills) == len(levels), (fills, levels)
    assert all(abs(fill - level) < 0.03 for fill, level in zip(fills, levels, strict=True)), (
        f"bars drawn {fills}, levels {levels}"
    )
    today = datetime.now(PARIS).date()
    assert any(  # the test may cross midnight
        f"Diagnostic du {day:%d/%m/%Y}" in text for day in (today, today - timedelta(days=1))
    ), text
    assert f"parcours-numérique – {server.url}/" in text, text
    assert code in text and f"{server.url}/reprendre" in text, text
    for screen_only in ("Utilisez la fonction", "Version à imprimer", "Terminer et effacer"):
        assert screen_only not in text, text
