"""The holder's wallet in a browser: with the keyboard only, at 320 px, and without
JavaScript, the holder switches a badge's verification link off and on (and the verification
page follows) and takes its paper attestation."""

from __future__ import annotations

from typing import Any

from tests.e2e.browsing import (
    activate,
    axe_violations,
    describe_violations,
    layout_problems,
    log_in,
    no_horizontal_scroll,
)
from tests.e2e.test_person_page import PHONE
from tests.e2e.test_person_page import _new_person as new_person
from tests.e2e.wallets import a_wallet

OFF = "form:has(input[name=partage][value=non]) button"
ON = "form:has(input[name=partage][value=oui]) button"


def test_the_holder_shares_with_the_keyboard_only(page: Any, server: Any) -> None:
    page.goto(a_wallet(server))
    no_horizontal_scroll(page)
    assert page.locator(".qr-code svg").count() == 1
    activate(page, OFF)
    assert "est coupé" in page.locator(".notice").first.inner_text()
    assert page.locator(".qr-code").count() == 0
    activate(page, ON)
    assert page.locator(".qr-code svg").count() == 1


def test_the_wallet_works_without_javascript(new_context: Any, server: Any) -> None:
    context = new_context(java_script_enabled=False, accept_downloads=True)
    page, checker = context.new_page(), context.new_page()
    page.goto(a_wallet(server))
    link = page.locator("a.address").get_attribute("href") or ""
    # what a counsellor sees of the shared badge (where its link sends a browser)
    verifier = f"/verifier?credential={link.rsplit('/', 1)[1]}"
    checker.goto(verifier)
    assert checker.locator(".verdict-good").count() == 1
    with page.expect_navigation():
        page.locator(OFF).click()
    assert page.locator(ON).count() == 1
    checker.goto(verifier)
    assert checker.locator(".verdict-good").count() == 0
    with page.expect_navigation():
        page.locator(ON).click()
    checker.goto(verifier)
    assert checker.locator(".verdict-good").count() == 1
    with page.expect_download() as download:
        page.locator("a[href$='/attestation.pdf']").click()
    assert download.value.suggested_filename.endswith(".pdf")
    linkedin = page.locator("a[href^='https://www.linkedin.com/profile/add?']")
    assert linkedin.count() == 1


def test_a_mediator_hands_the_link_over_and_it_opens_the_wallet(
    new_context: Any, mediator: tuple[str, str]
) -> None:
    page = new_context(viewport=PHONE).new_page()
    log_in(page, *mediator)
    person = new_person(page)
    page.goto(f"/pro/personnes/{person}")
    with page.expect_navigation():
        page.locator(f"a[href='/pro/personnes/{person}/portefeuille']").click()
    for step in ("before", "given"):
        if step == "given":
            with page.expect_navigation():
                page.locator("main form button[type=submit]").click()
        violations = axe_violations(page)
        assert not violations, describe_violations(f"wallet link page, {step}", violations)
        assert not layout_problems(page), layout_problems(page)
    assert page.locator(".new-link .qr-code svg").count() == 1
    address = page.locator(".new-link .address").inner_text()
    holder = new_context().new_page()
    holder.goto(address)
    assert holder.locator("h1").inner_text() == "Mes badges"
