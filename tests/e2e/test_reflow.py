"""Readable on a 320 px phone, in normal and in larger text.

Every resident page (listed from the app's routes, so that a new page cannot be forgotten) is
walked the way a resident reaches it, answering a whole diagnostic: nothing is wider than the
screen or scrolls sideways (WCAG 1.4.10), every target is at least 24 x 24 px or has the room
around it that WCAG 2.2 (2.5.8) accepts instead, boxes to tick keep one size when their label
wraps, and tables cut no word in two. « Texte plus grand » enlarges every kind of text.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from litestar.response import Template
from litestar.routes import HTTPRoute
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from app.access import Permission, permission_of
from app.asgi import create_app
from app.config import Settings
from app.db.models import Session
from tests.app.features.schedule.offer import seed_offer
from tests.e2e.badges import an_issued_badge
from tests.e2e.browsing import (
    adaptive_diagnostic,
    answer_until_the_end,
    diagnostic_id,
    larger_text,
    layout_problems,
    not_sure_about_paperwork,
    start_diagnostic,
    submit,
    text_sizes,
)
from tests.e2e.statistics import published_statistics
from tests.e2e.wallets import a_wallet

Check = Callable[[Any], None]
ENLARGED = 1.25  # « texte plus grand » is 30 % larger; every text must grow at least this much


def resident_routes(folder: Path) -> dict[str, re.Pattern[str]]:
    """Every page a resident may see: the public pages outside /pro that answer with a
    template, each with a pattern of its addresses."""
    app = create_app(Settings(database_url=f"sqlite+aiosqlite:///{folder / 'routes.sqlite3'}"))
    found = {}
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or route.path.startswith("/pro"):
            continue
        for handler in route.route_handlers:
            answers = handler.parsed_fn_signature.return_type
            if (
                "GET" in handler.http_methods
                and permission_of(handler) == Permission.PUBLIC
                and (answers.is_subclass_of(Template) or Template in answers.args)
            ):
                pattern = re.sub(r"\\\{[a-z_]+:uuid\\\}", "[0-9a-f-]{36}", re.escape(route.path))
                pattern = re.sub(r"\\\{[a-z_]+:str\\\}", "[^/]+", pattern)
                found[route.path] = re.compile(pattern)
    assert "/diagnostic/{diagnostic_id:uuid}/resultat" in found, found
    return found


def a_seance(server: Any) -> str:
    """A séance in Bourges with free seats, written into the service's database: its id."""

    async def go() -> str:
        engine = create_async_engine(f"sqlite+aiosqlite:///{server.database}")
        try:
            async with async_sessionmaker(engine, expire_on_commit=False)() as db:
                offer = await seed_offer(db)
                starts = datetime.now(UTC) + timedelta(days=5)
                seance = Session(
                    structure_id=offer.structure_id,
                    workshop_id=offer.workshop_id,
                    place_id=offer.place_id,
                    starts_at=starts,
                    ends_at=starts + timedelta(hours=2),
                    capacity=5,
                )
                db.add(seance)
                await db.commit()
                return str(seance.id)
        finally:
            await engine.dispose()

    # In a thread of its own: Playwright's event loop runs in this one.
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, go()).result()


def _settling_question(page: Any, check: Check) -> None:
    """The one or two questions asked after the goals when a chosen need rests on a
    competence the answers left unknown."""
    settling = adaptive_diagnostic(page.request, answer=not_sure_about_paperwork)
    page.goto(f"/diagnostic/{settling}/besoins")
    page.locator("input[name=needs][value=caf]").check()
    submit(page, "/besoins")
    page.locator("input[name=goal_caf][value=A3]").check()
    submit(page, "/objectifs")
    assert page.url.endswith("/precision"), page.url
    check(page)


def _checking_a_badge(page: Any, check: Check, badge: str) -> None:
    """The verification page, a pasted text that is no badge, a badge's verdict, its issuer's
    page and the page of a competence badges align to."""
    page.goto("/verifier")
    check(page)
    page.locator("#json").fill("pas un badge")
    submit(page, "/verifier")
    check(page)
    page.goto(f"/verifier?credential={badge}")
    check(page)
    issuer = page.request.get(f"/badges/{badge}", headers={"Accept": "application/ld+json"})
    page.goto(urlsplit(issuer.json()["issuer"]["id"]).path)
    check(page)
    page.goto("/referentiel/competences/C3")
    check(page)


def _open_data(page: Any, check: Check, year: int) -> None:
    """The offer's open data, and the statistics published for ``year``: the Cher's
    intercommunalities by need, with compound names (« Vierzon-Sologne-Berry ») in the rows,
    long needs (« rendez-vous ») in the columns, counts and « < 11 »."""
    page.goto("/offre/donnees-ouvertes")
    check(page)
    page.goto(f"/statistiques?niveau=epci&indicateur=needs&departement=18&annee={year}")
    assert page.locator("td", has_text=re.compile(r"^[^<]*\d$")).count(), "no count published"
    check(page)


def walk_every_resident_page(
    page: Any, check: Check, seance: str, wallet: str, badge: str, year: int
) -> None:
    """From the home page to the result as a beginner, with the detours a resident may take
    (a wrong resume code, a commune shared by several places, no need chosen, a wrong
    address), then finding help and a workshop near home and booking ``seance``, then a
    holder's ``wallet`` of badges and a link that opens none, then checking ``badge`` as a
    counsellor would, and the statistics published for ``year``; ``check`` is called on every
    page shown."""
    page.goto("/")
    check(page)
    page.goto("/reprendre")
    check(page)
    page.locator("#code").fill("ZZZZ-ZZZZ")
    submit(page, "/reprendre")
    check(page)
    page.goto("/cette-page-n-existe-pas")
    check(page)

    start_diagnostic(page)
    answer_until_the_end(page, "0", seen=check)
    identifier = diagnostic_id(page)
    check(page)
    page.locator("#commune_query").fill("Saint-Denis")
    submit(page, "/contexte")
    check(page)
    page.goto(f"/diagnostic/{identifier}/besoins")
    check(page)
    submit(page, "/besoins")  # nothing chosen
    check(page)
    page.goto(f"/diagnostic/{identifier}/besoins")
    for need in page.locator("input[name=needs]").all()[:2]:
        need.check()
    submit(page, "/besoins")
    check(page)
    submit(page, "/objectifs")
    check(page)
    page.goto(page.url.split("?")[0] + "?impression=1")
    check(page)
    _settling_question(page, check)

    page.goto("/aide-pres-de-chez-moi")
    check(page)
    page.goto("/aide-pres-de-chez-moi?besoin=telephone&commune=18000+Bourges")
    check(page)
    page.goto("/ateliers?commune=18000+Bourges")
    check(page)
    page.goto(f"/ateliers/{seance}/reserver")
    check(page)
    page.locator("#email").fill("reflow@example.org")
    page.locator("#consentement").check()
    submit(page, "/reserver")
    check(page)
    _open_data(page, check, year)
    page.goto(wallet)
    check(page)
    page.goto("/portefeuille/" + "A" * 43)
    check(page)
    _checking_a_badge(page, check, badge)


@pytest.mark.parametrize("size", ["normal", "larger"])
def test_every_resident_page_fits_a_320px_phone(
    new_context: Any, server: Any, tmp_path: Path, size: str
):
    routes = resident_routes(tmp_path)
    seance = a_seance(server)
    badge = an_issued_badge(server)
    wallet = a_wallet(server)
    year = published_statistics(server)
    page = new_context().new_page()
    if size == "larger":
        page.goto("/")
        larger_text(page)
    seen: set[str] = set()
    problems: list[str] = []

    def check(shown: Any) -> None:
        shown.wait_for_load_state("load")
        path = urlsplit(shown.url).path
        seen.update(name for name, pattern in routes.items() if pattern.fullmatch(path))
        problems.extend(layout_problems(shown))

    walk_every_resident_page(page, check, seance, wallet, badge, year)
    assert not problems, "\n".join(problems)
    assert seen == set(routes), (
        f"resident pages never shown: {sorted(set(routes) - seen)}: "
        "walk_every_resident_page must reach them"
    )


# The texts of each kind on the pages that hold them.
TEXTS = {
    "home": ["h1", "h2", "main p", "main li", "main button", ".top a", ".foot p"],
    "question": [".question", "legend .hint", ".scale button", ".scale .value", ".notice", ".code"],
    "context": ["h1", "main > p", "legend", "label.choice", "label[for=commune_query]", ".hint"],
    "result": ["h1", "h2", ".issued", ".notice", "caption", "th", "td", "summary", ".actions a"],
}


def _grows(page: Any, kind: str) -> list[str]:
    """Sizes of the page's texts in normal, then larger text; back to normal after."""
    normal = text_sizes(page, TEXTS[kind])
    larger_text(page)
    larger = text_sizes(page, TEXTS[kind])
    with page.expect_navigation():
        page.locator("a[href^='/preferences/texte']").click()
    return [
        f"{kind}: {selector} is {larger[selector]} px in larger text, {size} px in normal"
        for selector, size in normal.items()
        if larger[selector] < ENLARGED * size
    ]


def test_larger_text_enlarges_questions_headings_hints_and_tables(new_context: Any):
    page = new_context().new_page()
    page.goto("/")
    problems = _grows(page, "home")
    start_diagnostic(page)
    problems += _grows(page, "question")
    answer_until_the_end(page, "1")
    problems += _grows(page, "context")
    identifier = diagnostic_id(page)
    page.goto(f"/diagnostic/{identifier}/besoins")
    page.locator("input[name=needs]").first.check()
    submit(page, "/besoins")
    submit(page, "/objectifs")
    problems += _grows(page, "result")
    assert not problems, "\n".join(problems)
