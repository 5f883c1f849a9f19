"""The people API (/api/v1/people): records with consent, scoped to the caller's structure,
errors as RFC 9457 problem+json a person can act on."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from app.db.models import Role
from app.features.people.consent import CONSENT_TEXT, CONSENT_VERSION
from app.features.people.service import birth_year_bands
from referentiel import load_referential

PROBLEM = "application/problem+json"


def bearer(
    backend: Any, role: Role = Role.MEDIATOR, structure: str | None = None
) -> dict[str, str]:
    email, _ = backend.user(role, structure)
    return {"Authorization": f"Bearer {backend.token(email)}"}


def new_person(client: Any, headers: dict[str, str], **fields: Any) -> dict[str, Any]:
    body = {"alias": "Josiane", "consent": True, **fields}
    response = client.post("/api/v1/people", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


def complete_answers(value: int | str = 2) -> dict[str, Any]:
    return {item.id: value for item in load_referential().form_items("papier")}


def assert_problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    problem = dict(response.json())
    assert problem["status"] == status
    assert problem["title"] and problem["detail"]
    return problem


def test_a_mediator_creates_a_person_with_consent(backend, client):
    headers = bearer(backend)
    response = client.post(
        "/api/v1/people",
        json={
            "alias": "  Josiane   B. ",
            "birth_year_band": "soixante_dix_plus",
            "commune_insee": "29019",
            "consent": True,
        },
        headers=headers,
    )
    assert response.status_code == 201, response.text
    person = response.json()
    assert response.headers["location"] == f"/api/v1/people/{person['id']}"
    assert person["alias"] == "Josiane B."  # spaces tidied
    assert person["birth_year_band"] == "soixante_dix_plus"
    assert person["commune_insee"] == "29019"
    assert person["commune"] == "Brest (29200)"
    assert person["last_diagnostic_at"] is None
    [consent] = person["consents"]
    assert consent["text_version"] == CONSENT_VERSION
    assert consent["given_at"]
    assert response.headers["cache-control"] == "no-store"

    read = client.get(f"/api/v1/people/{person['id']}", headers=headers)
    assert read.status_code == 200
    assert read.json() == person


def test_only_the_alias_is_required(backend, client):
    person = new_person(client, bearer(backend), alias="Mo")
    assert person["birth_year_band"] is None
    assert person["commune_insee"] is None


@pytest.mark.parametrize("band", [code for code, _ in birth_year_bands()])
def test_every_birth_year_band_of_the_list_can_be_stored(backend, client, band):
    person = new_person(client, bearer(backend), birth_year_band=band)
    assert person["birth_year_band"] == band


def test_the_consent_text_to_read_is_served(backend, client):
    response = client.get("/api/v1/people/consent", headers=bearer(backend))
    assert response.status_code == 200
    body = response.json()
    assert body == {
        "version": CONSENT_VERSION,
        "text": CONSENT_TEXT,
        "birth_year_bands": body["birth_year_bands"],
    }
    assert "soixante_dix_plus" in body["birth_year_bands"]
    assert "effacer" in body["text"]


@pytest.mark.parametrize(
    "body",
    [
        {"alias": "Sans accord"},
        {"alias": "Refus", "consent": False},
    ],
)
def test_nothing_is_saved_without_consent(backend, client, body):
    headers = bearer(backend)
    problem = assert_problem(client.post("/api/v1/people", json=body, headers=headers), 422)
    assert any(p.startswith("consent :") for p in problem["problems"])
    assert client.get("/api/v1/people", headers=headers).json()["total"] == 0


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"alias": ""}, "alias"),
        ({"alias": "   "}, "alias"),
        ({"alias": "x" * 81}, "alias"),
        ({"commune_insee": "99999"}, "commune_insee"),
        ({"commune_insee": "Brest"}, "commune_insee"),
        ({"birth_year_band": "1950-1959"}, "birth_year_band"),
    ],
)
def test_invalid_values_are_a_422_problem_naming_the_field(backend, client, fields, field):
    headers = bearer(backend)
    body = {"alias": "Josiane", "consent": True, **fields}
    problem = assert_problem(client.post("/api/v1/people", json=body, headers=headers), 422)
    assert [p for p in problem["problems"] if p.startswith(f"{field} :")], problem
    assert client.get("/api/v1/people", headers=headers).json()["total"] == 0


@pytest.mark.parametrize(
    "body",
    [
        {"alias": "Josiane", "consent": True, "name": "Josiane Dupont"},
        {"alias": "Josiane", "consent": True, "email": "j@example.org"},
        {"alias": 12, "consent": True},
        {"alias": "Josiane", "consent": "oui"},
        ["Josiane"],
    ],
)
def test_unknown_fields_and_wrong_types_are_a_400_problem(backend, client, body):
    headers = bearer(backend)
    problem = assert_problem(client.post("/api/v1/people", json=body, headers=headers), 400)
    assert problem["problems"]
    assert client.get("/api/v1/people", headers=headers).json()["total"] == 0


def test_malformed_json_is_a_400_problem(backend, client):
    headers = {**bearer(backend), "Content-Type": "application/json"}
    assert_problem(client.post("/api/v1/people", content=b"{alias:", headers=headers), 400)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/v1/people"),
        ("POST", "/api/v1/people"),
        ("GET", "/api/v1/people/consent"),
        ("GET", "/api/v1/people/{id}"),
        ("PATCH", "/api/v1/people/{id}"),
        ("DELETE", "/api/v1/people/{id}"),
        ("GET", "/api/v1/people/{id}/export"),
    ],
)
def test_without_a_valid_token_the_api_answers_401_problem(backend, client, method, path):
    person = new_person(client, bearer(backend))
    url = path.format(id=person["id"])
    body = {"alias": "X", "consent": True} if method in {"POST", "PATCH"} else None
    for headers in ({}, {"Authorization": "Bearer pn_not-a-real-token"}):
        response = client.request(method, url, json=body, headers=headers)
        assert_problem(response, 401)
        assert "location" not in response.headers  # an API never redirects to a login page


def test_other_roles_get_403(backend, client):
    for role in (Role.TRAINER, Role.COORDINATOR):
        assert_problem(client.get("/api/v1/people", headers=bearer(backend, role)), 403)


def test_the_list_is_my_structure_newest_first_with_search_and_paging(backend, client):
    headers = bearer(backend)
    names = ["Ana", "Bernard", "Anaïs", "Chloé", "Zoé_100%"]
    ids = [new_person(client, headers, alias=name)["id"] for name in names]
    # a diagnostic for Bernard, to see its date in the list
    posted = client.post(
        "/api/v1/diagnostics",
        json={"answers": complete_answers(), "channel": "paper", "person_id": ids[1]},
        headers=headers,
    )
    assert posted.status_code == 201, posted.text

    listing = client.get("/api/v1/people", headers=headers).json()
    assert listing["total"] == 5
    assert [p["id"] for p in listing["items"]] == ids[::-1]
    by_id = {p["id"]: p for p in listing["items"]}
    assert by_id[ids[1]]["last_diagnostic_at"] is not None
    assert by_id[ids[0]]["last_diagnostic_at"] is None

    found = client.get("/api/v1/people", params={"q": "ana"}, headers=headers).json()
    assert {p["alias"] for p in found["items"]} == {"Ana", "Anaïs"}
    # LIKE wildcards typed by someone are plain characters
    assert client.get("/api/v1/people", params={"q": "_"}, headers=headers).json()["total"] == 1
    assert client.get("/api/v1/people", params={"q": "%"}, headers=headers).json()["total"] == 1

    page = client.get("/api/v1/people", params={"limit": 2, "offset": 2}, headers=headers).json()
    assert [p["id"] for p in page["items"]] == ids[::-1][2:4]
    assert (page["total"], page["limit"], page["offset"]) == (5, 2, 2)
    for params in ({"limit": 0}, {"limit": 201}, {"offset": -1}, {"limit": "many"}):
        assert_problem(client.get("/api/v1/people", params=params, headers=headers), 400)


def test_a_person_is_corrected_with_patch(backend, client):
    headers = bearer(backend)
    person = new_person(client, headers, commune_insee="29019", birth_year_band="douze_dix_huit")
    url = f"/api/v1/people/{person['id']}"

    response = client.patch(url, json={"alias": "Jo"}, headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["alias"] == "Jo"
    assert response.json()["commune_insee"] == "29019"  # absent fields are left as they are

    response = client.patch(
        url, json={"commune_insee": None, "birth_year_band": None}, headers=headers
    )
    assert response.status_code == 200
    assert response.json()["commune_insee"] is None
    assert response.json()["birth_year_band"] is None
    assert response.json()["alias"] == "Jo"

    assert client.patch(url, json={}, headers=headers).status_code == 200
    assert_problem(client.patch(url, json={"alias": ""}, headers=headers), 422)
    assert_problem(client.patch(url, json={"commune_insee": "00000"}, headers=headers), 422)
    assert_problem(client.patch(url, json={"consent": False}, headers=headers), 400)
    assert_problem(
        client.patch(url, json={"structure_id": str(uuid.uuid4())}, headers=headers), 400
    )
    assert client.get(url, headers=headers).json()["alias"] == "Jo"


def test_unknown_and_malformed_ids_are_404(backend, client):
    headers = bearer(backend)
    for path in (f"/api/v1/people/{uuid.uuid4()}", f"/api/v1/people/{uuid.uuid4()}/export"):
        assert_problem(client.get(path, headers=headers), 404)
    assert_problem(client.delete(f"/api/v1/people/{uuid.uuid4()}", headers=headers), 404)
    assert_problem(client.get("/api/v1/people/not-a-uuid", headers=headers), 404)


def test_delete_erases_and_answers_204(backend, client):
    headers = bearer(backend)
    person = new_person(client, headers)
    response = client.delete(f"/api/v1/people/{person['id']}", headers=headers)
    assert response.status_code == 204
    assert response.content == b""
    assert_problem(client.get(f"/api/v1/people/{person['id']}", headers=headers), 404)
    assert_problem(client.delete(f"/api/v1/people/{person['id']}", headers=headers), 404)


def test_the_openapi_schema_documents_the_people_api(client):
    schema = client.get("/schema/openapi.json").json()
    paths = schema["paths"]
    assert set(paths["/api/v1/people"]) >= {"get", "post"}
    assert set(paths["/api/v1/people/{person_id}"]) >= {"get", "patch", "delete"}
    assert "get" in paths["/api/v1/people/{person_id}/export"]
    assert not [p for p in paths if p.startswith("/pro")]


@pytest.mark.parametrize(
    ("commune", "insee", "shown"),
    [
        ({"commune_postal_code": "03000", "commune_name": "Moulins"}, "03190", "Moulins (03000)"),
        ({"commune_postal_code": "03190", "commune_name": "herisson"}, "03127", None),
        ({"commune_postal_code": "29200"}, "29019", "Brest (29200)"),  # one commune: enough
        ({"commune_postal_code": "13001"}, "13055", None),  # Marseille, never Aix (INSEE 13001)
        ({"commune_name": "lhay les roses"}, "94038", "L'Haÿ-les-Roses (94240)"),
        ({"commune_name": "Lyon 3e"}, "69123", None),
        ({"commune_insee": "03190"}, "03190", "Moulins (03000)"),  # as before
    ],
)
def test_a_person_is_created_with_the_commune_people_know(backend, client, commune, insee, shown):
    person = new_person(client, bearer(backend), **commune)
    assert person["commune_insee"] == insee
    if shown:
        assert person["commune"] == shown


@pytest.mark.parametrize(
    ("commune", "field", "says", "candidates"),
    [
        (
            {"commune_postal_code": "03190"},
            "commune_postal_code",
            "plusieurs communes correspondent",
            {"03127", "03297"},  # Hérisson, Vallon-en-Sully… not Moulins, whose INSEE it is
        ),
        ({"commune_name": "Moulins"}, "commune_name", "Moulins (03000, INSEE 03190)", None),
        ({"commune_name": "Strasbourgg"}, "commune_name", "les plus proches", {"67482"}),
        ({"commune_postal_code": "03190", "commune_name": "Paris"}, "commune", "aucune", set()),
        ({"commune_postal_code": "3000"}, "commune_postal_code", "5 chiffres", set()),
        ({"commune_name": " "}, "commune_name", "un nom de commune", set()),
        (
            {"commune_insee": "03190", "commune_postal_code": "03000"},
            "commune_insee",
            "pas les deux",
            set(),
        ),
    ],
)
def test_a_commune_that_names_several_or_none_is_a_422_listing_the_candidates(
    backend, client, commune, field, says, candidates
):
    headers = bearer(backend)
    body = {"alias": "", "consent": True, **commune}
    problem = assert_problem(client.post("/api/v1/people", json=body, headers=headers), 422)
    lines = problem["problems"]
    assert any(p.startswith("alias :") for p in lines), lines  # every problem at once
    about = [p for p in lines if p.startswith(f"{field} :")]
    assert about and says.lower() in about[0].lower(), lines
    offered = {c["commune_insee"] for c in problem.get("candidates", [])}
    if candidates is None:
        assert {"03190", "35198", "02530"} <= offered
    else:
        assert candidates <= offered and ("03190" not in offered or field != "commune_postal_code")
    if not candidates and candidates is not None:
        assert "candidates" not in problem
    for candidate in problem.get("candidates", []):
        assert set(candidate) == {"commune_insee", "name", "postal_codes", "commune"}
    assert client.get("/api/v1/people", headers=headers).json()["total"] == 0


def test_a_postal_code_and_a_name_change_a_persons_commune(backend, client):
    headers = bearer(backend)
    person = new_person(client, headers, commune_insee="29019")
    url = f"/api/v1/people/{person['id']}"
    changed = client.patch(
        url, json={"commune_postal_code": "03000", "commune_name": "MOULINS"}, headers=headers
    )
    assert changed.status_code == 200, changed.text
    assert (changed.json()["commune_insee"], changed.json()["commune"]) == (
        "03190",
        "Moulins (03000)",
    )
    problem = assert_problem(
        client.patch(url, json={"alias": "", "commune_name": "Saint-Denis"}, headers=headers), 422
    )
    assert {"alias", "commune_name"} <= {p.split(" :")[0] for p in problem["problems"]}
    assert len(problem["candidates"]) == 4
    assert client.get(url, headers=headers).json()["commune_insee"] == "03190"  # unchanged


def test_the_openapi_schema_documents_the_commune_fields_and_candidates(client):
    components = client.get("/schema/openapi.json").json()["components"]["schemas"]
    for shape in ("PersonIn", "PersonPatch"):
        fields = components[shape]["properties"]
        assert {"commune_insee", "commune_postal_code", "commune_name"} <= set(fields)
        assert fields["commune_postal_code"]["pattern"] == "^[0-9]{5}$"
    assert "candidates" in components["ProblemDetails"]["properties"]
