"""The credentials API and the public addresses: a trainer lists, reads, downloads and revokes
their structure's badges and no other's; the published list shows a revocation at once; the
public URL gives the JSON to programs, the verification page to people, and nothing once the
holder stops sharing; bad input gets a problem, never a 5xx."""

from __future__ import annotations

import json
import uuid
from typing import Any
from uuid import UUID

from litestar.testing import TestClient

from app.asgi import create_app
from app.db.models import Credential, Role
from app.features.badges import issue_for_evidence, rotate_key
from badges.baking import extract_png, extract_svg
from badges.multikey import public_key_from_multibase
from badges.proof import verify
from badges.status import check_status
from tests.app.features.badges.support import checked, recorded
from tests.app.features.badges.test_issuing import workshop_passed
from tests.app.features.bookings.test_api import structure_id
from tests.app.test_mediator_pages import create_person, mediator, text_of, token

LD = {"Accept": "application/ld+json"}
BROWSER = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}


def bearer(backend: Any, role: Role, structure: str | None = None) -> dict[str, str]:
    email, _ = backend.user(role, structure)
    return {"Authorization": f"Bearer {backend.token(email)}"}


def setup(backend: Any, client: Any) -> tuple[str, str, dict[str, str]]:
    """A person of a new structure with two badges; that structure's trainer's headers."""
    structure = mediator(backend, client)
    person = create_person(client, "Lucienne")
    workshop_passed(backend, person, structure)
    return structure, person, bearer(backend, Role.TRAINER, structure)


def published(client: Any, body: dict[str, Any]) -> str:
    """The status the public list gives, as an outside verifier reads it over HTTP."""
    url = body["credentialStatus"]["statusListCredential"]
    answer = client.get(url.removeprefix("http://127.0.0.1:8000"), headers=LD)
    assert answer.status_code == 200
    assert answer.headers["cache-control"] == "max-age=300, public"
    document = answer.json()
    profile = client.get(document["issuer"].removeprefix("http://127.0.0.1:8000"), headers=LD)
    keys = {k["id"]: k for k in profile.json()["verificationMethod"]}

    def resolve(method: str) -> Any:
        return (
            public_key_from_multibase(keys[method]["publicKeyMultibase"])
            if method in keys
            else None
        )

    assert verify(document, resolve).verified
    return check_status(body, lambda _url: document).state


def test_a_trainer_lists_reads_downloads_and_revokes_their_badges(backend, client):
    _, _, trainer = setup(backend, client)
    listed = client.get("/api/v1/credentials", headers=trainer).json()
    assert listed["total"] == 2 and {c["status"] for c in listed["items"]} == {"active"}
    first = listed["items"][0]
    body = client.get(f"/api/v1/credentials/{first['id']}", headers=trainer).json()
    assert body["id"] == first["url"]
    png = client.get(f"/api/v1/credentials/{first['id']}.png", headers=trainer)
    assert png.headers["content-type"] == "image/png"
    assert json.loads(extract_png(png.content)) == body
    svg = client.get(f"/api/v1/credentials/{first['id']}.svg", headers=trainer)
    assert json.loads(extract_svg(svg.content)) == body
    assert published(client, body) == "active"

    revoked = client.post(
        f"/api/v1/credentials/{first['id']}/revoke", json={"reason": "Erreur"}, headers=trainer
    )
    assert revoked.status_code == 200 and revoked.json()["status"] == "revoked"
    assert published(client, body) == "revoked"
    again = client.post(
        f"/api/v1/credentials/{first['id']}/revoke", json={"reason": "Erreur"}, headers=trainer
    )
    assert again.status_code == 409
    assert again.headers["content-type"].startswith("application/problem+json")


def test_issuing_through_the_api_gives_the_signed_badge_once(backend, client):
    structure, person, _ = setup(backend, client)
    mediator_headers = bearer(backend, Role.MEDIATOR, structure)
    exported = client.get(f"/api/v1/people/{person}/export", headers=mediator_headers).json()
    evidence = exported["evidence"][0]["id"]
    answer = client.post(
        "/api/v1/credentials", json={"evidence_id": evidence}, headers=mediator_headers
    )
    assert answer.status_code == 200  # the exit check issued it already
    body = answer.json()

    async def check(db: Any) -> str:
        found = await db.get(Credential, UUID(body["id"].rsplit("/", 1)[1]))
        assert found.body == body
        return await checked(db, found)

    assert backend.run(check) == "active"
    owner = structure_id(backend, structure)

    async def not_passed(db: Any) -> str:
        return str((await recorded(db, person, owner, passed=False)).id)

    refused = client.post(
        "/api/v1/credentials",
        json={"evidence_id": backend.run(not_passed)},
        headers=mediator_headers,
    )
    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    unknown = client.post(
        "/api/v1/credentials", json={"evidence_id": str(uuid.uuid4())}, headers=mediator_headers
    )
    assert unknown.status_code == 404


def test_a_revoked_badge_is_not_issued_again_from_the_same_evidence(backend, client):
    """A mediator may issue but not revoke: issuing from the evidence of a badge a trainer
    revoked would undo the revocation. New evidence of the same achievement gives it again."""
    structure, person, trainer = setup(backend, client)
    own_mediator = bearer(backend, Role.MEDIATOR, structure)
    (c1,) = [
        c
        for c in client.get("/api/v1/credentials", headers=trainer).json()["items"]
        if c["achievement"] == "C1-3"
    ]
    revoked = client.post(
        f"/api/v1/credentials/{c1['id']}/revoke", json={"reason": "Fraude"}, headers=trainer
    )
    assert revoked.status_code == 200
    evidence = backend.run(lambda db: db.get(Credential, UUID(c1["id"]))).evidence_id
    again = client.post(
        "/api/v1/credentials", json={"evidence_id": str(evidence)}, headers=own_mediator
    )
    assert again.status_code == 422, again.text
    assert "révoqué" in again.json()["detail"]
    listed = client.get("/api/v1/credentials", headers=trainer).json()["items"]
    assert [c["status"] for c in listed if c["achievement"] == "C1-3"] == ["revoked"]
    # the person's page offers no « Délivrer » for it, and the form refuses it too
    page = client.get(f"/pro/personnes/{person}")
    assert page.status_code == 200 and 'name="evidence"' not in page.text
    refused = client.post(
        f"/pro/personnes/{person}/badges",
        data={"evidence": str(evidence), "_csrf_token": token(client)},
    )
    assert "révoqué" in text_of(refused.text)
    owner = structure_id(backend, structure)

    async def new_evidence(db: Any) -> str:
        record = await recorded(db, person, owner, competence="C1", level=3)
        credential = await issue_for_evidence(db, record, issued_by=None)
        await db.commit()
        return await checked(db, credential)

    assert backend.run(new_evidence) == "active"


def test_another_structure_can_neither_read_nor_revoke_nor_issue_from_ours(backend, client):
    structure, person, trainer = setup(backend, client)
    ours = client.get("/api/v1/credentials", headers=trainer).json()["items"][0]["id"]
    exported = client.get(
        f"/api/v1/people/{person}/export", headers=bearer(backend, Role.MEDIATOR, structure)
    ).json()
    stranger = bearer(backend, Role.TRAINER)
    unknown = client.get(f"/api/v1/credentials/{uuid.uuid4()}", headers=stranger)
    for path in (f"/api/v1/credentials/{ours}", f"/api/v1/credentials/{ours}.png"):
        answer = client.get(path, headers=stranger)
        assert (answer.status_code, answer.json()) == (404, unknown.json())
    revoke = client.post(
        f"/api/v1/credentials/{ours}/revoke", json={"reason": "Piraté"}, headers=stranger
    )
    assert revoke.status_code == 404
    assert client.get("/api/v1/credentials", headers=stranger).json()["total"] == 0
    issue = client.post(
        "/api/v1/credentials",
        json={"evidence_id": exported["evidence"][0]["id"]},
        headers=bearer(backend, Role.MEDIATOR),
    )
    assert issue.status_code == 404
    # a mediator of our own structure may issue but not revoke
    own_mediator = bearer(backend, Role.MEDIATOR, structure)
    refused = client.post(
        f"/api/v1/credentials/{ours}/revoke", json={"reason": "Non"}, headers=own_mediator
    )
    assert refused.status_code == 403
    assert client.get(f"/api/v1/credentials/{ours}", headers=trainer).status_code == 200


def test_bad_input_gets_a_problem_never_a_server_error(backend, client):
    _, _, trainer = setup(backend, client)
    ours = client.get("/api/v1/credentials", headers=trainer).json()["items"][0]["id"]
    answers = [
        client.post("/api/v1/credentials", json={}, headers=trainer),
        client.post("/api/v1/credentials", json={"evidence_id": "pas-un-id"}, headers=trainer),
        client.post(
            "/api/v1/credentials",
            json={"evidence_id": str(uuid.uuid4()), "valid_until": "2020-01-01T00:00:00Z"},
            headers=trainer,
        ),
        client.post("/api/v1/credentials", content=b"{", headers=trainer),
        client.get("/api/v1/credentials/pas-un-id.png", headers=trainer),
        client.get("/api/v1/credentials/%2e%2e%2fetc", headers=trainer),
        client.get("/api/v1/credentials?limit=0", headers=trainer),
        client.post(f"/api/v1/credentials/{ours}/revoke", json={"reason": ""}, headers=trainer),
        client.post(f"/api/v1/credentials/{ours}/revoke", json={"reason": "   "}, headers=trainer),
        client.get(f"/badges/emetteurs/{uuid.uuid4()}/statuts/0", headers=LD),
        client.get(f"/badges/emetteurs/{uuid.uuid4()}/statuts/99999999999", headers=LD),
        client.get(f"/badges/emetteurs/{uuid.uuid4()}", headers=LD),
        client.get("/referentiel/competences/ZZ"),
    ]
    assert all(400 <= a.status_code < 500 for a in answers), [a.status_code for a in answers]
    for answer in answers:
        if answer.url.path.startswith(("/api/", "/badges/")):
            assert answer.headers["content-type"].startswith("application/problem+json"), (
                answer.text
            )


def test_the_public_url_negotiates_and_stops_when_the_holder_stops_sharing(backend, client):
    _, _, trainer = setup(backend, client)
    item = client.get("/api/v1/credentials", headers=trainer).json()["items"][0]
    path = f"/badges/{item['id']}"
    as_json = client.get(path, headers=LD)
    assert as_json.headers["content-type"].startswith("application/ld+json")
    assert as_json.headers["cache-control"] == "max-age=300, public"
    assert as_json.json()["id"] == item["url"]
    plain = client.get(path, headers={"Accept": "application/json"})
    assert plain.headers["content-type"].startswith("application/json")
    seen = client.get(path, headers=BROWSER, follow_redirects=False)
    assert (seen.status_code, seen.headers["location"]) == (
        303,
        f"/verifier?credential={item['id']}",
    )

    async def stop_sharing(db: Any) -> None:
        found = await db.get(Credential, UUID(item["id"]))
        found.shared = False
        await db.commit()

    backend.run(stop_sharing)
    assert client.get(path, headers=LD).status_code == 404
    assert client.get(path, headers=BROWSER, follow_redirects=False).status_code == 404
    assert published(client, as_json.json()) == "active"


def test_the_issuer_profile_lists_every_key_retired_ones_too(backend, client):
    structure, _, trainer = setup(backend, client)
    owner = structure_id(backend, structure)

    async def rotate(db: Any) -> None:
        await rotate_key(db, owner)
        await db.commit()

    backend.run(rotate)
    profile = client.get(f"/badges/emetteurs/{owner}", headers=LD)
    assert profile.headers["cache-control"] == "max-age=300, public"
    document = profile.json()
    assert document["name"] == structure
    assert len(document["verificationMethod"]) == 2
    assert {k["type"] for k in document["verificationMethod"]} == {"Multikey"}
    assert document["assertionMethod"] == [k["id"] for k in document["verificationMethod"]]
    html = client.get(f"/badges/emetteurs/{owner}", headers=BROWSER)
    assert html.headers["content-type"].startswith("text/html")
    assert structure in html.text and "retirée le" in html.text
    first = client.get("/api/v1/credentials", headers=trainer).json()["items"][0]
    assert published(client, client.get(f"/badges/{first['id']}", headers=LD).json()) == "active"


def test_each_competence_an_achievement_aligns_to_has_its_public_page(client):
    page = client.get("/referentiel/competences/C3")
    assert page.status_code == 200
    assert "Faire mes démarches sur internet" in page.text and "CléA Numérique" in page.text
    english = client.get("/referentiel/competences/C3?lang=en")
    assert "Doing my paperwork on the internet" in english.text


def test_no_badge_is_issued_while_the_public_address_is_in_clear(backend, client):
    """Badges name their issuer's keys and revocation list at the public address: over plain
    http from another machine, anyone on the way could change them."""
    structure, person, trainer = setup(backend, client)
    owner = structure_id(backend, structure)

    async def new_evidence(db: Any) -> str:
        return str((await recorded(db, person, owner, competence="R1", level=2)).id)

    evidence = backend.run(new_evidence)
    in_clear = backend.settings.model_copy(update={"public_url": "http://parcours.example.fr"})
    with TestClient(app=create_app(in_clear)) as elsewhere:
        refused = elsewhere.post(
            "/api/v1/credentials", json={"evidence_id": evidence}, headers=trainer
        )
    assert refused.status_code == 422, refused.text
    assert "https" in refused.json()["detail"]
    assert client.get("/api/v1/credentials", headers=trainer).json()["total"] == 2
    issued = client.post("/api/v1/credentials", json={"evidence_id": evidence}, headers=trainer)
    assert issued.status_code == 201
