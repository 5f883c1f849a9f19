"""Professional accounts: password rules, changes and resets, the second factor (required for
administrators), API tokens that expire and can be revoked, from the pages and the CLI."""

from __future__ import annotations

import re
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pyotp
import pytest
from hypothesis import given
from hypothesis import strategies as st
from litestar.testing import TestClient
from sqlalchemy import select, update

from app.asgi import create_app
from app.db.models import ApiToken, Role, User
from app.features.accounts.passwords import MIN_LENGTH, common_passwords, password_problems
from app.features.accounts.service import AccountService
from app.features.accounts.totp import TotpBox
from tests.app.conftest import PASSWORD, csrf, login
from tests.app.test_mediator_pages import text_of

PARCOURS = Path(sys.executable).parent / "parcours"
NEW_PASSWORD = "girafe cerf-volant marmite"
COMMON = sorted(common_passwords())


def change(client: Any, current: str, new: str, again: str | None = None) -> Any:
    again = new if again is None else again
    return form(client, "/pro/compte/mot-de-passe", current=current, new=new, again=again)


def form(client: Any, path: str, **data: str) -> Any:
    return client.post(
        path, data={**data, "_csrf_token": csrf(client, "/pro/compte")}, follow_redirects=False
    )


def with_totp(backend: Any, email: str) -> str:
    """Turn the second factor on for an account, as its owner would; returns the secret."""
    secret = pyotp.random_base32()
    box = TotpBox(backend.settings.secrets())

    async def go(db: Any) -> None:
        await db.execute(
            update(User).where(User.email == email).values(totp_secret=box.seal(secret))
        )
        await db.commit()

    backend.run(go)
    return secret


def admin(backend: Any, client: Any) -> str:
    email, _ = backend.user(Role.ADMIN)
    secret = with_totp(backend, email)
    login(client, email)
    response = form(client, "/pro/connexion/code", code=pyotp.TOTP(secret).now())
    assert response.status_code == 303, response.text
    return email


# --- password rules -----------------------------------------------------------------------


@given(st.text(max_size=MIN_LENGTH - 1))
def test_a_password_shorter_than_twelve_characters_is_refused(password):
    assert password_problems(password) == ["Le mot de passe doit faire au moins 12 caractères."]


@given(st.sampled_from(COMMON), st.text(alphabet="0123456789!?.*", max_size=6))
def test_a_common_password_is_refused_even_with_digits_or_signs_around(word, around):
    password = (word.capitalize() + around).ljust(MIN_LENGTH, "1")
    assert password_problems(password), password


@given(
    st.lists(
        st.sampled_from(["girafe", "marmite", "cerf", "volant", "tuba", "ardoise"]),
        min_size=3,
        max_size=5,
        unique=True,
    )
)
def test_a_few_unrelated_words_make_a_good_password(words):
    assert password_problems("-".join(words)) == []


def _create(backend, tmp_path, email, *options, password="correct horse battery staple"):  # type: ignore[no-untyped-def]
    """`parcours users create` on the backend's database."""
    return subprocess.run(
        [str(PARCOURS), "users", "create", email, "--structure", "S", *options],
        input=password,
        capture_output=True,
        text=True,
        env={"PARCOURS_DATABASE_URL": backend.settings.database_url, "PATH": ""},
        cwd=tmp_path,
        check=False,
    )


def test_the_cli_refuses_a_weak_password_and_creates_nothing(backend, tmp_path):
    email = f"faible-{uuid.uuid4().hex[:6]}@example.org"
    done = _create(backend, tmp_path, email, "--role", "mediator", password="azertyuiop123")
    assert done.returncode == 2
    assert "trop courant" in done.stderr
    assert backend.run(lambda db: AccountService(db).by_email(email)) is None


def test_a_coordinator_follows_one_departement_or_one_region(backend, tmp_path):
    for options in (
        ["--role", "coordinator"],
        ["--role", "coordinator", "--departement", "18", "--region", "24"],
        ["--role", "coordinator", "--departement", "99"],
        ["--role", "mediator", "--departement", "18"],
    ):
        email = f"coord-{uuid.uuid4().hex[:6]}@example.org"
        done = _create(backend, tmp_path, email, *options)
        assert done.returncode == 2, options
        assert backend.run(lambda db, e=email: AccountService(db).by_email(e)) is None
    cher = f"cher-{uuid.uuid4().hex[:6]}@example.org"
    assert (
        _create(backend, tmp_path, cher, "--role", "coordinator", "--departement", "18").returncode
        == 0
    )
    centre = f"centre-{uuid.uuid4().hex[:6]}@example.org"
    assert (
        _create(backend, tmp_path, centre, "--role", "coordinator", "--region", "24").returncode
        == 0
    )
    found = backend.run(lambda db: AccountService(db).by_email(cher))
    assert (found.scope_departement, found.scope_region) == ("18", None)
    found = backend.run(lambda db: AccountService(db).by_email(centre))
    assert (found.scope_departement, found.scope_region) == (None, "24")


# --- changing and resetting a password -----------------------------------------------------


def test_a_professional_changes_their_password_with_every_problem_shown(backend, client):
    email, _ = backend.user(Role.MEDIATOR)
    login(client, email)
    wrong = form(
        client, "/pro/compte/mot-de-passe", current="nope", new=NEW_PASSWORD, again=NEW_PASSWORD
    )
    assert wrong.status_code == 400 and "actuel n&#39;est pas le bon" in wrong.text
    weak = form(
        client, "/pro/compte/mot-de-passe", current=PASSWORD, new="motdepasse123", again="x"
    )
    assert weak.status_code == 400
    assert "trop courant" in weak.text and "ne sont pas les mêmes" in weak.text
    done = form(
        client, "/pro/compte/mot-de-passe", current=PASSWORD, new=NEW_PASSWORD, again=NEW_PASSWORD
    )
    assert done.status_code == 303
    with TestClient(app=create_app(backend.settings)) as other:
        assert form(other, "/pro/connexion", email=email, password=PASSWORD).status_code == 400
        assert form(other, "/pro/connexion", email=email, password=NEW_PASSWORD).status_code == 303


def test_an_administrators_reset_gives_a_temporary_password_to_change_first(backend, client):
    email, _ = backend.user(Role.MEDIATOR)
    token = backend.token(email)
    with TestClient(app=create_app(backend.settings)) as mediator:
        login(mediator, email)
        admin(backend, client)
        accounts = client.get("/pro/admin/comptes")
        assert accounts.status_code == 200 and email in text_of(accounts.text)
        user_id = backend.run(lambda db: AccountService(db).by_email(email)).id
        reset = form(client, f"/pro/admin/comptes/{user_id}/mot-de-passe")
        assert reset.status_code == 200
        temporary = re.search(r'class="code token">([^<]+)<', reset.text).group(1)
        # The mediator's open session and API token stop working at once.
        assert mediator.get("/pro", follow_redirects=False).status_code == 303
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/people", headers=headers).status_code == 401
    with TestClient(app=create_app(backend.settings)) as mediator:
        assert form(mediator, "/pro/connexion", email=email, password=PASSWORD).status_code == 400
        assert form(mediator, "/pro/connexion", email=email, password=temporary).status_code == 303
        first = mediator.get("/pro", follow_redirects=False)
        assert first.headers["location"] == "/pro/compte/mot-de-passe"
        assert (
            "Votre mot de passe a été réinitialisé" in mediator.get(first.headers["location"]).text
        )
        changed = form(
            mediator,
            "/pro/compte/mot-de-passe",
            current=temporary,
            new=NEW_PASSWORD,
            again=NEW_PASSWORD,
        )
        assert changed.headers["location"] == "/pro"
        assert mediator.get("/pro").status_code == 200


def test_a_mediator_cannot_open_the_administration_pages(backend, client):
    email, _ = backend.user(Role.MEDIATOR)
    login(client, email)
    for path in ("/pro/admin/comptes", "/pro/admin/journal"):
        assert client.get(path).status_code == 403


# --- second factor ------------------------------------------------------------------------


def test_a_mediator_turns_on_the_second_factor_and_then_needs_a_code(backend, client):
    email, _ = backend.user(Role.MEDIATOR)
    login(client, email)
    page = client.get("/pro/compte/double-authentification")
    assert "data:image/svg+xml;base64," in page.text  # the QR code for the phone
    secret = re.search(r'class="code">([A-Z2-7 ]+)<', page.text).group(1).replace(" ", "")
    wrong = form(client, "/pro/compte/double-authentification/activer", code="000000")
    assert wrong.status_code == 400
    code = pyotp.TOTP(secret).now()
    assert form(client, "/pro/compte/double-authentification/activer", code=code).status_code == 303
    with TestClient(app=create_app(backend.settings)) as browser:
        first = form(browser, "/pro/connexion", email=email, password=PASSWORD)
        assert first.headers["location"] == "/pro/connexion/code"
        assert browser.get("/pro", follow_redirects=False).status_code == 303  # not yet in
        assert form(browser, "/pro/connexion/code", code="123456").status_code == 400
        # the code that turned it on was used: it cannot open a session
        assert form(browser, "/pro/connexion/code", code=code).status_code == 400
        totp = pyotp.TOTP(secret)
        fresh = totp.at(datetime.now(UTC) + timedelta(seconds=30))
        assert form(browser, "/pro/connexion/code", code=fresh).status_code == 303
        assert browser.get("/pro").status_code == 200


def test_an_administrator_must_turn_on_the_second_factor_before_anything_else(backend, client):
    email, _ = backend.user(Role.ADMIN)
    login(client, email)
    for path in ("/pro/admin/comptes", "/pro/admin/journal", "/pro"):
        response = client.get(path, follow_redirects=False)
        assert response.headers["location"] == "/pro/compte/double-authentification", path
    headers = {"Authorization": f"Bearer {backend.token(email)}"}
    refused = client.get("/api/v1/people", headers=headers)
    assert refused.status_code == 403
    assert "double authentification" in refused.json()["detail"]


def test_an_administrator_removes_the_second_factor_of_someone_who_lost_their_phone(
    backend, client
):
    email, _ = backend.user(Role.MEDIATOR)
    with_totp(backend, email)
    admin(backend, client)
    user_id = backend.run(lambda db: AccountService(db).by_email(email)).id
    removed = form(client, f"/pro/admin/comptes/{user_id}/double-authentification/retirer")
    assert removed.status_code == 303
    with TestClient(app=create_app(backend.settings)) as browser:
        assert (
            form(browser, "/pro/connexion", email=email, password=PASSWORD).headers["location"]
            == "/pro"
        )


# --- API tokens -----------------------------------------------------------------------------


def test_a_token_is_shown_once_works_until_revoked_and_is_listed(backend, client):
    email, _ = backend.user(Role.MEDIATOR)
    login(client, email)
    created = form(client, "/pro/compte/jetons", label="tablette du marché", days="30")
    assert created.status_code == 200
    token = re.search(r'class="code token">(pn_[^<]+)<', created.text).group(1)
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/people", headers=headers).status_code == 200
    listing = client.get("/pro/compte/jetons").text
    assert "tablette du marché" in listing and token not in listing
    token_id = re.search(r"/pro/compte/jetons/([0-9a-f-]{36})/revoquer", listing).group(1)
    with TestClient(app=create_app(backend.settings)) as someone_else:
        login(someone_else, backend.user(Role.MEDIATOR)[0])
        assert form(someone_else, f"/pro/compte/jetons/{token_id}/revoquer").status_code == 404
    assert client.get("/api/v1/people", headers=headers).status_code == 200
    assert form(client, f"/pro/compte/jetons/{token_id}/revoquer").status_code == 303
    refused = client.get("/api/v1/people", headers=headers)
    assert refused.status_code == 401
    assert refused.headers["www-authenticate"].startswith("Bearer")


def test_an_expired_token_opens_nothing(backend, client):
    email, _ = backend.user(Role.MEDIATOR)
    token = backend.token(email)
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/people", headers=headers).status_code == 200

    async def expire(db: Any) -> None:
        user = await db.scalar(select(User.id).where(User.email == email))
        past = datetime.now(UTC) - timedelta(minutes=1)
        await db.execute(update(ApiToken).where(ApiToken.user_id == user).values(expires_at=past))
        await db.commit()

    backend.run(expire)
    assert client.get("/api/v1/people", headers=headers).status_code == 401


@pytest.mark.parametrize("days", ["0", "367", "abc", ""])
def test_a_token_duration_outside_one_day_to_a_year_is_refused(backend, client, days):
    login(client, backend.user(Role.MEDIATOR)[0])
    response = form(client, "/pro/compte/jetons", label="x", days=days)
    assert response.status_code == 400
    assert "pn_" not in response.text


def test_the_cli_lists_and_revokes_tokens(backend, tmp_path):
    email, _ = backend.user(Role.MEDIATOR)
    backend.token(email)
    env = {"PARCOURS_DATABASE_URL": backend.settings.database_url, "PATH": ""}

    def parcours(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(PARCOURS), *args],
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,
            check=False,
        )

    listed = parcours("tokens", "list", email)
    assert listed.returncode == 0 and "valable jusqu'au" in listed.stdout
    token_id = listed.stdout.split()[0]
    assert parcours("tokens", "revoke", token_id).returncode == 0
    assert "révoqué le" in parcours("tokens", "list", email).stdout
