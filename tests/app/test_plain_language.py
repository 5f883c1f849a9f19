"""What a resident reads is plain French (« facile à lire et à comprendre »): no point médian,
no jargon without a plain word and an example, the same words for the answer scale on the web,
on paper and on the mediator's paper-entry screen, and the paper form's pictograms on screen.

The rules are those of :mod:`referentiel.plain_language`; here they are applied to the pages as
rendered and to the catalog texts the resident pages use (French, and their English)."""

from __future__ import annotations

import html
import re

import pytest

from printables.layout import build_layout
from referentiel import load_referential
from referentiel.i18n import localized
from referentiel.models import Referential
from referentiel.plain_language import POINT_MEDIAN, problems
from tests.app.conftest import Backend
from tests.app.resident import Client, answer_all, start, token
from tests.app.test_mediator_pages import mediator
from tests.app.test_translations import catalog

REF = load_referential()
# Where the texts of the resident's pages come from (the pages, their code and the sentences
# of « how it was computed »).
RESIDENT_SOURCES = (
    "app/templates/base.html",
    "app/templates/error.html",
    *(
        f"app/templates/diagnostic/{name}.html"
        for name in ("home", "resume", "question", "context", "needs", "goals", "finish", "result")
    ),
    "app/features/diagnostics/pages.py",
    "app/templates/wallet/wallet.html",
    "app/templates/wallet/closed.html",
    "app/features/wallet/pages.py",
    "app/features/wallet/mail.py",
    "app/templates/verification/verify.html",
    "app/features/verification/pages.py",
    "app/errors.py",
    "referentiel/explain.py",
)
CHOICE = re.compile(
    r'<span class="value">([^<]*)</span> <span class="scale-words">'
    r'(?:<strong>([^<]*)</strong> )?<span class="scale-label">([^<]*)</span>'
)


def resident_pages(client: Client) -> dict[str, str]:
    """Every page of a diagnostic, by name, as the resident's browser receives it."""
    pages = {"accueil": client.get("/").text, "reprendre": client.get("/reprendre").text}
    diagnostic = start(client)
    for number, question in enumerate(answer_all(client, diagnostic, lambda _item: "1"), 1):
        pages[f"question {number}"] = question
    base = f"/diagnostic/{diagnostic}"
    pages["contexte"] = client.get(f"{base}/contexte").text
    client.post(f"{base}/contexte", data={"_csrf_token": token(client)})
    pages["besoins"] = client.get(f"{base}/besoins").text
    needs = [n.code for n in REF.needs]
    client.post(f"{base}/besoins", data={"_csrf_token": token(client), "needs": needs})
    pages["objectifs"] = client.get(f"{base}/objectifs").text
    client.post(f"{base}/objectifs", data={"_csrf_token": token(client)})
    pages["résultat"] = client.get(f"{base}/resultat").text
    pages["impression"] = client.get(f"{base}/resultat?impression=1").text
    pages["introuvable"] = client.get(
        "/diagnostic/00000000-0000-4000-8000-000000000000/question"
    ).text
    return pages


def test_no_resident_page_has_a_point_median(client: Client) -> None:
    found = {
        name: re.findall(rf".{{0,30}}{POINT_MEDIAN}.{{0,30}}", html.unescape(page))
        for name, page in resident_pages(client).items()
    }
    assert not {name: where for name, where in found.items() if where}


def _resident_messages() -> list[tuple[str, str]]:
    """(French, English) of every catalog text used by a resident page."""
    return [
        (message.id, message.string)
        for message in catalog()
        if message.id
        and isinstance(message.id, str)
        and any(f.startswith(RESIDENT_SOURCES) for f, _line in message.locations)
    ]


def test_the_catalog_texts_of_the_resident_pages_read_plainly_in_both_languages() -> None:
    messages = _resident_messages()
    assert ("Commencer", "Start") in messages
    found = {
        f"{french!r} / {english!r}": problems(french, "fr") + problems(str(english), "en")
        for french, english in messages
    }
    assert not {text: where for text, where in found.items() if where}


def _choices(page: str) -> list[tuple[str, str, str]]:
    return [
        (value, short or value, label)
        for value, short, label in CHOICE.findall(html.unescape(page))
    ]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_scale_has_one_wording_on_the_web_on_paper_and_on_the_entry_screen(
    backend: Backend, client: Client, lang: str
) -> None:
    ref: Referential = localized(REF, lang)
    expected = [tuple(choice) for choice in ref.scale.choices]
    client.get(f"/?lang={lang}")
    diagnostic = start(client)
    web = _choices(client.get(f"/diagnostic/{diagnostic}/question").text)
    mediator(backend, client)
    entry = _choices(client.get("/pro/papier").text)
    paper = build_layout(REF, lang)  # type: ignore[arg-type]
    assert web == entry == expected
    assert all(
        choice.short in head.text
        for choice, head in zip(ref.scale.choices, paper.column_heads, strict=True)
    )
    assert [box.value for box in paper.items[0].boxes] == [
        choice.value for choice in ref.scale.choices
    ]


def test_each_question_shows_its_pictogram_and_explains_its_words(client: Client) -> None:
    diagnostic = start(client)
    explained = 0
    for page in answer_all(client, diagnostic, lambda _item: "2"):
        item = REF.item(re.search(r'name="item" value="([^"]+)"', page)[1])  # type: ignore[index]
        legend = page[page.index("<legend>") : page.index("</legend>")]
        # The pictogram the paper form prints beside this item, hidden from screen readers:
        # the question beside it says the same.
        assert '<svg class="picto" aria-hidden="true" focusable="false"' in legend, legend
        assert item.text in html.unescape(legend)
        if item.hint:
            explained += 1
            assert 'aria-describedby="question-aide"' in page
            assert f'id="question-aide">{item.hint}<' in html.unescape(page)
    assert explained, "no asked question had a word to explain: pick other answers"


def test_the_needs_show_their_pictograms(client: Client) -> None:
    diagnostic = start(client)
    answer_all(client, diagnostic, lambda _item: "2")
    client.post(f"/diagnostic/{diagnostic}/contexte", data={"_csrf_token": token(client)})
    page = client.get(f"/diagnostic/{diagnostic}/besoins").text
    assert page.count('<svg class="picto" aria-hidden="true"') == len(REF.needs)
