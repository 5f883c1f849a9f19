"""Verifying badges as a counsellor, a program and an operator do: the page, the API and the
command line agree, a revocation shows at once, bad input gets a verdict and a reason (never
a 5xx), nothing is fetched from the network, and a check over its time limit is stopped."""

from __future__ import annotations

import copy
import html
import http.server
import io
import json
import re
import struct
import threading
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from litestar.testing import TestClient
from PIL import Image
from sqlalchemy import select

from app.asgi import create_app
from app.cli import main
from app.db.models import Credential, IssuerKey, Person, Role, Structure
from app.features.badges import credential_url, issue_for_evidence, revoke
from app.features.verification.api import API_CHECKS
from app.features.verification.pages import PAGE_CHECKS
from badges.baking import bake_png, bake_svg
from badges.multikey import public_key_multibase
from badges.proof import sign
from tests.app.conftest import csrf
from tests.app.features.badges.support import recorded
from tests.app.features.wallet.support import OBSERVED, earn_badges
from tests.app.limits import forget_limit
from tests.badges.strategies import leaves, value_at, with_value

SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><circle r="4"/></svg>'


def _issue(backend: Any) -> tuple[UUID, dict[str, Any]]:
    """A valid badge of a new structure, for a person it follows."""
    _, name = backend.user(Role.TRAINER)

    async def go(db: Any) -> tuple[UUID, dict[str, Any]]:
        structure = await db.scalar(select(Structure).where(Structure.name == name))
        person = Person(structure_id=structure.id, alias="Odette")
        db.add(person)
        await db.flush()
        _, kept = await earn_badges(db, person)
        await db.commit()
        return kept.id, copy.deepcopy(kept.body)

    return backend.run(go)


def _revoke(backend: Any, credential_id: UUID) -> None:
    async def go(db: Any) -> None:
        credential = await db.get(Credential, credential_id)
        await revoke(db, credential, reason="Erreur de saisie", by=None)
        await db.commit()

    backend.run(go)


def _unshare(backend: Any, credential_id: UUID) -> None:
    async def go(db: Any) -> None:
        credential = await db.get(Credential, credential_id)
        credential.shared = False
        await db.commit()

    backend.run(go)


def _replace_key(backend: Any, method: str) -> None:
    """The issuer's key in the database is no longer the one that signed."""

    async def go(db: Any) -> None:
        key_id = method.rpartition("#")[2]
        row = await db.scalar(select(IssuerKey).where(IssuerKey.key_id == key_id))
        row.public_key_multibase = public_key_multibase(Ed25519PrivateKey.generate().public_key())
        await db.commit()

    backend.run(go)


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (3, 2), "white").save(out, format="PNG")
    return out.getvalue()


def _png_header(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IEND", b"")


def _api(client: TestClient, **body: Any) -> dict[str, Any]:  # type: ignore[type-arg]
    response = client.post("/api/v1/verify", json=body)
    assert response.status_code == 200, response.text
    return response.json()


def _upload(client: TestClient, content: bytes, name: str) -> dict[str, Any]:  # type: ignore[type-arg]
    response = client.post("/api/v1/verify", files={"file": (name, content)})
    assert response.status_code == 200, response.text
    return response.json()


def _page(client: TestClient, **fields: Any) -> Any:  # type: ignore[type-arg]
    token = csrf(client, "/verifier")
    files = {"fichier": fields.pop("fichier")} if "fichier" in fields else None
    return client.post("/verifier", data={"_csrf_token": token, **fields}, files=files)


def _verdict(html: str) -> str:
    found = re.search(r'<div class="verdict[^"]*">\s*<h1>([^<]*)</h1>', html)
    assert found, html[:2000]
    return found.group(1).replace("&#39;", "'")


def test_one_of_ours_is_valid_on_the_page_the_api_and_as_an_image(backend, client):
    credential_id, body = _issue(backend)
    shown = client.get(f"/verifier?credential={credential_id}")
    assert shown.status_code == 200
    assert _verdict(shown.text) == "Badge valide"
    assert OBSERVED in shown.text
    assert "<details" in shown.text
    description = body["credentialSubject"]["achievement"]["description"]
    french, _, english = description.partition("\n\n(English) ")
    assert french in html.unescape(shown.text)
    assert english not in html.unescape(shown.text)
    text = json.dumps(body, ensure_ascii=False)
    for answer in (
        _api(client, credential=body),
        _api(client, credential=text),
        _api(client, link=credential_url(credential_id)),
        _api(client, link=f"{backend.settings.public_url}/verifier?credential={credential_id}"),
        _upload(client, text.encode(), "badge.json"),
        _upload(client, bake_png(_png(), text), "badge.png"),
        _upload(client, bake_svg(SVG, text).encode(), "badge.svg"),
    ):
        assert (answer["verdict"], answer["reason"]) == ("valid", "valid"), answer
        assert all(check["passed"] for check in answer["checks"])
    page = _page(client, fichier=("badge.png", bake_png(_png(), text), "image/png"))
    assert _verdict(page.text) == "Badge valide"
    assert _verdict(_page(client, json=text).text) == "Badge valide"
    assert _verdict(_page(client, lien=credential_url(credential_id)).text) == "Badge valide"
    in_english = client.get(f"/verifier?credential={credential_id}&lang=en")
    assert _verdict(in_english.text) == "Valid badge"
    assert english in html.unescape(in_english.text)
    assert french not in html.unescape(in_english.text)


def test_a_revocation_shows_at_once_on_the_page_and_the_api(backend, client):
    credential_id, body = _issue(backend)
    assert _api(client, credential=body)["verdict"] == "valid"
    _revoke(backend, credential_id)
    assert _verdict(client.get(f"/verifier?credential={credential_id}").text) == "Badge révoqué"
    answer = _api(client, credential=body)
    assert (answer["verdict"], answer["reason"]) == ("revoked", "revoked")
    assert _api(client, link=credential_url(credential_id))["verdict"] == "revoked"


def test_altered_unknown_foreign_and_switched_off(backend, client):
    credential_id, body = _issue(backend)
    altered = {**body, "name": body["name"] + " et plus"}
    answer = _api(client, credential=altered)
    assert (answer["verdict"], answer["reason"]) == ("invalid", "altered")
    page = _page(client, json=json.dumps(altered))
    assert _verdict(page.text) == "Badge modifié : ne pas s'y fier"
    assert body["name"] not in page.text.split("<details")[0] or "disait" in page.text

    stranger = sign(
        {k: v for k, v in body.items() if k != "proof"},
        Ed25519PrivateKey.generate(),
        body["proof"][0]["verificationMethod"].partition("#")[0] + "#cle-inconnue",
        datetime.now(UTC),
    )
    assert _api(client, credential=stranger)["reason"] == "unknown_issuer"
    assert _verdict(_page(client, json=json.dumps(stranger)).text) == "Émetteur inconnu"

    foreign = _api(client, link="https://ailleurs.example/badges/" + str(credential_id))
    assert (foreign["verdict"], foreign["reason"]) == ("invalid", "foreign_link")
    page = _page(client, lien="https://ailleurs.example/badge.json")
    assert _verdict(page.text) == "Ce lien ne peut pas être vérifié ici"

    missing = client.get(f"/verifier?credential={UUID(int=1)}")
    assert _verdict(missing.text) == "Badge introuvable"
    _unshare(backend, credential_id)
    assert _verdict(client.get(f"/verifier?credential={credential_id}").text) == (
        "Badge introuvable"
    )
    assert _api(client, credential=body)["verdict"] == "valid"  # the file still verifies
    _replace_key(backend, body["proof"][0]["verificationMethod"])
    answer = _api(client, credential=body)
    assert (answer["verdict"], answer["reason"]) == ("invalid", "altered")


def test_bad_input_gets_a_verdict_and_a_reason_never_a_5xx(backend, client):
    _, body = _issue(backend)
    proof = body["proof"][0]
    cases: dict[str, list[Any]] = {
        "unreadable": [
            b"{not json",
            _png(),
            _png_header(10_000, 10_000),
            SVG.encode(),
            b"\x00" * 10,
        ],
        "unknown_context": [
            json.dumps({**body, "@context": [*body["@context"], "https://ailleurs.example/c"]})
        ],
        "unknown_issuer": [
            json.dumps({**body, "proof": [{**proof, "verificationMethod": "did:key:z6Mk#x"}]})
        ],
        "unsupported_proof": [
            json.dumps({**body, "proof": [{**proof, "cryptosuite": "ecdsa-rdfc-2019"}]}),
            json.dumps({k: v for k, v in body.items() if k != "proof"}),
        ],
    }
    for reason, inputs in cases.items():
        for content in inputs:
            answer = _upload(
                client, content if isinstance(content, bytes) else content.encode(), "x"
            )
            assert (answer["verdict"], answer["reason"]) == ("invalid", reason), answer
            assert any(not check["passed"] and check["detail"] for check in answer["checks"])
    page = _page(client, fichier=("huge.png", _png_header(10_000, 10_000), "image/png"))
    assert page.status_code == 200
    assert _verdict(page.text) == "Badge illisible"
    malformed = client.post(
        "/api/v1/verify", content=b"{", headers={"Content-Type": "application/json"}
    )
    assert malformed.status_code == 400
    assert malformed.headers["content-type"].startswith("application/problem+json")
    for body_in in ({}, {"credential": body, "link": "x"}, {"credential": 3}, {"link": 4}):
        refused = client.post("/api/v1/verify", json=body_in)
        assert refused.status_code == 422, body_in
    empty = _page(client)
    assert empty.status_code == 400
    assert "Donnez le lien du badge" in empty.text


@pytest.fixture
def watched_server() -> Iterator[tuple[str, list[str]]]:
    """A local web server that records every request made to it."""
    asked: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            asked.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", asked
    finally:
        server.shutdown()


def test_nothing_is_fetched(backend, client, watched_server):
    """Contexts, keys, status lists and links that point elsewhere are never requested."""
    base, asked = watched_server
    _, body = _issue(backend)
    issuer = f"{base}/emetteur"
    elsewhere = {
        **body,
        "@context": [*body["@context"], f"{base}/context.json"],
        "issuer": {**body["issuer"], "id": issuer},
        "credentialStatus": {**body["credentialStatus"], "statusListCredential": f"{base}/l"},
        "proof": [{**body["proof"][0], "verificationMethod": f"{issuer}#cle"}],
    }
    without_context = {**elsewhere, "@context": body["@context"]}
    for credential in (elsewhere, without_context):
        assert _api(client, credential=credential)["verdict"] == "invalid"
    assert _api(client, link=f"{base}/badge.json")["reason"] == "foreign_link"
    _page(client, lien=f"{base}/badge.json")
    assert asked == []


def test_a_check_over_its_time_limit_is_stopped_with_a_verdict(backend):
    _, body = _issue(backend)
    hurried = backend.settings.model_copy(update={"verify_seconds": 0.0})
    with TestClient(app=create_app(hurried)) as client:
        answer = _api(client, credential=body)
        assert (answer["verdict"], answer["reason"]) == ("invalid", "timeout")
        page = _page(client, json=json.dumps(body))
        assert page.status_code == 200
        assert _verdict(page.text) == "Badge refusé : trop long à vérifier"


def test_the_command_line_says_the_verdict_and_exits_by_it(backend, tmp_path):
    credential_id, body = _issue(backend)
    runner = CliRunner()
    url = backend.settings.database_url
    good = tmp_path / "badge.svg"
    good.write_text(bake_svg(SVG, json.dumps(body, ensure_ascii=False)), encoding="utf-8")
    result = runner.invoke(main, ["badges", "verify", str(good), "--database-url", url])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("valid (valid)")
    assert "signature" in result.output
    altered = tmp_path / "altered.json"
    altered.write_text(json.dumps({**body, "name": "Autre chose"}), encoding="utf-8")
    result = runner.invoke(main, ["badges", "verify", str(altered), "--database-url", url])
    assert result.exit_code == 1
    assert result.output.startswith("invalid (altered)")
    _revoke(backend, credential_id)
    result = runner.invoke(main, ["badges", "verify", str(good), "--database-url", url])
    assert (result.exit_code, result.output.split("\n")[0]) == (1, "revoked (revoked)")


@pytest.fixture
def ours(backend: Any) -> dict[str, Any]:
    return _issue(backend)[1]


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_changing_any_field_of_one_of_ours_says_altered(client, ours, data):
    """Every example changes one value of the same badge (of the proof too)."""
    path = data.draw(st.sampled_from([p for p in leaves(ours) if p[0] != "@context"]))
    old = value_at(ours, path)
    changed = with_value(ours, path, (not old) if isinstance(old, bool) else f"{old}x")
    answer = _api(client, credential=changed)
    assert answer["verdict"] == "invalid", (path, answer)
    assert answer["reason"] in {"altered", "unknown_issuer", "unsupported_proof"}, (path, answer)


def test_the_api_is_documented_with_its_three_inputs_and_its_verdicts(client):
    operation = client.get("/schema/openapi.json").json()["paths"]["/api/v1/verify"]["post"]
    content = operation["requestBody"]["content"]
    assert set(content["application/json"]["schema"]["properties"]) == {"credential", "link"}
    assert content["multipart/form-data"]["schema"]["properties"]["file"]["format"] == "binary"
    assert {"200", "400", "413", "422", "429"} <= set(operation["responses"])
    assert "security" not in operation or {} in operation["security"]


def test_a_badge_past_its_end_date_reads_expired_everywhere(backend, client):
    """A badge issued with an end date (`validUntil`) that has passed, as time makes it: the
    page, the API and the structure's list say expired, not valid nor revoked."""
    email, name = backend.user(Role.TRAINER)
    until = datetime.now(UTC) - timedelta(days=1)

    async def go(db: Any) -> UUID:
        structure = await db.scalar(select(Structure).where(Structure.name == name))
        person = Person(structure_id=structure.id, alias="Odile")
        db.add(person)
        await db.flush()
        evidence = await recorded(db, str(person.id), structure.id)
        credential = await issue_for_evidence(db, evidence, issued_by=None, valid_until=until)
        await db.commit()
        return credential.id

    credential_id = backend.run(go)
    forget_limit(backend, PAGE_CHECKS)
    forget_limit(backend, API_CHECKS)
    shown = client.get(f"/verifier?credential={credential_id}")
    assert _verdict(shown.text) == "Badge expiré"
    answer = _api(client, link=credential_url(credential_id))
    assert (answer["verdict"], answer["reason"]) == ("expired", "expired")
    trainer = {"Authorization": f"Bearer {backend.token(email)}"}
    (listed,) = client.get("/api/v1/credentials", headers=trainer).json()["items"]
    assert (listed["id"], listed["status"]) == (str(credential_id), "expired")
