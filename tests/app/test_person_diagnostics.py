"""A person's diagnostics as their mediator works with them: a diagnostic run with the person
starts from what their record knows and comes back to their page; every row of the follow-up
opens the diagnostic with its needs, goals and answers."""

from __future__ import annotations

import re
import uuid
from typing import Any
from uuid import UUID

from app.db.models import Role
from referentiel import load_referential
from tests.app.test_audit import trail
from tests.app.test_mediator_pages import (
    create_person,
    diagnostics,
    login,
    paper_form,
    text_of,
    token,
)

REF = load_referential()
CAF = next(need for need in REF.needs if need.code == "caf")
A3 = next(level for level in REF.autonomy_levels if level.code == "A3")


def _answer_every_question(client: Any, diagnostic_id: str) -> None:
    for _ in range(60):
        page = client.get(f"/diagnostic/{diagnostic_id}/question", follow_redirects=False)
        if page.status_code == 303:
            assert page.headers["location"].endswith("/contexte")
            return
        item = re.search(r'name="item" value="([^"]+)"', page.text)
        assert item, page.text
        client.post(
            f"/diagnostic/{diagnostic_id}/question",
            data={"_csrf_token": token(client), "item": item.group(1), "value": "2"},
        )
    raise AssertionError("the questions never ended")


def test_a_diagnostic_with_the_person_starts_from_their_record_and_ends_on_their_page(
    backend, client
):
    email, _ = backend.user(Role.MEDIATOR)
    login(client, email)
    person_id = create_person(
        client, "Huguette", birth_year_band="soixante_dix_plus", commune="03000 Moulins"
    )
    started = client.post(
        f"/pro/personnes/{person_id}/diagnostic",
        data={"_csrf_token": token(client)},
        follow_redirects=False,
    )
    [diagnostic] = diagnostics(backend, person_id=UUID(person_id))
    assert started.headers["location"] == f"/diagnostic/{diagnostic.id}/question"
    assert diagnostic.context == {"age_band": "soixante_dix_plus", "commune": "03190"}

    _answer_every_question(client, str(diagnostic.id))
    form = client.get(f"/diagnostic/{diagnostic.id}/contexte").text
    assert re.search(r'value="soixante_dix_plus"\s+checked', form), "the age band is ticked"
    assert 'name="commune_query" type="text" autocomplete="postal-code" value="03000 Moulins"' in (
        form
    )
    sent = {"_csrf_token": token(client), "commune_query": "03000 Moulins"}
    sent |= {"age_band": "soixante_dix_plus", "knows_help": "oui"}
    client.post(f"/diagnostic/{diagnostic.id}/contexte", data=sent)
    client.post(
        f"/diagnostic/{diagnostic.id}/besoins", data={"_csrf_token": token(client), "needs": "caf"}
    )
    finished = client.post(
        f"/diagnostic/{diagnostic.id}/objectifs",
        data={"_csrf_token": token(client), "goal_caf": "A3"},
        follow_redirects=False,
    )
    assert finished.status_code == 303
    assert finished.headers["location"] == f"/pro/personnes/{person_id}"
    person_page = client.get(finished.headers["location"]).text
    assert "Diagnostic terminé et enregistré dans la fiche" in text_of(person_page)
    [done] = diagnostics(backend, person_id=UUID(person_id))
    assert done.context["commune"] == "03190" and done.context["age_band"] == "soixante_dix_plus"
    assert done.goals == {"caf": "A3"}

    opened = f"/pro/personnes/{person_id}/diagnostics/{done.id}"
    assert f'href="{opened}"' in person_page  # the row opens the diagnostic
    shown = text_of(client.get(opened).text)
    assert CAF.label in shown and A3.label in shown  # the need, and the goal chosen
    for item_id in done.answers:
        assert REF.item(item_id).text in shown  # every answer, with its question
    assert "Moulins (03000)" in shown and "Oui" in shown  # what the person said
    assert "diagnostic.read" in [event.action for event in trail(backend, email)]


def test_a_paper_form_opens_with_its_correction_and_the_correction_is_linked(backend, client):
    email, _ = backend.user(Role.MEDIATOR)
    login(client, email)
    person_id = create_person(client, "Roger")
    path = f"/pro/personnes/{person_id}/papier"
    client.post(path, data=paper_form(client, path, needs=["caf"], **{"goal-caf": "A2"}))
    [first] = diagnostics(backend, person_id=UUID(person_id))
    opened = client.get(f"/pro/personnes/{person_id}/diagnostics/{first.id}").text
    correct = f"/pro/personnes/{person_id}/diagnostics/{first.id}/corriger"
    assert f'href="{correct}"' in opened and CAF.label in text_of(opened)
    client.post(correct, data=paper_form(client, correct, needs=["caf"], **{"goal-caf": "A3"}))
    corrected = next(d for d in diagnostics(backend, person_id=UUID(person_id)) if d.id != first.id)
    again = text_of(client.get(f"/pro/personnes/{person_id}/diagnostics/{first.id}").text)
    assert "Cette saisie a été corrigée" in again and "Corriger la saisie" not in again
    newer = client.get(f"/pro/personnes/{person_id}/diagnostics/{corrected.id}").text
    assert f'href="{correct}"' not in newer and A3.label in text_of(newer)


def test_a_diagnostic_opens_only_under_its_own_person(backend, client):
    email, _ = backend.user(Role.MEDIATOR)
    login(client, email)
    mine, other = create_person(client, "Alice"), create_person(client, "Bernard")
    path = f"/pro/personnes/{mine}/papier"
    client.post(path, data=paper_form(client, path))
    [diagnostic] = diagnostics(backend, person_id=UUID(mine))
    for person_id, diagnostic_id in (
        (other, diagnostic.id),  # someone else's diagnostic under this person
        (mine, uuid.uuid4()),  # a diagnostic that does not exist
    ):
        response = client.get(f"/pro/personnes/{person_id}/diagnostics/{diagnostic_id}")
        assert response.status_code == 404
        assert "Alice" not in response.text
