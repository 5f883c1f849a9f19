"""Finding a commune from what a person types: a postal code, a name, an INSEE code."""

from __future__ import annotations

import html
import random
import re

import pytest

from app.features.diagnostics.paper import read_commune
from app.territories import as_typed, communes, find_communes, how_to_type
from tests.app.conftest import login


@pytest.mark.parametrize(
    ("typed", "insee"),
    [
        ("75056", "75056"),  # an INSEE code
        ("29200", "29019"),  # the postal code of one commune (Brest)
        ("le havre", "76351"),  # a name, whatever the case
        ("Saint Etienne", "42218"),  # without accents nor hyphens
        ("2a004", "2A004"),  # Corsica, typed in lower case
        ("03190 Moulins", "03190"),  # a code shared with other communes, and the name
        ("97411 saint-denis", "97411"),
    ],
)
def test_what_people_type_gives_one_commune(typed: str, insee: str) -> None:
    assert [c.insee for c in find_communes(typed)] == [insee]


def test_every_commune_can_be_typed_without_ambiguity() -> None:
    """What the ambiguity message tells to type always gives that commune and no other."""
    stuck = [c for c in communes().values() if find_communes(how_to_type(c)) != [c]]
    assert stuck == []


def test_an_ambiguous_code_lists_what_to_type_and_that_answer_is_accepted() -> None:
    # 03190: the INSEE code of Moulins and the postal code of a dozen other communes
    insee, problem = read_commune("03190")
    assert insee is None and problem is not None
    offered = problem.params["candidates"]
    # postal codes and names, which people know
    assert "« 03000 Moulins »" in offered and "« 03190 Hérisson »" in offered
    assert read_commune("03000 Moulins") == ("03190", None)
    assert read_commune("03190 Moulins") == ("03190", None)  # the INSEE code works too


def test_a_name_starting_with_a_five_letter_word_is_still_a_name() -> None:
    assert {c.insee for c in find_communes("Saint Denis")} >= {"93066", "97411"}


def test_a_code_with_another_communes_name_finds_nothing() -> None:
    assert find_communes("03190 Paris") == []


def test_every_stored_commune_reads_back_as_itself_from_a_form() -> None:
    """A form shows a stored commune as `as_typed` gives it; sent back unchanged, it is the
    same commune, also when its INSEE code is another commune's postal code (03190)."""
    changed = [insee for insee in communes() if read_commune(as_typed(insee)) != (insee, None)]
    assert changed == []


def _clashing_communes(count: int) -> list[str]:
    """Communes whose INSEE code is also the postal code of other communes, Moulins first."""
    postal: dict[str, set[str]] = {}
    for commune in communes().values():
        for code in commune.postal_codes:
            postal.setdefault(code, set()).add(commune.insee)
    clashing = sorted(i for i in communes() if postal.get(i, {i}) != {i})
    return ["03190", *random.Random(9).sample(clashing, count - 1)]


def test_people_of_communes_whose_code_is_a_postal_code_are_saved_unchanged(backend, client):
    """The form of a person in Moulins (or in 150 such communes) is sent back as shown: it
    saves, and the commune stays the same."""
    email, _ = backend.user()
    login(client, email)
    headers = {"Authorization": f"Bearer {backend.token(email)}"}
    for insee in _clashing_communes(150):
        body = {"alias": "Aline", "commune_insee": insee, "consent": True}
        person = client.post("/api/v1/people", json=body, headers=headers).json()["id"]
        form = client.get(f"/pro/personnes/{person}/modifier").text
        shown = re.search(r'id="commune" name="commune" value="([^"]*)"', form)
        assert shown, form
        sent = client.post(
            f"/pro/personnes/{person}/modifier",
            data={
                "_csrf_token": client.cookies.get("csrftoken"),
                "alias": "Aline",
                "commune": html.unescape(shown.group(1)),
            },
            follow_redirects=False,
        )
        assert sent.status_code == 303, (insee, shown.group(1), sent.text[:500])
        stored = client.get(f"/api/v1/people/{person}", headers=headers).json()
        assert stored["commune_insee"] == insee
