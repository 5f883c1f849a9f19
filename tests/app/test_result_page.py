"""The resident's result page: in the reader's language, and in words meant for them."""

from __future__ import annotations

import html

from app import preferences
from referentiel import load_referential
from referentiel.i18n import localized
from tests.app.conftest import Backend
from tests.app.resident import Client, answer_all, finish, start
from tests.app.test_mediator_pages import create_person, mediator, paper_form, text_of

REF = load_referential()
EN = localized(REF, "en")


def _varied(item: str) -> str:
    """Every scale value and « ? », so that every kind of explanation line is written."""
    return "?" if item.startswith("P3") else str(sum(map(ord, item)) % 5)


def test_the_result_in_english_quotes_only_english_labels(client: Client, backend: Backend) -> None:
    diagnostic = start(client)
    answer_all(client, diagnostic, _varied)
    finish(client, diagnostic)
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


def test_a_result_at_zero_opens_with_what_the_person_can_do(client: Client) -> None:
    diagnostic = start(client)
    answer_all(client, diagnostic, lambda _item: "0")
    finish(client, diagnostic, needs=("caf",))
    page = text_of(client.get(f"/diagnostic/{diagnostic}/resultat").text)
    profile = next(p for p in REF.profiles if p.code == "eloigne")
    assert profile.plain_label in page
    assert profile.label not in page  # « Éloigné du numérique »: a professional's word
    opening = page[: page.index("Mes compétences par domaine")]
    assert "Et maintenant ?" in opening
    assert "médiateur numérique" in opening
    assert REF.competence(REF.prerequisite_order[0]).plain_label in opening
    # Not « Je ne sais pas le faire » five times (the answers are quoted in « how it was
    # computed », folded at the end).
    levels = page[: page.index("Comment ce résultat est calculé")]
    assert REF.scale.values[0].label not in levels
    assert levels.count(REF.scale.values[0].as_level) == len(REF.domains)  # « Pas encore »


def test_a_result_above_zero_starts_with_the_levels(client: Client) -> None:
    diagnostic = start(client)
    answer_all(client, diagnostic, lambda _item: "2")
    finish(client, diagnostic)
    page = text_of(client.get(f"/diagnostic/{diagnostic}/resultat").text)
    assert page.index("Mes compétences par domaine") < page.index("Et maintenant ?")
    assert REF.scale.values[2].label in page
    assert not any(p.label in page for p in REF.profiles)


def test_the_mediator_still_reads_the_profile_name(backend: Backend, client: Client) -> None:
    mediator(backend, client)
    person = create_person(client)
    zeros = {item.id: "0" for item in REF.form_items("papier")}
    client.post(
        f"/pro/personnes/{person}/papier",
        data=paper_form(client, f"/pro/personnes/{person}/papier", zeros),
    )
    page = text_of(client.get(f"/pro/personnes/{person}").text)
    assert next(p.label for p in REF.profiles if p.code == "eloigne") in page
