"""Finding a commune from what a person types: a postal code, a name, an INSEE code."""

from __future__ import annotations

import pytest

from app.features.people.paper import read_commune
from app.territories import communes, find_communes, how_to_type


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
