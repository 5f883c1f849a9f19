"""A structure's offer to schedule sessions of: a workshop, a place, and another structure's
own, written as rows of the database (the catalogue's pages are not what is tested here)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import select

from app.db.models import Modality, Place, Structure, User, Workshop


@dataclass(frozen=True)
class Offer:
    structure_id: UUID
    workshop_id: UUID
    place_id: UUID
    self_study_id: UUID


async def seed_offer(db: Any, structure_name: str | None = None) -> Offer:
    """A workshop of 2 hours, a self-study one and a place, in the named structure (a new
    one unless named)."""
    structure = None
    if structure_name is not None:
        structure = await db.scalar(select(Structure).where(Structure.name == structure_name))
    if structure is None:
        structure = Structure(name=structure_name or f"Structure {uuid.uuid4().hex[:8]}")
        db.add(structure)
        await db.flush()
    workshop = Workshop(
        structure_id=structure.id,
        title=f"Premiers pas sur le téléphone {uuid.uuid4().hex[:4]}",
        description="Allumer, appeler, envoyer un message.",
        modality=Modality.COLLECTIVE,
        duration_minutes=120,
    )
    alone = Workshop(
        structure_id=structure.id,
        title=f"Parcours en autonomie {uuid.uuid4().hex[:4]}",
        description="À son rythme.",
        modality=Modality.SELF_STUDY,
        duration_minutes=60,
    )
    place = Place(
        structure_id=structure.id,
        name=f"Médiathèque {uuid.uuid4().hex[:4]}",
        address="1 place de la Mairie",
        postal_code="18000",
        commune_insee="18033",
    )
    db.add_all([workshop, alone, place])
    await db.commit()
    return Offer(structure.id, workshop.id, place.id, alone.id)


async def structure_of(db: Any, email: str) -> str:
    user = await db.scalar(select(User).where(User.email == email))
    return str(user.structure.name)


def soon(days: int = 7, hour: int = 14) -> datetime:
    """A Paris wall-clock time some days ahead (naive, as typed)."""
    day = (datetime.now(UTC) + timedelta(days=days)).date()
    return datetime(day.year, day.month, day.day, hour, 0)
