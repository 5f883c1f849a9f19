"""The sessions pages in a browser at 320 px, keyboard first: a mediator schedules a session
in a few fields, a series, opens the list with its free seats, cancels one; each page passes
axe-core (WCAG 2.1 AA), does not scroll sideways and breaks no rule of the
Content-Security-Policy (the pages have no script: forms and links only)."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from tests.app.features.schedule.offer import Offer, seed_offer
from tests.e2e.browsing import (
    PolicyWatch,
    activate,
    log_in,
    page_problems,
    tab_to,
    tick,
    type_into,
)

HOME = "/pro/offre/sessions"


def _seed(server: Any) -> Offer:
    """The workshops and the place of the mediator's structure (the catalogue's pages are
    tested on their own, and may have added others to the same structure: the test chooses
    these by their ids)."""

    async def go() -> Offer:
        engine = create_async_engine(f"sqlite+aiosqlite:///{server.database}")
        async with async_sessionmaker(engine, expire_on_commit=False)() as db:
            offer = await seed_offer(db, "EPN des tests")
        await engine.dispose()
        return offer

    # In a thread of its own: Playwright's event loop runs in this one.
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, go()).result()


def _day(days: int) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).date().isoformat()


def test_a_mediator_schedules_sessions_with_the_keyboard_on_a_phone(
    new_context: Any, server: Any, mediator: tuple[str, str]
) -> None:
    offer = _seed(server)
    context = new_context()
    policy = PolicyWatch(context)
    page = context.new_page()
    log_in(page, *mediator, path=HOME)
    problems = page_problems(page, policy, "the empty list")

    activate(page, "a[href='/pro/offre/sessions/nouvelle']")
    problems += page_problems(page, policy, "the new session form")
    # Mistakes first: the summary comes with the focus, each message at its field.
    page.select_option("#workshop", str(offer.workshop_id))
    page.select_option("#place", str(offer.place_id))
    page.fill("#day", _day(-2))
    page.fill("#start", "14:00")
    activate(page, "main button[type=submit]")
    assert "Cette date est passée" in page.inner_text(".error-summary")
    problems += page_problems(page, policy, "the form with its mistakes")

    page.fill("#day", _day(6))
    type_into(page, "#capacity", "8")
    activate(page, "main button[type=submit]")
    assert page.url.endswith(HOME)
    assert "8 places libres" in page.inner_text("main")

    activate(page, "a[href='/pro/offre/sessions/nouvelle-serie']")
    problems += page_problems(page, policy, "the new series form")
    page.select_option("#workshop", str(offer.workshop_id))
    page.select_option("#place", str(offer.place_id))
    tick(page, "weekdays", "1")
    page.fill("#day", _day(1))
    page.fill("#start", "09:30")
    activate(page, "main button[type=submit]")
    assert "Série enregistrée : 6 séances" in page.inner_text("main")
    problems += page_problems(page, policy, "the list of sessions")

    activate(page, "a[href$='/annuler']")
    problems += page_problems(page, policy, "the cancellation form")
    type_into(page, "#reason", "La salle est fermée")
    activate(page, "main button[type=submit].danger")
    assert "La salle est fermée" in page.inner_text("main")

    page.goto(f"{HOME}/import")
    tab_to(page, "#file")
    problems += page_problems(page, policy, "the import page")
    page.set_input_files(
        "#file", files=[{"name": "s.csv", "mimeType": "text/csv", "buffer": b"atelier;jour\nx;y\n"}]
    )
    activate(page, "main form button[type=submit]")
    assert "Colonnes attendues" in page.inner_text("main")
    problems += page_problems(page, policy, "the import report")
    assert not problems, "\n\n".join(problems)
