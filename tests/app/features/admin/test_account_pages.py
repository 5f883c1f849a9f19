"""An administrator creates accounts from the pages and gives a coordinator their territory:
the coordinator then reads that territory's statistics and no other; a wider territory widens
what they read. Every change is in the audit trail; bad input gets a French error and writes
nothing; nobody but an administrator reaches these pages."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from litestar.testing import TestClient
from sqlalchemy import func, select

from app.asgi import create_app
from app.db.models import AuditEvent, Role, User
from app.demo_synthetic import fill_synthetic
from app.features.accounts import AccountService
from app.features.admin.pages import CHANGES, TRAIL_READS
from app.features.statistics import refresh
from tests.app.conftest import csrf, login
from tests.app.limits import refused, user_subject
from tests.app.test_accounts import NEW_PASSWORD, admin, form
from tests.app.test_mediator_pages import text_of

NEW = "/pro/admin/comptes/nouveau"
INDRE = {"territoire": "departement:36"}


@pytest.fixture(scope="module")
def published(backend: Any) -> None:
    """A few simulated residents of the Cher and published statistics: the territory pages
    answer only once there are some."""

    async def fill(db: Any) -> None:
        await fill_synthetic(db, 30, 1818, "18")
        await refresh(db)

    backend.run(fill)


def new_email(name: str = "compte") -> str:
    return f"{name}-{uuid.uuid4().hex[:8]}@example.org"


def account(backend: Any, email: str) -> User | None:
    return backend.run(lambda db: AccountService(db).by_email(email))


def events(backend: Any, action: str, user_id: uuid.UUID) -> list[AuditEvent]:
    async def go(db: Any) -> list[AuditEvent]:
        query = select(AuditEvent).where(
            AuditEvent.action == action, AuditEvent.target == str(user_id)
        )
        return list((await db.scalars(query.order_by(AuditEvent.at))).all())

    return backend.run(go)


def count_users(backend: Any) -> int:
    return backend.run(lambda db: db.scalar(select(func.count()).select_from(User)))


def first_password(page: Any) -> str:
    found = re.search(r'class="code token">([^<]+)<', page.text)
    assert found, page.text
    return found.group(1)


def create(client: Any, **fields: str) -> Any:
    values = {"email": "", "role": "", "structure": "", "territoire": "", **fields}
    return form(client, NEW, **values)


def first_login(backend: Any, email: str, password: str, home: str) -> TestClient:  # type: ignore[type-arg]
    """A browser of the new account, logged in with its first password, then its own: its
    home page asks for a new one first."""
    browser = TestClient(app=create_app(backend.settings))
    browser.__enter__()
    login(browser, email, password)
    assert browser.get(home, follow_redirects=False).headers["location"] == (
        "/pro/compte/mot-de-passe"
    )
    changed = form(
        browser, "/pro/compte/mot-de-passe", current=password, new=NEW_PASSWORD, again=NEW_PASSWORD
    )
    assert changed.status_code == 303, changed.text
    return browser


def test_an_administrator_creates_a_coordinator_of_the_cher_then_widens_them_to_the_region(
    backend, client, published
):
    admin_email = admin(backend, client)
    blank = client.get(NEW)
    assert blank.status_code == 200
    assert '<option value="departement:18">Cher (18)</option>' in blank.text
    assert '<option value="region:24">Centre-Val de Loire</option>' in blank.text
    email = new_email("coordination-cher")
    created = create(
        client,
        email=f"  {email.upper()} ",
        role="coordinator",
        structure="Conseil départemental  du Cher",
        territoire="departement:18",
    )
    assert created.status_code == 200, created.text
    password = first_password(created)
    assert f"Compte créé pour {email}" in text_of(created.text)
    assert "territoire : Cher (département 18)" in text_of(created.text)
    coordinator = account(backend, email)
    assert coordinator is not None
    assert (coordinator.role, coordinator.scope_departement, coordinator.scope_region) == (
        Role.COORDINATOR,
        "18",
        None,
    )
    assert coordinator.structure.name == "Conseil départemental du Cher"
    assert password not in client.get("/pro/admin/comptes").text  # shown once
    [event] = events(backend, "account.create", coordinator.id)
    assert event.detail == {"role": "coordinator", "departement": "18", "region": None}
    assert account(backend, admin_email).id == event.actor_id

    browser = first_login(backend, email, password, "/pro/territoire")
    try:
        cher = browser.get("/pro/territoire")
        assert cher.status_code == 200
        assert "Tableau de bord : Cher" in text_of(cher.text)
        assert browser.get("/pro/territoire", params=INDRE).status_code == 404

        scope_page = client.get(f"/pro/admin/comptes/{coordinator.id}/territoire")
        assert scope_page.status_code == 200
        assert '<option value="departement:18" selected>' in scope_page.text
        changed = form(
            client, f"/pro/admin/comptes/{coordinator.id}/territoire", territoire="region:24"
        )
        assert changed.status_code == 303
        listing = text_of(client.get("/pro/admin/comptes").text)
        assert f"Territoire suivi par {email} : Centre-Val de Loire (région)." in listing
        assert "territoire : Centre-Val de Loire (région)" in listing
        # the coordinator's open session reads the wider territory at once
        region = browser.get("/pro/territoire")
        assert "Tableau de bord : Centre-Val de Loire" in text_of(region.text)
        assert browser.get("/pro/territoire", params=INDRE).status_code == 200
        allier = browser.get("/pro/territoire", params={"territoire": "departement:03"})
        assert allier.status_code == 404
    finally:
        browser.__exit__(None, None, None)
    [event] = events(backend, "account.scope", coordinator.id)
    assert event.detail == {
        "departement": None,
        "region": "24",
        "before_departement": "18",
        "before_region": None,
    }
    journal = client.get("/pro/admin/journal", params={"action": "account.scope"})
    assert "Territoire d&#39;un coordinateur changé" in journal.text


def test_a_mediator_gets_a_first_password_and_no_territory(backend, client):
    admin(backend, client)
    email = new_email("mediation")
    created = create(client, email=email, role="mediator", structure="EPN de Vierzon")
    assert created.status_code == 200, created.text
    user = account(backend, email)
    assert (user.scope_departement, user.scope_region, user.must_change_password) == (
        None,
        None,
        True,
    )
    browser = first_login(backend, email, first_password(created), "/pro")
    try:
        assert browser.get("/pro").status_code == 200
    finally:
        browser.__exit__(None, None, None)
    # a mediator's account has no territory to change
    page = client.get(f"/pro/admin/comptes/{user.id}/territoire")
    assert page.status_code == 404
    refused = form(client, f"/pro/admin/comptes/{user.id}/territoire", territoire="region:24")
    assert refused.status_code == 404
    assert account(backend, email).scope_region is None


@pytest.mark.parametrize(
    ("fields", "said"),
    [
        (
            {"role": "coordinator", "territoire": "departement:99"},
            "Aucun département n'a le code « 99 ».",
        ),
        ({"role": "coordinator", "territoire": "region:99"}, "Aucune région n'a le code « 99 »."),
        (
            {"role": "coordinator"},
            "Choisissez le département ou la région que suit ce coordinateur.",
        ),
        (
            {"role": "mediator", "territoire": "departement:18"},
            "Seul un coordinateur suit un département ou une région.",
        ),
        ({"role": "coordinator", "territoire": "Cher"}, "Choisissez un territoire de la liste."),
        ({"role": "chef"}, "Choisissez le rôle de ce compte dans la liste."),
        ({"role": ""}, "Choisissez le rôle de ce compte dans la liste."),
        ({"role": "trainer", "email": "pas-une-adresse"}, "Cette adresse e-mail ne convient pas"),
        ({"role": "trainer", "email": "a b@example.org"}, "Cette adresse e-mail ne convient pas"),
        ({"role": "trainer", "email": "x" * 320 + "@example.org"}, "Cette adresse e-mail"),
        ({"role": "trainer", "structure": "   "}, "Donnez le nom de la structure de ce compte."),
        ({"role": "trainer", "structure": "S" * 201}, "au plus 200 caractères"),
    ],
)
def test_bad_input_is_said_in_french_and_writes_nothing(backend, client, fields, said):
    admin(backend, client)
    before = count_users(backend)
    values = {"email": new_email(), "structure": "EPN des Gibjoncs", **fields}
    refused = create(client, **values)
    assert refused.status_code == 422
    assert said in text_of(refused.text)
    assert 'role="alert"' in refused.text  # the error summary, linked to the field
    assert count_users(backend) == before
    # what was typed stays in the form
    assert f'value="{values["structure"]}"' in refused.text or not values["structure"].strip()


def test_every_problem_is_said_at_once_and_in_english_too(backend, client):
    admin(backend, client)
    refused = client.post(
        NEW + "?lang=en",
        data={
            "email": "nope",
            "role": "",
            "structure": "",
            "territoire": "departement:18",
            "_csrf_token": csrf(client, "/pro/compte"),
        },
    )
    assert refused.status_code == 422
    shown = text_of(refused.text)
    assert "There are 3 problems" in shown or "3 problems" in shown, shown
    for text in ("e-mail", "role", "structure"):
        assert text in shown.lower()
    assert "Choisissez" not in shown


def test_an_e_mail_already_taken_is_refused_whatever_its_case(backend, client):
    admin(backend, client)
    email, _ = backend.user(Role.TRAINER)
    before = count_users(backend)
    refused = create(client, email=email.upper(), role="trainer", structure="EPN")
    assert refused.status_code == 422
    assert f"Un compte existe déjà pour {email}." in text_of(refused.text)
    assert count_users(backend) == before


def test_a_territory_change_is_refused_in_french_and_changes_nothing(backend, client):
    admin(backend, client)
    email, _ = backend.user(Role.COORDINATOR, departement="36")
    user_id = account(backend, email).id
    path = f"/pro/admin/comptes/{user_id}/territoire"
    for chosen, said in (
        ("departement:99", "Aucun département n'a le code « 99 »."),
        ("", "Choisissez le département ou la région que suit ce coordinateur."),
        ("pays:FR", "Choisissez un territoire de la liste."),
    ):
        refused = form(client, path, territoire=chosen)
        assert refused.status_code == 422, chosen
        assert said in text_of(refused.text)
    found = account(backend, email)
    assert (found.scope_departement, found.scope_region) == ("36", None)
    assert events(backend, "account.scope", user_id) == []
    assert form(client, f"/pro/admin/comptes/{uuid.uuid4()}/territoire").status_code == 404


@pytest.mark.parametrize("role", [Role.MEDIATOR, Role.COORDINATOR, Role.TRAINER])
def test_only_an_administrator_creates_accounts_or_changes_a_territory(backend, client, role):
    email, _ = backend.user(role)
    login(client, email)
    other, _ = backend.user(Role.COORDINATOR, departement="03")
    other_id = account(backend, other).id
    before = count_users(backend)
    assert client.get(NEW).status_code == 403
    made = new_email()
    refused = create(client, email=made, role="admin", structure="S")
    assert refused.status_code == 403
    assert client.get(f"/pro/admin/comptes/{other_id}/territoire").status_code == 403
    moved = form(client, f"/pro/admin/comptes/{other_id}/territoire", territoire="region:24")
    assert moved.status_code == 403
    assert count_users(backend) == before and account(backend, made) is None
    assert account(backend, other).scope_departement == "03"


def test_a_form_without_its_csrf_token_is_refused(backend, client):
    admin(backend, client)
    email = new_email()
    response = client.post(
        NEW, data={"email": email, "role": "mediator", "structure": "S"}, follow_redirects=False
    )
    assert response.status_code == 403
    assert account(backend, email) is None


def test_the_command_line_writes_its_creations_in_the_audit_trail_too(backend):
    email = new_email("cli")
    user = backend.run(
        lambda db: AccountService(db).create_user(
            email, "girafe cerf-volant marmite", Role.COORDINATOR, "S", region="24"
        )
    )
    [event] = events(backend, "account.create", user.id)
    assert event.detail == {"role": "coordinator", "departement": None, "region": "24"}


TERRITORIES = ["", "departement:18", "region:24", "departement:2A", "departement:99"]
ROLES = [r.value for r in Role]
# A role and a territory that go together half of the time, anything otherwise.
ROLE_AND_TERRITORY = st.one_of(
    st.tuples(st.sampled_from([r for r in ROLES if r != "coordinator"]), st.just("")),
    st.tuples(st.just("coordinator"), st.sampled_from(["departement:18", "region:24"])),
    st.tuples(
        st.one_of(st.sampled_from(ROLES), st.text(max_size=12)),
        st.one_of(st.sampled_from(TERRITORIES), st.text(max_size=20)),
    ),
)


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    email=st.one_of(
        st.emails(),
        st.text(max_size=40),
        st.builds("{}@{}".format, st.text(min_size=1, max_size=8), st.text(min_size=1, max_size=8)),
    ),
    role_and_territory=ROLE_AND_TERRITORY,
    structure=st.text(max_size=220),
)
def test_any_form_gives_an_account_or_a_french_error_and_nothing_half_written(
    backend, client, email, role_and_territory, structure
):
    role, territory = role_and_territory
    if not client.cookies.get("session"):
        admin(backend, client)
    before = count_users(backend)
    response = create(client, email=email, role=role, structure=structure, territoire=territory)
    if "\x00" in email + role + structure + territory:
        assert response.status_code == 400  # refused at the door (app/nul_bytes.py)
        assert count_users(backend) == before
        return
    assert response.status_code in (200, 422), response.status_code
    if response.status_code == 422:
        assert 'role="alert"' in response.text
        assert count_users(backend) == before
        return
    event("created")
    assert count_users(backend) == before + 1
    made = account(backend, email)
    assert made is not None and made.role == Role(role)
    assert (made.role == Role.COORDINATOR) == bool(made.scope_departement or made.scope_region)


def test_an_administrator_s_changes_and_trail_searches_are_limited(backend, client, spend):
    """Past its limits an administrator's account changes nothing more and searches the trail no
    more for a while (429, in French); another administrator goes on."""
    coordinator, _ = backend.user(Role.COORDINATOR)
    target = account(backend, coordinator)
    assert target is not None
    email = admin(backend, client)
    spend(CHANGES, user_subject(backend, email))
    spend(TRAIL_READS, user_subject(backend, email))
    before = count_users(backend)
    refused(
        [
            create(client, email=new_email(), role="mediator", structure="EPN de Vierzon"),
            form(client, f"/pro/admin/comptes/{target.id}/territoire", **INDRE),
            form(client, f"/pro/admin/comptes/{target.id}/mot-de-passe"),
            form(client, f"/pro/admin/comptes/{target.id}/double-authentification/retirer"),
            form(client, f"/pro/admin/jetons/{uuid.uuid4()}/revoquer"),
            client.get("/pro/admin/journal"),
        ]
    )
    assert count_users(backend) == before
    assert account(backend, coordinator).must_change_password == target.must_change_password
    with TestClient(app=create_app(backend.settings)) as other:
        admin(backend, other)
        assert other.get("/pro/admin/journal").status_code == 200
        changed = form(other, f"/pro/admin/comptes/{target.id}/territoire", **INDRE)
        assert changed.status_code == 303
