"""The whole way of a beginner, as the issue asks it to be walked: a 74-year-old who answers
« 0 » to every question, on a 320 px phone in larger text, from the start page to the printed
result and its PDF. Every page shown passes axe-core (WCAG 2.0 to 2.2, A and AA, « target
size » included), fits the screen with targets big enough, and keeps within the
Content-Security-Policy. However many questions the beginner is asked, the walk goes on
until the questions end."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.e2e.browsing import (
    AXE_TAGS_22,
    PolicyWatch,
    answer_until_the_end,
    larger_text,
    layout_problems,
    page_problems,
    submit,
)
from tests.paper import bar_fills, pdf_text


def test_a_beginner_on_a_phone_in_larger_text_reaches_the_printed_result(
    new_context: Any, server: Any
) -> None:
    context = new_context(accept_downloads=True)
    page = context.new_page()
    policy = PolicyWatch(context)
    problems: list[str] = []

    def check(shown: Any) -> None:
        problems.extend(page_problems(shown, policy, shown.url, tags=AXE_TAGS_22))
        problems.extend(layout_problems(shown))

    page.goto("/")
    larger_text(page)
    check(page)
    submit(page, "/diagnostic")
    asked = answer_until_the_end(page, "0", seen=check)
    print(f"a beginner answering « 0 » is asked {asked} questions")

    assert page.url.endswith("/contexte"), page.url
    check(page)
    page.locator("input[name=equipment][value=smartphone]").check()
    page.locator("input[name=frequency][value=rarement]").check()
    page.locator("input[name=age_band][value=soixante_dix_plus]").check()
    submit(page, "/contexte")
    assert page.url.endswith("/besoins"), page.url
    check(page)
    for need in ("sante", "proches"):
        page.locator(f"input[name=needs][value={need}]").check()
    submit(page, "/besoins")
    check(page)
    submit(page, "/objectifs")
    assert page.url.endswith("/resultat"), page.url
    check(page)
    code = page.locator(".code").inner_text()
    domains = page.locator("table").first.locator("tbody tr").count()

    with page.expect_navigation():
        page.locator("a[href$='/resultat?impression=1']").click()
    check(page)
    assert not problems, "\n\n".join(problems)

    with page.expect_download() as download:
        page.locator("a[href$='/resultat.pdf']").click()
    attestation = pdf_text(Path(download.value.path()).read_bytes())
    assert "Attestation de positionnement numérique" in attestation
    assert f"tapez le code {code} sur {server.url}/reprendre" in attestation, attestation

    page.emulate_media(media="print")
    printed = page.pdf(format="A4")  # as a browser prints, background graphics off
    text = pdf_text(printed)
    assert "Diagnostic du " in text and f"parcours-numérique – {server.url}/" in text, text
    assert code in text and f"{server.url}/reprendre" in text, text
    assert "Utilisez la fonction" not in text, text
    # « 0 » everywhere: every bar is drawn, and empty
    assert bar_fills(printed) == [0.0] * domains
