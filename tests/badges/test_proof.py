"""Signing and verifying: any change is caught and named, bad input never raises."""

from __future__ import annotations

import json
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from badges.models import OpenBadgeCredential
from badges.multikey import multibase_decode, multibase_encode
from badges.proof import verify
from badges.schema import schema_errors
from tests.badges.strategies import (
    ISSUER_KEY,
    METHOD,
    credentials,
    issue,
    issuer_keys,
    leaves,
    value_at,
    with_value,
)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=60, deadline=None)
@given(credentials)
def test_issued_credentials_verify_and_match_the_official_schema(
    credential: OpenBadgeCredential,
) -> None:
    signed = issue(credential)
    assert schema_errors(signed) == []
    result = verify(json.dumps(signed, ensure_ascii=False).encode(), issuer_keys)
    assert result.verified, result.failed


@settings(max_examples=80, deadline=None)
@given(credentials, st.data())
def test_changing_any_field_breaks_the_signature(
    credential: OpenBadgeCredential, data: st.DataObject
) -> None:
    signed = issue(credential)
    paths = [p for p in leaves(signed) if p[0] not in {"proof", "@context"}]
    path = data.draw(st.sampled_from(paths))
    old = value_at(signed, path)
    new = (not old) if isinstance(old, bool) else old + data.draw(st.characters(min_codepoint=0x41))
    result = verify(with_value(signed, path, new), issuer_keys)
    assert result.failed is not None
    assert result.failed.name == "signature"


@settings(max_examples=60, deadline=None)
@given(credentials, st.data())
def test_changing_any_byte_of_the_signature_breaks_it(
    credential: OpenBadgeCredential, data: st.DataObject
) -> None:
    signed = issue(credential)
    signature = bytearray(multibase_decode(signed["proof"][0]["proofValue"]))
    index = data.draw(st.integers(0, 63))
    signature[index] ^= data.draw(st.integers(1, 255))
    proof = {**signed["proof"][0], "proofValue": multibase_encode(bytes(signature))}
    result = verify({**signed, "proof": [proof]}, issuer_keys)
    assert result.failed is not None
    assert result.failed.name == "signature"


@settings(max_examples=20, deadline=None)
@given(credentials)
def test_proof_fields_are_checked_by_name(credential: OpenBadgeCredential) -> None:
    signed = issue(credential)
    proof = signed["proof"][0]
    expectations = {
        "created": ("2030-01-01T00:00:00Z", "signature"),
        "cryptosuite": ("ecdsa-rdfc-2019", "cryptosuite"),
        "type": ("Ed25519Signature2020", "cryptosuite"),
        "proofPurpose": ("authentication", "proof-purpose"),
        "verificationMethod": (METHOD + "x", "verification-method"),
        "proofValue": ("not base58btc", "proof-value"),
    }
    for field, (value, check) in expectations.items():
        result = verify({**signed, "proof": [{**proof, field: value}]}, issuer_keys)
        assert result.failed is not None
        assert result.failed.name == check, field


@settings(max_examples=10, deadline=None)
@given(credentials)
def test_another_key_does_not_verify(credential: OpenBadgeCredential) -> None:
    other = Ed25519PrivateKey.generate().public_key()
    result = verify(issue(credential), lambda method: other)
    assert result.failed is not None
    assert result.failed.name == "signature"
    assert ISSUER_KEY.public_key() != other


@settings(max_examples=10, deadline=None)
@given(credentials)
def test_bad_input_gets_a_reason(credential: OpenBadgeCredential) -> None:
    signed = issue(credential)
    unknown = {**signed, "@context": [*signed["@context"], "https://example.org/ctx.json"]}
    inline = {**signed, "@context": [*signed["@context"], {"name": "https://schema.org/name"}]}
    cases = {
        "json": [
            b"{not json",
            b"\xff\xfe",
            "[1, 2]",
            '"a string"',
            "[" * 100_000 + "]" * 100_000,
            {**signed, "evidence": [{"name": str(i)} for i in range(600)]},
            " " * 300_000 + "{}",
        ],
        "proof": [{k: v for k, v in signed.items() if k != "proof"}, {**signed, "proof": 3}],
        "context": [unknown, inline],
    }
    for check, documents in cases.items():
        for document in documents:
            result = verify(document, issuer_keys)
            assert result.failed is not None
            assert result.failed.name == check
            assert result.failed.detail


@settings(max_examples=200, deadline=None)
@given(json_values | st.binary() | st.text())
def test_verification_never_raises(document: Any) -> None:
    payload = document if isinstance(document, bytes | str) else json.dumps(document)
    assert not verify(payload, issuer_keys).verified


@settings(max_examples=60, deadline=None)
@given(credentials, st.dictionaries(st.text(), json_values, max_size=3))
def test_verification_never_raises_on_mangled_credentials(
    credential: OpenBadgeCredential, extra: dict[str, Any]
) -> None:
    signed = issue(credential)
    mangled = {**signed, **extra, "proof": [{**signed["proof"][0], **extra}]}
    result = verify(mangled, issuer_keys)
    assert result.checks[0].name == "json"
    assert result.verified or result.failed is not None
