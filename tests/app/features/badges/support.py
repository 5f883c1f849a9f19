"""Checks every test makes of a badge the service issued: the official schema, our verifier
with the key the issuer publishes, and an independent verifier (openbadgeslib)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from openbadgeslib.ob3.ldp import OB3LdpVerifier
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models import Credential, EvidenceRecord
from app.features.badges import public_key, status_list_document
from app.features.badges.urls import parse_verification_method
from badges.proof import verify
from badges.schema import schema_errors
from badges.status import check_status


async def recorded(db: AsyncSession, person: str, owner: UUID, **fields: Any) -> EvidenceRecord:
    """Evidence about ``person`` noted by the structure ``owner`` (a passed exit check of I1 at
    level 2 unless ``fields`` say otherwise), written."""
    record = EvidenceRecord(
        person_id=UUID(person),
        structure_id=owner,
        **{
            "kind": "exit_check",
            "competence": "I1",
            "level": 2,
            "passed": True,
            "observed": "Chercher les horaires de la mairie",
            "recorded_at": datetime.now(UTC),
            **fields,
        },
    )
    db.add(record)
    await db.commit()
    return record


async def checked(db: AsyncSession, credential: Credential) -> str:
    """The credential's status (``active`` or ``revoked``) once it passed every check."""
    body = credential.body
    assert schema_errors(body) == []
    method = body["proof"][0]["verificationMethod"]
    key = await public_key(db, method)
    assert key is not None
    assert verify(body, lambda url: key if url == method else None).verified
    pem = key.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    assert OB3LdpVerifier(pubkey_pem=pem).verify(json.dumps(body, ensure_ascii=False))
    return await status_of(db, body)


async def status_of(db: AsyncSession, body: dict[str, Any]) -> str:
    """What the published (and verified) status list says of the credential."""
    url = body["credentialStatus"]["statusListCredential"]
    structure_id, _ = parse_verification_method(url.replace("/statuts/", "#"))  # type: ignore[misc]
    document = await status_list_document(db, structure_id, int(url.rsplit("/", 1)[1]))
    assert document is not None
    method = document["proof"][0]["verificationMethod"]
    key = await public_key(db, method)
    assert verify(document, lambda url: key if url == method else None).verified
    return check_status(body, lambda _url: document).state
