"""Digital Bazaar's JavaScript stack (jsonld.js, rdf-canonize) verifies what we sign, offline.

It shares no code with ours: a credential it accepts is one other tools can check. Node starts
slowly, so each run verifies a whole batch; `verify_with_digitalbazaar.mjs` says what it may load.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from badges.contexts import PINNED_URLS, context_document
from badges.models import OpenBadgeCredential
from badges.proof import sign
from tests.badges.strategies import (
    ISSUER,
    ISSUER_ID,
    ISSUER_KEY,
    METHOD,
    SIGNED_AT,
    credentials,
    issue,
)

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).with_name("verify_with_digitalbazaar.mjs")
NODE = shutil.which("node")
SUITE = ROOT / "node_modules" / "@digitalbazaar" / "eddsa-rdfc-2022-cryptosuite"

pytestmark = pytest.mark.skipif(
    NODE is None or not SUITE.is_dir(),
    reason="the JavaScript verifier needs node and `npm ci` (node_modules/@digitalbazaar)",
)

# What the verifier may load: our pinned contexts and the test issuer's profile, nothing else.
DOCUMENTS = {url: context_document(url) for url in PINNED_URLS} | {ISSUER_ID: ISSUER.published()}


def verify_in_node(
    signed: list[dict[str, Any]], documents: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """Node's verdict on each credential, in order: {"verified": bool, "error": str | None}.
    ``documents``: all node may load (the test issuer's profile and our contexts by default)."""
    assert NODE is not None
    run = subprocess.run(
        [NODE, str(SCRIPT)],
        input=json.dumps({"documents": documents or DOCUMENTS, "credentials": signed}),
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        check=True,
    )
    results: list[dict[str, Any]] = json.loads(run.stdout)
    assert len(results) == len(signed)
    return results


def _flip_proof_character(signed: dict[str, Any]) -> dict[str, Any]:
    """One base58 character of the signature changed, the rest of the proof untouched."""
    proof = signed["proof"][0]
    value = proof["proofValue"]
    changed = value[:10] + ("2" if value[10] != "2" else "3") + value[11:]
    return {**signed, "proof": [{**proof, "proofValue": changed}]}


def _other_key(signed: dict[str, Any]) -> dict[str, Any]:
    """Signed by a key that is not the issuer's, while naming the issuer's key."""
    document = {key: value for key, value in signed.items() if key != "proof"}
    return sign(document, Ed25519PrivateKey.from_private_bytes(b"\x07" * 32), METHOD, SIGNED_AT)


def _nested_text(signed: dict[str, Any]) -> dict[str, Any]:
    subject = signed["credentialSubject"]
    achievement = subject["achievement"]
    criteria = {"narrative": achievement["criteria"]["narrative"] + " "}
    altered = {**subject, "achievement": {**achievement, "criteria": criteria}}
    return {**signed, "credentialSubject": altered}


TAMPERINGS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "name": lambda signed: {**signed, "name": signed["name"] + "!"},
    "criteria": _nested_text,
    "date": lambda signed: {**signed, "validFrom": "2020-01-01T00:00:00Z"},
    "recipient": lambda signed: {
        **signed,
        "credentialSubject": {**signed["credentialSubject"], "id": "urn:uuid:0"},
    },
    "proof byte": _flip_proof_character,
    "key": _other_key,
}


@settings(max_examples=5, deadline=None)
@given(
    st.lists(st.tuples(credentials, st.sampled_from(sorted(TAMPERINGS))), min_size=1, max_size=20)
)
def test_node_verifies_ours_and_refuses_them_altered(
    batch: list[tuple[OpenBadgeCredential, str]],
) -> None:
    """Any Unicode text in names and criteria; each credential also goes in with one change."""
    signed = [issue(credential) for credential, _ in batch]
    altered = [TAMPERINGS[how](one) for one, (_, how) in zip(signed, batch, strict=True)]
    results = verify_in_node(signed + altered)
    for one, result in zip(signed, results, strict=False):
        assert result == {"verified": True, "error": None}, json.dumps(one, ensure_ascii=False)
    for (_, how), result in zip(batch, results[len(signed) :], strict=True):
        assert not result["verified"], how


@settings(max_examples=1, deadline=None)
@given(credentials)
def test_node_loads_nothing_it_was_not_given(credential: OpenBadgeCredential) -> None:
    """An unknown context or an unknown issuer's key is refused, not fetched."""
    signed = issue(credential)
    foreign_context = {**signed, "@context": [*signed["@context"], "https://example.org/ctx"]}
    stranger = (
        "https://ailleurs.example.org/issuers/1#z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
    )
    document = {key: value for key, value in signed.items() if key != "proof"}
    results = verify_in_node([foreign_context, sign(document, ISSUER_KEY, stranger, SIGNED_AT)])
    assert [result["verified"] for result in results] == [False, False]
    assert "refused to load https://example.org/ctx" in results[0]["error"]
    assert f"refused to load {stranger}" in results[1]["error"]
