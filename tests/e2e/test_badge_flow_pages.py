"""The professionals' badge pages in the browser, on a 320 px phone, with JavaScript and without: a
mediator notes an observed task (a mistake first, then right) and cuts a wallet link; a trainer
opens a session's badges, issues one for evidence without a badge, and revokes one after a
forgotten reason. axe-core finds nothing on any state of these pages, nothing scrolls sideways."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from app.config import Settings
from app.db.engine import make_engine, session_maker
from app.db.models import Attendance, EvidenceRecord, Person, Structure
from app.features.bookings import Mark, book, record_attendance
from app.features.wallet import new_link
from tests.app.features.bookings.offer import begin, new_session
from tests.e2e.browsing import axe_violations, describe_violations, layout_problems, log_in
from tests.e2e.conftest import BADGE_KEY
from tests.e2e.test_registrations import STRUCTURE, TRAINER, _account, _run

RAISES = [{"competence": "E1", "entry": 0, "exit": 2}]


def _clean(page: Any, where: str, javascript: bool) -> None:
    """axe-core finds nothing, nothing scrolls sideways (axe needs JavaScript: runs without it
    only walk the pages)."""
    if not javascript:
        return
    violations = axe_violations(page)
    assert not violations, describe_violations(where, violations)
    problems = layout_problems(page)
    assert not problems, f"{where}: {problems}"


def _page(new_context: Any, javascript: bool) -> Any:
    return new_context(java_script_enabled=javascript).new_page()


def _settings(server: Any) -> Settings:
    return Settings(
        database_url=f"sqlite+aiosqlite:///{server.database}",
        public_url=server.url,
        secret_key="e2e-secret-key-not-for-production",
        badge_key=BADGE_KEY,
    )


def _person_with_a_link(server: Any, alias: str) -> str:
    async def go() -> str:
        engine = create_async_engine(f"sqlite+aiosqlite:///{server.database}")
        try:
            async with AsyncSession(engine, expire_on_commit=False) as db:
                owner = await db.scalar(select(Structure.id).where(Structure.name == STRUCTURE))
                person = Person(structure_id=owner, alias=alias)
                db.add(person)
                await db.flush()
                await new_link(db, person.id, created_by=None)
                await db.commit()
                return str(person.id)
        finally:
            await engine.dispose()

    return str(_run(go()))


def _session_with_a_badge_and_older_evidence(server: Any) -> str:
    """A begun session where Gisèle passed the exit check (a badge), her booking also carrying
    evidence written before badges existed (no badge yet), as the service writes them."""
    settings = _settings(server)

    async def go() -> str:
        engine = make_engine(settings)
        try:
            async with session_maker(settings, engine)() as db:
                owner = await db.scalar(select(Structure.id).where(Structure.name == STRUCTURE))
                session = await new_session(db, structure_id=owner, competences=RAISES)
                person = Person(structure_id=owner, alias="Gisèle")
                db.add(person)
                await db.flush()
                booking = await book(db, session.id, person=person)
                await begin(db, session)
                marks = [Mark(booking.id, Attendance.SEEN, True)]
                await record_attendance(db, session, marks, by=None)
                db.add(
                    EvidenceRecord(
                        person_id=person.id,
                        structure_id=owner,
                        kind="exit_check",
                        competence="C2",
                        level=2,
                        passed=True,
                        booking_id=booking.id,
                        observed="Chercher les horaires de la mairie",
                        recorded_at=datetime.now(UTC),
                    )
                )
                await db.commit()
                return str(session.id)
        finally:
            await engine.dispose()

    return str(_run(go()))


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_a_mediator_notes_an_observed_task_and_cuts_a_wallet_link(
    server, mediator, new_context, javascript
):
    person = _person_with_a_link(server, "Colette")
    page = _page(new_context, javascript)
    log_in(page, *mediator, path=f"/pro/personnes/{person}")
    _clean(page, "the person's page with the observed-task form", javascript)
    with page.expect_navigation():
        page.click("form.observed-task button[type=submit]")  # no task chosen
    assert page.url.endswith(f"/pro/personnes/{person}/taches-observees"), page.url
    assert "Choisissez la tâche" in page.inner_text(".error-summary")
    _clean(page, "the observed-task form with a mistake", javascript)
    page.select_option("#tache", "C1.1")
    with page.expect_navigation():
        page.click("form.observed-task button[type=submit]")
    assert "Tâche observée notée" in page.inner_text("main")
    _clean(page, "the person's page after an observed task", javascript)

    page.goto(f"/pro/personnes/{person}/portefeuille")
    _clean(page, "the wallet page with a link to cut", javascript)
    with page.expect_navigation():
        page.click("text=Couper le lien, sans en créer un autre")
    assert "Le lien du portefeuille est coupé" in page.inner_text("main")
    _clean(page, "the wallet page once the link is cut", javascript)


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_a_trainer_issues_and_revokes_from_the_badges_pages(
    server, mediator, new_context, javascript
):
    _account(server, *TRAINER, "trainer")
    session = _session_with_a_badge_and_older_evidence(server)
    page = _page(new_context, javascript)
    log_in(page, *TRAINER, path=f"/pro/offre/sessions/{session}/inscriptions")
    with page.expect_navigation():
        page.click("text=Les badges de cette séance")
    _clean(page, "a session's badges", javascript)
    with page.expect_navigation():
        page.click("main form[action='/pro/badges/delivrer'] button")
    assert "Badge délivré" in page.inner_text("main")
    assert page.locator("form[action='/pro/badges/delivrer']").count() == 0
    _clean(page, "a session's badges after issuing one", javascript)

    with page.expect_navigation():
        page.locator("main a[href$='/revoquer?seance=" + session + "']").first.click()
    _clean(page, "the revocation page", javascript)
    with page.expect_navigation():
        page.click("main button[type=submit]")  # no reason given
    assert "Donnez la raison" in page.inner_text(".error-summary")
    _clean(page, "the revocation page with a mistake", javascript)
    page.fill("#raison", "Badge noté pour la mauvaise personne")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    main = page.inner_text("main")
    assert "Badge révoqué" in main and "Badge noté pour la mauvaise personne" in main
    page.goto("/pro/badges")
    _clean(page, "the structure's badges", javascript)
