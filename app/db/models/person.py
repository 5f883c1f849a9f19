"""A person followed by a structure: minimal data, kept only with recorded consent."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from advanced_alchemy.base import UUIDAuditBase
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship


class Person(UUIDAuditBase):
    # The dashboard lists a structure's people, newest first; the statistics' refresh reads
    # the records changed since it last ran (a commune moves their badges).
    __table_args__ = (
        Index("ix_person_structure_created", "structure_id", "created_at"),
        Index("ix_person_updated", "updated_at"),
    )

    structure_id: Mapped[UUID] = mapped_column(
        ForeignKey("structure.id", ondelete="RESTRICT"), index=True
    )
    alias: Mapped[str] = mapped_column(String(80))
    birth_year_band: Mapped[str | None] = mapped_column(String(40), default=None)
    commune_insee: Mapped[str | None] = mapped_column(String(5), default=None)
    consents: Mapped[list[Consent]] = relationship(
        back_populates="person", cascade="all, delete-orphan", passive_deletes=True, lazy="selectin"
    )


class Consent(UUIDAuditBase):
    """The consent as given: when, which text version, recorded by whom."""

    person_id: Mapped[UUID] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    text_version: Mapped[str] = mapped_column(String(20))
    given_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    recorded_by: Mapped[UUID | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), default=None
    )
    person: Mapped[Person] = relationship(back_populates="consents")
