"""The workshop offer a structure publishes once: its places, its workshops and their dated
sessions (alone or as a series)."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any
from uuid import UUID

from advanced_alchemy.base import UUIDAuditBase
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db.types import Json


class Place(UUIDAuditBase):
    """Where help happens (a lieu de médiation numérique), with the fields of the LaMednum
    standard 1.0.2. Multi-valued fields hold the standard's own labels (« Gratuit »,
    « Se présenter »…), so that its export is a join, not a translation."""

    __table_args__ = (
        Index("ix_place_structure_name", "structure_id", "name"),
        # The search « near a commune »: a latitude band, then the longitudes inside it.
        Index("ix_place_latitude_longitude", "latitude", "longitude"),
    )

    structure_id: Mapped[UUID] = mapped_column(ForeignKey("structure.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(150))
    # The SIRET (or RNA) of the structure running the place: the standard's `pivot`.
    pivot: Mapped[str | None] = mapped_column(String(14), default=None)
    address: Mapped[str] = mapped_column(String(250))
    address_complement: Mapped[str | None] = mapped_column(String(250), default=None)
    postal_code: Mapped[str] = mapped_column(String(5))
    commune_insee: Mapped[str] = mapped_column(String(5), index=True)
    # Given, or the commune's centroid when the address has not been located.
    latitude: Mapped[float | None] = mapped_column(Float, default=None)
    longitude: Mapped[float | None] = mapped_column(Float, default=None)
    typologies: Mapped[list[str]] = mapped_column(Json, default=list)
    phone: Mapped[str | None] = mapped_column(String(20), default=None)
    email: Mapped[str | None] = mapped_column(String(320), default=None)
    website: Mapped[str | None] = mapped_column(String(500), default=None)
    # OSM opening_hours syntax (« Mo-Fr 09:00-12:00,14:00-17:00 »).
    opening_hours: Mapped[str | None] = mapped_column(String(500), default=None)
    summary: Mapped[str | None] = mapped_column(String(280), default=None)
    description: Mapped[str | None] = mapped_column(Text, default=None)
    # How to get there, in the structure's words (« bus ligne 3, arrêt Mairie »).
    directions: Mapped[str | None] = mapped_column(String(500), default=None)
    services: Mapped[list[str]] = mapped_column(Json, default=list)
    publics: Mapped[list[str]] = mapped_column(Json, default=list)
    specific_support: Mapped[list[str]] = mapped_column(Json, default=list)
    fees: Mapped[list[str]] = mapped_column(Json, default=list)
    national_programmes: Mapped[list[str]] = mapped_column(Json, default=list)
    labels: Mapped[list[str]] = mapped_column(Json, default=list)
    access_modes: Mapped[list[str]] = mapped_column(Json, default=list)
    support_modes: Mapped[list[str]] = mapped_column(Json, default=list)
    mobility: Mapped[list[str]] = mapped_column(Json, default=list)  # « Fixe », « Itinérant »
    # The acceslibre page of the place, and accessibility in plain words.
    accessibility_url: Mapped[str | None] = mapped_column(String(500), default=None)
    accessibility: Mapped[str | None] = mapped_column(String(500), default=None)
    booking_url: Mapped[str | None] = mapped_column(String(500), default=None)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)


class Modality(enum.StrEnum):
    INDIVIDUAL = "individual"
    COLLECTIVE = "collective"
    SELF_STUDY = "self_study"
    REMOTE = "remote"


class Workshop(UUIDAuditBase):
    """A workshop of a structure's catalogue: what it raises, for whom, and how completion is
    proven.

    ``competences``: ``[{"competence": "E1", "entry": 0, "exit": 2}, …]`` (referential codes
    and levels). ``exit_check``: ``{"kind": "observed_task", "item": "<item id>"}`` or
    ``{"kind": "checklist", "points": ["…", …]}``.
    """

    __table_args__ = (Index("ix_workshop_structure_title", "structure_id", "title"),)

    structure_id: Mapped[UUID] = mapped_column(ForeignKey("structure.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(150))
    description: Mapped[str] = mapped_column(Text)
    competences: Mapped[list[dict[str, Any]]] = mapped_column(Json, default=list)
    themes: Mapped[list[str]] = mapped_column(Json, default=list)  # Coop `Thematique` values
    modality: Mapped[Modality] = mapped_column(Enum(Modality, native_enum=False, length=12))
    duration_minutes: Mapped[int] = mapped_column(Integer)
    publics: Mapped[list[str]] = mapped_column(Json, default=list)
    price: Mapped[str] = mapped_column(String(40), default="Gratuit")  # a LaMednum fee label
    price_detail: Mapped[str | None] = mapped_column(String(200), default=None)
    accessibility: Mapped[str | None] = mapped_column(String(500), default=None)
    language: Mapped[str] = mapped_column(String(10), default="fr")
    exit_check: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)


class SessionSeries(UUIDAuditBase):
    """A repeated session (« every Tuesday for 6 weeks »): an RFC 5545 rule, expanded into
    one session row per occurrence, each then editable alone."""

    structure_id: Mapped[UUID] = mapped_column(ForeignKey("structure.id", ondelete="CASCADE"))
    workshop_id: Mapped[UUID] = mapped_column(ForeignKey("workshop.id", ondelete="CASCADE"))
    rrule: Mapped[str] = mapped_column(String(500))
    # The first occurrence's local start (Europe/Paris, naive: a wall-clock time, which the
    # occurrences keep whatever the season) and each occurrence's length.
    first_start_local: Mapped[datetime] = mapped_column(DateTime(timezone=False))
    duration_minutes: Mapped[int] = mapped_column(Integer)


class Session(UUIDAuditBase):
    """A dated session of a workshop, at a place or remote, with its seats.

    ``confirmed_count`` is kept with every booking change in the same transaction, by an
    UPDATE that only succeeds while a seat is free: seats never oversell under concurrency, and
    the search reads free seats without counting bookings.
    """

    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="session_ends_after_start"),
        CheckConstraint("capacity >= 1", name="session_capacity_positive"),
        CheckConstraint("confirmed_count <= capacity", name="session_not_oversold"),
        # The search: upcoming sessions, by start.
        Index("ix_session_starts", "starts_at"),
        Index("ix_session_workshop_starts", "workshop_id", "starts_at"),
        Index("ix_session_structure_starts", "structure_id", "starts_at"),
        Index("ix_session_place_starts", "place_id", "starts_at"),
    )

    structure_id: Mapped[UUID] = mapped_column(ForeignKey("structure.id", ondelete="CASCADE"))
    workshop_id: Mapped[UUID] = mapped_column(ForeignKey("workshop.id", ondelete="CASCADE"))
    place_id: Mapped[UUID | None] = mapped_column(
        ForeignKey("place.id", ondelete="RESTRICT"), default=None
    )
    series_id: Mapped[UUID | None] = mapped_column(
        ForeignKey("session_series.id", ondelete="SET NULL"), default=None, index=True
    )
    # Stored in UTC; shown and typed in Europe/Paris.
    starts_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    remote_url: Mapped[str | None] = mapped_column(String(500), default=None)
    capacity: Mapped[int] = mapped_column(Integer)
    confirmed_count: Mapped[int] = mapped_column(Integer, default=0)
    waiting_count: Mapped[int] = mapped_column(Integer, default=0)
    registration_open: Mapped[bool] = mapped_column(Boolean, default=True)
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    cancel_reason: Mapped[str | None] = mapped_column(String(500), default=None)
    # Edited apart from its series: a whole-series edit leaves it as it is.
    detached: Mapped[bool] = mapped_column(Boolean, default=False)
    # Bumped on every change people must hear about: the invitations' SEQUENCE.
    revision: Mapped[int] = mapped_column(Integer, default=0)
    # For the duplicate check of imports: the same line imported twice is refused.
    import_key: Mapped[str | None] = mapped_column(String(64), unique=True, default=None)
    note: Mapped[str | None] = mapped_column(String(500), default=None)
    workshop: Mapped[Workshop] = relationship(lazy="joined")
    place: Mapped[Place | None] = relationship(lazy="joined")

    @property
    def free_seats(self) -> int:
        return max(0, self.capacity - self.confirmed_count)

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None
