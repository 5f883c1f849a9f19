"""Seats in sessions, the waiting list, attendance, and the evidence a passed exit check leaves."""

from __future__ import annotations

import enum
from datetime import datetime
from uuid import UUID

from advanced_alchemy.base import UUIDAuditBase
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import BigInteger, Boolean, Enum, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db.models.offer import Session


class BookingStatus(enum.StrEnum):
    CONFIRMED = "confirmed"
    WAITING = "waiting"
    CANCELLED = "cancelled"


class Attendance(enum.StrEnum):
    """RDV Service Public's participation statuses."""

    UNKNOWN = "unknown"
    SEEN = "seen"
    EXCUSED = "excused"
    REVOKED = "revoked"
    NOSHOW = "noshow"


# A holder has at most one live booking per session, whoever booked it.
LIVE_SQL = "status IN ('CONFIRMED', 'WAITING')"


class Booking(UUIDAuditBase):
    """One person's seat (or place in the queue) in one session.

    ``holder`` names who holds it, the same way for every channel: ``person:<uuid>`` when the
    person has a record, otherwise ``email:<address>`` or ``phone:<+33…>``, so the unique index
    below refuses a second live booking by the same holder. ``queued`` orders the waiting list
    (first come, first promoted).
    """

    __table_args__ = (
        Index(
            "uq_booking_live_holder",
            "session_id",
            "holder",
            unique=True,
            sqlite_where=text(LIVE_SQL),
            postgresql_where=text(LIVE_SQL),
        ),
        Index("ix_booking_session_status_queued", "session_id", "status", "queued"),
        Index("ix_booking_person", "person_id"),
    )

    session_id: Mapped[UUID] = mapped_column(ForeignKey("session.id", ondelete="CASCADE"))
    person_id: Mapped[UUID | None] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), default=None
    )
    # The diagnostic the resident booked from, to come back to their result.
    diagnostic_id: Mapped[UUID | None] = mapped_column(
        ForeignKey("diagnostic.id", ondelete="SET NULL"), default=None
    )
    holder: Mapped[str] = mapped_column(String(340))
    contact_email: Mapped[str | None] = mapped_column(String(320), default=None)
    contact_phone: Mapped[str | None] = mapped_column(String(20), default=None)
    status: Mapped[BookingStatus] = mapped_column(Enum(BookingStatus, native_enum=False, length=10))
    queued: Mapped[int] = mapped_column(BigInteger)
    attendance: Mapped[Attendance] = mapped_column(
        Enum(Attendance, native_enum=False, length=10), default=Attendance.UNKNOWN
    )
    exit_check_passed: Mapped[bool | None] = mapped_column(Boolean, default=None)
    exit_checked_by: Mapped[UUID | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), default=None
    )
    exit_checked_at: Mapped[datetime | None] = mapped_column(
        DateTimeUTC(timezone=True), default=None
    )
    booked_by: Mapped[UUID | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), default=None
    )
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    # « person », « mediator », « trainer », « session » (the session was cancelled).
    cancelled_by: Mapped[str | None] = mapped_column(String(20), default=None)
    # When the reminder of the day before was written to the outbox (once per booking).
    reminded_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    # Bumped on every change of this booking's invitation: its SEQUENCE.
    revision: Mapped[int] = mapped_column(Integer, default=0)
    session: Mapped[Session] = relationship(lazy="joined")


class EvidenceRecord(UUIDAuditBase):
    """Something observed about a person's competence, kept for their next result and for
    their badges: a passed exit check of a workshop (``kind="exit_check"``), later an observed
    task or a Pix result. ``level`` is the level it proves (the workshop's exit level)."""

    __table_args__ = (Index("ix_evidence_person_competence", "person_id", "competence"),)

    person_id: Mapped[UUID] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    structure_id: Mapped[UUID] = mapped_column(ForeignKey("structure.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    competence: Mapped[str] = mapped_column(String(10))
    level: Mapped[int] = mapped_column(Integer)
    passed: Mapped[bool] = mapped_column(Boolean, default=True)
    booking_id: Mapped[UUID | None] = mapped_column(
        ForeignKey("booking.id", ondelete="SET NULL"), default=None, index=True
    )
    workshop_title: Mapped[str | None] = mapped_column(String(150), default=None)
    # What was observed, in plain words (the exit check's task or checklist).
    observed: Mapped[str] = mapped_column(String(1000), default="")
    recorded_by: Mapped[UUID | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), default=None
    )
    recorded_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    # An imported Pix result (``kind="pix"``): the highest Pix level (0 to 8) among the CRCN
    # competences that bear on ``competence``, which the person's next result reads as Pix.
    pix_level: Mapped[int | None] = mapped_column(Integer, default=None)
