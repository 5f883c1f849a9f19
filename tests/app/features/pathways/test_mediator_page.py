"""The mediator's page of a person's pathway: the same proposal as the person's result, what
is kept per need, and forms to accept, edit or replace the steps, stored with who and when;
the progress between two diagnostics per domain and per need."""

from __future__ import annotations

from typing import Any

from app.db.models import FeedbackKind, Pathway, PathwayFeedback
from tests.app.features.pathways.test_api import inline
from tests.app.features.pathways.test_pages import FAMILY, phone_workshop, rows, steps_of
from tests.app.resident import token
from tests.app.test_mediator_pages import create_person, text_of


def person_with_diagnostic(
    client: Any, headers: dict[str, str], answer: int = 1
) -> tuple[str, str]:
    person = create_person(client, "Odette", commune="18241")
    body = inline(
        person_id=person, channel="paper", answers=dict.fromkeys(inline()["answers"], answer)
    )
    made = client.post("/api/v1/diagnostics", json=body, headers=headers)
    assert made.status_code == 201, made.text
    return person, made.json()["id"]


def replacing(client: Any, low: str, high: str) -> dict[str, str]:
    """The « replace the steps » form with one step: C1 from ``low`` to ``high``."""
    return {
        "_csrf_token": token(client),
        "need": FAMILY,
        "decision": "replaced",
        "step1_competence": "C1",
        "step1_from": low,
        "step1_to": high,
    }


def test_the_mediator_sees_the_proposal_and_books_decides_and_replaces_steps(
    backend, client, mediator
):
    made = phone_workshop(backend)
    person, diagnostic = person_with_diagnostic(client, mediator)
    assert f'href="/pro/personnes/{person}/parcours"' in client.get(f"/pro/personnes/{person}").text
    page = client.get(f"/pro/personnes/{person}/parcours")
    assert page.status_code == 200
    shown = text_of(page.text)
    assert "Parler avec mes proches" in shown and "Prendre en main son téléphone" in shown
    assert f'name="session" value="{made["session"]}"' in page.text  # a seat for the person
    assert "Pourquoi cet objectif et cette façon de faire ?" in shown
    assert "Accepter la proposition" in shown
    path = f"/pro/personnes/{person}/parcours/decision"
    accepted = client.post(
        path, data={"_csrf_token": token(client), "need": FAMILY, "decision": "accepted"}
    )
    assert "Décision enregistrée" in text_of(accepted.text)
    assert "Décidé par un médiateur" in text_of(accepted.text)
    replaced = client.post(path, data=replacing(client, "1", "3"))
    assert "Décision enregistrée" in text_of(replaced.text)
    [pathway] = rows(backend, Pathway, diagnostic)
    assert [(s.competence, s.to_level) for s in steps_of(backend, pathway.id)] == [("C1", 3)]
    kinds = sorted(f.kind for f in rows(backend, PathwayFeedback, diagnostic))
    assert kinds == sorted([FeedbackKind.ACCEPTED, FeedbackKind.REPLACED])
    # a step that does not go up: nothing kept, the reason on the page
    wrong = client.post(path, data=replacing(client, "3", "1"))
    assert "Rien n'est enregistré" in text_of(wrong.text)
    assert [s.competence for s in steps_of(backend, pathway.id)] == ["C1"]


def test_a_second_diagnostic_shows_progress_per_domain_and_per_need(backend, client, mediator):
    person, _first = person_with_diagnostic(client, mediator, answer=1)
    body = inline(person_id=person, channel="paper", answers=dict.fromkeys(inline()["answers"], 3))
    assert client.post("/api/v1/diagnostics", json=body, headers=mediator).status_code == 201
    page = text_of(client.get(f"/pro/personnes/{person}/parcours").text)
    assert "Ses progrès depuis le diagnostic précédent" in page
    assert "Environnement et équipement 1 3" in page
    assert "appels vidéo) Je le fais avec quelqu'un Je le fais sans aide" in page
