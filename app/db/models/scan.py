"""Uploaded scans and photos of paper forms, read page by page in the background."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any
from uuid import UUID

from advanced_alchemy.base import UUIDAuditBase
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import Enum, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db.types import Json


class BatchStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"


class PageOutcome(enum.StrEnum):
    """What became of a page: waiting for a person, a diagnostic, or set aside and why."""

    TO_REVIEW = "to_review"
    IMPORTED = "imported"
    DUPLICATE = "duplicate"
    UNREADABLE = "unreadable"
    REJECTED = "rejected"


class ScanBatch(UUIDAuditBase):
    """One uploaded file (a photo or a multi-page PDF); a job until every page is read.

    The file itself lies in the uploads folder (`path`, its name there) until it has been read.
    The job advances a page at a time: QUEUED between pages, RUNNING while a worker reads one
    (since `stepped_at`, so a worker that died is noticed), DONE at the end.
    """

    __table_args__ = (
        # The structure served least recently goes next (app.features.scans.worker).
        Index("ix_scan_batch_structure_stepped", "structure_id", "stepped_at"),
    )

    structure_id: Mapped[UUID] = mapped_column(ForeignKey("structure.id", ondelete="CASCADE"))
    uploaded_by: Mapped[UUID | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), default=None
    )
    filename: Mapped[str] = mapped_column(String(255))
    path: Mapped[str | None] = mapped_column(String(64), default=None)
    status: Mapped[BatchStatus] = mapped_column(
        Enum(BatchStatus, native_enum=False, length=10), index=True
    )
    pages_total: Mapped[int | None] = mapped_column(Integer, default=None)
    pages_done: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    stepped_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    finished_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)


class ScanPage(UUIDAuditBase):
    batch_id: Mapped[UUID] = mapped_column(
        ForeignKey("scan_batch.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int | None] = mapped_column(Integer, default=None)
    status: Mapped[str] = mapped_column(String(10))  # ok | review | error, as read
    outcome: Mapped[PageOutcome] = mapped_column(Enum(PageOutcome, native_enum=False, length=12))
    reading: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    crops: Mapped[dict[str, str]] = mapped_column(Json, default=dict)  # key -> base64 PNG
    sheet_serial: Mapped[str | None] = mapped_column(String(40), default=None, index=True)
    # Whom the sheet was printed for (a person's id): erasure finds their pages by it.
    person_ref: Mapped[str | None] = mapped_column(String(64), default=None, index=True)
    message: Mapped[str | None] = mapped_column(String(500), default=None)
    diagnostic_id: Mapped[UUID | None] = mapped_column(
        ForeignKey("diagnostic.id", ondelete="SET NULL"), default=None, index=True
    )
