"""Revocation: the W3C Bitstring Status List v1.0, and reading 1EdTech's revocation list.

A status list is one bit per credential, GZIP-compressed and written as multibase base64url
(« u » then no padding). Index 0 is the leftmost bit of the first byte. Indexes are drawn at
random so that the position of a credential says nothing about when it was issued, and a list
holds at least the specification's minimum of 131,072 entries so that fetching it says
nothing about which credential is being checked.

Nothing here fetches anything: the caller hands over the documents it resolved itself, and
checks their proofs. Every malformed input ends as a ``StatusError`` with a French reason.
"""

from __future__ import annotations

import base64
import binascii
import secrets
import zlib
from collections.abc import Callable, Collection, Iterable, Mapping
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict

MIN_LENGTH: Final = 131_072
"""The specification's minimum number of entries (16 KiB uncompressed)."""

MAX_LENGTH: Final = 64 * MIN_LENGTH
"""What we agree to decompress from someone else's list: 1 MiB, a bound against GZIP bombs."""

Purpose = Literal["revocation", "suspension"]
PURPOSES: Final[frozenset[str]] = frozenset({"revocation", "suspension"})
ENTRY_TYPE: Final = "BitstringStatusListEntry"
LIST_CREDENTIAL_TYPE: Final = "BitstringStatusListCredential"
LIST_TYPE: Final = "BitstringStatusList"
REVOCATION_LIST_TYPE: Final = "1EdTechRevocationList"
VC_CONTEXT: Final = "https://www.w3.org/ns/credentials/v2"


class StatusError(ValueError):
    """A status list, an entry or a revocation list that cannot be read (French message)."""


class StatusListFullError(StatusError):
    """Every index of the list is taken: the issuer needs a new list."""


class StatusBits:
    """A decoded status list: ``length`` bits, of which some are set."""

    __slots__ = ("_bytes",)

    def __init__(self, data: bytes) -> None:
        self._bytes = bytes(data)

    @classmethod
    def of(cls, set_indexes: Iterable[int], length: int = MIN_LENGTH) -> StatusBits:
        """The list of ``length`` bits where exactly ``set_indexes`` are set."""
        if length < MIN_LENGTH or length % 8:
            raise StatusError(
                f"une liste de statuts compte au moins {MIN_LENGTH} entrées, par multiples de 8"
            )
        data = bytearray(length // 8)
        for index in set_indexes:
            _check_index(index, length)
            data[index // 8] |= 0x80 >> (index % 8)
        return cls(bytes(data))

    @property
    def length(self) -> int:
        return len(self._bytes) * 8

    def is_set(self, index: int) -> bool:
        _check_index(index, self.length)
        return bool(self._bytes[index // 8] & (0x80 >> (index % 8)))

    def set_indexes(self) -> frozenset[int]:
        return frozenset(
            byte_at * 8 + bit
            for byte_at, value in enumerate(self._bytes)
            if value
            for bit in range(8)
            if value & (0x80 >> bit)
        )

    def with_bit(self, index: int, value: bool) -> StatusBits:
        """The same list with one bit changed: revoking (True) or reinstating (False)."""
        _check_index(index, self.length)
        data = bytearray(self._bytes)
        mask = 0x80 >> (index % 8)
        data[index // 8] = data[index // 8] | mask if value else data[index // 8] & ~mask
        return StatusBits(bytes(data))

    def encode(self) -> str:
        """The ``encodedList``: GZIP (fixed timestamp, so equal lists encode equally), base64url."""
        compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
        packed = compressor.compress(self._bytes) + compressor.flush()
        return "u" + base64.urlsafe_b64encode(packed).decode("ascii").rstrip("=")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, StatusBits) and other._bytes == self._bytes

    def __hash__(self) -> int:
        return hash(self._bytes)


def _check_index(index: int, length: int) -> None:
    if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < length:
        raise StatusError(f"index {index!r} hors de la liste (0 à {length - 1})")


def decode_list(encoded: object) -> StatusBits:
    """Read an ``encodedList``; refuse anything malformed, too short or too large."""
    if not isinstance(encoded, str) or not encoded.startswith("u"):
        raise StatusError("encodedList : une chaîne multibase base64url commençant par « u »")
    body = encoded[1:]
    if not body or any(c not in _BASE64URL for c in body) or len(body) % 4 == 1:
        raise StatusError("encodedList : ce n'est pas du base64url sans remplissage")
    try:
        packed = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (binascii.Error, ValueError) as exc:
        raise StatusError("encodedList : ce n'est pas du base64url sans remplissage") from exc
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        data = inflater.decompress(packed, MAX_LENGTH // 8 + 1)
    except zlib.error as exc:
        raise StatusError("encodedList : ce n'est pas une liste compressée GZIP") from exc
    if len(data) * 8 > MAX_LENGTH:
        raise StatusError(f"encodedList : plus de {MAX_LENGTH} entrées, liste refusée")
    if not inflater.eof or inflater.unused_data:
        raise StatusError("encodedList : compression GZIP tronquée ou suivie de données")
    if len(data) * 8 < MIN_LENGTH:
        raise StatusError(f"encodedList : moins de {MIN_LENGTH} entrées (minimum de la norme)")
    return StatusBits(data)


_BASE64URL: Final = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def allocate_index(used: Collection[int], length: int = MIN_LENGTH) -> int:
    """A free index drawn uniformly at random, so an index reveals no issuing order."""
    free = length - len(used)
    if free <= 0:
        raise StatusListFullError("la liste de statuts est pleine : en ouvrir une nouvelle")
    if free * 16 >= length:
        # Mostly free: drawing until a free index comes up takes at most 16 tries on average.
        while True:
            candidate = secrets.randbelow(length)
            if candidate not in used:
                return candidate
    taken = set(used)
    rank = secrets.randbelow(free)
    for candidate in range(length):
        if candidate not in taken:
            if rank == 0:
                return candidate
            rank -= 1
    raise StatusListFullError("la liste de statuts est pleine : en ouvrir une nouvelle")


def status_entry(list_url: str, index: int, purpose: Purpose = "revocation") -> dict[str, Any]:
    """The ``credentialStatus`` of a credential whose status is bit ``index`` of the list."""
    _check_index(index, MAX_LENGTH)
    return {
        "id": f"{list_url}#{index}",
        "type": ENTRY_TYPE,
        "statusPurpose": purpose,
        "statusListIndex": str(index),
        "statusListCredential": list_url,
    }


def status_list_credential(
    *,
    list_url: str,
    issuer: str,
    valid_from: str,
    bits: StatusBits,
    purpose: Purpose = "revocation",
    valid_until: str | None = None,
    ttl_seconds: int | None = None,
) -> dict[str, Any]:
    """The unsigned ``BitstringStatusListCredential``, to be signed by the issuer's key.

    ``ttl_seconds`` tells verifiers how long they may cache it (the list's ``ttl``, written in
    milliseconds): the same bound as the HTTP ``Cache-Control`` it is served with.
    """
    document: dict[str, Any] = {
        "@context": [VC_CONTEXT],
        "id": list_url,
        "type": ["VerifiableCredential", LIST_CREDENTIAL_TYPE],
        "issuer": issuer,
        "validFrom": valid_from,
    }
    if valid_until is not None:
        document["validUntil"] = valid_until
    document["credentialSubject"] = {
        "id": f"{list_url}#list",
        "type": LIST_TYPE,
        "statusPurpose": purpose,
        "encodedList": bits.encode(),
    }
    if ttl_seconds is not None:
        document["credentialSubject"]["ttl"] = ttl_seconds * 1000
    return document


_NO_STATUS: Final = "aucun statut déclaré : le badge n'est pas révocable"


class StatusCheck(BaseModel):
    """What a credential's status says: ``none`` when it declares no status to check."""

    model_config = ConfigDict(frozen=True)

    state: Literal["none", "active", "revoked", "suspended"]
    detail: str
    reason: str | None = None


Resolve = Callable[[str], Mapping[str, Any] | None]
"""Gives the document at a URL (already verified by the caller), or None when it has none."""


def check_status(credential: Mapping[str, Any], resolve: Resolve) -> StatusCheck:
    """Read every ``credentialStatus`` entry of a credential, Bitstring or 1EdTech list.

    Raises ``StatusError`` when a status is declared but cannot be read: the verdict then is
    « cannot tell », never « valid ».
    """
    declared = credential.get("credentialStatus")
    entries = declared if isinstance(declared, list) else [declared]
    if declared is None or not entries:
        return StatusCheck(state="none", detail=_NO_STATUS)
    checks = [_check_entry(entry, credential, resolve) for entry in entries]
    for state in ("revoked", "suspended"):
        for check in checks:
            if check.state == state:
                return check
    return checks[0]


def _check_entry(entry: object, credential: Mapping[str, Any], resolve: Resolve) -> StatusCheck:
    if not isinstance(entry, Mapping):
        raise StatusError("credentialStatus : un objet est attendu")
    kind = entry.get("type")
    if kind == ENTRY_TYPE:
        return _check_bitstring(entry, resolve)
    if kind == REVOCATION_LIST_TYPE:
        return _check_revocation_list(entry, credential, resolve)
    raise StatusError(f"credentialStatus : type de statut inconnu {kind!r}")


def bitstring_index(entry: Mapping[str, Any]) -> int:
    """The entry's ``statusListIndex``: a decimal string (an integer is read too)."""
    raw = entry.get("statusListIndex")
    if isinstance(raw, int) and not isinstance(raw, bool):
        index = raw
    elif isinstance(raw, str) and raw.isascii() and raw.isdigit() and len(raw) <= 12:
        index = int(raw)
    else:
        raise StatusError(f"statusListIndex : un entier positif est attendu, pas {raw!r}")
    _check_index(index, MAX_LENGTH)
    return index


def _check_bitstring(entry: Mapping[str, Any], resolve: Resolve) -> StatusCheck:
    purpose = entry.get("statusPurpose")
    if purpose not in PURPOSES:
        raise StatusError(f"statusPurpose : « revocation » ou « suspension », pas {purpose!r}")
    size = entry.get("statusSize", 1)
    if size not in {1, "1"}:
        raise StatusError("statusSize : seules les listes d'un bit par badge sont lues")
    index = bitstring_index(entry)
    url = entry.get("statusListCredential")
    if not isinstance(url, str) or not url:
        raise StatusError("statusListCredential : l'adresse de la liste manque")
    document = resolve(url)
    if document is None:
        raise StatusError(f"liste de statuts introuvable : {url}")
    bits = read_list_credential(document, url, purpose)
    if index >= bits.length:
        raise StatusError(f"statusListIndex {index} au-delà de la liste ({bits.length} entrées)")
    if not bits.is_set(index):
        return StatusCheck(state="active", detail="ni révoqué ni suspendu d'après sa liste")
    if purpose == "revocation":
        return StatusCheck(state="revoked", detail="révoqué d'après la liste de statuts")
    return StatusCheck(state="suspended", detail="suspendu d'après la liste de statuts")


def read_list_credential(document: Mapping[str, Any], url: str, purpose: str) -> StatusBits:
    """The bits of a ``BitstringStatusListCredential`` fetched from ``url`` for ``purpose``."""
    types = document.get("type")
    if not isinstance(types, list) or LIST_CREDENTIAL_TYPE not in types:
        raise StatusError(f"la liste {url} n'est pas une {LIST_CREDENTIAL_TYPE}")
    if document.get("id", url) != url:
        raise StatusError(f"la liste lue à {url} dit être {document.get('id')!r}")
    subject = document.get("credentialSubject")
    if not isinstance(subject, Mapping) or subject.get("type") != LIST_TYPE:
        raise StatusError(f"la liste {url} n'a pas de credentialSubject {LIST_TYPE}")
    declared = subject.get("statusPurpose")
    purposes = declared if isinstance(declared, list) else [declared]
    if purpose not in purposes:
        raise StatusError(f"la liste {url} ne sert pas à « {purpose} » mais à {declared!r}")
    return decode_list(subject.get("encodedList"))


def _check_revocation_list(
    entry: Mapping[str, Any], credential: Mapping[str, Any], resolve: Resolve
) -> StatusCheck:
    """1EdTech's list: the credential is revoked when its id is listed (``revoked`` not false)."""
    url = entry.get("id")
    if not isinstance(url, str) or not url:
        raise StatusError("credentialStatus : l'adresse de la liste de révocation manque")
    credential_id = credential.get("id")
    if not isinstance(credential_id, str):
        raise StatusError("le badge n'a pas d'identifiant à chercher dans la liste de révocation")
    document = resolve(url)
    if document is None:
        raise StatusError(f"liste de révocation introuvable : {url}")
    listed = document.get("revokedCredentials", [])
    if not isinstance(listed, list) or not all(isinstance(i, Mapping) for i in listed):
        raise StatusError(f"la liste de révocation {url} n'a pas de revokedCredentials lisible")
    for item in listed:
        if item.get("id") == credential_id and item.get("revoked", True) is not False:
            reason = item.get("revocationReason")
            return StatusCheck(
                state="revoked",
                detail="révoqué d'après la liste de révocation de l'émetteur",
                reason=reason if isinstance(reason, str) else None,
            )
    return StatusCheck(state="active", detail="absent de la liste de révocation de l'émetteur")
