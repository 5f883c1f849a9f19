"""A published offer written straight into the database, as a structure's pages would leave
it: a structure, places in real communes, workshops and their sessions. The other features'
tests build their own offer from these rows."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models import Modality, Place, Session, Structure, Workshop
from app.territories import communes


async def structure(db: AsyncSession, name: str | None = None) -> UUID:
    row = Structure(name=name or f"Structure {uuid.uuid4().hex[:8]}")
    db.add(row)
    await db.flush()
    return row.id


async def place(
    db: AsyncSession, structure_id: UUID, insee: str, *, located: bool = True, **fields: Any
) -> UUID:
    """A place in commune ``insee``, at its centroid unless ``located`` is False."""
    commune = communes()[insee]
    row = Place(
        structure_id=structure_id,
        name=fields.pop("name", f"Lieu de {commune.name}"),
        address=fields.pop("address", "1 place de la Mairie"),
        postal_code=commune.postal_code,
        commune_insee=insee,
        latitude=commune.lat if located else None,
        longitude=commune.lon if located else None,
        **fields,
    )
    db.add(row)
    await db.flush()
    return row.id


async def workshop(
    db: AsyncSession,
    structure_id: UUID,
    competences: tuple[str, ...] = ("E1",),
    *,
    themes: tuple[str, ...] = ("prendre_en_main_du_materiel",),
    modality: Modality = Modality.COLLECTIVE,
    title: str = "Prendre en main son téléphone",
    levels: list[dict[str, Any]] | None = None,
    **fields: Any,
) -> UUID:
    """A two-hour workshop raising ``competences`` from 0 to 2, or each of ``levels`` from
    its entry to its exit level; ``fields`` set the rest (a description, an exit check…)."""
    base: dict[str, Any] = {
        "description": "Allumer, appeler, envoyer un message.",
        "duration_minutes": 120,
    }
    row = Workshop(
        structure_id=structure_id,
        title=title,
        competences=levels or [{"competence": c, "entry": 0, "exit": 2} for c in competences],
        themes=list(themes),
        modality=modality,
        **(base | fields),
    )
    db.add(row)
    await db.flush()
    return row.id


async def session(
    db: AsyncSession,
    structure_id: UUID,
    workshop_id: UUID,
    place_id: UUID | None,
    *,
    in_days: float = 3,
    starts_at: datetime | None = None,
    capacity: int = 12,
    confirmed: int = 0,
    **fields: Any,
) -> UUID:
    """A two-hour session ``in_days`` from now (or at ``starts_at``); remote without a place."""
    starts = starts_at or datetime.now(UTC).replace(microsecond=0) + timedelta(days=in_days)
    row = Session(
        structure_id=structure_id,
        workshop_id=workshop_id,
        place_id=place_id,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        capacity=capacity,
        confirmed_count=confirmed,
        **({"remote_url": None if place_id else "https://visio.example.org/atelier"} | fields),
    )
    db.add(row)
    await db.flush()
    return row.id
