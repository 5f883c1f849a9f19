"""Revocation as verifiers read it: W3C Bitstring Status List and 1EdTech's revocation list."""

from __future__ import annotations

import base64
import contextlib
import gzip
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from badges.status import (
    MAX_LENGTH,
    MIN_LENGTH,
    StatusBits,
    StatusError,
    StatusListFullError,
    allocate_index,
    check_status,
    decode_list,
    status_entry,
    status_list_credential,
)

LIST_URL = "https://badges.example.fr/statuts/1"
ISSUER = "https://badges.example.fr/emetteurs/42"

# The list of 1EdTech's public validator (its test resources, bit-string-list/testlist,
# Apache-2.0): a credential at index 23 is revoked there, every other one is not.
ONE_EDTECH_LIST = "uH4sIAAAAAAAA_-3BMQEAAAzDoMy_6cnoA9QFAAAAAAAAAAAAAAAAAAAAbD3uPa2cAEAAAA"
# The example of the W3C Recommendation: 131,072 entries, none set.
W3C_EXAMPLE_LIST = "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA"

indexes = st.frozensets(st.integers(0, MIN_LENGTH - 1), max_size=200)


def _b64(data: bytes) -> str:
    return "u" + base64.urlsafe_b64encode(data).decode().rstrip("=")


def _list_document(bits: StatusBits, purpose: str = "revocation") -> dict[str, Any]:
    return status_list_credential(
        list_url=LIST_URL,
        issuer=ISSUER,
        valid_from="2026-12-01T00:00:00Z",
        bits=bits,
        purpose="revocation" if purpose == "revocation" else "suspension",
    )


def _credential(index: int) -> dict[str, Any]:
    return {"id": "urn:uuid:1", "credentialStatus": status_entry(LIST_URL, index)}


@given(indexes)
@settings(max_examples=60, deadline=None)
def test_any_set_of_revoked_indexes_round_trips(revoked: frozenset[int]) -> None:
    encoded = StatusBits.of(revoked).encode()
    assert encoded.startswith("u")
    assert "=" not in encoded
    decoded = decode_list(encoded)
    assert decoded.length == MIN_LENGTH
    assert decoded.set_indexes() == revoked


@given(indexes, st.integers(0, MIN_LENGTH - 1))
@settings(max_examples=40, deadline=None)
def test_revoking_flips_that_bit_only(revoked: frozenset[int], index: int) -> None:
    before = StatusBits.of(revoked)
    after = decode_list(before.with_bit(index, True).encode())
    assert after.set_indexes() == revoked | {index}
    assert after.with_bit(index, False).set_indexes() == revoked - {index}


def test_the_published_lists_read_as_their_authors_meant() -> None:
    assert decode_list(ONE_EDTECH_LIST).set_indexes() == {23}
    w3c = decode_list(W3C_EXAMPLE_LIST)
    assert w3c.length == MIN_LENGTH
    assert not w3c.set_indexes()
    # Index 0 is the leftmost bit of the first byte, as the specification says.
    packed = StatusBits.of({0}).encode()[1:]
    first_byte = gzip.decompress(base64.urlsafe_b64decode(packed + "=" * (-len(packed) % 4)))[0]
    assert first_byte == 0x80


@pytest.mark.parametrize(
    ("encoded", "says"),
    [
        (None, "« u »"),
        ("zH4sI", "« u »"),
        ("u", "base64url"),
        ("uH4s+I/A", "base64url"),
        ("uAB=", "base64url"),
        (_b64(b"not gzip at all"), "GZIP"),
        (_b64(gzip.compress(bytes(MIN_LENGTH // 8))[:-6]), "tronquée"),
        (_b64(gzip.compress(bytes(MIN_LENGTH // 8)) + b"xx"), "suivie"),
        (_b64(gzip.compress(bytes(100))), "moins de 131072"),
        (_b64(gzip.compress(bytes(MAX_LENGTH // 8 + 8))), "plus de"),
    ],
)
def test_a_malformed_list_is_refused_with_a_reason(encoded: object, says: str) -> None:
    with pytest.raises(StatusError, match=says):
        decode_list(encoded)


@given(st.text(max_size=80))
@settings(max_examples=200, deadline=None)
def test_no_string_makes_decoding_raise_anything_but_a_status_error(text: str) -> None:
    with contextlib.suppress(StatusError):
        decode_list(text)


@given(st.binary(max_size=200))
@settings(max_examples=200, deadline=None)
def test_no_compressed_bytes_make_decoding_raise_anything_but_a_status_error(data: bytes) -> None:
    with contextlib.suppress(StatusError):
        decode_list(_b64(data))


def test_a_list_shorter_than_the_minimum_cannot_be_built() -> None:
    with pytest.raises(StatusError, match="au moins"):
        StatusBits.of((), length=1024)
    with pytest.raises(StatusError, match="hors de la liste"):
        StatusBits.of({MIN_LENGTH})


@given(st.frozensets(st.integers(0, MIN_LENGTH - 1), max_size=300))
@settings(max_examples=30, deadline=None)
def test_an_allocated_index_is_never_one_in_use(used: frozenset[int]) -> None:
    index = allocate_index(used)
    assert 0 <= index < MIN_LENGTH
    assert index not in used


def test_a_nearly_full_list_still_finds_its_free_places_then_says_it_is_full() -> None:
    free = {5, 77_777, MIN_LENGTH - 1}
    used = set(range(MIN_LENGTH)) - free
    assert {allocate_index(used) for _ in range(60)} <= free
    with pytest.raises(StatusListFullError):
        allocate_index(set(range(MIN_LENGTH)))


def test_the_entry_and_the_list_credential_have_the_specification_shape() -> None:
    assert status_entry(LIST_URL, 94567) == {
        "id": f"{LIST_URL}#94567",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "94567",
        "statusListCredential": LIST_URL,
    }
    document = _list_document(StatusBits.of({3}))
    assert document["@context"] == ["https://www.w3.org/ns/credentials/v2"]
    assert document["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert document["issuer"] == ISSUER
    assert document["credentialSubject"]["type"] == "BitstringStatusList"
    assert decode_list(document["credentialSubject"]["encodedList"]).set_indexes() == {3}
    assert "proof" not in document
    assert "ttl" not in document["credentialSubject"]
    cached = status_list_credential(
        list_url=LIST_URL,
        issuer=ISSUER,
        valid_from="2026-12-01T00:00:00Z",
        valid_until="2026-12-02T00:00:00Z",
        bits=StatusBits.of(()),
        ttl_seconds=300,
    )
    assert cached["credentialSubject"]["ttl"] == 300_000
    assert cached["validUntil"] == "2026-12-02T00:00:00Z"


def test_a_revoked_credential_reads_revoked_and_the_others_active() -> None:
    lists = {LIST_URL: _list_document(StatusBits.of({10, 20}))}
    assert check_status(_credential(20), lists.get).state == "revoked"
    assert check_status(_credential(21), lists.get).state == "active"
    assert check_status({"id": "urn:uuid:2"}, lists.get).state == "none"


def test_the_1edtech_fixture_credential_reads_revoked() -> None:
    url = "https://example.com/credentials/status/3"
    listed = {
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "credentialSubject": {
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": ONE_EDTECH_LIST,
        },
    }
    entry = {
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": 23,
        "statusListCredential": url,
    }
    assert check_status({"credentialStatus": entry}, {url: listed}.get).state == "revoked"
    entry["statusListIndex"] = "22"
    assert check_status({"credentialStatus": [entry]}, {url: listed}.get).state == "active"


def test_a_suspension_list_suspends() -> None:
    lists = {LIST_URL: _list_document(StatusBits.of({7}), purpose="suspension")}
    credential = {"credentialStatus": status_entry(LIST_URL, 7, purpose="suspension")}
    assert check_status(credential, lists.get).state == "suspended"


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"statusListIndex": "-1"}, "statusListIndex"),
        ({"statusListIndex": "1e3"}, "statusListIndex"),
        ({"statusListIndex": True}, "statusListIndex"),
        ({"statusListIndex": str(MIN_LENGTH)}, "au-delà"),
        ({"statusPurpose": "message"}, "statusPurpose"),
        ({"statusPurpose": "suspension"}, "ne sert pas"),
        ({"statusSize": 2}, "statusSize"),
        ({"statusListCredential": ""}, "manque"),
        ({"statusListCredential": "https://ailleurs.example/liste"}, "introuvable"),
        ({"type": "StatusList2021Entry"}, "inconnu"),
    ],
)
def test_an_unreadable_entry_is_a_reason_never_a_verdict(change: dict[str, Any], says: str) -> None:
    lists = {LIST_URL: _list_document(StatusBits.of(()))}
    credential = _credential(1)
    credential["credentialStatus"].update(change)
    with pytest.raises(StatusError, match=says):
        check_status(credential, lists.get)


def test_a_list_that_is_not_the_one_asked_for_is_refused() -> None:
    wrong_id = _list_document(StatusBits.of(()))
    wrong_id["id"] = "https://badges.example.fr/statuts/2"
    with pytest.raises(StatusError, match="dit être"):
        check_status(_credential(1), {LIST_URL: wrong_id}.get)
    not_a_list = {"type": ["VerifiableCredential"], "credentialSubject": {}}
    with pytest.raises(StatusError, match="n'est pas une"):
        check_status(_credential(1), {LIST_URL: not_a_list}.get)


def test_the_1edtech_revocation_list_names_the_revoked_credentials() -> None:
    url = "https://dc.example.org/api/revocations/1"
    credential = {
        "id": "https://dc.example.org/credential/54418d3f",
        "credentialStatus": {"id": url, "type": "1EdTechRevocationList"},
    }
    revoked = {
        "id": url,
        "issuer": ISSUER,
        "revokedCredentials": [
            {"id": "https://dc.example.org/credential/other", "revocationReason": "erreur"},
            {"id": credential["id"], "revocationReason": "Badge délivré par erreur"},
        ],
    }
    check = check_status(credential, {url: revoked}.get)
    assert check.state == "revoked"
    assert check.reason == "Badge délivré par erreur"
    revoked["revokedCredentials"][1]["revoked"] = False
    assert check_status(credential, {url: revoked}.get).state == "active"
    with pytest.raises(StatusError, match="revokedCredentials"):
        check_status(credential, {url: {"revokedCredentials": "tous"}}.get)
    with pytest.raises(StatusError, match="introuvable"):
        check_status(credential, {}.get)
