"""Logging in under attack: wrong passwords slow down, then stop, per account and per address,
with a clear French message; a refused attempt checks nothing; hashing leaves the event loop
free; every attempt is in the audit trail."""

from __future__ import annotations

import sys
import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from litestar.testing import TestClient
from sqlalchemy import delete, func, select, update

from app.asgi import create_app
from app.db.models import AuditEvent, Role, Throttle, User
from app.features.accounts.login import ACCOUNT, ADDRESS
from app.features.accounts.security import HASHING
from app.throttle import Throttles
from tests.app.conftest import PASSWORD, csrf

WRONG = "not the password at all"


@pytest.fixture(autouse=True)
def no_counts_left(backend: Any) -> Iterator[None]:
    """Every test here counts failures from the test client's address: start and end clean,
    so that no other test of the suite finds logins blocked."""

    async def clear(db: Any) -> None:
        await db.execute(delete(Throttle))
        await db.commit()

    backend.run(clear)
    yield
    backend.run(clear)


def attempt(client: Any, email: str, password: str) -> Any:
    return client.post(
        "/pro/connexion",
        data={"email": email, "password": password, "_csrf_token": csrf(client), "next": "/pro"},
        follow_redirects=False,
    )


def shift_counts(backend: Any, limit: Any, subject: str, **values: Any) -> None:
    """Move a counter as time would have (or as many failures would have)."""
    key = Throttles(backend.settings.secret()).key(limit, subject)

    async def go(db: Any) -> None:
        await db.execute(update(Throttle).where(Throttle.key == key).values(**values))
        await db.commit()

    backend.run(go)


def events(backend: Any, email: str, action: str) -> int:
    async def go(db: Any) -> int:
        user = await db.scalar(select(User.id).where(User.email == email))
        found = await db.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.actor_id == user, AuditEvent.action == action)
        )
        return int(found or 0)

    return int(backend.run(go))


def test_after_three_failures_each_try_must_wait_and_a_refused_try_checks_nothing(backend, client):
    email, _ = backend.user(Role.MEDIATOR)
    for _ in range(3):
        response = attempt(client, email, WRONG)
        assert response.status_code == 400
        assert "Adresse e-mail ou mot de passe incorrect" in response.text
    refused = attempt(client, email, PASSWORD)  # the right password, too soon
    assert refused.status_code == 429
    assert "Trop d&#39;essais incorrects" in refused.text
    assert "seconde" in refused.text
    assert client.cookies.get("session") is None or client.get("/pro").status_code != 200
    assert events(backend, email, "login.failure") == 3  # the refused try is no failure
    # Once the delay is over, the right password works and the count starts again.
    shift_counts(backend, ACCOUNT, email, last_at=datetime.now(UTC) - timedelta(seconds=5))
    assert attempt(client, email, PASSWORD).status_code == 303
    assert client.get("/pro").status_code == 200
    assert events(backend, email, "login.success") == 1


def test_ten_failures_lock_the_account_for_fifteen_minutes(backend, client):
    email, _ = backend.user(Role.MEDIATOR)
    attempt(client, email, WRONG)
    # Nine failures spread over the last minutes, as a patient attacker would do.
    shift_counts(
        backend,
        ACCOUNT,
        email,
        count=9,
        window_start=datetime.now(UTC) - timedelta(minutes=5),
        last_at=datetime.now(UTC) - timedelta(minutes=2),
    )
    assert attempt(client, email, WRONG).status_code == 400
    assert events(backend, email, "login.locked") == 1  # the start of the lockout, once
    locked = attempt(client, email, PASSWORD)
    assert locked.status_code == 429
    assert "bloquées pendant" in locked.text and "minute" in locked.text
    assert "administrateur peut le réinitialiser" in locked.text
    shift_counts(
        backend,
        ACCOUNT,
        email,
        window_start=datetime.now(UTC) - timedelta(minutes=16),
        last_at=datetime.now(UTC) - timedelta(minutes=16),
    )
    assert attempt(client, email, PASSWORD).status_code == 303


def test_one_address_trying_many_accounts_is_stopped(backend, client):
    """Thirty failures from one address, each on another e-mail, then even a real account with
    its right password is refused from there for a while."""

    def guess() -> str:
        return f"guess-{uuid.uuid4().hex[:8]}@example.org"

    assert attempt(client, guess(), WRONG).status_code == 400
    # 28 more from this address in the last minutes, each on another e-mail
    shift_counts(
        backend,
        ADDRESS,
        "testclient",
        count=29,
        window_start=datetime.now(UTC) - timedelta(minutes=3),
    )
    assert attempt(client, guess(), WRONG).status_code == 400  # the thirtieth
    email, _ = backend.user(Role.MEDIATOR)
    refused = attempt(client, email, PASSWORD)
    assert refused.status_code == 429
    assert "bloquées pendant" in refused.text
    shift_counts(
        backend, ADDRESS, "testclient", window_start=datetime.now(UTC) - timedelta(minutes=16)
    )
    assert attempt(client, email, PASSWORD).status_code == 303


def test_an_unknown_e_mail_is_slowed_down_like_a_real_account(client):
    """The answers do not tell whether an account exists."""
    unknown = f"nobody-{uuid.uuid4().hex[:6]}@example.org"
    answers = [attempt(client, unknown, WRONG) for _ in range(4)]
    assert [a.status_code for a in answers] == [400, 400, 400, 429]


def test_password_hashing_runs_off_the_event_loop(backend):
    """The login handler runs on the event loop; the argon2 check must run on another thread,
    or one wrong password would hold every other request for the length of a hash."""
    email, _ = backend.user(Role.MEDIATOR)
    threads: dict[str, set[int]] = {"handler": set(), "hash": set()}

    def watch(frame: Any, event: str, _arg: Any) -> None:
        if event != "call":
            return
        where = frame.f_code.co_filename
        if frame.f_code.co_name == "verify" and "argon2" in where:
            threads["hash"].add(threading.get_ident())
        elif frame.f_code.co_name == "login" and where.endswith("accounts/pages.py"):
            threads["handler"].add(threading.get_ident())

    threading.setprofile(watch)  # threads started from now on: the test client's event loop
    HASHING.submit(sys.setprofile, watch).result()  # and the hashing thread, already running
    try:
        with TestClient(app=create_app(backend.settings)) as client:
            assert attempt(client, email, WRONG).status_code == 400
            assert attempt(client, email, PASSWORD).status_code == 303
    finally:
        threading.setprofile(None)  # type: ignore[arg-type]
        HASHING.submit(sys.setprofile, None).result()
    assert threads["handler"] and threads["hash"]
    assert not threads["handler"] & threads["hash"], threads
