"""A mediator of structure A gets 404 for every person of structure B: every API route and
every page that names a person, and the diagnostics linked to that person; the answer is the
same as for a person that does not exist, and B's data is left untouched."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import pytest
from litestar.routes import HTTPRoute
from sqlalchemy import select

from app.asgi import create_app
from app.db.models import Diagnostic, EvidenceRecord, Person, Role, WalletLink
from app.features.diagnostics.service import DiagnosticService
from app.features.wallet import new_link
from referentiel import load_referential
from tests.app.conftest import csrf, login
from tests.app.features.badges.test_pix_pages import CAMPAIGN as PIX_CAMPAIGN
from tests.app.features.badges.test_pix_pages import confirm as pix_confirm
from tests.app.features.badges.test_pix_pages import upload as pix_upload

PAPER_ITEMS = [item.id for item in load_referential().form_items("papier")]
PAPER_FORM = {f"item-{item}": "3" for item in PAPER_ITEMS} | {"formulaire": "x" * 24}

# Every route naming a person, with a body that would be accepted for one's own person.
API_ROUTES: list[tuple[str, str, Any]] = [
    ("GET", "/api/v1/people/{id}", None),
    ("PATCH", "/api/v1/people/{id}", {"alias": "Piraté"}),
    ("DELETE", "/api/v1/people/{id}", None),
    ("GET", "/api/v1/people/{id}/export", None),
    ("GET", "/api/v1/people/{id}/pathway", None),
    ("PUT", "/api/v1/people/{id}/pathway", {"needs": [{"need": "caf", "decision": "accepted"}]}),
]
PAGE_ROUTES: list[tuple[str, str, Any]] = [
    ("GET", "/pro/personnes/{id}", None),
    ("GET", "/pro/personnes/{id}/modifier", None),
    ("POST", "/pro/personnes/{id}/modifier", {"alias": "Piraté"}),
    ("POST", "/pro/personnes/{id}/diagnostic", {}),
    ("GET", "/pro/personnes/{id}/export.json", None),
    ("GET", "/pro/personnes/{id}/effacer", None),
    ("POST", "/pro/personnes/{id}/effacer", {}),
    ("GET", "/pro/personnes/{id}/papier", None),
    ("POST", "/pro/personnes/{id}/papier", PAPER_FORM),
    ("GET", "/pro/personnes/{id}/diagnostics/{diagnostic}/corriger", None),
    ("POST", "/pro/personnes/{id}/diagnostics/{diagnostic}/corriger", PAPER_FORM),
    ("GET", "/pro/personnes/{id}/diagnostics/{diagnostic}", None),
    ("GET", "/pro/personnes/{id}/formulaire.pdf", None),
    ("GET", "/pro/personnes/{id}/inscriptions", None),
    ("POST", "/pro/personnes/{id}/inscriptions", {"session": str(uuid.uuid4())}),
    ("POST", "/pro/personnes/{id}/inscriptions/rattacher", {"contact": "lea@example.org"}),
    ("POST", "/pro/personnes/{id}/inscriptions/{booking}/annuler", {}),
    ("GET", "/pro/personnes/{id}/parcours", None),
    ("POST", "/pro/personnes/{id}/parcours/decision", {"need": "caf", "decision": "accepted"}),
    ("POST", "/pro/personnes/{id}/badges", {"evidence": str(uuid.uuid4())}),
    ("GET", "/pro/personnes/{id}/portefeuille", None),
    ("POST", "/pro/personnes/{id}/portefeuille", {"envoyer": "oui"}),
    ("POST", "/pro/personnes/{id}/portefeuille/couper", {}),
    ("GET", "/pro/personnes/{id}/taches-observees", None),
    ("POST", "/pro/personnes/{id}/taches-observees", {"item": "E1.1", "day": "2026-12-01"}),
]


@dataclass
class Other:
    """Structure B's person, with a completed and an in-progress diagnostic."""

    person_id: UUID
    alias: str
    completed: str
    in_progress: str


@dataclass
class Me:
    """A mediator of structure A, logged in on `client` and holding an API token."""

    headers: dict[str, str]


def snapshot(backend: Any, person_id: UUID) -> tuple[Any, ...]:
    async def go(db: Any) -> tuple[Any, ...]:
        person = await db.get(Person, person_id)
        found = await db.scalars(select(Diagnostic).where(Diagnostic.person_id == person_id))
        diagnostics = sorted((str(d.id), d.status.value, repr(d.answers)) for d in found)
        consents = len(person.consents) if person else 0
        links = await db.scalars(select(WalletLink).where(WalletLink.person_id == person_id))
        wallet = sorted((str(link.id), link.revoked_at) for link in links)
        return (
            person and person.alias,
            person and person.updated_at,
            consents,
            diagnostics,
            wallet,
        )

    return backend.run(go)


@pytest.fixture
def other(backend: Any, client: Any) -> Other:
    email, _ = backend.user(Role.MEDIATOR)
    headers = {"Authorization": f"Bearer {backend.token(email)}"}
    alias = f"Bérénice-{uuid.uuid4().hex[:6]}"
    created = client.post("/api/v1/people", json={"alias": alias, "consent": True}, headers=headers)
    assert created.status_code == 201, created.text
    person_id = UUID(created.json()["id"])
    posted = client.post(
        "/api/v1/diagnostics",
        json={
            "answers": dict.fromkeys(PAPER_ITEMS, 2),
            "person_id": str(person_id),
            "channel": "paper",
        },
        headers=headers,
    )
    assert posted.status_code == 201, posted.text

    async def start(db: Any) -> str:
        person = await db.get(Person, person_id)
        diagnostic = await DiagnosticService(db).start(
            person_id=person_id, structure_id=person.structure_id
        )
        await new_link(db, person_id, created_by=None)  # their wallet's link, given by B
        await db.commit()
        return str(diagnostic.id)

    return Other(person_id, alias, posted.json()["id"], backend.run(start))


@pytest.fixture
def me(backend: Any, client: Any, other: Other) -> Me:
    email, _ = backend.user(Role.MEDIATOR)
    login(client, email)
    return Me({"Authorization": f"Bearer {backend.token(email)}"})


def test_every_route_naming_a_person_is_checked_here(backend):
    app = create_app(backend.settings)
    routes = {
        (
            method,
            route.path.replace("{person_id:uuid}", "{id}")
            .replace("{diagnostic_id:uuid}", "{diagnostic}")
            .replace("{booking_id:uuid}", "{booking}"),
        )
        for route in app.routes
        if isinstance(route, HTTPRoute) and "{person_id" in route.path
        for method in route.methods - {"OPTIONS", "HEAD"}
    }
    checked = {(method, path) for method, path, _ in API_ROUTES + PAGE_ROUTES}
    assert routes == checked, "a new route names a person: add it to the isolation test"


@pytest.mark.parametrize(("method", "path", "body"), API_ROUTES)
def test_the_api_answers_404_for_another_structures_person(
    backend, client, other, me, method, path, body
):
    before = snapshot(backend, other.person_id)
    response = client.request(
        method, path.format(id=other.person_id), json=body, headers=me.headers
    )
    assert response.status_code == 404, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    # exactly what a person that does not exist gives: nothing tells that B's person exists
    unknown = client.request(method, path.format(id=uuid.uuid4()), json=body, headers=me.headers)
    assert (unknown.status_code, unknown.json()) == (response.status_code, response.json())
    assert other.alias not in response.text
    assert snapshot(backend, other.person_id) == before


@pytest.mark.parametrize(("method", "path", "body"), PAGE_ROUTES)
def test_the_pages_answer_404_for_another_structures_person(
    backend, client, other, me, method, path, body
):
    before = snapshot(backend, other.person_id)
    data = None if body is None else {**body, "_csrf_token": csrf(client, "/pro")}
    response = client.request(
        method,
        path.format(id=other.person_id, diagnostic=other.completed, booking=uuid.uuid4()),
        data=data,
        follow_redirects=False,
    )
    assert response.status_code == 404, response.text
    assert "Personne introuvable" in response.text
    assert other.alias not in response.text
    unknown = client.request(
        method,
        path.format(id=uuid.uuid4(), diagnostic=uuid.uuid4(), booking=uuid.uuid4()),
        data=data,
        follow_redirects=False,
    )
    assert unknown.status_code == 404
    assert snapshot(backend, other.person_id) == before


def test_lists_and_searches_never_show_another_structures_people(client, other, me):
    listing = client.get("/api/v1/people", params={"q": other.alias}, headers=me.headers)
    assert listing.json()["total"] == 0
    assert other.alias not in client.get("/api/v1/people", headers=me.headers).text
    searched = client.get("/pro", params={"q": other.alias}).text
    assert "Personne ne correspond" in searched  # the query is echoed, no one is found
    assert str(other.person_id) not in searched
    dashboard = client.get("/pro").text
    assert other.alias not in dashboard and str(other.person_id) not in dashboard


def test_diagnostics_linked_to_another_structures_person_are_404(backend, client, other, me):
    before = snapshot(backend, other.person_id)
    api = [
        ("GET", f"/api/v1/diagnostics/{other.completed}", None),
        ("GET", f"/api/v1/diagnostics/{other.in_progress}/adaptive", None),
        ("PUT", f"/api/v1/diagnostics/{other.in_progress}/answers/{PAPER_ITEMS[0]}", {"value": 4}),
        ("DELETE", f"/api/v1/diagnostics/{other.in_progress}/answers/last", None),
        ("POST", f"/api/v1/diagnostics/{other.in_progress}/finish", {}),
        (
            "POST",
            "/api/v1/diagnostics",
            {"answers": dict.fromkeys(PAPER_ITEMS, 1), "person_id": str(other.person_id)},
        ),
    ]
    for method, path, body in api:
        response = client.request(method, path, json=body, headers=me.headers)
        assert response.status_code == 404, (method, path, response.text)
    for path in (
        f"/diagnostic/{other.in_progress}/question",
        f"/diagnostic/{other.completed}/resultat",
        f"/diagnostic/{other.completed}/resultat.pdf",
    ):
        assert client.get(path).status_code == 404, path
    assert snapshot(backend, other.person_id) == before


def test_the_owner_still_sees_everything(backend, client, other):
    """The 404s above come from the structure rule, not from broken routes."""

    async def owner(db: Any) -> str:
        from app.db.models import User

        person = await db.get(Person, other.person_id)
        user = await db.scalar(select(User).where(User.structure_id == person.structure_id))
        return str(user.email)

    login(client, backend.run(owner))
    for method, path, _ in PAGE_ROUTES:
        if method == "GET":
            response = client.get(path.format(id=other.person_id, diagnostic=other.completed))
            assert response.status_code == 200, path


def test_the_pix_import_cannot_give_evidence_to_another_structures_person(
    backend, client, other, me
):
    """The person chosen for a Pix participant travels in the form: B's is refused like an
    unknown one, and nothing is written."""
    before = snapshot(backend, other.person_id)
    page = pix_upload(client, PIX_CAMPAIGN).text
    assert other.alias not in page
    answers = [
        pix_confirm(client, page, l2=str(person)).text for person in (other.person_id, uuid.uuid4())
    ]
    assert all("Personne introuvable" in answer for answer in answers)
    assert answers[0] == answers[1]

    async def evidence(db: Any) -> int:
        found = await db.scalars(
            select(EvidenceRecord.id).where(EvidenceRecord.person_id == other.person_id)
        )
        return len(list(found))

    assert backend.run(evidence) == 0
    assert snapshot(backend, other.person_id) == before
