"""The structures' signing keys are never in the database in clear: a dump holds no form of a
private key nor the secret that seals them, a sealed key opens with that secret only, and only
in its own row (copied to another structure's row or another key's, it does not open)."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
)
from sqlalchemy import select

from app.db.models import IssuerKey
from app.features.badges.keys import _open
from badges.multikey import secret_key_multibase
from tests.app.features.badges.test_issuing import workshop_passed
from tests.app.features.bookings.test_api import structure_id
from tests.app.test_erasure import everything_stored
from tests.app.test_mediator_pages import create_person, mediator


def keys_of(backend: Any, structure: str) -> list[IssuerKey]:
    """The keys of a structure whose badges were issued, with a person's exit check."""
    owner = structure_id(backend, structure)

    async def go(db: Any) -> list[IssuerKey]:
        return list(await db.scalars(select(IssuerKey).where(IssuerKey.structure_id == owner)))

    return backend.run(go)


def written_forms(seed: bytes) -> list[str]:
    """The ways a private key could be written: raw, hex, base64, Multikey, PEM."""
    key = Ed25519PrivateKey.from_private_bytes(seed)
    der = key.private_bytes(Encoding.DER, PrivateFormat.PKCS8, NoEncryption())
    pem = key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    return [
        seed.decode("latin-1"),
        seed.hex(),
        seed.hex().upper(),
        base64.b64encode(seed).decode().rstrip("="),
        base64.urlsafe_b64encode(seed).decode().rstrip("="),
        base64.b64encode(der).decode().rstrip("="),
        pem.decode().splitlines()[1],
        secret_key_multibase(key),
    ]


def test_no_form_of_a_private_key_nor_the_sealing_secret_is_stored(backend, client):
    structure = mediator(backend, client)
    workshop_passed(backend, create_person(client, "Yvonne"), structure)
    (row,) = keys_of(backend, structure)
    key = _open(backend.settings, row)
    seed = key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    stored = everything_stored(backend)
    assert row.public_key_multibase in stored  # what is published is there
    found = [form for form in written_forms(seed) if form in stored]
    assert found == []
    assert backend.settings.badge_secret() not in stored


def test_a_sealed_key_opens_with_its_secret_and_in_its_own_row_only(backend, client):
    first, second = mediator(backend, client), mediator(backend, client)
    for structure in (first, second):
        workshop_passed(backend, create_person(client, "Yvette"), structure)
    (ours,), (theirs,) = keys_of(backend, first), keys_of(backend, second)
    assert _open(backend.settings, ours)  # opened once: kept for this process
    other_secret = backend.settings.model_copy(update={"badge_key": "une autre clé"})
    with pytest.raises(InvalidTag):
        _open(other_secret, ours)
    for structure_id_, key_id in (
        (theirs.structure_id, theirs.key_id),  # copied to another structure's key
        (ours.structure_id, f"{ours.key_id}-copie"),  # or to another key of ours
    ):
        copied = IssuerKey(
            structure_id=structure_id_,
            key_id=key_id,
            public_key_multibase=ours.public_key_multibase,
            secret_encrypted=ours.secret_encrypted,
        )
        with pytest.raises(InvalidTag):
            _open(backend.settings, copied)
