"""Territorial statistics: the people counted per period, and the cells that may be published.

``stat_subject`` is the one row per person and period that counting reads (narrow, indexed by
period and département), kept up to date by ``parcours stats refresh``, and ``stat_badge`` the
same for the people who received badges; ``stat_raw`` keeps each
département's counts for the upper levels' secrecy. Both hold no alias, no birth year, no free
text, and leave only through the secrecy rules. ``stat_cell`` is what pages and exports read:
the published counts of one territory and indicator, a secret cell being null.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from advanced_alchemy.base import AdvancedDeclarativeBase, CommonTableAttributes
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.ext.asyncio import AsyncAttrs
from sqlalchemy.orm import Mapped, mapped_column

from app.db.types import Json


class _Table(CommonTableAttributes, AdvancedDeclarativeBase, AsyncAttrs):
    __abstract__ = True


class StatSubject(_Table):
    """One person in one period (a year), as their latest diagnostic of that year describes
    them. An anonymous diagnostic is its own subject. Deleted with the person or diagnostic."""

    __table_args__ = (Index("ix_stat_subject_year_departement", "year", "departement"),)

    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    subject: Mapped[UUID] = mapped_column(primary_key=True)
    diagnostic_id: Mapped[UUID] = mapped_column(
        ForeignKey("diagnostic.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[UUID | None] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), default=None, index=True
    )
    diagnostics: Mapped[int] = mapped_column(Integer, default=1)
    departement: Mapped[str | None] = mapped_column(String(3), default=None)
    commune: Mapped[str | None] = mapped_column(String(5), default=None)
    age_band: Mapped[str] = mapped_column(String(30))
    frequency: Mapped[str] = mapped_column(String(20))
    equipment: Mapped[str] = mapped_column(String(120), default="")
    profile: Mapped[str] = mapped_column(String(20))
    levels: Mapped[str] = mapped_column(String(10))
    needs: Mapped[str] = mapped_column(String(400), default="")
    autonomy: Mapped[str] = mapped_column(String(10))
    pathway: Mapped[str] = mapped_column(String(30), default="")


class StatBadge(_Table):
    """One person who received badges in one period (the year of issuance), not revoked: the
    columns of the badges' indicator they count in (« E C pathway »), and the commune of their
    record (else of their latest diagnostic). Deleted with the person."""

    __table_args__ = (Index("ix_stat_badge_year_departement", "year", "departement"),)

    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[UUID] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    departement: Mapped[str | None] = mapped_column(String(3), default=None)
    commune: Mapped[str | None] = mapped_column(String(5), default=None)
    badges: Mapped[str] = mapped_column(String(60), default="")


class StatRaw(_Table):
    """A département's counts in a year, per indicator (never published as they are)."""

    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    departement: Mapped[str] = mapped_column(String(3), primary_key=True)
    counts: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    # Cells of this département that its EPCI and communes need hidden.
    forced: Mapped[list[Any]] = mapped_column(Json, default=list)


class StatCell(_Table):
    """The published counts of one territory, indicator and year: {column: count or null}."""

    __table_args__ = (
        Index("ix_stat_cell_level_departement", "year", "indicator", "level", "departement"),
        Index("ix_stat_cell_level_region", "year", "indicator", "level", "region"),
        Index("ix_stat_cell_parent", "year", "indicator", "parent"),
    )

    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    indicator: Mapped[str] = mapped_column(String(20), primary_key=True)
    level: Mapped[str] = mapped_column(String(12), primary_key=True)
    code: Mapped[str] = mapped_column(String(24), primary_key=True)
    parent: Mapped[str | None] = mapped_column(String(24), default=None)
    departement: Mapped[str | None] = mapped_column(String(3), default=None)
    region: Mapped[str | None] = mapped_column(String(3), default=None)
    cells: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)


class StatState(_Table):
    """When the statistics were last refreshed, and up to which change they count."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    refreshed_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    watermark: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
