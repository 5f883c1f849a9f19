"""The referential's texts for residents read plainly, in French and in English, and `check`
tells an editor what to rewrite."""

from __future__ import annotations

import copy

import pytest

from referentiel import load_referential
from referentiel.check import check_raw
from referentiel.i18n import localized
from referentiel.load import read_raw
from referentiel.plain_language import JARGON, problems, resident_texts

REF = load_referential()


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_text_a_resident_reads_is_plain(lang: str) -> None:
    found = {
        where: problems(text, lang)
        for where, text in resident_texts(localized(REF, lang))
        if problems(text, lang)
    }
    assert found == {}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_jargon_of_the_items_is_explained_in_their_hint(lang: str) -> None:
    """The words people meet on websites stay (they will need them), with their meaning."""
    ref = localized(REF, lang)
    used = {j.word for j in JARGON[lang] for item in ref.items if j.used_in(item.text)}
    assert len(used) >= 5, used
    for item in ref.items:
        for jargon in JARGON[lang]:
            if jargon.used_in(item.text):
                assert item.hint, item.id


def test_check_asks_to_rewrite_a_point_median_and_an_unexplained_word() -> None:
    raw = copy.deepcopy(read_raw())
    raw["scale"]["values"][2]["label"] = "Je le fais seul·e quand tout se passe bien"
    raw["frameworks"]["clea_domains"][0]["label"] = "Identifier son environnement·e"
    p12 = next(i for i in raw["items"] if i["id"] == "P1.2")
    p12["text"] = "Je sais réinitialiser un mot de passe oublié."
    del p12["hint"]
    assert check_raw(raw) == [
        "frameworks.clea_domains.0.label : point médian « · » : "
        "écrire une phrase sans genre (« sans aide »)",
        "scale.values.2.label : point médian « · » : écrire une phrase sans genre (« sans aide »)",
        "item P1.2 : « réinitialis » sans explication : ajouter « changer » et « par exemple »",
    ]
