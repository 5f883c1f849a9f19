"""The API schema (/schema/openapi.json) names every badge address with every form it answers
in (JSON-LD, JSON, a page or a redirect for browsers, the badge baked into an image), and the
documents the service really gives match the shapes it shows."""

from __future__ import annotations

from typing import Any

from jsonschema import Draft202012Validator

from tests.app.features.badges.support import recorded
from tests.app.features.badges.test_api import BROWSER, LD, setup
from tests.app.features.bookings.test_api import structure_id

JSON, JSON_LD, HTML, PROBLEM = (
    "application/json",
    "application/ld+json",
    "text/html",
    "application/problem+json",
)
# (path, method) → status → the media types it must list (at least).
DOCUMENTED: dict[tuple[str, str], dict[str, set[str]]] = {
    ("/api/v1/credentials", "get"): {"200": {JSON}},
    ("/api/v1/credentials", "post"): {"201": {JSON}, "200": {JSON}, "422": {PROBLEM}},
    ("/api/v1/credentials/{ref}", "get"): {"200": {JSON, "image/png", "image/svg+xml"}},
    ("/api/v1/credentials/{credential_id}/revoke", "post"): {"200": {JSON}, "409": {PROBLEM}},
    ("/badges/{credential_id}", "get"): {"200": {JSON_LD, JSON}, "303": set(), "404": {PROBLEM}},
    ("/badges/emetteurs/{structure_id}", "get"): {"200": {JSON_LD, JSON, HTML}, "404": {PROBLEM}},
    ("/badges/emetteurs/{structure_id}/statuts/{number}", "get"): {"200": {JSON_LD, JSON}},
    ("/api/v1/verify", "post"): {"200": {JSON}},
}


def openapi(client: Any) -> dict[str, Any]:
    answer = client.get("/schema/openapi.json")
    assert answer.status_code == 200
    document: dict[str, Any] = answer.json()
    return document


def test_every_badge_address_is_in_the_schema_with_each_form_it_answers_in(client):
    paths = openapi(client)["paths"]
    for (path, method), statuses in DOCUMENTED.items():
        assert method in paths.get(path, {}), f"{method.upper()} {path} is not in the schema"
        responses = paths[path][method]["responses"]
        for status, media_types in statuses.items():
            assert status in responses, f"{method.upper()} {path} does not list {status}"
            listed = set(responses[status].get("content", {}))
            assert media_types <= listed, (path, method, status, listed)
    seen = paths["/badges/{credential_id}"]["get"]["responses"]["303"]
    assert "Location" in seen["headers"]


def _conforms(schema: dict[str, Any], path: str, method: str, status: str, body: Any) -> None:
    """``body`` is valid for what the schema says of that answer, as JSON."""
    content = schema["paths"][path][method]["responses"][status]["content"]
    shape = next(content[m]["schema"] for m in (JSON_LD, JSON) if m in content)
    validator = Draft202012Validator({**shape, "components": schema["components"]})
    problems = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(body)]
    assert problems == [], (path, status, problems)


def test_the_documents_given_match_the_shapes_the_schema_shows(backend, client):
    structure, person, trainer = setup(backend, client)
    schema = openapi(client)
    item = client.get("/api/v1/credentials", headers=trainer).json()["items"][0]
    issued = client.get(f"/api/v1/credentials/{item['id']}", headers=trainer).json()
    _conforms(schema, "/api/v1/credentials/{ref}", "get", "200", issued)
    public = client.get(f"/badges/{item['id']}", headers=LD)
    assert public.headers["content-type"].startswith(JSON_LD)
    _conforms(schema, "/badges/{credential_id}", "get", "200", public.json())
    seen = client.get(f"/badges/{item['id']}", headers=BROWSER, follow_redirects=False)
    assert seen.status_code == 303 and seen.headers["location"].startswith("/verifier?")
    issuer = issued["issuer"]["id"].removeprefix(backend.settings.public_url)
    _conforms(
        schema,
        "/badges/emetteurs/{structure_id}",
        "get",
        "200",
        client.get(issuer, headers=LD).json(),
    )
    status_list = issued["credentialStatus"]["statusListCredential"]
    _conforms(
        schema,
        "/badges/emetteurs/{structure_id}/statuts/{number}",
        "get",
        "200",
        client.get(status_list.removeprefix(backend.settings.public_url), headers=LD).json(),
    )
    owner = structure_id(backend, structure)

    async def new_evidence(db: Any) -> str:
        return str((await recorded(db, person, owner, competence="P1", level=2)).id)

    evidence = backend.run(new_evidence)
    for status in ("201", "200"):
        answer = client.post("/api/v1/credentials", json={"evidence_id": evidence}, headers=trainer)
        assert str(answer.status_code) == status
        _conforms(schema, "/api/v1/credentials", "post", status, answer.json())
