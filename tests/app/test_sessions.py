"""Sessions on a shared PC: a new id at every change of privilege, a cookie that dies with the
browser, an idle and an absolute end, and a resident who can wipe their visit."""

from __future__ import annotations

import json
import re
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from litestar.testing import TestClient
from sqlalchemy import select, text, update

from app.asgi import create_app
from app.config import Settings
from app.db.models import Role, StoreEntry
from referentiel import load_referential
from tests.app.conftest import PASSWORD, csrf, login

ITEMS = [item.id for item in load_referential().form_items("papier")]


def session_rows(backend: Any, key: str) -> int:
    async def go(db: Any) -> int:
        statement = text("SELECT count(*) FROM store_entry WHERE key = :key")
        return int((await db.execute(statement, {"key": key})).scalar_one())

    return int(backend.run(go))


def set_cookie_lines(response: Any, name: str) -> list[str]:
    return [
        line
        for line in response.headers.get_list("set-cookie")
        if line.split("=", 1)[0].strip() == name
    ]


def plant(client: TestClient, value: str) -> None:  # type: ignore[type-arg]
    """A session cookie of this value in the browser, as if someone had left or forged it."""
    client.cookies.delete("session")
    client.cookies.set("session", value, domain="testserver.local")


def start_resident(client: TestClient) -> str:  # type: ignore[type-arg]
    csrf(client, "/")
    started = client.post("/diagnostic", data={"_csrf_token": client.cookies.get("csrftoken")})
    found = re.search(r"/diagnostic/([0-9a-f-]{36})/question", str(started.url))
    assert found, started.url
    return found.group(1)


def test_a_login_gets_a_new_session_id_and_the_old_one_opens_nothing(backend, client):
    """The previous resident of a shared PC kept a copy of the session cookie."""
    start_resident(client)
    before = client.cookies.get("session")
    assert before and session_rows(backend, before) == 1
    email, _ = backend.user(Role.MEDIATOR)
    login(client, email)
    after = client.cookies.get("session")
    assert after and after != before
    assert session_rows(backend, before) == 0
    with TestClient(app=create_app(backend.settings)) as previous_resident:
        plant(previous_resident, before)
        response = previous_resident.get("/pro", follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/pro/connexion")


def test_a_session_id_the_server_did_not_issue_is_never_used(backend, client):
    plant(client, "chosen-by-an-attacker")
    start_resident(client)
    assert client.cookies.get("session") != "chosen-by-an-attacker"
    assert session_rows(backend, "chosen-by-an-attacker") == 0
    email, _ = backend.user(Role.MEDIATOR)
    plant(client, "chosen-by-an-attacker")
    login(client, email)
    assert client.cookies.get("session") != "chosen-by-an-attacker"
    assert session_rows(backend, "chosen-by-an-attacker") == 0


def test_logout_ends_the_session_on_the_server(backend, client):
    email, _ = backend.user(Role.MEDIATOR)
    login(client, email)
    logged_in = client.cookies.get("session")
    assert client.get("/pro").status_code == 200
    client.post("/pro/deconnexion", data={"_csrf_token": client.cookies.get("csrftoken")})
    assert session_rows(backend, logged_in) == 0
    with TestClient(app=create_app(backend.settings)) as copy:
        plant(copy, logged_in)
        assert copy.get("/pro", follow_redirects=False).status_code == 303


def test_the_session_cookie_ends_with_the_browser(backend, client):
    csrf(client, "/")
    response = client.post(
        "/diagnostic",
        data={"_csrf_token": client.cookies.get("csrftoken")},
        follow_redirects=False,
    )
    (cookie,) = set_cookie_lines(response, "session")
    attributes = cookie.lower()
    assert "max-age" not in attributes and "expires" not in attributes
    assert "httponly" in attributes and "samesite=lax" in attributes


def test_behind_https_every_cookie_is_secure_and_host_prefixed(backend):
    settings = Settings(
        database_url=backend.settings.database_url,
        secret_key=backend.settings.secret_key,
        public_url="https://parcours.example.org",
    )
    with TestClient(app=create_app(settings), base_url="https://testserver.local") as client:
        form = client.get("/")
        (csrf_cookie,) = set_cookie_lines(form, "__Host-csrftoken")
        response = client.post(
            "/diagnostic",
            data={"_csrf_token": client.cookies.get("__Host-csrftoken")},
            follow_redirects=False,
        )
        assert response.status_code == 303, response.text
        (session_cookie,) = set_cookie_lines(response, "__Host-session")
        (language,) = set_cookie_lines(client.get("/?lang=en"), "__Host-lang")
        larger = client.get("/preferences/texte", follow_redirects=False)
        (text_size,) = set_cookie_lines(larger, "__Host-texte")
        assert 'lang="en"' in client.get("/").text  # and it is read back under that name
        for cookie in (csrf_cookie, session_cookie, language, text_size):
            assert "secure" in cookie.lower() and "path=/" in cookie.lower()
            assert "domain" not in cookie.lower()


def test_an_idle_session_is_forgotten(backend, client):
    email, _ = backend.user(Role.MEDIATOR)
    login(client, email)
    key = client.cookies.get("session")

    async def idle(db: Any) -> None:
        # What 31 idle minutes leave: the server's expiry is in the past.
        past = datetime.now(UTC) - timedelta(minutes=1)
        await db.execute(update(StoreEntry).where(StoreEntry.key == key).values(expires_at=past))
        await db.commit()

    backend.run(idle)
    response = client.get("/pro", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/pro/connexion")


def test_a_professional_login_lasts_at_most_twelve_hours(backend, client):
    email, _ = backend.user(Role.MEDIATOR)
    login(client, email)
    key = client.cookies.get("session")

    async def thirteen_hours_ago(db: Any) -> None:
        value = await db.scalar(select(StoreEntry.value).where(StoreEntry.key == key))
        data = json.loads(bytes(value))
        data["auth_at"] = time.time() - 13 * 3600
        changed = json.dumps(data).encode()
        await db.execute(update(StoreEntry).where(StoreEntry.key == key).values(value=changed))
        await db.commit()

    backend.run(thirteen_hours_ago)
    response = client.get("/pro", follow_redirects=False)
    assert response.status_code == 303
    assert "expiree=1" in response.headers["location"]
    assert "Votre session a pris fin" in client.get(response.headers["location"]).text


def test_changing_the_password_closes_the_other_sessions(backend, client):
    email, _ = backend.user(Role.MEDIATOR)
    login(client, email)
    with TestClient(app=create_app(backend.settings)) as other_browser:
        login(other_browser, email)
        assert other_browser.get("/pro").status_code == 200
        changed = client.post(
            "/pro/compte/mot-de-passe",
            data={
                "_csrf_token": client.cookies.get("csrftoken"),
                "current": PASSWORD,
                "new": "tulipe violon autobus matin",
                "again": "tulipe violon autobus matin",
            },
            follow_redirects=False,
        )
        assert changed.status_code == 303, changed.text
        assert client.get("/pro").status_code == 200  # this browser stays in
        assert other_browser.get("/pro", follow_redirects=False).status_code == 303


def test_a_resident_ends_their_visit_and_leaves_nothing_on_the_device(backend, client):
    diagnostic = start_resident(client)
    for item in ITEMS[:3]:
        client.put(f"/api/v1/diagnostics/{diagnostic}/answers/{item}", json={"value": 2})
    token = client.cookies.get("csrftoken")
    client.post(f"/diagnostic/{diagnostic}/terminer", data={"_csrf_token": token})
    result = client.get(f"/diagnostic/{diagnostic}/resultat")
    assert "Terminer et effacer de cet appareil" in result.text
    code = re.search(r'class="code">([A-Z0-9-]{9})<', result.text)
    assert code, result.text
    session = client.cookies.get("session")

    erased = client.post("/appareil/effacer", data={"_csrf_token": token}, follow_redirects=False)
    assert erased.status_code == 303
    assert erased.headers["location"] == "/?efface=1"
    assert "cookies" in erased.headers["clear-site-data"]
    assert session_rows(backend, session) == 0
    home = client.get("/?efface=1")
    assert "rien de votre diagnostic ne reste sur cet appareil" in home.text
    assert diagnostic not in home.text  # no « continue my diagnostic » link
    # The address from the browser's history does not reopen it; the code does.
    again = client.get(f"/diagnostic/{diagnostic}/resultat", follow_redirects=False)
    assert again.status_code == 303
    assert again.headers["location"] == "/reprendre?appareil=1"
    resumed = client.post(
        "/reprendre",
        data={"_csrf_token": client.cookies.get("csrftoken"), "code": code.group(1)},
    )
    assert str(resumed.url).endswith(f"/diagnostic/{diagnostic}/resultat")


def test_the_address_of_a_diagnostic_does_not_open_it_in_another_browser(backend, client):
    diagnostic = start_resident(client)
    with TestClient(app=create_app(backend.settings)) as next_visitor:
        for step in ("question", "resultat.pdf"):
            response = next_visitor.get(f"/diagnostic/{diagnostic}/{step}", follow_redirects=False)
            assert response.status_code == 303
            assert response.headers["location"] == "/reprendre?appareil=1"
        page = next_visitor.get(response.headers["location"])
        assert "tapez son code" in page.text
