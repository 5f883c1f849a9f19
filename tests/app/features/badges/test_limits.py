"""Every limit of badges, wallets and verification holds: once an account (or an address) has
used up its attempts, each route under that limit answers 429 with Retry-After, in French on
pages and as problem+json in the API, and nothing else is held back (another account goes on).

Spending a limit writes its count as the service would have left it after that many attempts;
each test forgets it afterwards (tests share databases and the test client's address)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select

from app.db.models import Credential, Role
from app.features.badges.api import IMAGES, ISSUING, LISTING, REVOKING
from app.features.badges.pix_import import IMPORTS
from app.features.badges.public import READS
from app.features.badges.urls import parse_verification_method
from app.features.verification.api import API_CHECKS
from app.features.verification.pages import PAGE_CHECKS
from app.features.wallet.pages import GIVING, WRONG_LINKS
from app.pdf import PDFS
from tests.app.conftest import login
from tests.app.features.badges.test_issuing import workshop_passed
from tests.app.features.bookings.test_api import structure_id
from tests.app.features.wallet.support import give_link
from tests.app.limits import refused, user_subject
from tests.app.test_mediator_pages import create_person, token
from tests.badges.test_pix import pix_export

TEST_CLIENT = "testclient"  # the address the test client's requests come from
LD = {"Accept": "application/ld+json"}


@dataclass
class World:
    """A structure with a mediator and a trainer, a person with two badges and a wallet link."""

    mediator: str
    trainer: str
    person: str
    credential: str
    structure: str
    wallet: str
    mediator_bearer: dict[str, str]
    trainer_bearer: dict[str, str]


@pytest.fixture
def world(backend: Any, client: Any) -> World:
    mediator, structure = backend.user(Role.MEDIATOR)
    trainer, _ = backend.user(Role.TRAINER, structure)
    login(client, mediator)
    person = create_person(client, "Lucienne")
    workshop_passed(backend, person, structure)
    _, wallet = give_link(client, person)
    owner = structure_id(backend, structure)

    async def first(db: Any) -> str:
        return str(await db.scalar(select(Credential.id).where(Credential.structure_id == owner)))

    return World(
        mediator=mediator,
        trainer=trainer,
        person=person,
        credential=backend.run(first),
        structure=str(owner),
        wallet=wallet,
        mediator_bearer={"Authorization": f"Bearer {backend.token(mediator)}"},
        trainer_bearer={"Authorization": f"Bearer {backend.token(trainer)}"},
    )


def form(client: Any, **fields: str) -> dict[str, str]:
    return {"_csrf_token": token(client), **fields}


def test_issuing_by_the_api_and_by_every_page(backend, client, world, spend):
    login(client, world.mediator)
    spend(ISSUING, user_subject(backend, world.mediator))
    evidence = str(uuid.uuid4())
    refused(
        [
            client.post(
                "/api/v1/credentials", json={"evidence_id": evidence}, headers=world.mediator_bearer
            ),
            client.post(
                f"/pro/personnes/{world.person}/badges", data=form(client, evidence=evidence)
            ),
            client.post(
                f"/pro/personnes/{world.person}/taches-observees",
                data=form(client, item="C1.1", day="2026-01-01"),
            ),
            client.post("/pro/badges/delivrer", data=form(client, preuve=evidence)),
        ]
    )
    # another account of the same structure is not held back
    other = client.post(
        "/api/v1/credentials", json={"evidence_id": evidence}, headers=world.trainer_bearer
    )
    assert other.status_code == 404


def test_revoking_by_the_api_and_the_page(backend, client, world, spend):
    login(client, world.trainer)
    spend(REVOKING, user_subject(backend, world.trainer))
    refused(
        [
            client.post(
                f"/api/v1/credentials/{world.credential}/revoke",
                json={"reason": "Erreur"},
                headers=world.trainer_bearer,
            ),
            client.post(
                f"/pro/badges/{world.credential}/revoquer", data=form(client, raison="Erreur")
            ),
        ]
    )
    found = backend.run(lambda db: db.get(Credential, uuid.UUID(world.credential)))
    assert found.revoked_at is None


def test_images_and_signed_json_of_the_api(backend, client, world, spend):
    spend(IMAGES, user_subject(backend, world.trainer))
    path = f"/api/v1/credentials/{world.credential}"
    refused(
        [
            client.get(f"{path}.png", headers=world.trainer_bearer),
            client.get(f"{path}.svg", headers=world.trainer_bearer),
            client.get(path, headers=world.trainer_bearer),
        ]
    )


def test_listing_by_the_api_and_the_page(backend, client, world, spend):
    login(client, world.trainer)
    spend(LISTING, user_subject(backend, world.trainer))
    refused([client.get("/api/v1/credentials", headers=world.trainer_bearer)])
    refused([client.get("/pro/badges")])
    assert client.get("/api/v1/credentials", headers=world.mediator_bearer).status_code == 200


def test_public_addresses_per_address(backend, client, world, spend):
    body = client.get(f"/api/v1/credentials/{world.credential}", headers=world.trainer_bearer)
    status_list = body.json()["credentialStatus"]["statusListCredential"]
    structure, _ = parse_verification_method(status_list.replace("/statuts/", "#"))  # type: ignore[misc]
    spend(READS, TEST_CLIENT)
    refused(
        [
            client.get(f"/badges/{world.credential}", headers=LD),
            client.get(f"/badges/emetteurs/{structure}", headers=LD),
            client.get(status_list.removeprefix("http://127.0.0.1:8000"), headers=LD),
            client.get("/referentiel/competences/C3"),
        ]
    )


def test_pix_imports(backend, client, world, spend):
    login(client, world.mediator)
    spend(IMPORTS, user_subject(backend, world.mediator))
    export = pix_export([("Martin", "Lucienne", {"2.1": 4})])
    refused(
        [
            client.post(
                "/pro/pix",
                files={"file": ("export.csv", export, "text/csv")},
                data=form(client),
            ),
            client.post("/pro/pix/confirmer", data=form(client, liste="x")),
        ]
    )


def test_the_verification_page_and_api_per_address(backend, client, world, spend):
    spend(PAGE_CHECKS, TEST_CLIENT)
    refused(
        [
            client.get(f"/verifier?credential={world.credential}"),
            client.post("/verifier", data={"_csrf_token": token(client), "json": "{}"}),
        ]
    )
    spend(API_CHECKS, TEST_CLIENT)
    refused([client.post("/api/v1/verify", json={"credential": {}})])


def test_the_wallets_files_and_wrong_links(backend, client, world, spend):
    client.cookies.clear()  # the holder's browser
    live = client.get(world.wallet)
    assert live.status_code == 200
    badge = f"{world.wallet}/badges/{world.credential}"
    spend(PDFS, f"address:{TEST_CLIENT}")
    refused([client.get(f"{badge}/badge.png"), client.get(f"{badge}/attestation.pdf")])
    spend(WRONG_LINKS, TEST_CLIENT)
    refused([client.get(f"/portefeuille/{'C' * 43}"), client.get(world.wallet)])


def test_giving_and_cutting_wallet_links(backend, client, world, spend):
    login(client, world.mediator)
    spend(GIVING, user_subject(backend, world.mediator))
    page = f"/pro/personnes/{world.person}/portefeuille"
    refused(
        [
            client.post(page, data=form(client, envoyer="oui")),
            client.post(f"{page}/couper", data=form(client)),
        ]
    )
    client.cookies.clear()
    assert client.get(world.wallet).status_code == 200  # the link given before still works
