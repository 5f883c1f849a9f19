"""What the credentials API takes and gives, as /schema shows it."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec

REASON_MAX = 300


class CredentialIn(msgspec.Struct, forbid_unknown_fields=True):
    """The evidence recorded by the caller's structure that the badge rests on (an evidence
    record's id, as a person's export lists them), and, if wanted, the badge's end date."""

    evidence_id: UUID
    valid_until: datetime | None = None


class RevokeIn(msgspec.Struct, forbid_unknown_fields=True):
    """Why the badge is revoked, in a few words (kept, never published)."""

    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=REASON_MAX)]


class CredentialOut(msgspec.Struct):
    """One badge of the structure. `status`: `active`, `revoked` or `expired`; `url`: its
    public address (the signed JSON for programs, the verification page for people)."""

    id: UUID
    achievement: str
    name: str
    competence: str | None
    level: int | None
    issued_at: datetime
    valid_until: datetime | None
    status: Literal["active", "revoked", "expired"]
    revoked_at: datetime | None
    revoked_reason: str | None
    shared: bool
    url: str


class CredentialPage(msgspec.Struct):
    total: int
    items: list[CredentialOut]
