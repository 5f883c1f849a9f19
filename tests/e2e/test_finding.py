"""The offer's public pages in a real browser, at 320 px: the search for workshops, « Trouver de
l'aide près de chez moi », booking a seat and the resident's own booking page. axe-core
(WCAG 2.1 A and AA) on each, no sideways scrolling, nothing refused by the
Content-Security-Policy; and the whole booking done with JavaScript turned off."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from uuid import UUID

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from tests.app.features.finding import offer
from tests.e2e.browsing import PolicyWatch, layout_problems, page_problems

BOURGES, SAINT_DOULCHARD = "18033", "18205"
SOLIDARITY = "Acquisition de matériel informatique à prix solidaire"


@pytest.fixture(scope="module")
def sessions(server: Any) -> dict[str, UUID]:
    """An offer in the served database: a place that sells computers at a solidarity price, a
    workshop with free seats and a full one."""

    async def build() -> dict[str, UUID]:
        engine = create_async_engine(f"sqlite+aiosqlite:///{server.database}")
        try:
            async with async_sessionmaker(engine, expire_on_commit=False)() as db:
                s = await offer.structure(db, "Ressourcerie du Cher")
                p = await offer.place(
                    db,
                    s,
                    SAINT_DOULCHARD,
                    name="Ressourcerie numérique",
                    services=[SOLIDARITY, "Maîtrise des outils numériques du quotidien"],
                    opening_hours="Mo-Fr 09:00-12:00,14:00-17:30; PH off",
                    phone="+33248123456",
                    directions="Bus ligne 3, arrêt Mairie",
                    accessibility="Entrée de plain-pied",
                )
                w = await offer.workshop(db, s, ("E1", "C1"))
                made = {
                    "free": await offer.session(db, s, w, p, capacity=12, confirmed=9),
                    "full": await offer.session(db, s, w, p, capacity=4, confirmed=4, in_days=5),
                }
                await db.commit()
                return made
        finally:
            await engine.dispose()

    # Playwright's own event loop runs in this thread: the writes run in another.
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, build()).result()


Setup = Callable[[Any, dict[str, UUID]], None]


def _goto(path: str) -> Setup:
    def setup(page: Any, made: dict[str, UUID]) -> None:
        page.goto(path.format(**made))

    return setup


def _booked(email: str, session: str) -> Setup:
    def setup(page: Any, made: dict[str, UUID]) -> None:
        page.goto(f"/ateliers/{made[session]}/reserver")
        page.locator("#email").fill(email)
        page.locator("#consentement").check()
        with page.expect_navigation():
            page.locator("form[action$='/reserver'] button[type=submit]").click()
        assert "/reservations/" in page.url, page.url

    return setup


def _not_consenting(page: Any, made: dict[str, UUID]) -> None:
    page.goto(f"/ateliers/{made['free']}/reserver")
    page.locator("#email").fill("pas-de-case@example.org")
    with page.expect_navigation():
        page.locator("form[action$='/reserver'] button[type=submit]").click()
    assert page.locator("[role=alert]").count() == 1


PAGES: dict[str, Setup] = {
    "search": _goto("/ateliers"),
    "search-results": _goto("/ateliers?commune=Bourges&apprendre=C1&complet=1"),
    "search-ambiguous-commune": _goto("/ateliers?commune=Saint-Denis"),
    "search-en": _goto("/ateliers?commune=Bourges&lang=en"),
    "help": _goto("/aide-pres-de-chez-moi"),
    "help-results": _goto("/aide-pres-de-chez-moi?besoin=equipement&commune=18000+Bourges"),
    "help-unknown-commune": _goto("/aide-pres-de-chez-moi?commune=Zzyzx-sur-Mer"),
    "book": _goto("/ateliers/{free}/reserver"),
    "book-without-consent": _not_consenting,
    "my-booking": _booked("lucienne@example.org", "free"),
    "my-booking-waiting": _booked("marcel@example.org", "full"),
}


@pytest.mark.parametrize("name", list(PAGES))
def test_offer_page_is_accessible_at_320_px(
    name: str, shared_page: Any, policy: PolicyWatch, sessions: dict[str, UUID]
) -> None:
    page = shared_page
    page.context.clear_cookies(name=re.compile(r"^(lang|texte)$"))
    PAGES[name](page, sessions)
    problems = page_problems(page, policy, name) + layout_problems(page)
    assert not problems, "\n\n".join(problems)


def test_a_resident_books_and_cancels_without_javascript(
    new_context: Any, sessions: dict[str, UUID]
) -> None:
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/")
    with page.expect_navigation():
        page.locator("a[href='/aide-pres-de-chez-moi']").click()
    page.locator("input[name=besoin][value=equipement]").check()
    # the place's own commune: its sessions come first, whatever other tests offer in Bourges
    page.locator("#commune").fill("Saint-Doulchard")
    with page.expect_navigation():
        page.locator("form[action='/aide-pres-de-chez-moi'] button[type=submit]").click()
    assert "Ressourcerie numérique" in page.locator("main").inner_text()
    assert page.locator("a[href='tel:+33248123456']").count() == 1
    with page.expect_navigation():
        page.locator(f"a[href='/ateliers/{sessions['free']}/reserver']").click()
    page.locator("#telephone").fill("06 12 34 56 78")
    page.locator("#consentement").check()
    with page.expect_navigation():
        page.locator("form[action$='/reserver'] button[type=submit]").click()
    assert "Votre place est réservée" in page.locator("main").inner_text()
    with page.expect_download() as download:
        page.locator("a[href*='/invitation.ics']").click()
    assert download.value.suggested_filename == "atelier.ics"
    with page.expect_navigation():
        page.locator("form[action$='/annuler'] button[type=submit]").click()
    assert "Votre inscription est annulée" in page.locator("main").inner_text()
