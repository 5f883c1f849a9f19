"""The resident's result page: in the reader's language from top to bottom."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from litestar.testing import TestClient

from app import preferences
from referentiel import load_referential
from referentiel.i18n import localized
from tests.app.conftest import Backend, csrf

REF = load_referential()
EN = localized(REF, "en")


def _token(client: TestClient) -> str:  # type: ignore[type-arg]
    return client.cookies.get("csrftoken") or ""


def finished_diagnostic(client: TestClient, answer: Callable[[str], str]) -> str:  # type: ignore[type-arg]
    """A diagnostic walked through the pages, each item answered `answer(item id)`, no need."""
    csrf(client, "/")
    page = client.post("/diagnostic", data={"_csrf_token": _token(client)})
    found = re.search(r"/diagnostic/([0-9a-f-]{36})/question", str(page.url))
    assert found, page.url
    diagnostic = found.group(1)
    for _ in range(60):
        if "/question" not in str(page.url):
            break
        item = re.search(r'name="item" value="([^"]+)"', page.text)
        assert item, page.text
        page = client.post(
            f"/diagnostic/{diagnostic}/question",
            data={"_csrf_token": _token(client), "item": item.group(1), "value": answer(item[1])},
        )
    for step in ("contexte", "besoins", "terminer"):
        page = client.post(f"/diagnostic/{diagnostic}/{step}", data={"_csrf_token": _token(client)})
    assert str(page.url).endswith(f"/diagnostic/{diagnostic}/resultat"), page.url
    return diagnostic


def _varied(item: str) -> str:
    """Every scale value and « ? », so that every kind of explanation line is written."""
    return "?" if item.startswith("P3") else str(sum(map(ord, item)) % 5)


def test_the_result_in_english_quotes_only_english_labels(
    client: TestClient,  # type: ignore[type-arg]
    backend: Backend,
) -> None:
    diagnostic = finished_diagnostic(client, _varied)
    client.cookies.set(backend.settings.cookie_name(preferences.LANGUAGE), "en")
    page = html.unescape(client.get(f"/diagnostic/{diagnostic}/resultat").text)
    assert 'lang="en"' in page
    block = page[page.index("<details") : page.index("</details>")]
    # The block quotes item labels and scale sentences: they must be the English ones.
    assert any(f"“{item.falc}”" in block for item in EN.items), block
    assert any(value.label in block for value in EN.scale.values), block
    french = [(v.label, e.label) for v, e in zip(REF.scale.values, EN.scale.values, strict=True)]
    french += [(REF.scale.unknown_label, EN.scale.unknown_label)]
    french += [(i.falc, e.falc) for i, e in zip(REF.items, EN.items, strict=True)]
    french += [(i.text, e.text) for i, e in zip(REF.items, EN.items, strict=True)]
    french += [
        (c.plain_label, e.plain_label) for c, e in zip(REF.competences, EN.competences, strict=True)
    ]
    leftovers = [fr for fr, en in french if fr != en and fr in page]
    assert not leftovers, leftovers
    assert "Votre niveau" not in block and "Your level" in block
