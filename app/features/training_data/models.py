"""Trained models in the database: stored as their JSON, switched on only when they beat the
rules on held-out data, and loaded back for the recommender (checked like any file)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models import PathwayModel as ModelRow
from pathways.training import Trained


@dataclass(frozen=True)
class Stored:
    row: ModelRow
    created: bool  # False: the same records had trained this very model before
    active: bool


async def store_model(db: AsyncSession, trained: Trained) -> Stored:
    """Keep the model; make it the active one only when it beat the rules (the one active
    before stays otherwise). The caller commits."""
    model = trained.model
    row = await db.scalar(select(ModelRow).where(ModelRow.version == model.version))
    created = row is None
    if row is None:
        row = ModelRow(
            version=model.version,
            rules_version=model.rules_version,
            data_hash=model.data_hash,
            body=model.to_json(),
            metrics=dict(model.metrics),
            active=False,
            trained_at=datetime.now(UTC),
        )
        db.add(row)
        await db.flush()
    if trained.beats_rules:
        await db.execute(update(ModelRow).where(ModelRow.id != row.id).values(active=False))
        row.active = True
    return Stored(row, created, row.active)


async def latest_model(db: AsyncSession) -> ModelRow | None:
    """The active model's row, else the last one trained."""
    row: ModelRow | None = await db.scalar(
        select(ModelRow).order_by(ModelRow.active.desc(), ModelRow.trained_at.desc()).limit(1)
    )
    return row
