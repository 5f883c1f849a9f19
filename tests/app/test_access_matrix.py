"""The role × permission matrix of app/access.py: every route has its place in it, every route
answers every role as the matrix says, the README shows the same table, and the data rules on
top of it hold (a trainer reads no person's diagnostic)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import UUID

import pyotp
import pytest
from litestar.routes import HTTPRoute
from litestar.testing import TestClient

from app.access import (
    ANONYMOUS,
    DESCRIPTIONS,
    MATRIX,
    Permission,
    is_automatic_options,
    permission_of,
)
from app.asgi import create_app
from app.db.models import Person, Role
from app.features.diagnostics.service import DiagnosticService
from referentiel import load_referential
from tests.app.conftest import csrf, login
from tests.app.test_accounts import form, with_totp

README = Path(__file__).resolve().parents[2] / "README.md"
PAPER = {i.id: 2 for i in load_referential().form_items("papier")}
ROLES: list[Role | None] = [ANONYMOUS, *Role]
# Routes that end the caller's session: walked last, so the other answers are not changed.
LAST = ("/pro/deconnexion", "/appareil/effacer")
PARAMETERS = {
    "{file_path:path}": "app.css",
    "{path:str}": "openapi.json",
    "{item_id:str}": "E1.1",
    "{ref:str}": "00000000-0000-0000-0000-000000000000",
}


def routes(app: Any) -> list[tuple[str, str, Any]]:
    """(method, path template, handler) of every route the app serves."""
    found = [
        (method, route.path, handler)
        for route in app.routes
        if isinstance(route, HTTPRoute)
        for handler in route.route_handlers
        for method in handler.http_methods
        if not is_automatic_options(handler) and method not in {"OPTIONS", "HEAD"}
    ]
    return sorted(found, key=lambda r: (r[1].startswith(LAST), r[1], r[0]))


def concrete(path: str) -> str:
    for placeholder, value in PARAMETERS.items():
        path = path.replace(placeholder, value)
    return re.sub(r"\{[a-z_]+:uuid\}", lambda _: str(uuid.uuid4()), path)


# What each part of the site is for, said independently of the code: the first prefix that
# fits a route gives the permission it must declare. An entry that starts with a method names
# one route exactly, where one path serves two permissions (reading a session is public,
# changing it is not).
EXPECTED = [
    ("GET /api/v1/sessions/{ref:str}", Permission.PUBLIC),
    ("PATCH /api/v1/sessions/{ref:str}", Permission.OFFER),
    ("POST /api/v1/sessions", Permission.OFFER),
    ("POST /api/v1/sessions/import", Permission.OFFER),
    ("POST /api/v1/sessions/{session_id:uuid}/cancellation", Permission.OFFER),
    ("/api/v1/series", Permission.OFFER),
    ("/api/v1/diagnostics/{diagnostic_id:uuid}/corrections", Permission.PEOPLE),
    ("/api/v1/people", Permission.PEOPLE),
    ("/api/v1/sessions/{session_id:uuid}/attendance", Permission.OFFER),
    ("/api/v1/scans", Permission.SCANS),
    ("/api/v1/places", Permission.OFFER),
    ("/api/v1/workshops", Permission.OFFER),
    ("/api/v1/exports", Permission.PUBLIC),
    ("POST /api/v1/credentials/{credential_id:uuid}/revoke", Permission.BADGE_REVOCATION),
    ("/api/v1/credentials", Permission.BADGES),
    ("/api/v1/verify", Permission.PUBLIC),
    ("/api/v1/", Permission.PUBLIC),
    ("/pro/connexion", Permission.PUBLIC),
    ("/pro/deconnexion", Permission.PUBLIC),
    ("/pro/compte", Permission.ACCOUNT),
    ("/pro/admin/journal", Permission.AUDIT),
    ("/pro/admin/", Permission.ACCOUNTS_ADMIN),
    ("/pro/scans", Permission.SCANS),
    ("/pro/formulaires", Permission.FORMS),
    ("/pro/formation", Permission.TRAINING),
    ("/pro/offre", Permission.OFFER),
    ("POST /pro/personnes/{person_id:uuid}/badges", Permission.BADGES),
    ("GET /pro/badges/{credential_id:uuid}/revoquer", Permission.BADGE_REVOCATION),
    ("POST /pro/badges/{credential_id:uuid}/revoquer", Permission.BADGE_REVOCATION),
    ("/pro/badges", Permission.BADGES),
    ("/pro/territoire", Permission.STATISTICS),
    ("/pro", Permission.PEOPLE),
    ("/verifier", Permission.PUBLIC),
    ("/", Permission.PUBLIC),
]


def _fits(prefix: str, method: str, path: str) -> bool:
    if prefix.startswith("/"):
        return path.startswith(prefix)
    return prefix == f"{method} {path}"


def test_every_route_has_its_place_in_the_matrix(backend):
    app = create_app(backend.settings)
    wrong = []
    for method, path, handler in routes(app):
        expected = next(p for prefix, p in EXPECTED if _fits(prefix, method, path))
        if permission_of(handler) != expected:
            wrong.append(f"{method} {path}: {permission_of(handler)}, expected {expected}")
    assert not wrong, "\n".join(wrong)


def matrix_markdown() -> str:
    names = ["anonymous", *(role.value for role in Role)]
    lines = [
        "| permission | " + " | ".join(names) + " | what it covers |",
        "|---" * (len(names) + 2) + "|",
    ]
    for permission, roles in MATRIX.items():
        cells = ["yes" if role in roles else "—" for role in ROLES]
        lines.append(
            f"| {permission.value} | " + " | ".join(cells) + f" | {DESCRIPTIONS[permission]} |"
        )
    return "\n".join(lines)


def test_the_readme_shows_the_matrix_the_guards_read():
    assert matrix_markdown() in README.read_text("utf-8"), "README: paste\n" + matrix_markdown()


@pytest.fixture
def callers(backend: Any) -> Iterator[dict[Role | None, TestClient]]:  # type: ignore[type-arg]
    """A browser per role, logged in (the administrator with the second factor), and an API
    token per role in its headers."""
    clients: dict[Role | None, TestClient] = {}  # type: ignore[type-arg]
    try:
        for role in ROLES:
            client = TestClient(app=create_app(backend.settings))
            client.__enter__()
            clients[role] = client
            if role is None:
                continue
            email, _ = backend.user(role)
            secret = with_totp(backend, email) if role == Role.ADMIN else None
            login(client, email)
            if secret is not None:
                form(client, "/pro/connexion/code", code=pyotp.TOTP(secret).now())
            client.headers["Authorization"] = f"Bearer {backend.token(email)}"
        yield clients
    finally:
        for client in clients.values():
            client.__exit__(None, None, None)


def test_every_route_answers_every_role_as_the_matrix_says(backend, callers):
    wrong: list[str] = []
    for method, template, handler in routes(callers[None].app):
        permission = permission_of(handler)
        assert permission is not None
        path = concrete(template)
        for role, client in callers.items():
            api = path.startswith("/api/")
            token = csrf(client, "/") if not api and method != "GET" else None
            response = client.request(
                method,
                path,
                json={} if api and method != "GET" else None,
                data={"_csrf_token": token} if token else None,
                follow_redirects=False,
            )
            refused = response.status_code in (401, 403) or (
                response.status_code == 303
                and response.headers["location"].startswith("/pro/connexion?")
            )
            if refused == (role in MATRIX[permission]):
                wrong.append(
                    f"{method} {template} as {role or 'anonymous'}: {response.status_code}"
                )
            if refused and role is None and api and response.status_code != 401:
                wrong.append(f"{method} {template} anonymous: {response.status_code}")
    assert not wrong, "\n".join(wrong)


def test_a_trainer_reads_no_persons_diagnostic(backend, client):
    mediator, structure = backend.user(Role.MEDIATOR)
    trainer, _ = backend.user(Role.TRAINER, structure)
    mine = {"Authorization": f"Bearer {backend.token(mediator)}"}
    theirs = {"Authorization": f"Bearer {backend.token(trainer)}"}
    person = client.post("/api/v1/people", json={"alias": "Odette", "consent": True}, headers=mine)
    linked = client.post(
        "/api/v1/diagnostics",
        json={"answers": PAPER, "person_id": person.json()["id"]},
        headers=mine,
    ).json()["id"]
    started = client.post("/api/v1/diagnostics/adaptive").json()["id"]

    async def in_progress(db: Any) -> str:
        found = await db.get(Person, UUID(person.json()["id"]))
        diagnostic = await DiagnosticService(db).start(
            person_id=found.id, structure_id=found.structure_id
        )
        return str(diagnostic.id)

    ongoing = backend.run(in_progress)
    finish = client.post(f"/api/v1/diagnostics/{ongoing}/finish", json={}, headers=theirs)
    assert finish.status_code == 404
    unknown = client.get(f"/api/v1/diagnostics/{uuid.uuid4()}")
    for headers in (theirs, {}):
        read = client.get(f"/api/v1/diagnostics/{linked}", headers=headers)
        assert (read.status_code, read.json()) == (404, unknown.json())
        assert "Odette" not in read.text and "answers" not in read.json()
    assert client.get(f"/api/v1/people/{person.json()['id']}", headers=theirs).status_code == 403
    assert client.get(f"/api/v1/diagnostics/{linked}", headers=mine).status_code == 200
    # the anonymous adaptive diagnostic stays open to its holder, whoever they are
    assert client.get(f"/api/v1/diagnostics/{started}/adaptive", headers=theirs).status_code == 200
