"""What every answer tells the browser: run and load only our own files, never be framed, keep
our addresses to ourselves, and never store what was computed for a request."""

from __future__ import annotations

import re

import pytest

from app.db.models import Role
from tests.app.conftest import csrf, login

EXPECTED = {
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "strict-transport-security": "max-age=31536000",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
}
POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
# (method, path, expected status): pages, API, static files, errors, redirects.
ANSWERS = [
    ("GET", "/", 200),
    ("GET", "/reprendre?code=ABCD-EFGH", 200),
    ("GET", "/preferences/texte?retour=/", 303),
    ("GET", "/pro", 303),  # to the login page
    ("GET", "/cette-page-n-existe-pas", 404),
    ("DELETE", "/", 405),
    ("GET", "/api/v1/referentiel", 200),
    ("GET", "/api/v1/diagnostics/00000000-0000-4000-8000-000000000000", 404),
    ("GET", "/api/v1/people", 401),
    ("GET", "/schema", 200),
    ("GET", "/schema/openapi.json", 200),
    ("GET", "/sante", 200),
    ("GET", "/static/app.css", 200),
    ("GET", "/static/absent.css", 404),
]


def _policy(header: str) -> dict[str, str]:
    directives = (part.strip().partition(" ") for part in header.split(";") if part.strip())
    return {name: value for name, _, value in directives}


@pytest.mark.parametrize(("method", "path", "status"), ANSWERS)
def test_every_answer_carries_the_security_headers(client, method, path, status):
    response = client.request(method, path, follow_redirects=False)
    assert response.status_code == status
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, (path, name)
    assert _policy(response.headers["content-security-policy"]) == POLICY
    permissions = response.headers["permissions-policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in permissions


@pytest.mark.parametrize(("method", "path", "status"), ANSWERS)
def test_only_static_files_may_be_cached(client, method, path, status):
    response = client.request(method, path, follow_redirects=False)
    static = path.startswith("/static/") and status == 200
    assert response.headers["cache-control"] == ("max-age=3600" if static else "no-store")


def test_files_a_cache_may_keep_carry_no_cookie_even_for_a_logged_in_mediator(backend, client):
    """A shared cache that kept a file with a Set-Cookie would hand that session (or CSRF
    token) to the next person who asks for the file."""
    files = ("/static/app.css", "/schema/swagger-ui/swagger-ui.css")
    for path in files:  # a first visit: no cookie yet
        assert "set-cookie" not in client.get(path).headers, path
    email, _ = backend.user(Role.MEDIATOR)
    login(client, email)
    assert "set-cookie" in client.get("/pro").headers  # logged in: pages renew the session
    for path in files:
        response = client.get(path)
        assert response.headers["cache-control"] == "max-age=3600"
        assert "set-cookie" not in response.headers, path


def test_a_form_post_and_its_redirect_are_not_stored(client):
    token = csrf(client, "/")
    response = client.post("/diagnostic", data={"_csrf_token": token}, follow_redirects=False)
    assert response.status_code in (302, 303)
    assert response.headers["cache-control"] == "no-store"
    question = client.get(response.headers["location"])
    assert question.status_code == 200
    assert question.headers["cache-control"] == "no-store"
    assert question.headers["x-frame-options"] == "DENY"


def test_the_api_documentation_comes_from_our_own_origin(client):
    page = client.get("/schema")
    assert page.status_code == 200
    addresses = re.findall(r'(?:src|href)="([^"]*)"', page.text)
    assert addresses and all(a.startswith("/") and not a.startswith("//") for a in addresses)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page.text), "an inline script"
    for address in addresses:
        loaded = client.get(address)
        assert loaded.status_code == 200, address
        assert loaded.headers["content-type"].split(";")[0] in (
            "text/css",
            "text/javascript",
            "application/vnd.oai.openapi+json",
        )
    bundle = client.get("/schema/swagger-ui/swagger-ui-bundle.js")
    assert "SwaggerUIBundle" in bundle.text
    assert bundle.headers["cache-control"] == "max-age=3600"
    # only what the page loads: not the package's demo page, nor its editor
    assert client.get("/schema/swagger-ui/index.html").status_code == 404
    assert client.get("/schema/swagger-ui/swagger-editor-bundle.js").status_code == 404
    for viewer in ("redoc", "swagger", "elements", "rapidoc"):  # CDN-backed, gone
        assert client.get(f"/schema/{viewer}").status_code == 404
    assert "/api/v1/diagnostics" in client.get("/schema/openapi.json").json()["paths"]
