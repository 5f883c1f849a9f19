"""The link that opens a holder's wallet: a random token in the address, no password to
remember. Only the token's SHA-256 is kept, so neither the database nor its dump can open a
wallet; a new link revokes the ones before it (a lost phone, a link sent to the wrong place).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import UTC, datetime, timedelta
from uuid import UUID

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models import Person, WalletLink
from app.db.types import as_utc

WALLET_PATH = "/portefeuille/{token}"
# 32 random bytes: no one finds a wallet by trying addresses.
TOKEN_BYTES = 32
# How often the last use is written down: often enough for the mediator's page to say « used
# today », without a write for every page the holder opens.
USE_PRECISION = timedelta(hours=1)
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{43}")  # 32 bytes in URL-safe base64, unpadded


def well_formed(token: str) -> bool:
    return TOKEN_SHAPE.fullmatch(token) is not None


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def wallet_path(token: str) -> str:
    return WALLET_PATH.format(token=token)


async def new_link(db: AsyncSession, person_id: UUID, *, created_by: UUID | None) -> str:
    """A new link to the person's wallet (its token, shown once); the links before stop
    working. The caller commits."""
    await revoke_links(db, person_id)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    db.add(WalletLink(person_id=person_id, token_hash=token_hash(token), created_by=created_by))
    await db.flush()
    return token


async def revoke_links(db: AsyncSession, person_id: UUID) -> None:
    await db.execute(
        update(WalletLink)
        .where(WalletLink.person_id == person_id, WalletLink.revoked_at.is_(None))
        .values(revoked_at=datetime.now(UTC))
        .execution_options(synchronize_session=False)
    )


async def current_link(db: AsyncSession, person_id: UUID) -> WalletLink | None:
    """The link that works today, if any (the token itself is not kept)."""
    found = await db.scalars(
        select(WalletLink)
        .where(WalletLink.person_id == person_id, WalletLink.revoked_at.is_(None))
        .order_by(WalletLink.created_at.desc())
        .limit(1)
    )
    return found.first()


async def holder_of(db: AsyncSession, token: str) -> Person | None:
    """The person whose live link carries ``token``, else None (unknown and revoked alike);
    notes the use. The caller commits."""
    link = await db.scalar(
        select(WalletLink).where(
            WalletLink.token_hash == token_hash(token), WalletLink.revoked_at.is_(None)
        )
    )
    if link is None:
        return None
    now = datetime.now(UTC)
    if link.last_used_at is None or now - as_utc(link.last_used_at) > USE_PRECISION:
        link.last_used_at = now
    return await db.get(Person, link.person_id)
