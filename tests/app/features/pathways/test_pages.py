"""The result page proposes, per need, a goal, a modality and up to 3 steps with sessions to
book, explains itself behind « Pourquoi … ? », lets the person change a goal and say whether the
proposal suits them."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

from sqlalchemy import select

from app.db.models import (
    Booking,
    FeedbackKind,
    Pathway,
    PathwayFeedback,
    PathwayStep,
    Recommendation,
)
from tests.app.features.finding import offer
from tests.app.features.finding.test_pages import book_seat
from tests.app.features.finding.test_search import seed
from tests.app.resident import answer_all, start, token
from tests.app.test_mediator_pages import text_of

SANCERRE = "18241"
FAMILY = "proches"


def phone_workshop(backend: Any, insee: str = SANCERRE, **fields: Any) -> dict[str, Any]:
    """« Prendre en main son téléphone » (E1, entry 0, exit 2) in the commune, seats free."""

    async def build(db: Any) -> dict[str, Any]:
        s = await offer.structure(db)
        w = await offer.workshop(db, s, ("E1", "E2", "C1"), **fields)
        p = await offer.place(db, s, insee, name="Maison France Services")
        return {"session": await offer.session(db, s, w, p), "place": p}

    return seed(backend, build)


def resident_result(client: Any, answer: str = "1", goal: str | None = "A3") -> str:
    """A resident who answers every question ``answer``, lives in Sancerre, wants to talk
    with family and chose ``goal``; the diagnostic's id."""
    diagnostic = start(client)
    answer_all(client, diagnostic, lambda _item: answer)
    client.post(
        f"/diagnostic/{diagnostic}/contexte",
        data={"_csrf_token": token(client), "commune_query": "Sancerre", "equipment": "smartphone"},
    )
    client.post(
        f"/diagnostic/{diagnostic}/besoins", data={"_csrf_token": token(client), "needs": FAMILY}
    )
    goals = {f"goal_{FAMILY}": goal} if goal else {}
    page = client.post(
        f"/diagnostic/{diagnostic}/objectifs", data={"_csrf_token": token(client), **goals}
    )
    assert str(page.url).endswith(f"/diagnostic/{diagnostic}/resultat"), page.url
    return diagnostic


def rows(backend: Any, model: Any, diagnostic: str) -> list[Any]:
    async def go(db: Any) -> list[Any]:
        return list(await db.scalars(select(model).where(model.diagnostic_id == UUID(diagnostic))))

    return list(backend.run(go))


def steps_of(backend: Any, pathway: UUID) -> list[Any]:
    async def go(db: Any) -> list[Any]:
        found = select(PathwayStep).where(PathwayStep.pathway_id == pathway)
        return list(await db.scalars(found.order_by(PathwayStep.position)))

    return list(backend.run(go))


def test_the_result_proposes_steps_with_sessions_to_book_and_says_why(backend, client):
    made = phone_workshop(backend)
    diagnostic = resident_result(client)
    page = client.get(f"/diagnostic/{diagnostic}/resultat")
    assert page.status_code == 200
    shown = text_of(page.text)
    assert "Parler avec mes proches" in shown and "Les prochaines étapes" in shown
    assert "Prendre en main son téléphone" in shown
    link = f"/ateliers/{made['session']}/reserver?diagnostic={diagnostic}"
    assert f'href="{link}"' in page.text
    # the reasons of a step and of its need, each said apart
    assert "<summary>Pourquoi cette étape ?</summary>" in page.text
    assert "<summary>Pourquoi cet objectif et cette façon de faire ?</summary>" in page.text
    assert "Cette proposition vous convient-elle ?" in shown
    assert f'href="/diagnostic/{diagnostic}/objectifs"' in page.text
    # what was shown is kept, with the rules' version; the pathway per need with its steps
    [shown_row] = rows(backend, Recommendation, diagnostic)
    assert shown_row.rules_version and shown_row.model_version is None
    [pathway] = rows(backend, Pathway, diagnostic)
    assert (pathway.need, pathway.goal) == (FAMILY, "A3")
    assert [s.competence for s in steps_of(backend, pathway.id)][:1] == ["E1"]
    # seeing the page again adds no copy of the same proposal
    client.get(f"/diagnostic/{diagnostic}/resultat")
    assert len(rows(backend, Recommendation, diagnostic)) == 1
    booked = book_seat(client, made["session"], email="rene@example.org", diagnostic=diagnostic)

    async def linked(db: Any) -> UUID | None:
        booking_id = UUID(urlsplit(booked.headers["location"]).path.rsplit("/", 1)[1])
        return (await db.get(Booking, booking_id)).diagnostic_id

    assert backend.run(linked) == UUID(diagnostic)


def test_yes_or_no_per_need_is_kept_as_feedback(backend, client):
    diagnostic = resident_result(client)
    client.get(f"/diagnostic/{diagnostic}/resultat")
    page = client.post(
        f"/diagnostic/{diagnostic}/proposition/avis",
        data={"_csrf_token": token(client), "need": FAMILY, "fits": "non"},
    )
    assert "Merci, votre avis est enregistré." in text_of(page.text)
    # a need the person did not choose, or an answer that is neither yes nor no: nothing kept
    for need, fits in (("impots", "oui"), (FAMILY, "peut-être")):
        client.post(
            f"/diagnostic/{diagnostic}/proposition/avis",
            data={"_csrf_token": token(client), "need": need, "fits": fits},
        )
    [feedback] = rows(backend, PathwayFeedback, diagnostic)
    assert (feedback.need, feedback.kind, feedback.value) == (
        FAMILY,
        FeedbackKind.RESIDENT,
        {"fits": False},
    )
    assert feedback.recommendation_id is not None and feedback.by_user_id is None


def test_a_goal_changed_from_the_result_changes_the_proposal_not_the_diagnostic(backend, client):
    diagnostic = resident_result(client, goal="A3")
    client.get(f"/diagnostic/{diagnostic}/resultat")
    before = client.get(f"/api/v1/diagnostics/{diagnostic}").json()
    form = client.get(f"/diagnostic/{diagnostic}/objectifs")
    assert re.search(r'value="A3" checked', form.text)
    page = client.post(
        f"/diagnostic/{diagnostic}/objectifs",
        data={"_csrf_token": token(client), f"goal_{FAMILY}": "A1"},
    )
    assert str(page.url).endswith("/resultat")
    shown = text_of(page.text)
    assert "Je sais où trouver de l'aide" in shown
    assert "Trouver de l'aide près de chez moi" in shown
    [pathway] = rows(backend, Pathway, diagnostic)
    assert (pathway.goal, pathway.modality) == ("A1", "orientation")
    assert steps_of(backend, pathway.id) == []  # orientation: a place, no workshop
    assert client.get(f"/api/v1/diagnostics/{diagnostic}").json() == before
    assert re.search(r'value="A1" checked', client.get(f"/diagnostic/{diagnostic}/objectifs").text)
