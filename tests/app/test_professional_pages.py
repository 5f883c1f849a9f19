"""Every professional page keeps the way out (« Se déconnecter »), whoever reads it and whatever
it answers, and each role lands after logging in on a page made for it."""

from __future__ import annotations

import re
import uuid
from typing import Any

from app.db.models import Role
from referentiel import load_referential
from tests.app.conftest import PASSWORD, csrf
from tests.app.test_access_matrix import callers, routes

__all__ = ["callers"]  # the fixture: a logged-in browser and a token per role

LOGOUT = 'action="/pro/deconnexion"'
PAPER = {item.id: 2 for item in load_referential().form_items("papier")}


def _own_records(client: Any) -> dict[str, str]:
    """A person of the caller's structure and one of their diagnostics (API, with the token)."""
    person = client.post("/api/v1/people", json={"alias": "Odile", "consent": True})
    assert person.status_code == 201, person.text
    diagnostic = client.post(
        "/api/v1/diagnostics",
        json={"answers": PAPER, "channel": "paper", "person_id": person.json()["id"]},
    )
    assert diagnostic.status_code == 201, diagnostic.text
    return {"person_id": person.json()["id"], "diagnostic_id": diagnostic.json()["id"]}


def _concrete(template: str, ids: dict[str, str]) -> str:
    def fill(match: re.Match[str]) -> str:
        # A file to download is not a page: its route is reached with an unknown id (404 page).
        known = ids.get(match.group(1)) if not template.endswith(".pdf") else None
        return known or str(uuid.uuid4())

    return re.sub(r"\{([a-z_]+):uuid\}", fill, template)


def test_every_professional_page_has_a_logout_link(callers):
    missing = []
    for role, client in callers.items():
        if role is None:
            continue
        ids = _own_records(client) if role in (Role.MEDIATOR, Role.ADMIN) else {}
        for method, template, _handler in routes(client.app):
            if method != "GET" or not template.startswith("/pro"):
                continue
            path = _concrete(template, ids)
            response = client.get(path)
            if not response.headers.get("content-type", "").startswith("text/html"):
                continue
            if LOGOUT not in response.text:
                missing.append(f"{role.value} GET {path}: {response.status_code}")
    assert not missing, "no logout link on:\n" + "\n".join(missing)


def _log_in(client: Any, email: str) -> str:
    response = client.post(
        "/pro/connexion",
        data={"email": email, "password": PASSWORD, "_csrf_token": csrf(client), "next": "/pro"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    location: str = response.headers["location"]
    return location


def test_a_trainer_lands_on_a_page_made_for_trainers_and_every_link_on_it_opens(backend, client):
    email, structure = backend.user(Role.TRAINER)
    landing = _log_in(client, email)
    assert landing == "/pro/formation"
    home = client.get(landing)
    assert home.status_code == 200
    assert "Espace formateur" in home.text and structure in home.text
    main = home.text.split('<main id="contenu"', 1)[1]
    links = set(re.findall(r'href="(/[^"]*)"', main))
    assert {"/pro/offre", "/", "/pro/formulaires", "/pro/compte"} <= links  # the offer first
    for link in links:
        assert client.get(link).status_code == 200, link
    # the header's « Espace professionnel » leads there too, not to a refusal
    assert 'href="/pro/formation">Espace professionnel' in home.text


def test_a_mediator_still_lands_on_the_people_they_follow(backend, client):
    email, _ = backend.user(Role.MEDIATOR)
    assert _log_in(client, email) == "/pro"


def test_a_refused_page_leads_back_to_ones_own_space(backend, client):
    email, _ = backend.user(Role.TRAINER)
    _log_in(client, email)
    refused = client.get("/pro")
    assert refused.status_code == 403
    assert 'href="/pro/formation">Revenir à mon espace' in refused.text
    assert LOGOUT in refused.text
