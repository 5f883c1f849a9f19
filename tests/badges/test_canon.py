"""The fast canonicaliser gives pyld's canonical form, and contexts never come from the network."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from badges.canon import canonical_pyld, canonicalize
from badges.contexts import UnknownContextError, document_loader
from badges.models import IdentityObject, OpenBadgeCredential, Profile
from badges.proof import proof_options
from badges.text import clean_text, has_unsafe_controls
from tests.badges.strategies import METHOD, credentials


@settings(max_examples=150, deadline=None)
@given(credentials)
def test_fast_path_equals_pyld_on_any_credential(credential: OpenBadgeCredential) -> None:
    document = credential.document()
    assert canonicalize(document) == canonical_pyld(document)


@settings(max_examples=50, deadline=None)
@given(credentials, st.text(max_size=30))
def test_fast_path_equals_pyld_on_proof_options(
    credential: OpenBadgeCredential, created: str
) -> None:
    options = proof_options(credential.document(), METHOD, created)
    assert canonicalize(options) == canonical_pyld(options)


@settings(max_examples=50, deadline=None)
@given(credentials, st.text(), st.sampled_from(["id", "name", "validFrom"]))
def test_fast_path_equals_pyld_on_raw_values(
    credential: OpenBadgeCredential, value: str, field: str
) -> None:
    """Relative IRIs, control characters, odd dates: the template never silently differs."""
    document = {**credential.document(), field: value}
    assert canonicalize(document) == canonical_pyld(document)


@settings(max_examples=50, deadline=None)
@given(credentials, st.text(max_size=40), st.sampled_from(["image/svg+xml", "text/plain", ""]))
def test_fast_path_equals_pyld_on_any_data_address(
    credential: OpenBadgeCredential, payload: str, kind: str
) -> None:
    """An image carried as a ``data:`` address, well formed or not, canonicalises as pyld's."""
    document = credential.document()
    subject = document["credentialSubject"]
    achievement = {
        **subject["achievement"],
        "image": {"id": f"data:{kind},{payload}", "type": "Image"},
    }
    document = {**document, "credentialSubject": {**subject, "achievement": achievement}}
    assert canonicalize(document) == canonical_pyld(document)


def _noncharacter(char: str) -> bool:
    code = ord(char)
    return 0xFDD0 <= code <= 0xFDEF or code & 0xFFFE == 0xFFFE or 0xD800 <= code <= 0xDFFF


@given(st.text() | st.lists(st.sampled_from("a\x01\ufdd0\ufffe\uffff\U0010fffe")).map("".join))
def test_clean_text_removes_exactly_the_disputed_controls(text: str) -> None:
    """The controls canonicalisers disagree on, and the noncharacters (an SVG cannot hold
    U+FFFE or U+FFFF, and other verifiers disagree on some)."""
    cleaned = clean_text(text)
    assert not has_unsafe_controls(cleaned)
    assert clean_text(cleaned) == cleaned
    kept = [c for c in text if c in "\t\n\r" or (c >= " " and c != "\x7f")]
    assert [c for c in kept if not _noncharacter(c)] == list(cleaned)


def test_models_clean_text_before_signing() -> None:
    assert (
        clean_text("Communiquer\x01 par\x08 e-mail\x7f\tet\nSMS")
        == "Communiquer par e-mail\tet\nSMS"
    )


def test_salts_and_addresses_with_disputed_controls_are_refused() -> None:
    """Found by the JavaScript verifier: rdf-canonize escapes a salt's \\x15 where pyld does not."""
    with pytest.raises(ValidationError, match="control characters"):
        IdentityObject.for_email("ana@example.fr", "sel\x15")
    with pytest.raises(ValidationError, match="control characters"):
        Profile(id="https://parcours.example.fr/issuers/1", name="Médiathèque", email="a\x7f@b.fr")


def test_loader_refuses_unpinned_urls() -> None:
    with pytest.raises(UnknownContextError, match="only pinned contexts"):
        document_loader("https://example.org/evil-context.jsonld")
    with pytest.raises(UnknownContextError):
        canonical_pyld({"@context": "https://example.org/evil", "name": "x"})
    assert document_loader("https://www.w3.org/ns/credentials/v2")["document"]["@context"]
