"""Open Badges: each structure's signing keys, the credentials it issued, its revocation lists,
and the links that open a holder's wallet.

A credential is kept exactly as signed (``body``): verification, downloads and baked images
all start from those bytes. Revocation flips a bit in the issuer's status list; the row keeps
who revoked it and why. Erasing a person revokes their credentials and lets go of the link to
them (``person_id`` becomes NULL), so that a badge already shown elsewhere reads « revoked ».
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from advanced_alchemy.base import UUIDAuditBase
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.db.types import Json


class IssuerKey(UUIDAuditBase):
    """One Ed25519 key of a structure. The private half is stored only encrypted with a key
    that comes from a file or the environment, never from the database; a retired key signs
    nothing new but stays in the issuer's profile, so older badges still verify."""

    __table_args__ = (UniqueConstraint("structure_id", "key_id"),)

    structure_id: Mapped[UUID] = mapped_column(ForeignKey("structure.id", ondelete="RESTRICT"))
    # The fragment after « # » in the verification method's URL (stable once published).
    key_id: Mapped[str] = mapped_column(String(64))
    public_key_multibase: Mapped[str] = mapped_column(String(100))
    secret_encrypted: Mapped[bytes] = mapped_column(LargeBinary)
    retired_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)


class StatusList(UUIDAuditBase):
    """One revocation list of a structure, published signed at a stable URL. Its bits are
    read from its credentials (a bit is set when the credential at that index is revoked),
    so two revocations at once never overwrite each other."""

    __table_args__ = (UniqueConstraint("structure_id", "purpose", "number"),)

    structure_id: Mapped[UUID] = mapped_column(ForeignKey("structure.id", ondelete="RESTRICT"))
    purpose: Mapped[str] = mapped_column(String(20), default="revocation")
    number: Mapped[int] = mapped_column(Integer, default=1)
    length: Mapped[int] = mapped_column(Integer)


class Credential(UUIDAuditBase):
    """A signed OpenBadgeCredential, as issued."""

    __table_args__ = (
        UniqueConstraint("status_list_id", "status_index"),
        Index("ix_credential_structure_issued", "structure_id", "issued_at"),
        # the statistics' refresh reads the badges issued or revoked since it last ran
        Index("ix_credential_updated", "updated_at"),
        # one live badge per person and achievement, even when two requests issue it at once
        Index(
            "uq_credential_live",
            "person_id",
            "achievement",
            unique=True,
            postgresql_where=text("revoked_at IS NULL"),
            sqlite_where=text("revoked_at IS NULL"),
        ),
    )

    structure_id: Mapped[UUID] = mapped_column(ForeignKey("structure.id", ondelete="RESTRICT"))
    person_id: Mapped[UUID | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL"), default=None, index=True
    )
    evidence_id: Mapped[UUID | None] = mapped_column(
        ForeignKey("evidence_record.id", ondelete="SET NULL"), default=None
    )
    # What it recognises: « C3.2-2 » style (competence and level) or « pathway:<need> ».
    achievement: Mapped[str] = mapped_column(String(60))
    competence: Mapped[str | None] = mapped_column(String(10), default=None)
    level: Mapped[int | None] = mapped_column(Integer, default=None)
    body: Mapped[dict[str, Any]] = mapped_column(Json)
    issued_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    valid_until: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    issued_by: Mapped[UUID | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), default=None
    )
    status_list_id: Mapped[UUID] = mapped_column(ForeignKey("status_list.id", ondelete="RESTRICT"))
    status_index: Mapped[int] = mapped_column(Integer)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    revoked_reason: Mapped[str | None] = mapped_column(String(300), default=None)
    revoked_by: Mapped[UUID | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), default=None
    )
    # The holder's switch for the public verification link (the JSON stays verifiable by
    # whoever already holds it; only our page and URL stop showing it).
    shared: Mapped[bool] = mapped_column(Boolean, default=True)


class WalletLink(UUIDAuditBase):
    """A link that opens a person's wallet without a password. Only the token's SHA-256 is
    kept; a mediator can send a new one, which revokes the ones before."""

    person_id: Mapped[UUID] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by: Mapped[UUID | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), default=None
    )
    revoked_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
