"""A NUL character (U+0000) is refused before it reaches the database: PostgreSQL cannot store
one in text, and used to answer 500. Every request carrying one gets a 400, on both
databases, and nothing is stored."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

import msgspec
from hypothesis import given
from hypothesis import strategies as st

from app.nul_bytes import form_has_nul, json_has_nul
from tests.app.conftest import csrf
from tests.app.test_people_api import assert_problem, bearer, new_person

MESSAGE = "caractère nul"
JSON_TEXT = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner),
)


def holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(holds_nul(k) or holds_nul(v) for k, v in value.items())
    return isinstance(value, list) and any(holds_nul(v) for v in value)


@given(JSON_TEXT)
def test_a_nul_is_found_in_json_however_it_is_escaped(value):
    expected = holds_nul(value)
    assert json_has_nul(json.dumps(value).encode()) is expected
    assert json_has_nul(json.dumps(value, ensure_ascii=False).encode()) is expected
    assert json_has_nul(msgspec.json.encode(value)) is expected


@given(st.dictionaries(st.text(), st.text()))
def test_a_nul_is_found_in_a_url_encoded_form(fields):
    expected = any("\x00" in key + value for key, value in fields.items())
    assert form_has_nul(urlencode(fields).encode()) is expected


def test_a_nul_in_an_alias_a_search_or_an_answer_is_a_400_problem(backend, client):
    headers = bearer(backend)
    person = new_person(client, headers, alias="Jo")
    adaptive = client.post("/api/v1/diagnostics/adaptive").json()["id"]
    refused = [
        ("POST", "/api/v1/people", {"json": {"alias": "Jo\x00", "consent": True}}),
        ("PATCH", f"/api/v1/people/{person['id']}", {"json": {"alias": "\x00"}}),
        ("GET", "/api/v1/people", {"params": {"q": "J\x00"}}),
        ("POST", "/api/v1/diagnostics", {"json": {"answers": {}, "goals": {"caf\x00": "A1"}}}),
        ("PUT", f"/api/v1/diagnostics/{adaptive}/answers/E1.1%00", {"json": {"value": 1}}),
        ("POST", f"/api/v1/diagnostics/{adaptive}/finish", {"json": {"context": {"x": "\x00"}}}),
    ]
    for method, url, sent in refused:
        response = client.request(method, url, headers=headers, **sent)
        assert MESSAGE in assert_problem(response, 400)["detail"], (method, url)
    listing = client.get("/api/v1/people", headers=headers).json()
    assert [p["alias"] for p in listing["items"]] == ["Jo"]


def test_an_escaped_backslash_before_u0000_is_plain_text(backend, client):
    person = new_person(client, bearer(backend), alias="Jo\\u0000")
    assert person["alias"] == "Jo\\u0000"


def test_a_nul_in_the_login_form_or_a_cookie_gets_the_french_error_page(backend, client):
    email, _ = backend.user()
    response = client.post(
        "/pro/connexion",
        data={"email": email + "\x00", "password": "x", "_csrf_token": csrf(client)},
    )
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/html")
    assert MESSAGE in response.text
    cookie = backend.settings.cookie_name("session")
    for value in ("%00", '"\\000"'):
        response = client.get("/", headers={"cookie": f"{cookie}={value}"})
        assert response.status_code == 400, value
        assert MESSAGE in response.text


def test_a_multipart_upload_keeps_its_binary_bytes(backend, client):
    """A photo holds NUL bytes: multipart bodies are not searched."""
    headers = bearer(backend)
    response = client.post(
        "/api/v1/scans", files={"files": ("page.jpg", b"\xff\xd8\x00\x00")}, headers=headers
    )
    assert response.status_code == 202, response.text
