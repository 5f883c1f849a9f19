"""Each structure's Ed25519 signing keys.

A key is made on first need. Its private half is stored only encrypted (AES-GCM) with a key
derived from ``PARCOURS_BADGE_KEY`` or var/badge_key, so a database dump alone cannot sign a
badge; decrypted keys are kept per process. Rotating retires the current key (it signs nothing
new) and makes another; retired keys stay in the issuer's profile so older badges verify.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from functools import cache
from uuid import UUID

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings, get_settings
from app.db.engine import settings_of
from app.db.models import IssuerKey
from app.features.badges.urls import parse_verification_method
from badges.multikey import KeyFormatError, public_key_from_multibase, public_key_multibase

_NONCE = 12
_SEALING = b"parcours badge signing keys"


def derived_key(settings: Settings, purpose: bytes) -> bytes:
    """32 bytes for one purpose, from the badge secret (never stored in the database)."""
    return _derive(settings.badge_secret(), purpose)


@cache
def _derive(secret: str, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(
        secret.encode()
    )


def _aad(structure_id: UUID, key_id: str) -> bytes:
    """Binds a sealed key to its row: copied to another structure or id, it will not open."""
    return f"{structure_id}#{key_id}".encode()


def _seal(settings: Settings, key: Ed25519PrivateKey, structure_id: UUID, key_id: str) -> bytes:
    seed = key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    nonce = secrets.token_bytes(_NONCE)
    cipher = AESGCM(derived_key(settings, _SEALING))
    return nonce + cipher.encrypt(nonce, seed, _aad(structure_id, key_id))


_OPENED: dict[tuple[bytes, bytes, str, bytes], Ed25519PrivateKey] = {}


def _open(settings: Settings, row: IssuerKey) -> Ed25519PrivateKey:
    """The private key of ``row``, decrypted once per process. Found again only for the same
    sealing key, row and sealed bytes: a sealed key copied to another row does not open, even
    in a process that opened the original."""
    sealing = derived_key(settings, _SEALING)
    opened = (
        sealing,
        _aad(row.structure_id, row.key_id),
        row.public_key_multibase,
        row.secret_encrypted,
    )
    cached = _OPENED.get(opened)
    if cached is not None:
        return cached
    data = row.secret_encrypted
    seed = AESGCM(sealing).decrypt(data[:_NONCE], data[_NONCE:], opened[1])
    key = Ed25519PrivateKey.from_private_bytes(seed)
    if public_key_multibase(key.public_key()) != row.public_key_multibase:
        raise ValueError(f"la clé {row.key_id} ne correspond pas à sa moitié publique")
    _OPENED[opened] = key
    return key


def _settings(db: AsyncSession) -> Settings:
    return settings_of(db) or get_settings()


async def _new_key(db: AsyncSession, structure_id: UUID) -> IssuerKey:
    key = Ed25519PrivateKey.generate()
    key_id = f"cle-{datetime.now(UTC):%Y%m%d}-{secrets.token_hex(3)}"
    row = IssuerKey(
        structure_id=structure_id,
        key_id=key_id,
        public_key_multibase=public_key_multibase(key.public_key()),
        secret_encrypted=_seal(_settings(db), key, structure_id, key_id),
    )
    db.add(row)
    await db.flush()
    return row


async def issuer_keys(db: AsyncSession, structure_id: UUID) -> list[IssuerKey]:
    """Every key of the structure, retired ones too, oldest first: the profile lists them."""
    found = await db.scalars(
        select(IssuerKey)
        .where(IssuerKey.structure_id == structure_id)
        .order_by(IssuerKey.created_at, IssuerKey.key_id)
    )
    return list(found)


async def signing_key(db: AsyncSession, structure_id: UUID) -> tuple[IssuerKey, Ed25519PrivateKey]:
    """The structure's current key (made now if it has none) and its private half."""
    current = await db.scalar(
        select(IssuerKey)
        .where(IssuerKey.structure_id == structure_id, IssuerKey.retired_at.is_(None))
        .order_by(IssuerKey.created_at.desc())
        .limit(1)
    )
    if current is None:
        current = await _new_key(db, structure_id)
    return current, _open(_settings(db), current)


async def rotate_key(db: AsyncSession, structure_id: UUID) -> IssuerKey:
    """Retire the structure's current keys and make a new one; the caller commits."""
    now = datetime.now(UTC)
    for row in await issuer_keys(db, structure_id):
        if row.retired_at is None:
            row.retired_at = now
    return await _new_key(db, structure_id)


async def public_key(db: AsyncSession, verification_method_url: str) -> Ed25519PublicKey | None:
    """The public key one of our verification methods names (retired ones too), or None."""
    parsed = parse_verification_method(verification_method_url, _settings(db))
    if parsed is None:
        return None
    structure_id, key_id = parsed
    row = await db.scalar(
        select(IssuerKey).where(IssuerKey.structure_id == structure_id, IssuerKey.key_id == key_id)
    )
    if row is None:
        return None
    try:
        return public_key_from_multibase(row.public_key_multibase)
    except KeyFormatError:
        return None
