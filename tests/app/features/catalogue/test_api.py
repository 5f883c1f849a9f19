"""The places and workshops API, on SQLite and PostgreSQL: creation, problems in one 422,
changes, archiving, and another structure's data answered as « not found »."""

from __future__ import annotations

import uuid
from typing import Any

from litestar.testing import TestClient

from app.db.models import Role
from tests.app.conftest import Backend
from tests.app.features.catalogue.conftest import place_fields, workshop_fields


def bearer(backend: Backend, role: Role = Role.TRAINER) -> dict[str, str]:
    email, _ = backend.user(role)
    return {"Authorization": f"Bearer {backend.token(email)}"}


def problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    return body


def test_a_trainer_creates_a_place_and_reads_it_back(
    backend: Backend, client: TestClient[Any]
) -> None:
    headers = bearer(backend)
    created = client.post("/api/v1/places", json=place_fields(), headers=headers)
    assert created.status_code == 201, created.text
    place = created.json()
    assert created.headers["location"] == f"/api/v1/places/{place['id']}"
    assert place["commune"] == "Bourges (18000)" and place["commune_insee"] == "18033"
    assert place["phone"] == "+33248578146"
    assert client.get(created.headers["location"], headers=headers).json() == place
    listed = client.get("/api/v1/places", headers=headers).json()["items"]
    assert [p["id"] for p in listed] == [place["id"]]


def test_every_problem_of_a_place_comes_in_one_422_with_the_communes_that_fit(
    backend: Backend, client: TestClient[Any]
) -> None:
    wrong = place_fields(
        name=None, postal_code="18200", commune_name=None, phone="12", opening_hours="9h-12h"
    )
    body = problem(client.post("/api/v1/places", json=wrong, headers=bearer(backend)), 422)
    fields = sorted(line.split(" : ")[0] for line in body["problems"])
    assert fields == ["name", "opening_hours", "phone", "postal_code"]
    assert {c["commune_insee"] for c in body["candidates"]} >= {"18197"}  # Saint-Amand-Montrond


def test_an_unknown_commune_code_is_a_problem_in_french(
    backend: Backend, client: TestClient[Any]
) -> None:
    fields = place_fields(postal_code=None, commune_name=None, commune_insee="18999")
    body = problem(client.post("/api/v1/places", json=fields, headers=bearer(backend)), 422)
    assert body["problems"] == [
        "commune_insee : Aucune commune n'a ce code INSEE : 5 caractères, par exemple 18033 "
        "pour Bourges."
    ]


def test_a_place_is_changed_field_by_field_and_archived(
    backend: Backend, client: TestClient[Any]
) -> None:
    headers = bearer(backend, Role.MEDIATOR)
    place = client.post("/api/v1/places", json=place_fields(), headers=headers).json()
    url = f"/api/v1/places/{place['id']}"
    changed = client.patch(
        url, json={"phone": "+33 2 48 00 00 00", "fees": ["Payant"]}, headers=headers
    )
    assert changed.status_code == 200, changed.text
    assert (changed.json()["phone"], changed.json()["fees"]) == ("+33248000000", ["Payant"])
    assert changed.json()["name"] == place["name"]
    refused = client.patch(url, json={"phone": "bonjour", "archived": True}, headers=headers)
    problem(refused, 422)
    assert client.get(url, headers=headers).json()["archived"] is False  # nothing half done
    archived = client.patch(url, json={"archived": True}, headers=headers).json()
    assert archived["archived"] is True
    assert client.get("/api/v1/places", headers=headers).json()["items"] == []
    assert client.get("/api/v1/places?archived=true", headers=headers).json()["items"] == [archived]


def test_a_workshop_is_created_with_its_exit_check_said_in_words(
    backend: Backend, client: TestClient[Any]
) -> None:
    headers = bearer(backend)
    created = client.post("/api/v1/workshops", json=workshop_fields(), headers=headers)
    assert created.status_code == 201, created.text
    workshop = created.json()
    assert workshop["exit_check"] == {
        "kind": "observed_task",
        "item": "E1.2",
        "text": "Je sais ouvrir une application et revenir à l'écran d'accueil.",
        "points": None,
    }
    assert workshop["themes"] == ["prendre_en_main_du_materiel"]
    assert workshop["plain_language"] == []
    url = created.headers["location"]
    checklist = {"kind": "checklist", "points": ["Allume le téléphone", "Ouvre une application"]}
    changed = client.patch(url, json={"exit_check": checklist}, headers=headers).json()
    assert changed["exit_check"]["points"] == checklist["points"]


def test_every_problem_of_a_workshop_comes_in_one_422(
    backend: Backend, client: TestClient[Any]
) -> None:
    wrong = workshop_fields(
        competences=[{"competence": "E1", "entry": 3, "exit": 1}],
        modality="bus",
        duration_minutes=2,
        price="Cher",
    )
    body = problem(client.post("/api/v1/workshops", json=wrong, headers=bearer(backend)), 422)
    fields = sorted(line.split(" : ")[0] for line in body["problems"])
    assert fields == ["competences", "duration_minutes", "modality", "price"]


def test_jargon_in_a_description_is_pointed_out_without_refusing_it(
    backend: Backend, client: TestClient[Any]
) -> None:
    fields = workshop_fields(description="Savoir joindre un PDF à un e-mail et l'envoyer.")
    workshop = client.post("/api/v1/workshops", json=fields, headers=bearer(backend)).json()
    assert workshop["plain_language"] and "PDF" in workshop["plain_language"][0]


def test_another_structure_s_place_and_workshop_are_not_found(
    backend: Backend, client: TestClient[Any]
) -> None:
    mine, theirs = bearer(backend), bearer(backend)
    place = client.post("/api/v1/places", json=place_fields(), headers=mine).json()
    workshop = client.post("/api/v1/workshops", json=workshop_fields(), headers=mine).json()
    for url in (f"/api/v1/places/{place['id']}", f"/api/v1/workshops/{workshop['id']}"):
        problem(client.get(url, headers=theirs), 404)
        problem(client.patch(url, json={"archived": True}, headers=theirs), 404)
        unknown = url.rsplit("/", 1)[0] + f"/{uuid.uuid4()}"
        assert (
            client.get(unknown, headers=mine).json()["detail"]
            == client.get(url, headers=theirs).json()["detail"]
        )
    assert client.get("/api/v1/places", headers=theirs).json()["items"] == []
    assert client.get("/api/v1/workshops", headers=theirs).json()["items"] == []
    assert client.get(f"/api/v1/places/{place['id']}", headers=mine).json()["archived"] is False


def test_the_offer_is_written_by_mediators_trainers_and_admins_only(
    backend: Backend, client: TestClient[Any]
) -> None:
    problem(client.get("/api/v1/places"), 401)
    problem(client.post("/api/v1/workshops", json=workshop_fields()), 401)
    coordinator = bearer(backend, Role.COORDINATOR)
    problem(client.get("/api/v1/workshops", headers=coordinator), 403)
    problem(client.post("/api/v1/places", json=place_fields(), headers=coordinator), 403)
