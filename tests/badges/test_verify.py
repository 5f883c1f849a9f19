"""Verifying what a person hands over: any change, a foreign key, a revocation or a date gives
the verdict and reason a checker needs, bad input included, and nothing is fetched."""

from __future__ import annotations

import io
import json
import socket
import struct
import zlib
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from PIL import Image

from badges.baking import bake_png, bake_svg
from badges.models import OpenBadgeCredential, StatusEntry, timestamp
from badges.multikey import multibase_decode, multibase_encode
from badges.proof import sign
from badges.status import StatusBits, status_entry, status_list_credential
from badges.verify import verify
from tests.badges.strategies import (
    ISSUER_ID,
    ISSUER_KEY,
    METHOD,
    SIGNED_AT,
    credentials,
    issue,
    issuer_keys,
    leaves,
    value_at,
    with_value,
)

LIST_URL = f"{ISSUER_ID}/statuts/1"
DATA = Path(__file__).parent / "data" / "1edtech"
SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><circle r="4"/></svg>'
NOW = SIGNED_AT + timedelta(days=1)


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to reach the network fails the test."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def _status_list(revoked: set[int]) -> dict[str, Any]:
    document = status_list_credential(
        list_url=LIST_URL,
        issuer=ISSUER_ID,
        valid_from=timestamp(SIGNED_AT),
        bits=StatusBits.of(revoked),
        ttl_seconds=300,
    )
    return sign(document, ISSUER_KEY, METHOD, SIGNED_AT)


def _current(credential: OpenBadgeCredential, index: int = 7) -> OpenBadgeCredential:
    """Valid at NOW, with a status entry in LIST_URL at `index`."""
    entry = StatusEntry.model_validate(status_entry(LIST_URL, index))
    return credential.model_copy(
        update={"valid_from": SIGNED_AT, "valid_until": None, "credential_status": entry}
    )


def _lists(*documents: dict[str, Any]) -> Any:
    by_url = {document["id"]: document for document in documents}
    return by_url.get


ACTIVE = _lists(_status_list(set()))


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (3, 2), "white").save(out, format="PNG")
    return out.getvalue()


@settings(max_examples=25, deadline=None)
@given(credentials)
def test_an_issued_badge_is_valid_as_json_png_and_svg(credential: OpenBadgeCredential) -> None:
    signed = issue(_current(credential))
    text = json.dumps(signed, ensure_ascii=False)
    for handed in (text.encode(), text, signed, bake_png(_png(), text), bake_svg(SVG, text)):
        outcome = verify(handed, issuer_keys, ACTIVE, NOW)
        assert (outcome.verdict, outcome.reason) == ("valid", "valid"), outcome.checks
        assert all(check.passed for check in outcome.checks)
        assert outcome.summary is not None
        assert outcome.summary.issuer == "Médiathèque de Bourges"
        assert outcome.summary.name == signed["credentialSubject"]["achievement"]["name"]


@settings(max_examples=80, deadline=None)
@given(credentials, st.data())
def test_changing_any_field_says_altered(
    credential: OpenBadgeCredential, data: st.DataObject
) -> None:
    signed = issue(_current(credential))
    paths = [p for p in leaves(signed) if p[0] not in {"proof", "@context"}]
    path = data.draw(st.sampled_from(paths))
    old = value_at(signed, path)
    new = (not old) if isinstance(old, bool) else old + data.draw(st.characters(min_codepoint=0x41))
    outcome = verify(with_value(signed, path, new), issuer_keys, ACTIVE, NOW)
    expected = "unknown_issuer" if path == ("issuer", "id") else "altered"
    assert (outcome.verdict, outcome.reason) == ("invalid", expected), outcome.checks
    assert outcome.summary is None


@settings(max_examples=40, deadline=None)
@given(credentials, st.data())
def test_adding_or_dropping_a_member_says_altered(
    credential: OpenBadgeCredential, data: st.DataObject
) -> None:
    signed = issue(_current(credential))
    key = data.draw(st.sampled_from(["name", "validFrom", "credentialStatus", "evidence", "x"]))
    value: Any = data.draw(st.none() | st.text(max_size=5) | st.integers() | st.just([[{}]]))
    assume(signed.get(key, ...) != value)
    outcome = verify({**signed, key: value}, issuer_keys, ACTIVE, NOW)
    assert outcome.verdict == "invalid"
    assert outcome.reason in {"altered", "not_a_badge"} if value is None else {"altered"}


@settings(max_examples=40, deadline=None)
@given(credentials, st.integers(0, 63), st.integers(1, 255))
def test_changing_any_byte_of_the_proof_says_altered(
    credential: OpenBadgeCredential, index: int, flip: int
) -> None:
    signed = issue(_current(credential))
    signature = bytearray(multibase_decode(signed["proof"][0]["proofValue"]))
    signature[index] ^= flip
    proof = {**signed["proof"][0], "proofValue": multibase_encode(bytes(signature))}
    outcome = verify({**signed, "proof": [proof]}, issuer_keys, ACTIVE, NOW)
    assert (outcome.verdict, outcome.reason) == ("invalid", "altered")


@settings(max_examples=10, deadline=None)
@given(credentials)
def test_another_key_says_altered_and_an_unknown_key_unknown_issuer(
    credential: OpenBadgeCredential,
) -> None:
    signed = issue(_current(credential))
    other = Ed25519PrivateKey.generate().public_key()
    outcome = verify(signed, lambda method: other, ACTIVE, NOW)
    assert (outcome.verdict, outcome.reason) == ("invalid", "altered")
    outcome = verify(signed, lambda method: None, ACTIVE, NOW)
    assert (outcome.verdict, outcome.reason) == ("invalid", "unknown_issuer")
    stranger = sign(
        {k: v for k, v in signed.items() if k != "proof"},
        Ed25519PrivateKey.generate(),
        "https://ailleurs.example/emetteur#cle",
        SIGNED_AT,
    )
    outcome = verify(stranger, issuer_keys, ACTIVE, NOW)
    assert (outcome.verdict, outcome.reason) == ("invalid", "unknown_issuer")


@settings(max_examples=30, deadline=None)
@given(credentials, st.integers(0, 131_071), st.sets(st.integers(0, 131_071), max_size=5))
def test_the_status_bit_decides_revoked(
    credential: OpenBadgeCredential, index: int, others: set[int]
) -> None:
    signed = issue(_current(credential, index))
    others.discard(index)
    kept = verify(signed, issuer_keys, _lists(_status_list(others)), NOW)
    assert (kept.verdict, kept.reason) == ("valid", "valid")
    revoked = verify(signed, issuer_keys, _lists(_status_list({*others, index})), NOW)
    assert (revoked.verdict, revoked.reason) == ("revoked", "revoked")
    assert revoked.summary is not None
    # A list whose bit was flipped by someone else than the issuer is not believed.
    forged = _status_list(others)
    forged["credentialSubject"]["encodedList"] = StatusBits.of({*others, index}).encode()
    outcome = verify(signed, issuer_keys, _lists(forged), NOW)
    assert (outcome.verdict, outcome.reason) == ("invalid", "status_unknown")
    outcome = verify(signed, issuer_keys, _lists(), NOW)
    assert (outcome.verdict, outcome.reason) == ("invalid", "status_unknown")


@settings(max_examples=10, deadline=None)
@given(credentials)
def test_dates_say_expired_or_not_yet_valid(credential: OpenBadgeCredential) -> None:
    until = SIGNED_AT + timedelta(days=30)
    signed = issue(_current(credential).model_copy(update={"valid_until": until}))
    assert verify(signed, issuer_keys, ACTIVE, until - timedelta(seconds=1)).verdict == "valid"
    expired = verify(signed, issuer_keys, ACTIVE, until)
    assert (expired.verdict, expired.reason) == ("expired", "expired")
    early = verify(signed, issuer_keys, ACTIVE, SIGNED_AT - timedelta(seconds=1))
    assert (early.verdict, early.reason) == ("invalid", "not_yet_valid")
    revoked = verify(signed, issuer_keys, _lists(_status_list({7})), until)
    assert revoked.verdict == "revoked"


def _png_header(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IEND", b"")


@settings(max_examples=3, deadline=None)
@given(credentials)
def test_bad_input_gets_a_verdict_and_a_reason(credential: OpenBadgeCredential) -> None:
    signed = issue(_current(credential))
    other_suite = {**signed, "proof": [{**signed["proof"][0], "cryptosuite": "ecdsa-rdfc-2019"}]}
    unknown_context = {**signed, "@context": [*signed["@context"], "https://evil.example/c.json"]}
    cases: dict[str, list[Any]] = {
        "unreadable": [
            b"{not json",
            b"",
            b"\x00\x01binary",
            "[1, 2]",
            _png(),
            _png_header(10_000, 10_000),
            SVG,
            b"<svg><unclosed",
            b"x" * (17 * 1024 * 1024),
        ],
        "unknown_context": [unknown_context],
        "unknown_issuer": [{**signed, "issuer": {"id": "https://ailleurs.example", "name": "X"}}],
        "unsupported_proof": [
            other_suite,
            {k: v for k, v in signed.items() if k != "proof"},
            b"eyJhbGciOiJFZERTQSJ9.e30.sig",
        ],
    }
    for reason, inputs in cases.items():
        for handed in inputs:
            outcome = verify(handed, issuer_keys, ACTIVE, NOW)
            assert (outcome.verdict, outcome.reason) == ("invalid", reason), handed
            failed = next(check for check in outcome.checks if not check.passed)
            assert failed.detail
            assert outcome.summary is None


def test_other_issuers_baked_badges_are_read_and_said_unknown() -> None:
    for name in ("simple-json.png", "simple-json.svg"):
        outcome = verify((DATA / name).read_bytes(), issuer_keys, ACTIVE, NOW)
        assert outcome.verdict == "invalid"
        assert outcome.checks[0].passed, outcome.checks
    jwt = verify((DATA / "simple-jwt.svg").read_bytes(), issuer_keys, ACTIVE, NOW)
    assert (jwt.verdict, jwt.reason) == ("invalid", "unsupported_proof")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=150, deadline=None)
@given(st.binary() | st.text() | json_values.map(json.dumps))
def test_verification_never_raises(handed: bytes | str) -> None:
    outcome = verify(handed, issuer_keys, ACTIVE, NOW)
    assert outcome.verdict == "invalid"
    assert outcome.reason


@settings(max_examples=60, deadline=None)
@given(credentials, st.dictionaries(st.text(max_size=8), json_values, max_size=3))
def test_mangled_badges_never_raise(
    credential: OpenBadgeCredential, extra: Mapping[str, Any]
) -> None:
    signed = issue(_current(credential))
    subject = {**signed["credentialSubject"], **extra}
    status = {**signed["credentialStatus"], **extra}
    for mangled in (
        {**signed, **extra},
        {**signed, "credentialSubject": subject},
        {**signed, "credentialStatus": status},
    ):
        outcome = verify(mangled, issuer_keys, ACTIVE, NOW)
        assert outcome.verdict in {"valid", "invalid"}
        assert outcome.verdict == "valid" or outcome.reason != "valid"


@settings(max_examples=5, deadline=None)
@given(credentials)
def test_a_member_json_ld_would_drop_is_refused_even_when_the_signature_holds(
    credential: OpenBadgeCredential,
) -> None:
    """The issuer signed a null member that JSON-LD drops: the signature holds, yet the JSON
    says something unsigned, so it is refused."""
    document = _current(credential).document()
    dropped = {**document, "validUntil": None}
    signed = sign(dropped, ISSUER_KEY, METHOD, SIGNED_AT)
    outcome = verify(signed, issuer_keys, ACTIVE, NOW)
    assert (outcome.verdict, outcome.reason) == ("invalid", "altered")
    assert any(check.name == "coverage" and not check.passed for check in outcome.checks)
    # The same credential re-spelled with the full IRI of validUntil hides its end date.
    until = "2026-12-01T00:00:00Z"
    signed = sign({**document, "validUntil": until}, ISSUER_KEY, METHOD, SIGNED_AT)
    hidden = {k: v for k, v in signed.items() if k != "validUntil"}
    hidden["https://www.w3.org/2018/credentials#validUntil"] = {
        "@value": until,
        "@type": "http://www.w3.org/2001/XMLSchema#dateTime",
    }
    outcome = verify(hidden, issuer_keys, ACTIVE, NOW + timedelta(days=2))
    assert outcome.verdict == "invalid"
    assert outcome.reason == "altered"


@settings(max_examples=10, deadline=None)
@given(credentials)
def test_a_1edtech_revocation_list_decides_revoked_too(credential: OpenBadgeCredential) -> None:
    """1EdTech's displayer certification names its revocation list this way: the badge whose
    id it lists reads « revoked », with the issuer's reason; any other reads valid."""
    url = f"{ISSUER_ID}/revocations"
    entry = StatusEntry(id=url, type="1EdTechRevocationList")
    signed = issue(_current(credential).model_copy(update={"credential_status": entry}))
    others = {"id": url, "revokedCredentials": [{"id": f"{ISSUER_ID}/badges/autre"}]}
    kept = verify(signed, issuer_keys, {url: others}.get, NOW)
    assert (kept.verdict, kept.reason) == ("valid", "valid"), kept.checks
    listed = {
        **others,
        "revokedCredentials": [
            *others["revokedCredentials"],
            {"id": signed["id"], "revocationReason": "Délivré par erreur"},
        ],
    }
    revoked = verify(signed, issuer_keys, {url: listed}.get, NOW)
    assert (revoked.verdict, revoked.reason) == ("revoked", "revoked"), revoked.checks
    assert revoked.revocation_reason == "Délivré par erreur"
    unknown = verify(signed, issuer_keys, {}.get, NOW)
    assert (unknown.verdict, unknown.reason) == ("invalid", "status_unknown")
