"""A person's badges and wallet links, as the privacy register (`app.privacy`) exports and
erases them. Erasing revokes every badge, so a copy already shown elsewhere reads « revoked »
from the published list (its place in the list is kept), and keeps nothing of the person: the
public address stops answering, and only an outline of the badge stays (what it recognised,
who issued it and when, its place in the list), for the structure's count of badges issued.
Wallet links are deleted."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models import Credential, Person, WalletLink
from app.db.types import iso
from app.features.badges.issuing import revoke

ERASED = "Effacement des données de la personne, à sa demande"


async def _credentials(db: AsyncSession, person: Person) -> list[Credential]:
    found = await db.scalars(
        select(Credential).where(Credential.person_id == person.id).order_by(Credential.issued_at)
    )
    return list(found)


async def export_credentials(
    db: AsyncSession, person: Person, _diagnostics: Sequence[UUID]
) -> list[dict[str, Any]]:
    return [
        {
            "id": str(c.id),
            "achievement": c.achievement,
            "name": c.body.get("name"),
            "issued_at": iso(c.issued_at),
            "valid_until": iso(c.valid_until),
            "revoked_at": iso(c.revoked_at),
            "revoked_reason": c.revoked_reason,
            "shared": c.shared,
            "credential": c.body,
        }
        for c in await _credentials(db, person)
    ]


# What an erased person's badge keeps: nothing about the holder (their pseudonym, the salted
# hash of their e-mail and its salt, the evidence observed, the signature over them all).
OUTLINE = ("@context", "id", "type", "issuer", "name", "validFrom", "validUntil")


def outline(body: dict[str, Any]) -> dict[str, Any]:
    """The credential without its holder, its evidence and its proof; its status entry kept."""
    kept = {key: body[key] for key in OUTLINE if key in body}
    status = body.get("credentialStatus")
    if isinstance(status, dict):
        kept["credentialStatus"] = status
    return kept


async def erase_credentials(db: AsyncSession, person: Person, _diagnostics: Sequence[UUID]) -> int:
    credentials = await _credentials(db, person)
    for credential in credentials:
        await revoke(db, credential, reason=ERASED, by=None)
        credential.revoked_reason = ERASED  # a reason typed earlier may name the person
        credential.shared = False
        credential.body = outline(credential.body)
    await db.execute(
        update(Credential)
        .where(Credential.person_id == person.id)
        .values(person_id=None, evidence_id=None)
    )
    return len(credentials)


async def export_wallet_links(
    db: AsyncSession, person: Person, _diagnostics: Sequence[UUID]
) -> list[dict[str, Any]]:
    found = await db.scalars(
        select(WalletLink).where(WalletLink.person_id == person.id).order_by(WalletLink.created_at)
    )
    return [
        {
            "created_at": iso(link.created_at),
            "revoked_at": iso(link.revoked_at),
            "last_used_at": iso(link.last_used_at),
        }
        for link in found
    ]


async def erase_wallet_links(db: AsyncSession, person: Person, _diagnostics: Sequence[UUID]) -> int:
    done = await db.execute(delete(WalletLink).where(WalletLink.person_id == person.id))
    return int(getattr(done, "rowcount", 0) or 0)
