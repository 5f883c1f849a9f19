"""The English referential: complete, structurally identical to the French one, never mixed."""

from __future__ import annotations

import copy
from importlib import resources
from typing import Any

import pytest
import yaml

from referentiel import known_versions, load_referential, load_version
from referentiel.i18n import (
    LANGUAGES,
    MissingTranslationsError,
    apply_translations,
    framework_labels,
    localized,
    missing_translations,
)
from referentiel.models import Referential

# Written out here, not taken from referentiel.i18n, so that a field the module forgets to
# translate shows up as a French leftover below.
TEXT_FIELDS = frozenset(
    {
        "title",
        "label",
        "short",
        "unknown_label",
        "unknown_short",
        "plain_label",
        "text",
        "falc",
        "means",
        "hint",
        "level_label",
    }
)
# String fields that are identifiers or structure, never translated.
STRUCTURAL_FIELDS = frozenset(
    {"version", "code", "id", "competence", "domain", "pictogram", "kind"}
)
# Texts that are the same in both languages by nature (and an item's absent hint).
SAME_IN_BOTH = frozenset({"?", ""})


@pytest.fixture(scope="module")
def ref() -> Referential:
    return load_referential()


@pytest.fixture(scope="module")
def en(ref: Referential) -> Referential:
    return localized(ref, "en")


@pytest.fixture
def raw_en() -> dict[str, Any]:
    path = resources.files("referentiel").joinpath("data").joinpath("referentiel.en.yaml")
    data: dict[str, Any] = yaml.safe_load(path.read_text("utf-8"))
    return copy.deepcopy(data)


def _without_texts(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _without_texts(v) for k, v in node.items() if k not in TEXT_FIELDS}
    if isinstance(node, list | tuple):
        return [_without_texts(v) for v in node]
    return node


def _text_pairs(fr: Any, en: Any, where: str = "") -> list[tuple[str, str, str]]:
    """(where, French, English) for every text field, walking both dumps side by side."""
    pairs: list[tuple[str, str, str]] = []
    if isinstance(fr, dict):
        assert isinstance(en, dict)
        assert fr.keys() == en.keys(), where
        for key in fr:
            if key in TEXT_FIELDS and isinstance(fr[key], str):
                pairs.append((f"{where}.{key}", fr[key], en[key]))
            else:
                pairs.extend(_text_pairs(fr[key], en[key], f"{where}.{key}"))
    elif isinstance(fr, list | tuple):
        assert isinstance(en, list | tuple)
        assert len(fr) == len(en), where
        for n, (a, b) in enumerate(zip(fr, en, strict=True)):
            pairs.extend(_text_pairs(a, b, f"{where}[{n}]"))
    return pairs


def _str_field_names(node: Any) -> set[str]:
    names: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(value, str):
                names.add(key)
            names |= _str_field_names(value)
    elif isinstance(node, list | tuple):
        for value in node:
            names |= _str_field_names(value)
    return names


# --- completeness -----------------------------------------------------------------------------


def test_every_french_text_has_an_english_counterpart(ref):
    assert missing_translations(ref, "en") == []


@pytest.mark.parametrize("version", known_versions())
def test_every_version_still_shipped_reads_in_english(version):
    """A result taken with an archived referential stays readable in English too (its texts
    come from data/archive/en/<version>.yaml)."""
    old = load_version(version)
    assert missing_translations(old, "en") == []
    assert localized(old, "en").version == version


def test_the_english_file_translates_the_current_version(ref, raw_en):
    assert raw_en["version"] == ref.version


def test_every_string_field_of_the_models_is_known_here(ref):
    # A new text field in models.py must be added to TEXT_FIELDS (and to referentiel.i18n).
    assert _str_field_names(ref.model_dump()) <= TEXT_FIELDS | STRUCTURAL_FIELDS


# --- structure is untouched -----------------------------------------------------------------


def test_english_keeps_ids_codes_difficulties_mappings_and_requires(ref, en):
    assert _without_texts(en.model_dump()) == _without_texts(ref.model_dump())


def test_english_keeps_the_published_framework_labels(ref, en):
    assert en.frameworks == ref.frameworks


def test_english_keeps_the_lookup_helpers_working(ref, en):
    assert [i.id for i in en.tube("C3")] == [i.id for i in ref.tube("C3")]
    assert [i.id for i in en.form_items("papier")] == [i.id for i in ref.form_items("papier")]
    assert en.item("E1.1").difficulty == ref.item("E1.1").difficulty


# --- everything is translated ---------------------------------------------------------------


def test_every_text_outside_the_frameworks_is_in_english(ref, en):
    fr_dump, en_dump = ref.model_dump(), en.model_dump()
    del fr_dump["frameworks"], en_dump["frameworks"]
    pairs = _text_pairs(fr_dump, en_dump)
    assert len(pairs) > 200
    left_in_french = [
        f"{where}: {fr!r}"
        for where, fr, en_text in pairs
        if fr == en_text and fr not in SAME_IN_BOTH
    ]
    assert left_in_french == []


def test_no_item_text_is_a_copy_of_the_french(ref, en):
    for fr_item, en_item in zip(ref.items, en.items, strict=True):
        assert fr_item.id == en_item.id
        assert en_item.text != fr_item.text, fr_item.id
        assert en_item.falc != fr_item.falc, fr_item.id
        assert en_item.text.strip() and en_item.falc.strip()
        # Untranslated copies or half translations usually keep the French opening.
        assert "Je sais" not in en_item.text, fr_item.id


def test_items_read_like_the_french_ones(en):
    for item in en.items:
        assert item.text.startswith(("I can ", "I know ")), item.id
        assert item.text.endswith("."), item.id
        assert len(item.falc.split()) <= 6, item.id


def test_need_options_use_the_need_labels(ref, en):
    for source in (ref, en):
        options = {
            o.code: o.label for q in source.context_questions if q.id == "needs" for o in q.options
        }
        assert options == {n.code: n.label for n in source.needs}


# --- languages and cache --------------------------------------------------------------------


def test_french_is_the_referential_itself(ref):
    assert LANGUAGES == ("fr", "en")
    assert localized(ref, "fr") is ref
    assert missing_translations(ref, "fr") == []


@pytest.mark.parametrize("lang", ["de", "EN", "", "en-GB"])
def test_an_unknown_language_is_refused(ref, lang):
    with pytest.raises(ValueError, match="langue inconnue"):
        localized(ref, lang)
    with pytest.raises(ValueError, match="langue inconnue"):
        missing_translations(ref, lang)


def test_english_is_cached_for_the_same_source(ref, en):
    assert localized(ref, "en") is en


def test_another_referential_of_the_same_version_is_not_served_from_the_cache(ref, en):
    other = ref.model_copy(update={"core_competences": ("E1",)})
    assert other.version == ref.version
    other_en = localized(other, "en")
    assert other_en is not en
    assert other_en.core_competences == ("E1",)
    assert other_en.title == en.title


# --- failing loudly -------------------------------------------------------------------------


def test_a_missing_key_is_reported_and_refused(ref, raw_en):
    del raw_en["items"]["E1.1"]["falc"]
    del raw_en["context_questions"]["age_band"]["options"]["soixante_dix_plus"]
    problems = missing_translations(ref, "en", raw_en)
    assert len(problems) == 2
    assert any("items[E1.1].falc" in p and "Allumer mon téléphone" in p for p in problems)
    assert any("age_band.options.soixante_dix_plus" in p for p in problems)
    with pytest.raises(MissingTranslationsError) as raised:
        apply_translations(ref, "en", raw_en)
    assert raised.value.problems == problems
    assert isinstance(raised.value, ValueError)


def test_a_missing_framework_label_is_reported(ref, raw_en):
    del raw_en["frameworks"]["digcomp_competences"]["5.4"]
    assert [p for p in missing_translations(ref, "en", raw_en) if "[5.4]" in p] != []


def test_empty_and_non_text_translations_are_reported(ref, raw_en):
    raw_en["title"] = "  "
    raw_en["scale"]["values"]["2"] = "On my own"
    problems = missing_translations(ref, "en", raw_en)
    assert any(p.startswith("en : title : traduction vide") for p in problems)
    assert any("scale.values[2].label" in p for p in problems)
    assert any("scale.values[2].short" in p for p in problems)


def test_unknown_and_unquoted_keys_are_reported(ref, raw_en):
    raw_en["items"]["E1.9"] = {"text": "I can fly.", "falc": "Fly"}
    raw_en["scale"]["values"][0] = raw_en["scale"]["values"].pop("0")
    problems = missing_translations(ref, "en", raw_en)
    assert any("items[E1.9].text : clé inconnue" in p for p in problems)
    assert any("guillemets" in p for p in problems)
    assert any("scale.values[0].label : traduction manquante" in p for p in problems)


def test_a_file_for_another_version_is_refused(ref):
    newer = ref.model_copy(update={"version": "2099.1"})
    problems = missing_translations(newer, "en")
    assert any("version" in p and "2099.1" in p for p in problems)
    with pytest.raises(MissingTranslationsError):
        localized(newer, "en")


def test_the_translations_are_applied_from_the_given_data(ref, raw_en):
    raw_en["items"]["C3.2"]["falc"] = "Log in with FranceConnect"
    assert apply_translations(ref, "en", raw_en).item("C3.2").falc == "Log in with FranceConnect"
    assert apply_translations(ref, "fr", raw_en) is ref


# --- framework labels -----------------------------------------------------------------------


def test_framework_labels_cover_every_code(ref):
    fr_labels = framework_labels(ref, "fr")
    en_labels = framework_labels(ref, "en")
    assert {s: set(c) for s, c in en_labels.items()} == {s: set(c) for s, c in fr_labels.items()}
    assert fr_labels["crcn_competences"]["4.1"] == "Sécuriser l'environnement numérique"


def test_digcomp_uses_the_official_jrc_titles(ref):
    digcomp = framework_labels(ref, "en")["digcomp_competences"]
    assert digcomp["1.1"] == (
        "Browsing, searching and filtering data, information and digital content"
    )
    assert digcomp["5.4"] == "Identifying digital competence gaps"
    assert framework_labels(ref, "en")["digcomp_areas"]["1"] == "Information and data literacy"


def test_framework_labels_are_a_copy(ref):
    framework_labels(ref, "en")["clea_domains"]["D1"] = "changed"
    assert framework_labels(ref, "en")["clea_domains"]["D1"] != "changed"
