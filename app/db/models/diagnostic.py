"""A diagnostic, from its first answer (in progress) to its scored result."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any
from uuid import UUID

from advanced_alchemy.base import UUIDAuditBase
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import Enum, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db.types import Json


class Channel(enum.StrEnum):
    ONLINE = "online"
    PAPER = "paper"
    SCAN = "scan"


class DiagnosticStatus(enum.StrEnum):
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"


class Diagnostic(UUIDAuditBase):
    """Answers are saved at every step, so nothing is lost on a refresh or a dropped line.

    The id is a random UUID: knowing it is what lets an anonymous resident come back to their
    result. A diagnostic linked to a person is only shown to that person's structure.
    """

    __table_args__ = (
        Index("ix_diagnostic_person_created", "person_id", "created_at"),
        Index("ix_diagnostic_status_updated", "status", "updated_at"),
    )

    person_id: Mapped[UUID | None] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), default=None
    )
    structure_id: Mapped[UUID | None] = mapped_column(
        ForeignKey("structure.id", ondelete="SET NULL"), default=None, index=True
    )
    channel: Mapped[Channel] = mapped_column(Enum(Channel, native_enum=False, length=10))
    status: Mapped[DiagnosticStatus] = mapped_column(
        Enum(DiagnosticStatus, native_enum=False, length=12)
    )
    referential_version: Mapped[str] = mapped_column(String(20))
    answers: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    # Item ids in the order they were answered (JSONB does not keep key order): « back ».
    asked: Mapped[list[str]] = mapped_column(Json, default=list)
    # Answers « back » took away, shown selected when their question comes again; emptied when
    # the diagnostic ends.
    taken_back: Mapped[dict[str, Any] | None] = mapped_column(Json, default=None)
    context: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    goals: Mapped[dict[str, str]] = mapped_column(Json, default=dict)
    result: Mapped[dict[str, Any] | None] = mapped_column(Json, default=None)
    resume_code: Mapped[str | None] = mapped_column(String(12), unique=True, default=None)
    # SHA-256 of the caller and the Idempotency-Key they sent: a key only replays for its caller.
    idempotency_key: Mapped[str | None] = mapped_column(String(200), unique=True, default=None)
    request_hash: Mapped[str | None] = mapped_column(String(64), default=None)
    sheet_serial: Mapped[str | None] = mapped_column(String(40), unique=True, default=None)
    completed_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    # A completed diagnostic never changes: a mediator's correction is a new diagnostic that
    # names the one it corrects.
    supersedes_id: Mapped[UUID | None] = mapped_column(
        ForeignKey("diagnostic.id", ondelete="SET NULL"), default=None, unique=True
    )
