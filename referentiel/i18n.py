"""The referential in another language than French, from a data file: no web, no database.

French is the source language: ``referentiel.yaml`` holds the French texts. Each other language
has a file ``data/referentiel.<lang>.yaml`` (and, for an archived version,
``data/archive/<lang>/<version>.yaml``) that gives, by code or id, every person-facing text:
the title, the answer scale, domains, competences, items (and their hint, when the French has
one), forms, autonomy levels, needs, context questions with their options, and profiles.
Codes, ids, difficulties, mappings and required levels are never translated: they come from
the French file only.

A translation is all or nothing. :func:`missing_translations` lists every missing, empty or
unknown key, one line each; :func:`localized` refuses to mix languages and raises
:class:`MissingTranslationsError` when that list is not empty.

The external frameworks (``frameworks``: CRCN/Pix, DigComp, CléA, Coop) keep their published
French labels in the localized referential; :func:`framework_labels` gives their labels in a
language for pages that show them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any, Final, NamedTuple

import yaml

from referentiel.models import Referential

SOURCE_LANGUAGE: Final = "fr"
LANGUAGES: Final = ("fr", "en")

Path = tuple[str, ...]

# (section of the referential, key that names an entry, translated fields of an entry)
_KEYED_SECTIONS: Final[tuple[tuple[str, str, tuple[str, ...]], ...]] = (
    ("domains", "code", ("label", "plain_label")),
    ("competences", "code", ("label", "plain_label")),
    ("items", "id", ("text", "falc", "hint")),
    ("autonomy_levels", "code", ("label", "means")),
    ("needs", "code", ("label", "falc")),
    ("profiles", "code", ("label", "plain_label")),
)
# Fields a French entry may leave empty (an item with no word to explain, a level said as its
# answer): translated when written.
_OPTIONAL: Final = frozenset({"hint", "level_label"})


class MissingTranslationsError(ValueError):
    """A translation file does not cover the referential exactly: one problem per line."""

    def __init__(self, lang: str, version: str, problems: list[str]) -> None:
        super().__init__(
            f"traduction {lang} du référentiel {version} incomplète :\n" + "\n".join(problems)
        )
        self.lang = lang
        self.version = version
        self.problems = problems


def check_language(lang: str) -> None:
    """Raise ValueError for a language the service does not offer."""
    if lang not in LANGUAGES:
        raise ValueError(f"langue inconnue : {lang!r} (langues : {', '.join(LANGUAGES)})")


# ---------------------------------------------------------------------------------------------
# Where the texts are: one path per translated field, the same for every language.
# ---------------------------------------------------------------------------------------------


def _slots(dump: dict[str, Any]) -> Iterator[tuple[Path, dict[str, Any], str]]:
    """Every translated field of a dumped referential: its path, the dict holding it, its name."""
    yield ("title",), dump, "title"
    scale = dump["scale"]
    for value in scale["values"]:
        for field in ("label", "short", "level_label"):
            if value[field] or field not in _OPTIONAL:
                yield ("scale", "values", str(value["value"]), field), value, field
    for field in ("unknown_label", "unknown_short"):
        yield ("scale", field), scale, field
    for section, key, fields in _KEYED_SECTIONS:
        for entry in dump[section]:
            for field in fields:
                if entry[field] or field not in _OPTIONAL:
                    yield (section, entry[key], field), entry, field
    for name, form in dump["forms"].items():
        yield ("forms", name, "label"), form, "label"
    for question in dump["context_questions"]:
        for field in ("label", "falc"):
            yield ("context_questions", question["id"], field), question, field
        for option in question["options"]:
            yield ("context_questions", question["id"], "options", option["code"]), option, "label"


def _framework_slots(dump: dict[str, Any]) -> Iterator[tuple[Path, dict[str, Any], str]]:
    for section, entries in dump["frameworks"].items():
        for entry in entries:
            yield ("frameworks", section, entry["code"]), entry, "label"


def _all_slots(dump: dict[str, Any]) -> Iterator[tuple[Path, dict[str, Any], str]]:
    yield from _slots(dump)
    yield from _framework_slots(dump)


_ABSENT: Final = object()


def _lookup(raw: Any, path: Path) -> Any:
    node = raw
    for key in path:
        if not isinstance(node, Mapping) or key not in node:
            return _ABSENT
        node = node[key]
    return node


def _leaves(raw: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(raw, Mapping) and (raw or not prefix):
        for key, value in raw.items():
            yield from _leaves(value, (*prefix, key))
    else:
        yield prefix


def _show(path: tuple[Any, ...]) -> str:
    shown = ""
    for key in path:
        if isinstance(key, str) and key and "." not in key and not key.isdigit():
            shown += f".{key}" if shown else key
        else:
            shown += f"[{key}]"
    return shown or "(racine)"


def _problems(ref: Referential, lang: str, raw: Any) -> list[str]:
    if not isinstance(raw, Mapping):
        return [f"{lang} : aucun fichier de traduction pour la version {ref.version}"]
    problems: list[str] = []
    found_version = raw.get("version")
    if found_version != ref.version:
        problems.append(
            f"{lang} : version : le fichier traduit la version {found_version!r}, "
            f"le référentiel est en version {ref.version!r}"
        )
    expected: set[tuple[Any, ...]] = {("version",)}
    for path, holder, field in _all_slots(ref.model_dump()):
        expected.add(path)
        text = _lookup(raw, path)
        if text is _ABSENT:
            problems.append(
                f"{lang} : {_show(path)} : traduction manquante (fr : « {holder[field]} »)"
            )
        elif not isinstance(text, str):
            problems.append(f"{lang} : {_show(path)} : un texte est attendu (lu : {text!r})")
        elif not text.strip():
            problems.append(f"{lang} : {_show(path)} : traduction vide (fr : « {holder[field]} »)")
    for leaf in _leaves(raw):
        if leaf not in expected and not any(leaf[:n] in expected for n in range(1, len(leaf))):
            hint = (
                " (clé non textuelle : la mettre entre guillemets)"
                if any(not isinstance(k, str) for k in leaf)
                else ""
            )
            problems.append(
                f"{lang} : {_show(leaf)} : clé inconnue du référentiel {ref.version}{hint}"
            )
    return problems


# ---------------------------------------------------------------------------------------------
# Files
# ---------------------------------------------------------------------------------------------


def _data() -> Traversable:
    return resources.files("referentiel").joinpath("data")


@cache
def _read_translations(version: str, lang: str) -> Any:
    """The parsed translation file for a version; None when there is none. Never mutated."""
    archived = _data().joinpath("archive").joinpath(lang).joinpath(f"{version}.yaml")
    source = archived if archived.is_file() else _data().joinpath(f"referentiel.{lang}.yaml")
    if not source.is_file():
        return None
    return yaml.safe_load(source.read_text("utf-8"))


# ---------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------


def missing_translations(
    ref: Referential, lang: str, translations: Mapping[str, Any] | None = None
) -> list[str]:
    """Every problem of the translation of `ref` into `lang`, one line each; empty when complete.

    Reported: a missing, empty or non-text translation (with the French text to translate), a
    key that names nothing in the referential (a typo, or a removed item), and a file written
    for another version. `translations` replaces the shipped file (for tests and editors).
    """
    check_language(lang)
    if lang == SOURCE_LANGUAGE:
        return []
    raw = _read_translations(ref.version, lang) if translations is None else translations
    return _problems(ref, lang, raw)


class _Localization(NamedTuple):
    source: Referential
    referential: Referential
    frameworks: dict[str, dict[str, str]]


def _localize(ref: Referential, lang: str, raw: Any) -> _Localization:
    problems = _problems(ref, lang, raw)
    if problems:
        raise MissingTranslationsError(lang, ref.version, problems)
    dump = ref.model_dump()
    for path, holder, field in _slots(dump):
        holder[field] = _lookup(raw, path)
    frameworks = {
        section: {code: str(_lookup(raw, ("frameworks", section, code))) for code in labels}
        for section, labels in _french_framework_labels(ref).items()
    }
    return _Localization(ref, Referential.model_validate(dump), frameworks)


def apply_translations(ref: Referential, lang: str, translations: Mapping[str, Any]) -> Referential:
    """`ref` with the texts of `translations` (same layout as the shipped files), uncached.

    Raises MissingTranslationsError when `missing_translations` would report anything.
    """
    check_language(lang)
    if lang == SOURCE_LANGUAGE:
        return ref
    return _localize(ref, lang, translations).referential


_cache: dict[tuple[str, str], _Localization] = {}


def _cached(ref: Referential, lang: str) -> _Localization:
    # Referential is not hashable: cache by (version, lang), and trust an entry only for the very
    # object it was built from (a test or an editor may hold another referential of that version).
    key = (ref.version, lang)
    hit = _cache.get(key)
    if hit is not None and hit.source is ref:
        return hit
    built = _localize(ref, lang, _read_translations(ref.version, lang))
    _cache[key] = built
    return built


def localized(ref: Referential, lang: str) -> Referential:
    """`ref` itself for French; otherwise a new referential whose person-facing texts are in
    `lang` and everything else (ids, codes, difficulties, mappings, requires, frameworks) is
    unchanged. Cached per version and language.

    Raises ValueError for an unknown language, MissingTranslationsError (a ValueError) when the
    translation file does not cover the referential exactly.
    """
    check_language(lang)
    if lang == SOURCE_LANGUAGE:
        return ref
    return _cached(ref, lang).referential


def _french_framework_labels(ref: Referential) -> dict[str, dict[str, str]]:
    fw = ref.frameworks
    return {
        name: {entry.code: entry.label for entry in getattr(fw, name)}
        for name in type(fw).model_fields
    }


def framework_labels(ref: Referential, lang: str) -> dict[str, dict[str, str]]:
    """Labels of the external frameworks in `lang`: section (``crcn_competences``...) -> code ->
    label. French gives the published labels of the referential."""
    check_language(lang)
    if lang == SOURCE_LANGUAGE:
        return _french_framework_labels(ref)
    return {section: dict(labels) for section, labels in _cached(ref, lang).frameworks.items()}
