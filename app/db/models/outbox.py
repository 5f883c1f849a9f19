"""Messages to people, written in the same transaction as what they announce and sent later
by a background worker: a crash never sends a message for a change that was rolled back, nor
loses one for a change that was kept."""

from __future__ import annotations

import enum
from datetime import datetime
from uuid import UUID

from advanced_alchemy.base import UUIDAuditBase
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import Enum, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column


class OutboxChannel(enum.StrEnum):
    EMAIL = "email"
    SMS = "sms"  # no provider yet: such messages wait


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"  # given up after the last attempt


class OutboxMessage(UUIDAuditBase):
    __table_args__ = (Index("ix_outbox_status_due", "status", "due_at"),)

    channel: Mapped[OutboxChannel] = mapped_column(
        Enum(OutboxChannel, native_enum=False, length=10)
    )
    # « booked », « waiting », « promoted », « changed », « cancelled », « reminder ».
    kind: Mapped[str] = mapped_column(String(20))
    recipient: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    ics: Mapped[str | None] = mapped_column(Text, default=None)
    booking_id: Mapped[UUID | None] = mapped_column(
        ForeignKey("booking.id", ondelete="CASCADE"), default=None, index=True
    )
    status: Mapped[OutboxStatus] = mapped_column(
        Enum(OutboxStatus, native_enum=False, length=10), default=OutboxStatus.PENDING
    )
    due_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    sent_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    last_error: Mapped[str | None] = mapped_column(String(500), default=None)
