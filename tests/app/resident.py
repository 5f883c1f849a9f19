"""A resident going through the diagnostic's pages with the test client, as a browser would."""

from __future__ import annotations

import re
from collections.abc import Callable

from litestar.testing import TestClient

from tests.app.conftest import csrf

Client = TestClient  # type: ignore[type-arg]


def token(client: Client) -> str:
    return client.cookies.get("csrftoken") or ""


def start(client: Client) -> str:
    """A new diagnostic from the home page's « Commencer »; its id."""
    csrf(client, "/")
    page = client.post("/diagnostic", data={"_csrf_token": token(client)})
    found = re.search(r"/diagnostic/([0-9a-f-]{36})/question", str(page.url))
    assert found, page.url
    return found.group(1)


def answer_all(client: Client, diagnostic: str, answer: Callable[[str], str]) -> list[str]:
    """Every question page shown, each item answered `answer(item id)`, until the form ends."""
    shown = []
    page = client.get(f"/diagnostic/{diagnostic}/question")
    while "/question" in str(page.url):
        assert len(shown) < 60, "the form never ends"
        shown.append(page.text)
        item = re.search(r'name="item" value="([^"]+)"', page.text)
        assert item, page.text
        page = client.post(
            f"/diagnostic/{diagnostic}/question",
            data={"_csrf_token": token(client), "item": item[1], "value": answer(item[1])},
        )
    return shown


def finish(client: Client, diagnostic: str, needs: tuple[str, ...] = ()) -> None:
    """Context left blank, `needs` chosen with no goal, then the result."""
    client.post(f"/diagnostic/{diagnostic}/contexte", data={"_csrf_token": token(client)})
    client.post(
        f"/diagnostic/{diagnostic}/besoins",
        data={"_csrf_token": token(client), "needs": list(needs)},
    )
    last = "objectifs" if needs else "terminer"
    page = client.post(f"/diagnostic/{diagnostic}/{last}", data={"_csrf_token": token(client)})
    assert str(page.url).endswith(f"/diagnostic/{diagnostic}/resultat"), page.url


def diagnosed_by_a_mediator(client: Client, person: str) -> tuple[str, str]:
    """A mediator's diagnostic for ``person``, every item answered 0, context and needs left
    blank: where the mediator lands, and the result page."""
    started = client.post(
        f"/pro/personnes/{person}/diagnostic", data={"_csrf_token": token(client)}
    )
    diagnostic = str(started.url).split("/")[-2]
    answer_all(client, diagnostic, lambda _item: "0")
    client.post(f"/diagnostic/{diagnostic}/contexte", data={"_csrf_token": token(client)})
    client.post(f"/diagnostic/{diagnostic}/besoins", data={"_csrf_token": token(client)})
    done = client.post(f"/diagnostic/{diagnostic}/terminer", data={"_csrf_token": token(client)})
    return str(done.url), client.get(f"/diagnostic/{diagnostic}/resultat").text
