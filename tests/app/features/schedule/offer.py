"""A structure's offer to schedule sessions of: a workshop, a place, and another structure's
own, written as rows of the database (the catalogue's pages are not what is tested here)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import select

from app.db.models import Modality, Structure, User
from tests.app.features.finding import offer


@dataclass(frozen=True)
class Offer:
    structure_id: UUID
    workshop_id: UUID
    place_id: UUID
    self_study_id: UUID


async def seed_offer(db: Any, structure_name: str | None = None) -> Offer:
    """A workshop of 2 hours, a self-study one and a place, in the named structure (a new
    one unless named)."""
    structure_id = None
    if structure_name is not None:
        structure_id = await db.scalar(select(Structure.id).where(Structure.name == structure_name))
    if structure_id is None:
        structure_id = await offer.structure(db, structure_name)
    workshop_id = await offer.workshop(
        db, structure_id, (), themes=(), title=f"Premiers pas sur le téléphone {_tag()}"
    )
    alone_id = await offer.workshop(
        db,
        structure_id,
        (),
        themes=(),
        title=f"Parcours en autonomie {_tag()}",
        description="À son rythme.",
        modality=Modality.SELF_STUDY,
        duration_minutes=60,
    )
    place_id = await offer.place(
        db, structure_id, "18033", located=False, name=f"Médiathèque {_tag()}"
    )
    await db.commit()
    return Offer(structure_id, workshop_id, place_id, alone_id)


def _tag() -> str:
    return uuid.uuid4().hex[:4]


async def structure_of(db: Any, email: str) -> str:
    user = await db.scalar(select(User).where(User.email == email))
    return str(user.structure.name)


def soon(days: int = 7, hour: int = 14) -> datetime:
    """A Paris wall-clock time some days ahead (naive, as typed)."""
    day = (datetime.now(UTC) + timedelta(days=days)).date()
    return datetime(day.year, day.month, day.day, hour, 0)
