"""Data Integrity proofs with the `eddsa-rdfc-2022` cryptosuite (W3C vc-di-eddsa).

The signed bytes are SHA-256 of the canonical proof options followed by SHA-256 of the canonical
document; verification answers with named checks so that a page or an API can say *why* a
credential does not verify, and never raises on bad input.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from badges.canon import canonicalize
from badges.contexts import PINNED_URLS
from badges.multikey import KeyFormatError, multibase_decode, multibase_encode
from badges.multikey import public_key_from_multibase as _public_key

CRYPTOSUITE = "eddsa-rdfc-2022"
PROOF_TYPE = "DataIntegrityProof"
PROOF_PURPOSE = "assertionMethod"

Canonicalizer = Callable[[dict[str, Any]], str]
KeyResolver = Callable[[str], Ed25519PublicKey | None]


def _timestamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def proof_options(
    document: dict[str, Any], verification_method: str, created: str
) -> dict[str, Any]:
    """The proof without its value, under the document's contexts: what the signature covers."""
    return {
        "@context": document["@context"],
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": created,
        "verificationMethod": verification_method,
        "proofPurpose": PROOF_PURPOSE,
    }


def hash_data(
    document: dict[str, Any],
    options: dict[str, Any],
    canonicalizer: Canonicalizer = canonicalize,
) -> bytes:
    """SHA-256 of the canonical proof options, then of the canonical document (64 bytes)."""
    unsecured = {key: value for key, value in document.items() if key != "proof"}
    return (
        hashlib.sha256(canonicalizer(options).encode()).digest()
        + hashlib.sha256(canonicalizer(unsecured).encode()).digest()
    )


def sign(
    document: dict[str, Any],
    key: Ed25519PrivateKey,
    verification_method: str,
    created: datetime,
    canonicalizer: Canonicalizer = canonicalize,
) -> dict[str, Any]:
    """`document` with one `eddsa-rdfc-2022` proof (in a list, as the OB 3.0 schema wants)."""
    options = proof_options(document, verification_method, _timestamp(created))
    signature = key.sign(hash_data(document, options, canonicalizer))
    proof = {key_: value for key_, value in options.items() if key_ != "@context"}
    proof["proofValue"] = multibase_encode(signature)
    return {**document, "proof": [proof]}


@dataclass(frozen=True)
class Check:
    """One step of verification: its name, whether it passed, and why not in plain words."""

    name: str
    passed: bool
    detail: str = ""


@dataclass
class Verification:
    """The checks verification ran, in order; it stops at the first that fails."""

    checks: list[Check] = field(default_factory=list)
    document: dict[str, Any] | None = None

    @property
    def verified(self) -> bool:
        return bool(self.checks) and all(check.passed for check in self.checks)

    @property
    def failed(self) -> Check | None:
        """The check that failed, if any."""
        return next((check for check in self.checks if not check.passed), None)

    def passed(self, name: str, detail: str = "") -> None:
        self.checks.append(Check(name, True, detail))

    def fail(self, name: str, detail: str) -> Verification:
        self.checks.append(Check(name, False, detail))
        return self


def did_key_resolver(verification_method: str) -> Ed25519PublicKey | None:
    """Keys of `did:key:z6Mk…#z6Mk…` methods, which carry the key in their name."""
    if not verification_method.startswith("did:key:"):
        return None
    did, _, fragment = verification_method.partition("#")
    multikey = did.removeprefix("did:key:")
    if fragment and fragment != multikey:
        return None
    return _public_key(multikey)


MAX_BYTES = 256 * 1024
MAX_DEPTH = 32
MAX_NODES = 512
"""Bounds on what we canonicalise for someone else: ours are a few kilobytes, 5 deep, 40 nodes.
RDFC-1.0's cost grows fast with blank nodes, so a page or an API must not let a stranger choose
an arbitrarily large graph."""


def _too_big(node: object, depth: int = 0, budget: list[int] | None = None) -> str | None:
    budget = [MAX_NODES] if budget is None else budget
    if depth > MAX_DEPTH:
        return f"nested deeper than {MAX_DEPTH} levels"
    children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
    if children:
        budget[0] -= 1
        if budget[0] < 0:
            return f"more than {MAX_NODES} objects and lists"
    for child in children:
        reason = _too_big(child, depth + 1, budget)
        if reason is not None:
            return reason
    return None


def parse(document: str | bytes | dict[str, Any], result: Verification) -> dict[str, Any] | None:
    if isinstance(document, dict):
        parsed: object = document
    else:
        if len(document) > MAX_BYTES:
            result.fail("json", f"larger than {MAX_BYTES // 1024} KiB")
            return None
        try:
            parsed = json.loads(document)
        except (ValueError, UnicodeDecodeError, RecursionError) as error:
            result.fail("json", f"not JSON: {error}")
            return None
    if not isinstance(parsed, dict):
        result.fail("json", "not a JSON object")
        return None
    reason = _too_big(parsed)
    if reason is not None:
        result.fail("json", f"too large to verify: {reason}")
        return None
    result.passed("json")
    return parsed


def _single_proof(document: dict[str, Any], result: Verification) -> dict[str, Any] | None:
    proof = document.get("proof")
    if isinstance(proof, list) and len(proof) == 1:
        proof = proof[0]
    if proof is None:
        result.fail("proof", "the credential has no proof")
        return None
    if not isinstance(proof, dict):
        result.fail("proof", "expected exactly one proof object")
        return None
    result.passed("proof")
    return proof


def _check_proof_fields(
    document: dict[str, Any], proof: dict[str, Any], result: Verification
) -> bool:
    if proof.get("type") != PROOF_TYPE or proof.get("cryptosuite") != CRYPTOSUITE:
        result.fail(
            "cryptosuite",
            f"expected a {PROOF_TYPE} with {CRYPTOSUITE}, got "
            f"{proof.get('type')!r} with {proof.get('cryptosuite')!r}",
        )
        return False
    result.passed("cryptosuite")
    if proof.get("proofPurpose") != PROOF_PURPOSE:
        result.fail("proof-purpose", f"expected {PROOF_PURPOSE}, got {proof.get('proofPurpose')!r}")
        return False
    result.passed("proof-purpose")
    context = document.get("@context")
    urls = context if isinstance(context, list) else [context]
    unknown = [url for url in urls if not (isinstance(url, str) and url in PINNED_URLS)]
    if unknown:
        result.fail("context", f"unknown or inline JSON-LD context: {unknown[0]!r}")
        return False
    proof_context = proof.get("@context")
    if proof_context is not None and (
        not isinstance(proof_context, list) or urls[: len(proof_context)] != proof_context
    ):
        result.fail("context", "the proof's @context does not begin the credential's")
        return False
    result.passed("context")
    return True


def _resolve(proof: dict[str, Any], resolve_key: KeyResolver, result: Verification) -> Any:
    method = proof.get("verificationMethod")
    created = proof.get("created")
    if not isinstance(method, str) or not isinstance(created, str):
        return result.fail("verification-method", "the proof names no key or no date")
    try:
        key = resolve_key(method)
    except (KeyFormatError, ValueError) as error:
        return result.fail("verification-method", f"{method}: {error}")
    if key is None:
        return result.fail("verification-method", f"unknown key {method}")
    result.passed("verification-method", method)
    return key


def _signature(proof: dict[str, Any], result: Verification) -> bytes | None:
    proof_value = proof.get("proofValue")
    try:
        signature = multibase_decode(proof_value if isinstance(proof_value, str) else "")
    except ValueError as error:
        result.fail("proof-value", f"not multibase base58btc: {error}")
        return None
    if len(signature) != 64:
        result.fail("proof-value", "an Ed25519 signature has 64 bytes")
        return None
    result.passed("proof-value")
    return signature


def verify(
    document: str | bytes | dict[str, Any],
    resolve_key: KeyResolver,
    canonicalizer: Canonicalizer = canonicalize,
) -> Verification:
    """Check the `eddsa-rdfc-2022` proof of `document` with the key `resolve_key` gives."""
    result = Verification()
    parsed = parse(document, result)
    if parsed is None:
        return result
    result.document = parsed
    proof = _single_proof(parsed, result)
    if proof is None or not _check_proof_fields(parsed, proof, result):
        return result
    key = _resolve(proof, resolve_key, result)
    if not isinstance(key, Ed25519PublicKey):
        return result
    signature = _signature(proof, result)
    if signature is None:
        return result
    return _check_signature(parsed, proof, (key, signature), canonicalizer, result)


def _check_signature(
    document: dict[str, Any],
    proof: dict[str, Any],
    key_and_signature: tuple[Ed25519PublicKey, bytes],
    canonicalizer: Canonicalizer,
    result: Verification,
) -> Verification:
    key, signature = key_and_signature
    options = {k: v for k, v in proof.items() if k != "proofValue"}
    options["@context"] = document["@context"]
    try:
        data = hash_data(document, options, canonicalizer)
    except Exception as error:  # any JSON-LD the canonicaliser rejects
        return result.fail("canonicalization", f"not canonicalisable: {error}")
    result.passed("canonicalization")
    try:
        key.verify(signature, data)
    except InvalidSignature:
        return result.fail("signature", "the signature does not match: altered or another key")
    result.passed("signature")
    return result
