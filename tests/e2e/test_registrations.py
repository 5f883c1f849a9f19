"""The trainer's list of a session, in the browser, on a 320 px phone, with the keyboard only
and without JavaScript: attendance and exit checks recorded with one « Enregistrer », a
revoked seat handed to the first person waiting; and a mediator booking a person from their
page. axe-core finds nothing on any of these pages."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from app.db.models import Person, Structure
from app.features.bookings import book
from tests.app.features.bookings.offer import begin, new_session
from tests.e2e.browsing import (
    axe_violations,
    choose_radio,
    describe_violations,
    layout_problems,
    log_in,
    tab_to,
)

STRUCTURE = "EPN des tests"  # the mediator fixture's structure
TRAINER = ("formatrice@e2e.example.org", "correct horse battery e2e")


def _account(server: Any, email: str, password: str, role: str) -> None:
    env = {**os.environ, "PARCOURS_DATABASE_URL": f"sqlite+aiosqlite:///{server.database}"}
    subprocess.run(
        [
            str(Path(sys.executable).parent / "parcours"),
            *("users", "create", email, "--role", role, "--structure", STRUCTURE),
        ],
        input=password.encode(),
        env=env,
        cwd=server.database.parent,
        check=False,  # made already by an earlier test: fine
        capture_output=True,
    )


def _seed(
    server: Any, capacity: int, people: list[str], *, begun: bool = False
) -> tuple[str, list[str]]:
    """A séance of the structure booked by ``people`` (aliases of new records, or e-mail
    addresses), written straight into the service's database, and then ``begun`` if asked
    (who came is noted once it has); its id and the bookings'."""

    async def go() -> tuple[str, list[str]]:
        engine = create_async_engine(f"sqlite+aiosqlite:///{server.database}")
        try:
            async with AsyncSession(engine, expire_on_commit=False) as db:
                owner = await db.scalar(select(Structure.id).where(Structure.name == STRUCTURE))
                session = await new_session(db, structure_id=owner, capacity=capacity)
                ids = []
                for who in people:
                    if "@" in who:
                        booking = await book(db, session.id, email=who)
                    else:
                        person = Person(structure_id=owner, alias=who)
                        db.add(person)
                        await db.flush()
                        booking = await book(db, session.id, person=person)
                    await db.commit()
                    ids.append(str(booking.id))
                if begun:
                    await begin(db, session)
                return str(session.id), ids
        finally:
            await engine.dispose()

    return _run(go())


def _run(coroutine: Any) -> Any:
    """Run database work beside Playwright, whose own event loop holds this thread."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def _clean(page: Any) -> None:
    violations = axe_violations(page)
    assert not violations, describe_violations(page.url, violations)
    assert not layout_problems(page), layout_problems(page)


def test_the_trainer_marks_the_list_with_the_keyboard(server, mediator, new_context):
    _account(server, *TRAINER, "trainer")
    session, ids = _seed(
        server, 2, ["Ginette", "sans.fiche@exemple.fr", "attend@exemple.fr"], begun=True
    )
    page = new_context().new_page()
    path = f"/pro/offre/sessions/{session}/inscriptions"
    log_in(page, *TRAINER, path=path)
    _clean(page)
    assert "Inscription sans fiche" in page.inner_text("main")

    choose_radio(page, f"presence-{ids[0]}", "seen")
    choose_radio(page, f"fin-{ids[0]}", "oui")
    choose_radio(page, f"presence-{ids[1]}", "excused")
    tab_to(page, "main form.attendance button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(path), page.url
    main = page.inner_text("main")
    assert "Présences et fins d'atelier enregistrées." in main
    assert "Noté par formatrice@e2e.example.org" in main
    assert page.is_checked(f"input[name=presence-{ids[0]}][value=seen]")
    assert page.is_checked(f"input[name=fin-{ids[0]}][value=oui]")
    assert page.is_checked(f"input[name=presence-{ids[1]}][value=excused]")
    _clean(page)


def test_the_list_works_without_javascript(server, mediator, new_context):
    _account(server, *TRAINER, "trainer")
    session, ids = _seed(server, 1, ["Paulette", "attend@exemple.fr"], begun=True)
    page = new_context(java_script_enabled=False).new_page()
    path = f"/pro/offre/sessions/{session}/inscriptions"
    log_in(page, *TRAINER, path=path)
    page.check(f"input[name=presence-{ids[0]}][value=noshow]")
    page.check(f"input[name=fin-{ids[0]}][value=oui]")
    with page.expect_navigation():
        page.click("main form.attendance button[type=submit]")
    assert "la fin d'atelier ne se valide que pour une personne venue" in page.inner_text("main")
    page.check(f"input[name=presence-{ids[0]}][value=seen]")
    with page.expect_navigation():
        page.click("main form.attendance button[type=submit]")
    assert "Présences et fins d'atelier enregistrées." in page.inner_text("main")
    with page.expect_navigation():
        page.click("main ol.waiting button[type=submit]")
    assert "Personne n'attend." in page.inner_text("main")


def test_a_mediator_books_a_person_from_their_page_with_the_keyboard(server, mediator, new_context):
    session, _ = _seed(server, 1, [])
    page = new_context().new_page()
    log_in(page, *mediator)

    async def person_id() -> str:
        engine = create_async_engine(f"sqlite+aiosqlite:///{server.database}")
        try:
            async with AsyncSession(engine, expire_on_commit=False) as db:
                owner = await db.scalar(select(Structure.id).where(Structure.name == STRUCTURE))
                person = Person(structure_id=owner, alias="Raymonde")
                db.add(person)
                await db.commit()
                return str(person.id)
        finally:
            await engine.dispose()

    person = _run(person_id())
    page.goto(f"/pro/personnes/{person}")
    _clean(page)
    tab_to(page, f"a[href='/pro/personnes/{person}/inscriptions']")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    _clean(page)
    choose_radio(page, "session", session)
    tab_to(page, "main form button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert UUID(page.url.rstrip("/").split("/")[-1]) == UUID(person)
    main = page.inner_text("main")
    assert "Raymonde a une place." in main and "Place confirmée" in main
    _clean(page)
