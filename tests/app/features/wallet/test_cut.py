"""A mediator cuts a wallet link without making a new one: the link opens nothing any more,
no link works, the badges stay, the cut is in the audit trail; another structure cannot cut it."""

from __future__ import annotations

from typing import Any

from app.db.models import Role
from tests.app.conftest import login
from tests.app.features.wallet.support import give_link, with_badges
from tests.app.features.wallet.test_wallet import CLOSED, links_of
from tests.app.test_audit import trail
from tests.app.test_mediator_pages import create_person, text_of, token


def test_a_cut_link_opens_nothing_and_no_link_is_made(backend: Any, client: Any) -> None:
    email, _ = backend.user(Role.MEDIATOR)
    login(client, email)
    person = create_person(client, "Armande")
    badges = with_badges(backend, person)
    _, path = give_link(client, person)
    page = client.get(f"/pro/personnes/{person}/portefeuille")
    assert "Couper le lien, sans en créer un autre" in text_of(page.text)

    refused = client.post(f"/pro/personnes/{person}/portefeuille/couper")  # no CSRF token
    assert refused.status_code == 403
    assert client.get(path).status_code == 200

    cut = client.post(
        f"/pro/personnes/{person}/portefeuille/couper", data={"_csrf_token": token(client)}
    )
    assert cut.status_code == 200 and str(cut.url).endswith(f"/pro/personnes/{person}/portefeuille")
    said = text_of(cut.text)
    assert "Le lien du portefeuille est coupé" in said
    assert "pas encore de lien vers son portefeuille" in said
    assert "Couper le lien" not in said
    assert all(link.revoked_at is not None for link in links_of(backend, person))
    assert [e.action for e in trail(backend, email)].count("wallet.cut") == 1

    again = client.post(
        f"/pro/personnes/{person}/portefeuille/couper", data={"_csrf_token": token(client)}
    )
    assert "rien à couper" in text_of(again.text)
    assert [e.action for e in trail(backend, email)].count("wallet.cut") == 1

    client.cookies.clear()  # the holder's browser
    closed = client.get(path)
    assert closed.status_code == 404 and CLOSED in closed.text
    assert len(badges) == 2  # nothing else changed: a new link shows the same badges
    login(client, email)
    _, fresh = give_link(client, person)
    client.cookies.clear()
    assert client.get(fresh).status_code == 200


def test_another_structure_cannot_cut_the_link(backend: Any, client: Any) -> None:
    email, _ = backend.user(Role.MEDIATOR)
    login(client, email)
    person = create_person(client, "Berthe")
    _, path = give_link(client, person)
    stranger, _ = backend.user(Role.MEDIATOR)
    login(client, stranger)
    refused = client.post(
        f"/pro/personnes/{person}/portefeuille/couper", data={"_csrf_token": token(client)}
    )
    assert refused.status_code == 404
    trainer, _ = backend.user(Role.TRAINER)
    login(client, trainer)
    assert (
        client.post(
            f"/pro/personnes/{person}/portefeuille/couper", data={"_csrf_token": token(client)}
        ).status_code
        == 403
    )
    client.cookies.clear()
    assert client.get(path).status_code == 200
    assert [link.revoked_at for link in links_of(backend, person)] == [None]
