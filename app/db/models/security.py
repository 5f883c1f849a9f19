"""What the service keeps to protect itself: attempt counters and the audit trail."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from advanced_alchemy.base import DefaultBase, UUIDv7Base
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db.types import Json


class Throttle(DefaultBase):
    """Attempts of one kind by one subject (an account, an address) in the current window.

    Shared by every worker, like sessions. The subject is stored as a keyed hash: the table
    holds no e-mail and no address.
    """

    __tablename__ = "throttle"

    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)
    window_start: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    last_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True), index=True)


class AuditEvent(UUIDv7Base):
    """Who did what to which record, when and from where; written with the action itself.

    A person is named by a keyed hash of their id (`app.audit.pseudonym`): once the person is
    erased, the trail still says what was done, but nothing in it points to them any more.
    """

    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_event_at", "at"),
        Index("ix_audit_event_target", "target"),
        Index("ix_audit_event_actor_at", "actor_id", "at"),
    )

    at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    action: Mapped[str] = mapped_column(String(40))
    actor_id: Mapped[UUID | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), default=None
    )
    structure_id: Mapped[UUID | None] = mapped_column(
        ForeignKey("structure.id", ondelete="SET NULL"), default=None, index=True
    )
    target_type: Mapped[str | None] = mapped_column(String(20), default=None)
    target: Mapped[str | None] = mapped_column(String(64), default=None)
    token_id: Mapped[UUID | None] = mapped_column(
        ForeignKey("api_token.id", ondelete="SET NULL"), default=None
    )
    address: Mapped[str | None] = mapped_column(String(45), default=None)
    detail: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
