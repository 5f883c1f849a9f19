"""The English catalog keeps up with the French texts of the pages.

Message ids are the French texts. Extraction (Babel, with the repository's babel.cfg, as
`make messages` runs it) finds `_("...")` in the templates, the page code and
referentiel/explain.py, plus the texts given to `Problem(...)` and `flash(...)`. Texts kept
in constants and translated later (TITLES, MSG_..., error="...") are written by hand in the
catalog, each marked `#. keep:`. Every one of them needs a non-empty English translation with
the same `{placeholders}`.

A test fails? Run `make messages`, then write the English of each empty `msgstr` in
app/locale/en/LC_MESSAGES/messages.po.
"""

from __future__ import annotations

import ast
import re
from collections import Counter
from functools import cache
from pathlib import Path
from string import Formatter

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from app.i18n import translations

ROOT = Path(__file__).resolve().parents[2]
PO_FILE = ROOT / "app" / "locale" / "en" / "LC_MESSAGES" / "messages.po"
KEEP = "keep:"
HOW_TO_FIX = "run `make messages`, then write the English in app/locale/en/LC_MESSAGES/messages.po"
# Page code that hands French texts to the pages as data. The API's files are left out: its
# problem+json answers stay French.
DATA_FILES = (
    "app/errors.py",
    "app/territories.py",
    "app/access.py",
    "app/audit.py",
    "app/features/*/pages.py",
    "app/features/people/*.py",
    "app/features/accounts/*.py",
    "app/features/admin/*.py",
)
API_FILES = ("api.py",)
# A constant's text meant for people starts like a sentence: « Page introuvable », « « {x} »…
PEOPLE_TEXT = re.compile(r"^[«A-ZÀ-ÖØ-Þ]")
CONSTANT = re.compile(r"^[A-Z][A-Z0-9_]*$")


@cache
def catalog() -> Catalog:
    with PO_FILE.open("rb") as file:
        return read_po(file, locale="en", abort_invalid=True)


@cache
def extracted() -> dict[tuple[str, str | None], list[str]]:
    """(msgid, context) -> where it is used, as `make messages` extracts them."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as file:
        method_map, options_map = parse_mapping_cfg(file, "babel.cfg")
    keywords = {**DEFAULT_KEYWORDS, "_": None}
    found: dict[tuple[str, str | None], list[str]] = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
        ROOT, method_map, options_map, keywords=keywords
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        if msgid:
            found.setdefault((msgid, context), []).append(f"{filename}:{lineno}")
    return found


def is_translated(message: Message | None) -> bool:
    if message is None:
        return False
    if isinstance(message.string, (list, tuple)):
        return all(message.string)
    return bool(message.string)


def placeholders(text: str) -> Counter[tuple[str, str, str]]:
    """The `{name!conversion:spec}` fields of a str.format text, counted."""
    return Counter(
        (name, conversion or "", spec or "")
        for _literal, name, spec, conversion in Formatter().parse(text)
        if name is not None
    )


def texts(message: Message) -> list[str]:
    ids = message.id if isinstance(message.id, (list, tuple)) else (message.id,)
    strings = message.string if isinstance(message.string, (list, tuple)) else (message.string,)
    return [*ids, *strings]


def test_the_extraction_finds_the_templates_and_the_python_code():
    files = {where.split(":")[0] for places in extracted().values() for where in places}
    assert any(f.startswith("app/templates/") for f in files), files
    assert any(f.startswith("app/features/") for f in files), files
    assert "referentiel/explain.py" in files, files
    assert ("Commencer", None) in extracted()  # {{ _("Commencer") }} in diagnostic/home.html


def test_every_extracted_text_has_an_english_translation():
    missing = [
        f"{msgid!r} ({', '.join(places)})"
        for (msgid, context), places in sorted(extracted().items())
        if not is_translated(catalog().get(msgid, context=context))
    ]
    assert not missing, (
        f"{len(missing)} French text(s) without English ({HOW_TO_FIX}):\n" + "\n".join(missing)
    )


def test_every_catalog_entry_is_translated():
    empty = [repr(m.id) for m in catalog() if m.id and not is_translated(m)]
    assert not empty, f"Empty translations ({HOW_TO_FIX}):\n" + "\n".join(empty)


def test_translations_keep_the_same_placeholders():
    wrong = []
    for message in catalog():
        if not message.id or not is_translated(message):
            continue
        source, *translated = texts(message)
        try:
            expected = placeholders(source)
            for text in translated:
                if placeholders(text) != expected:
                    wrong.append(f"{source!r}\n  -> {text!r}")
        except ValueError as error:  # a stray { or } breaks str.format at run time
            wrong.append(f"{source!r}: {error}")
    assert not wrong, "Placeholders differ from the French:\n" + "\n".join(wrong)


def test_catalog_parses_has_no_fuzzy_entries_and_loads():
    fuzzy = [repr(m.id) for m in catalog() if m.fuzzy]
    assert not fuzzy, "Fuzzy entries: check the English, then remove `#, fuzzy`:\n" + "\n".join(
        fuzzy
    )
    problems = [f"{m.id!r}: {errors}" for m in catalog() if m.id and (errors := m.check(catalog()))]
    assert not problems, "\n".join(problems)
    # What the app loads at run time (app/i18n.py compiles the same file in memory).
    assert translations("en").gettext("Page introuvable") == "Page not found"


def _kept() -> list[Message]:
    return [m for m in catalog() if any(c.startswith(KEEP) for c in m.auto_comments)]


def _string_constants(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    return {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }


def test_texts_kept_by_hand_are_still_in_the_code():
    """A `#. keep:` entry names the file it comes from: a changed text must be changed here."""
    assert _kept(), "no `#. keep:` entries: TITLES and MSG_... texts are missing"
    stale = []
    for message in _kept():
        files = [ROOT / filename for filename, _line in message.locations]
        if not any(
            f.suffix == ".py" and f.exists() and message.id in _string_constants(f) for f in files
        ):
            places = ", ".join(filename for filename, _line in message.locations)
            stale.append(f"{message.id!r} (not found in {places or 'no file named'})")
    assert not stale, (
        "Texts kept by hand in messages.po that the code no longer has: update or remove them:\n"
        + "\n".join(stale)
    )


def _people_texts(node: ast.expr) -> list[str]:
    """The texts for people in a constant's value: strings and containers, not dict keys."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value] if PEOPLE_TEXT.match(node.value) else []
    if isinstance(node, ast.Dict):
        return [t for value in node.values if value is not None for t in _people_texts(value)]
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return [t for element in node.elts for t in _people_texts(element)]
    return []


def _data_texts(path: Path) -> list[tuple[int, str]]:
    """French texts a page shows through `_()` later: module constants (TITLES, MSG_...,
    NOT_FOUND...), `error="..."` and `errors[...] = "..."`."""
    tree = ast.parse(path.read_text("utf-8"))
    found: list[tuple[int, str]] = []
    for node in tree.body:
        targets = (
            node.targets
            if isinstance(node, ast.Assign)
            else [node.target]
            if isinstance(node, ast.AnnAssign)
            else []
        )
        value = getattr(node, "value", None)
        if value is not None and any(
            isinstance(t, ast.Name) and CONSTANT.match(t.id) for t in targets
        ):
            found += [(node.lineno, text) for text in _people_texts(value)]
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg == "error":
            if isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
                found.append((node.value.lineno, node.value.value))
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
            for target in node.targets:
                if (
                    isinstance(target, ast.Subscript)
                    and isinstance(target.value, ast.Name)
                    and target.value.id == "errors"
                    and isinstance(node.value.value, str)
                ):
                    found.append((node.lineno, node.value.value))
    return found


def _data_files() -> list[Path]:
    files = {p for pattern in DATA_FILES for p in ROOT.glob(pattern)}
    return sorted(p for p in files if p.name not in API_FILES)


def test_texts_passed_to_pages_as_data_are_in_the_catalog():
    assert _data_files()
    missing = [
        f"{path.relative_to(ROOT)}:{line}: {text!r}"
        for path in _data_files()
        for line, text in _data_texts(path)
        if not is_translated(catalog().get(text))
    ]
    assert not missing, (
        "French texts handed to a page and translated there, missing from messages.po. "
        "Extraction cannot see them: add each by hand with its English, e.g.\n"
        "  #. keep: MSG_X, error of the paper form\n  #: app/features/people/paper.py\n"
        '  msgid "..."\n  msgstr "..."\n' + "\n".join(missing)
    )
