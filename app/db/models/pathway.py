"""Pathways: what was proposed after a diagnostic, what the person and their mediator decided,
how each step went, and the trained models the recommender may use.

A recommendation is kept as it was shown (with the rules and model versions behind it), so
that feedback and outcomes can be traced to what produced them; a pathway is the person's
current plan per need, which mediators edit and bookings and attendance move forward.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any
from uuid import UUID

from advanced_alchemy.base import UUIDAuditBase
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import Boolean, Enum, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db.types import Json


class StepStatus(enum.StrEnum):
    PROPOSED = "proposed"
    BOOKED = "booked"
    DONE = "done"
    DROPPED = "dropped"


class StepOrigin(enum.StrEnum):
    PROPOSED = "proposed"  # as the recommender proposed it
    MEDIATOR = "mediator"  # added or changed by a mediator


class FeedbackKind(enum.StrEnum):
    RESIDENT = "resident"  # « cette proposition vous convient-elle ? » yes or no
    ACCEPTED = "accepted"  # a mediator accepted the proposal as it was
    EDITED = "edited"  # a mediator changed the goal, the modality or a step
    REPLACED = "replaced"  # a mediator replaced the steps


class Recommendation(UUIDAuditBase):
    """One proposal as it was shown, for one diagnostic."""

    __table_args__ = (Index("ix_recommendation_diagnostic_created", "diagnostic_id", "created_at"),)

    diagnostic_id: Mapped[UUID] = mapped_column(ForeignKey("diagnostic.id", ondelete="CASCADE"))
    person_id: Mapped[UUID | None] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), default=None, index=True
    )
    structure_id: Mapped[UUID | None] = mapped_column(
        ForeignKey("structure.id", ondelete="SET NULL"), default=None
    )
    rules_version: Mapped[str] = mapped_column(String(20))
    model_version: Mapped[str | None] = mapped_column(String(40), default=None)
    context: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    body: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)


class Pathway(UUIDAuditBase):
    """The plan for one need of one diagnostic: the goal chosen, the modality, the steps."""

    __table_args__ = (UniqueConstraint("diagnostic_id", "need", name="uq_pathway_diagnostic_need"),)

    diagnostic_id: Mapped[UUID] = mapped_column(ForeignKey("diagnostic.id", ondelete="CASCADE"))
    person_id: Mapped[UUID | None] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), default=None, index=True
    )
    recommendation_id: Mapped[UUID | None] = mapped_column(
        ForeignKey("recommendation.id", ondelete="SET NULL"), default=None
    )
    need: Mapped[str] = mapped_column(String(40))
    current: Mapped[str] = mapped_column(String(2))
    proposed_goal: Mapped[str] = mapped_column(String(2))
    goal: Mapped[str] = mapped_column(String(2))
    modality: Mapped[str] = mapped_column(String(20))
    decided_by: Mapped[UUID | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), default=None
    )
    decided_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)


class PathwayStep(UUIDAuditBase):
    """One competence to raise, in order; its status follows bookings and attendance."""

    __table_args__ = (UniqueConstraint("pathway_id", "position", name="uq_pathway_step_position"),)

    pathway_id: Mapped[UUID] = mapped_column(ForeignKey("pathway.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    competence: Mapped[str] = mapped_column(String(10))
    from_level: Mapped[int] = mapped_column(Integer)
    to_level: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(40))
    modality: Mapped[str] = mapped_column(String(20))
    status: Mapped[StepStatus] = mapped_column(
        Enum(StepStatus, native_enum=False, length=10), default=StepStatus.PROPOSED
    )
    origin: Mapped[StepOrigin] = mapped_column(
        Enum(StepOrigin, native_enum=False, length=10), default=StepOrigin.PROPOSED
    )
    booking_id: Mapped[UUID | None] = mapped_column(
        ForeignKey("booking.id", ondelete="SET NULL"), default=None, index=True
    )


class PathwayFeedback(UUIDAuditBase):
    """What the person or a mediator said about a proposal: training data, with who and when.

    ``value`` holds the answer (``{"fits": true}``) or the decision (goal, modality, steps
    before and after).
    """

    __table_args__ = (Index("ix_pathway_feedback_recommendation", "recommendation_id"),)

    recommendation_id: Mapped[UUID | None] = mapped_column(
        ForeignKey("recommendation.id", ondelete="CASCADE"), default=None
    )
    diagnostic_id: Mapped[UUID] = mapped_column(ForeignKey("diagnostic.id", ondelete="CASCADE"))
    person_id: Mapped[UUID | None] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), default=None, index=True
    )
    need: Mapped[str] = mapped_column(String(40))
    kind: Mapped[FeedbackKind] = mapped_column(Enum(FeedbackKind, native_enum=False, length=10))
    value: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    by_user_id: Mapped[UUID | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), default=None
    )
    at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))


class PathwayModel(UUIDAuditBase):
    """A trained model as plain JSON (never pickled); at most one is active at a time, and
    only one that beat the rules on held-out data."""

    version: Mapped[str] = mapped_column(String(40), unique=True)
    rules_version: Mapped[str] = mapped_column(String(20))
    data_hash: Mapped[str] = mapped_column(String(64))
    body: Mapped[dict[str, Any]] = mapped_column(Json)
    metrics: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    active: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    trained_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
