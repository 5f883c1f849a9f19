"""Ed25519 keys as Multikey strings (`z6Mk…`): multibase base58btc over a multicodec prefix."""

from __future__ import annotations

import base58
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

_ED25519_PUB = b"\xed\x01"
_ED25519_PRIV = b"\x80\x26"


class KeyFormatError(ValueError):
    """A key string is not an Ed25519 Multikey."""


def multibase_encode(data: bytes) -> str:
    """Multibase base58btc: `z` then base58 (Bitcoin alphabet)."""
    return "z" + base58.b58encode(data).decode("ascii")


def multibase_decode(text: str) -> bytes:
    """Bytes of a multibase base58btc string, or ValueError."""
    if not text.startswith("z"):
        raise ValueError("not multibase base58btc (must start with 'z')")
    return base58.b58decode(text[1:])


def public_key_multibase(key: Ed25519PublicKey) -> str:
    """`z6Mk…` for an Ed25519 public key."""
    raw = key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return multibase_encode(_ED25519_PUB + raw)


def _key_bytes(text: str, prefix: bytes, sizes: set[int], what: str) -> bytes:
    """The key bytes after the multicodec `prefix`, or KeyFormatError naming `what` was expected."""
    try:
        data = multibase_decode(text)
    except ValueError as error:
        raise KeyFormatError(str(error)) from error
    if not data.startswith(prefix) or len(data) - len(prefix) not in sizes:
        raise KeyFormatError(f"not an Ed25519 {what} Multikey (0x{prefix.hex()}, {sizes} bytes)")
    return data[len(prefix) :]


def public_key_from_multibase(text: str) -> Ed25519PublicKey:
    """The Ed25519 public key a Multikey string holds, or KeyFormatError."""
    return Ed25519PublicKey.from_public_bytes(_key_bytes(text, _ED25519_PUB, {32}, "public"))


def secret_key_multibase(key: Ed25519PrivateKey) -> str:
    """`z3u2…` for an Ed25519 private key (its 32-byte seed)."""
    seed = key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    return multibase_encode(_ED25519_PRIV + seed)


def secret_key_from_multibase(text: str) -> Ed25519PrivateKey:
    """The private key of a secret Multikey: a 32-byte seed, or seed and public key (64 bytes)."""
    data = _key_bytes(text, _ED25519_PRIV, {32, 64}, "secret")
    return Ed25519PrivateKey.from_private_bytes(data[:32])
