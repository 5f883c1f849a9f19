"""RDFC-1.0 canonical N-Quads of a JSON-LD document, fast and equal to pyld's.

pyld's `normalize` spends most of its time processing the contexts, which are the same for every
credential of a given shape. So we run pyld once per *shape* (the document with every free string
replaced by a placeholder), keep its N-Quads as a template, and for each document fill the
template with that document's strings and let pyoxigraph's RDFC-1.0 canonicaliser relabel the
blank nodes. Anything the template cannot stand for exactly (relative IRIs, control characters,
inline contexts, unknown shapes of placeholders) goes through pyld itself; a property test
checks both paths agree.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, cast

import pyoxigraph
from pyld import jsonld

from badges.contexts import PINNED_URLS, UnknownContextError, document_loader
from badges.text import has_unsafe_controls

_OPTIONS = {
    "algorithm": "URDNA2015",
    "format": "application/n-quads",
    "documentLoader": document_loader,
}
_PLACEHOLDER = "urn:x-parcours-slot:"
_SLOT = re.compile(r'<urn:x-parcours-slot:(\d+)>|"urn:x-parcours-slot:(\d+)"')
# What the template may put between angle brackets without pyld reading it differently.
_ABSOLUTE_IRI = re.compile(r"(?:https?|urn|did|data):[^\s<>\"{}|\\^`\x00-\x1f\x7f]+")
# Keys whose string values are terms of the vocabulary (they shape the graph), not free values.
_SHAPE_KEYS = frozenset({"type", "proofPurpose"})


class CanonicalizationError(ValueError):
    """The document is not JSON-LD we can canonicalise."""


def canonical_pyld(document: dict[str, Any]) -> str:
    """RDFC-1.0 (URDNA2015) canonical N-Quads computed by pyld alone: the reference."""
    try:
        return cast(str, jsonld.normalize(document, dict(_OPTIONS)))
    except Exception as error:  # pyld raises its own JsonLdError and plain errors alike
        unknown = _unknown_context(error)
        if unknown is not None:
            raise unknown from error
        raise CanonicalizationError(f"not canonicalisable JSON-LD: {error}") from error


def _unknown_context(error: BaseException | None) -> UnknownContextError | None:
    """The refused context behind a pyld error, if that is what it was."""
    while error is not None:
        if isinstance(error, UnknownContextError):
            return error
        error = error.__cause__ or error.__context__
    return None


@dataclass(frozen=True)
class Template:
    """pyld's N-Quads for one shape, cut at the placeholders."""

    pieces: tuple[str, ...]  # text between slots; len(slots) + 1 items
    slots: tuple[tuple[int, bool], ...]  # placeholder index of each slot, and if it is an IRI


def skeleton(node: Any, values: list[str], key: str | None = None) -> Any:
    """`node` with each free string replaced by a placeholder, its value appended to `values`."""
    if isinstance(node, dict):
        if "@context" in node and key is not None:
            raise NotTemplatableError
        return {k: (v if k == "@context" else skeleton(v, values, k)) for k, v in node.items()}
    if isinstance(node, list):
        return [skeleton(item, values, key) for item in node]
    if isinstance(node, str) and key is not None and key not in _SHAPE_KEYS and key[0] != "@":
        values.append(node)
        return f"{_PLACEHOLDER}{len(values) - 1}"
    return node


class NotTemplatableError(Exception):
    """The document or its shape goes through pyld itself."""


@lru_cache(maxsize=256)
def template(shape: str) -> Template | None:
    nquads = cast(
        str,
        jsonld.to_rdf(
            json.loads(shape),
            {"format": "application/n-quads", "documentLoader": document_loader},
        ),
    )
    pieces: list[str] = []
    slots: list[tuple[int, bool]] = []
    position = 0
    for match in _SLOT.finditer(nquads):
        pieces.append(nquads[position : match.start()])
        slots.append((int(match.group(1) or match.group(2)), match.group(1) is not None))
        position = match.end()
    pieces.append(nquads[position:])
    if nquads.count(_PLACEHOLDER) != len(slots):
        return None
    return Template(tuple(pieces), tuple(slots))


def _escape_literal(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")


def _fill(template: Template, values: list[str]) -> str:
    parts = [template.pieces[0]]
    for (slot, is_iri), piece in zip(template.slots, template.pieces[1:], strict=True):
        value = values[slot]
        if is_iri:
            if not _ABSOLUTE_IRI.fullmatch(value):
                raise NotTemplatableError
            parts.append(f"<{value}>")
        else:
            parts.append(f'"{_escape_literal(value)}"')
        parts.append(piece)
    return "".join(parts)


def _rdfc(nquads: str) -> str:
    dataset = pyoxigraph.Dataset(pyoxigraph.parse(nquads, format=pyoxigraph.RdfFormat.N_QUADS))
    dataset.canonicalize(pyoxigraph.CanonicalizationAlgorithm.RDFC_1_0)
    lines = [f"{quad} .\n" for quad in dataset]
    lines.sort()
    return "".join(lines)


def _pinned_context(document: dict[str, Any]) -> bool:
    context = document.get("@context")
    urls = context if isinstance(context, list) else [context]
    return all(isinstance(url, str) and url in PINNED_URLS for url in urls)


def canonicalize(document: dict[str, Any]) -> str:
    """RDFC-1.0 canonical N-Quads of `document`, byte for byte what `canonical_pyld` gives."""
    values: list[str] = []
    try:
        if not _pinned_context(document):
            raise NotTemplatableError
        shape = json.dumps(skeleton(document, values), ensure_ascii=False)
        if any(has_unsafe_controls(value) for value in values):
            raise NotTemplatableError
        found = template(shape)
        if found is None:
            raise NotTemplatableError
        return _rdfc(_fill(found, values))
    except Exception:  # NotTemplatableError, or anything pyld or pyoxigraph object to
        return canonical_pyld(document)
