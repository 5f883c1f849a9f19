"""Whether a signature over a JSON-LD document covers everything its JSON says.

`eddsa-rdfc-2022` signs the RDF dataset a document expands to, while people and every check
after the proof read the JSON. The two agree only when the JSON is exactly the compacted form
of its own expansion under its pinned contexts: a member JSON-LD drops (`null`, a relative
IRI, a member under `@included` or `@reverse`), one spelled by its full IRI so that a reader
of `validUntil` misses it, or an array inside an array would otherwise ride along unsigned
with a valid signature. openbadgeslib refuses the same shapes.

The check runs pyld once per *shape* (canon's skeleton: the document with its free strings
replaced by placeholders) and caches the answer; per document it only checks that each free
string reaches the dataset, as an IRI pyld keeps where it is one.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any

from pyld import jsonld

from badges.canon import NotTemplatableError, skeleton, template
from badges.contexts import document_loader

# Keywords of the expanded form whose statements live outside the node the JSON shows, or
# annotate JSON the dataset does not carry.
_REFUSED_KEYWORDS = frozenset({"@included", "@reverse", "@index", "@direction", "@graph"})
# pyld's own test for an IRI it keeps in the dataset; anything else is dropped silently.
_KEPT_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+\-.]*:[^\s]*$")
_OPTIONS = {"documentLoader": document_loader}


def uncovered(document: dict[str, Any]) -> str | None:
    """Where `document` says something its signature would not cover, or None."""
    values: list[str] = []
    try:
        shape = json.dumps(skeleton(document, values), ensure_ascii=False)
    except NotTemplatableError:
        return "a @context below the top level is not accepted"
    found = template(shape)
    if found is None:
        return _form_problem(document)
    problem = _shape_problem(shape)
    if problem is not None:
        return problem
    present = dict(found.slots)
    for index, value in enumerate(values):
        if index not in present:
            return f"the value {value[:60]!r} is not part of what is signed"
        if present[index] and not _KEPT_IRI.match(value):
            return f"{value[:60]!r} is not an absolute IRI: it would not be signed"
    return None


@lru_cache(maxsize=256)
def _shape_problem(shape: str) -> str | None:
    return _form_problem(json.loads(shape))


def _form_problem(document: dict[str, Any]) -> str | None:
    """Whether `document` is the compacted form of its expansion, with nothing dropped."""
    try:
        expanded = jsonld.expand(document, dict(_OPTIONS))
        if not (isinstance(expanded, list) and len(expanded) == 1):
            return "the document must describe exactly one top-level node"
        dropped = _dropped(expanded[0])
        if dropped is not None:
            return dropped
        compacted = jsonld.compact(expanded, document["@context"], dict(_OPTIONS))
    except Exception as error:  # pyld raises its own errors and plain ones alike
        return f"not JSON-LD the signature can cover: {str(error)[:200]}"
    return _difference(document, compacted, "")


def _dropped(node: Any) -> str | None:
    """A keyword or an IRI of the expanded form that the dataset would not carry."""
    if isinstance(node, list):
        return next((found for item in node if (found := _dropped(item)) is not None), None)
    if not isinstance(node, dict):
        return None
    return next(
        (found for key, value in node.items() if (found := _dropped_member(key, value))),
        None,
    )


def _dropped_member(key: str, value: Any) -> str | None:
    if key in _REFUSED_KEYWORDS:
        return f"{key} is not accepted"
    if not key.startswith("@") and not _KEPT_IRI.match(key):
        return f"the member {key[:60]!r} is not an IRI: it would not be signed"
    if key in {"@id", "@type"}:
        for iri in value if isinstance(value, list) else [value]:
            if not (isinstance(iri, str) and (iri == "@json" or _KEPT_IRI.match(iri))):
                return f"{str(iri)[:60]!r} is not an absolute IRI: it would not be signed"
    return None if key == "@value" else _dropped(value)


def _difference(ours: Any, theirs: Any, where: str) -> str | None:
    """Where the JSON differs from the compacted form of what is signed, or None."""
    if isinstance(ours, list) != isinstance(theirs, list):
        return _one_element(ours, theirs, where)
    if isinstance(ours, dict) and isinstance(theirs, dict):
        return _members(ours, theirs, where)
    if isinstance(ours, list):
        if len(ours) != len(theirs):
            return f"{where}: not part of what is signed"
        return next(
            (
                found
                for index, (mine, signed) in enumerate(zip(ours, theirs, strict=True))
                if (found := _difference(mine, signed, f"{where}/{index}"))
            ),
            None,
        )
    if _same_node(ours, theirs) or _same_node(theirs, ours):
        return None
    return (
        None if json.dumps(ours) == json.dumps(theirs) else f"{where or '/'}: not signed as written"
    )


def _one_element(ours: Any, theirs: Any, where: str) -> str | None:
    """A one-element array and its element are the same JSON-LD; an array inside an array
    is not (expansion flattens it, JSON readers do not)."""
    single = ours if isinstance(ours, list) else theirs
    if len(single) != 1:
        return f"{where}: not part of what is signed"
    if isinstance(single[0], list):
        return f"{where}: an array inside an array is not accepted"
    if single is ours:
        return _difference(ours[0], theirs, where)
    return _difference(ours, theirs[0], where)


def _members(ours: dict[str, Any], theirs: dict[str, Any], where: str) -> str | None:
    for key in ours.keys() | theirs.keys():
        if ":" in key and key != "@context":
            return f"{where}/{key[:60]}: a member spelled as an IRI is not accepted"
        if key not in ours or key not in theirs:
            return f"{where}/{key[:60]}: not part of what is signed"
        found = _difference(ours[key], theirs[key], f"{where}/{key[:60]}")
        if found is not None:
            return found
    return None


def _same_node(reference: Any, iri: Any) -> bool:
    """A node reference `{"id": X}` and the IRI X name the same node."""
    return isinstance(reference, dict) and reference.keys() == {"id"} and reference["id"] == iri
