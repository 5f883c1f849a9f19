"""The mediator's pages and the API documentation under the service's Content-Security-Policy:
nothing refused, nothing loaded from another origin. (The resident pages are checked page by
page in test_accessibility.py.)

A refused inline style or script does not break a page loudly: it looks or works differently
than in development. Chromium reports each refusal, and any one fails here.
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Callable
from typing import Any

from printables.pdf import render_forms
from tests.app.test_scans import DPI, ITEMS, LAYOUT, REF
from tests.e2e.browsing import PolicyWatch
from tests.printables.corpus import Filling, draw, encode, render_blank

READ_TIMEOUT = 90.0


def doubtful_sheet() -> bytes:
    """A scanned sheet whose first row has two ticks: the page waits for a mediator's review."""
    image = render_blank(render_forms(REF, 1), DPI)
    filling = Filling({key: [("2", "tick")] for key in ITEMS})
    filling.marks[ITEMS[0]] = [("1", "tick"), ("3", "tick")]
    draw(image, DPI, LAYOUT, filling, random.Random(3))
    return encode(image)


def _submit(page: Any, form: str) -> None:
    with page.expect_navigation():
        page.locator(f"{form} button[type=submit]").first.click()


def _log_in(page: Any, email: str, password: str) -> None:
    page.goto("/pro/connexion")
    page.locator("#email").fill(email)
    page.locator("#password").fill(password)
    _submit(page, "form[action='/pro/connexion']")
    assert page.url.endswith("/pro"), page.url


def _new_person(page: Any) -> str:
    page.goto("/pro/personnes/nouvelle")
    _submit(page, "form[action='/pro/personnes/nouvelle']")  # empty: the errors are shown
    page.locator("#alias").fill("Mme Politique")
    page.locator("#commune").fill("29200")
    page.locator("#consent-case").check()
    _submit(page, "form[action='/pro/personnes/nouvelle']")
    found = re.search(r"/pro/personnes/([0-9a-f-]{36})$", page.url)
    assert found, page.url
    return found.group(1)


def _paper_form(page: Any) -> None:
    """The paper entry page with its script at work: typed answers move the focus on."""
    page.goto("/pro/papier")
    page.keyboard.type("12?")
    _submit(page, "form#reponses")  # incomplete: the page comes back with the errors


def _scan_review(page: Any) -> None:
    """A doubtful scan uploaded, read in the background, and its review page."""
    page.goto("/pro/scans/")
    page.locator("#files").set_input_files(
        {"name": "doute.png", "mimeType": "image/png", "buffer": doubtful_sheet()}
    )
    _submit(page, "form[action='/pro/scans/']")
    page.locator("a[href^='/pro/scans/']").first.click()
    deadline = time.monotonic() + READ_TIMEOUT
    review = page.locator("a[href^='/pro/scans/pages/']")
    while review.count() == 0:
        assert time.monotonic() < deadline, f"the scan was not read in time: {page.url}"
        time.sleep(0.5)
        page.reload()
    with page.expect_navigation():
        review.first.click()
    assert page.locator("img[src^='data:image/png']").count() >= 1


def test_mediator_pages_run_within_the_policy(new_context: Any, mediator: tuple[str, str]) -> None:
    context = new_context(viewport={"width": 1280, "height": 800})
    policy = PolicyWatch(context)
    page = context.new_page()
    refused: dict[str, list[str]] = {}

    def visit(name: str, steps: Callable[[], object]) -> None:
        steps()
        page.wait_for_load_state("load")
        found = policy.violations(page)
        if found:
            refused[name] = found

    visit("login", lambda: _log_in(page, *mediator))
    person: list[str] = []
    visit("new person, then their page", lambda: person.append(_new_person(page)))
    visit("dashboard and search", lambda: page.goto("/pro?q=Politique"))
    visit("edit", lambda: page.goto(f"/pro/personnes/{person[0]}/modifier"))
    visit("erase", lambda: page.goto(f"/pro/personnes/{person[0]}/effacer"))
    visit("paper form for the person", lambda: page.goto(f"/pro/personnes/{person[0]}/papier"))
    visit("paper form with errors", lambda: _paper_form(page))
    visit("scans and a review", lambda: _scan_review(page))
    visit("not found", lambda: page.goto("/pro/personnes/00000000-0000-4000-8000-000000000000"))
    assert not refused, f"refused by the Content-Security-Policy: {refused}"


def test_the_api_documentation_works_offline_within_the_policy(
    new_context: Any, server: Any
) -> None:
    context = new_context(viewport={"width": 1280, "height": 800})
    policy = PolicyWatch(context)
    page = context.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto("/schema")
    operations = page.locator(".opblock-summary-path")
    operations.first.wait_for()
    paths = operations.all_inner_texts()
    assert "/api/v1/diagnostics" in paths and "/api/v1/people/{person_id}" in paths, paths
    elsewhere = [url for url in requested if not url.startswith(server.url + "/")]
    assert not elsewhere, f"loaded from another origin: {elsewhere}"
    assert not policy.violations(page)
