"""The app under test, on SQLite and on PostgreSQL, started as a user would (migrations run).

PostgreSQL tests need PARCOURS_TEST_POSTGRES_URL (`.ci/run` starts a throwaway cluster and
sets it); without it they skip and say why.
"""

from __future__ import annotations

import asyncio
import os
import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from litestar.testing import TestClient
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from app.asgi import create_app
from app.config import Settings, get_settings
from app.db.migrate import upgrade
from app.db.models import Credential, Role
from app.features.accounts.service import AccountService
from app.throttle import Limit
from badges.schema import schema_errors
from tests.app.limits import spending
from tests.app.smtp import Mailer, smtp_server

POSTGRES_URL = os.environ.get("PARCOURS_TEST_POSTGRES_URL")
PASSWORD = "correct horse battery"


@dataclass
class Backend:
    name: str
    settings: Settings

    def run(self, coroutine_factory):  # type: ignore[no-untyped-def]
        """Run async setup code (accounts, fixtures) against this backend's database."""

        async def go():  # type: ignore[no-untyped-def]
            engine = create_async_engine(self.settings.database_url)
            try:
                async with async_sessionmaker(engine, expire_on_commit=False)() as db:
                    return await coroutine_factory(db)
            finally:
                await engine.dispose()

        return asyncio.run(go())

    def user(
        self,
        role: Role = Role.MEDIATOR,
        structure: str | None = None,
        *,
        departement: str | None = None,
        region: str | None = None,
    ) -> tuple[str, str]:
        """A new account (e-mail, structure name) in its own structure unless one is named; a
        coordinator follows the Cher unless a département or région is named."""
        email = f"{role.value}-{uuid.uuid4().hex[:8]}@example.org"
        structure = structure or f"Structure {uuid.uuid4().hex[:8]}"
        if role == Role.COORDINATOR and departement is None and region is None:
            departement = "18"
        self.run(
            lambda db: AccountService(db).create_user(
                email, PASSWORD, role, structure, departement=departement, region=region
            )
        )
        return email, structure

    def token(self, email: str) -> str:
        return self.run(lambda db: AccountService(db).create_token(email))


def postgres_server() -> str:
    """The test cluster's URL, or a visible skip when there is none."""
    if not POSTGRES_URL:
        pytest.skip("PostgreSQL absent: set PARCOURS_TEST_POSTGRES_URL (bash .ci/run does)")
    return POSTGRES_URL


def _postgres_database(base_url: str) -> str:
    """A fresh database on the test cluster, dropped by nobody: the cluster is throwaway."""
    name = f"parcours_test_{uuid.uuid4().hex[:10]}"

    async def create() -> None:
        engine = create_async_engine(base_url, isolation_level="AUTOCOMMIT")
        async with engine.connect() as connection:
            await connection.execute(text(f'CREATE DATABASE "{name}"'))
        await engine.dispose()

    asyncio.run(create())
    return re.sub(r"/[^/]*$", f"/{name}", base_url)


def empty_database(kind: str, folder: Path) -> Settings:
    """Settings for a new, empty database: SQLite in ``folder``, or one on the PostgreSQL
    test cluster (skipped when there is none)."""
    if kind == "sqlite":
        url = f"sqlite+aiosqlite:///{folder / 'test.sqlite3'}"
    else:
        url = _postgres_database(postgres_server())
    return Settings(database_url=url, secret_key="test-secret-key-not-for-production")


@contextmanager
def command_environment(settings: Settings) -> Iterator[None]:
    """The commands read their database from the environment, as an operator's shell gives it."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PARCOURS_DATABASE_URL", settings.database_url)
        patch.setenv("PARCOURS_SECRET_KEY", settings.secret_key)
        get_settings.cache_clear()
        try:
            yield
        finally:
            get_settings.cache_clear()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Backend:
    settings = empty_database(request.param, Path(tmp_path_factory.mktemp("db")))
    upgrade(settings)
    return Backend(request.param, settings)


@pytest.fixture
def client(backend: Backend) -> Iterator[TestClient]:  # type: ignore[type-arg]
    with TestClient(app=create_app(backend.settings)) as test_client:
        yield test_client


def csrf(client: TestClient, path: str = "/pro/connexion") -> str:  # type: ignore[type-arg]
    """The CSRF token a browser would hold after showing a page with a form."""
    client.get(path)
    return client.cookies.get("csrftoken") or ""


def login(client: TestClient, email: str, password: str = PASSWORD) -> None:  # type: ignore[type-arg]
    token = csrf(client)
    response = client.post(
        "/pro/connexion",
        data={"email": email, "password": password, "_csrf_token": token, "next": "/pro"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text


@pytest.fixture
def mediator(backend: Backend, client: TestClient) -> dict[str, str]:  # type: ignore[type-arg]
    """A mediator of a new structure, logged in on the pages; their bearer token's header."""
    email, _ = backend.user(Role.MEDIATOR)
    login(client, email)
    return {"Authorization": f"Bearer {backend.token(email)}"}


@pytest.fixture
def mailer(backend: Backend) -> Iterator[Mailer]:
    """A real SMTP server on loopback, and settings that send to it."""
    with smtp_server(backend) as found:
        yield found


@pytest.fixture(autouse=True)
def badges_off_schema() -> Iterator[list[tuple[uuid.UUID, list[str]]]]:
    """Every badge the service stores during any test validates against the official OB 3.0
    schema: checked as the row is written, so that no test can forget to. A test that stores
    one off the schema on purpose empties this list."""
    found: list[tuple[uuid.UUID, list[str]]] = []

    def check(_mapper: object, _connection: object, credential: Credential) -> None:
        errors = schema_errors(credential.body)
        if errors:
            found.append((credential.id, errors))

    event.listen(Credential, "before_insert", check)
    try:
        yield found
    finally:
        event.remove(Credential, "before_insert", check)
    assert not found, f"badges stored off the official schema: {found}"


@pytest.fixture
def spend(backend: Backend) -> Iterator[Callable[[Limit, str], None]]:
    """Use up a limit for a subject (``spend(limit, subject)``); forgotten at the end."""
    yield from spending(backend)
