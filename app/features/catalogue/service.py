"""Use cases of a structure's catalogue: create, change, list, archive its places and
workshops. Every value goes through the place or workshop rules first; nothing is written
when one is wrong. The caller commits (one transaction per request).

A place or a workshop belongs to one structure: :func:`place_of` and :func:`workshop_of`
answer None for another structure's, which pages and API show as « not found ».
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models import Place, Workshop
from app.features.catalogue.place_rules import read_place
from app.features.catalogue.workshop_rules import read_workshop


async def create_place(db: AsyncSession, structure_id: UUID, **fields: Any) -> Place:
    """A new place of the structure from plain values (the fields of
    :class:`app.db.models.Place`, the commune as ``postal_code`` and ``commune_name`` or as
    ``commune_insee``); raises :class:`CatalogueError` listing every problem."""
    place = Place(structure_id=structure_id, **read_place(fields))
    db.add(place)
    await db.flush()
    return place


async def update_place(db: AsyncSession, place: Place, changes: Mapping[str, Any]) -> Place:
    """The place with ``changes`` (fields absent keep their value), or CatalogueError and
    nothing changed."""
    for column, value in read_place(changes, place).items():
        setattr(place, column, value)
    await db.flush()
    return place


async def create_workshop(db: AsyncSession, structure_id: UUID, **fields: Any) -> Workshop:
    """A new workshop of the structure from plain values (see
    :class:`app.db.models.Workshop`); raises :class:`CatalogueError` listing every problem."""
    workshop = Workshop(structure_id=structure_id, **read_workshop(fields))
    db.add(workshop)
    await db.flush()
    return workshop


async def update_workshop(
    db: AsyncSession, workshop: Workshop, changes: Mapping[str, Any]
) -> Workshop:
    for column, value in read_workshop(changes, workshop).items():
        setattr(workshop, column, value)
    await db.flush()
    return workshop


async def place_of(db: AsyncSession, structure_id: UUID, place_id: UUID) -> Place | None:
    """The place if it belongs to the structure, else None."""
    place = await db.get(Place, place_id)
    return place if place is not None and place.structure_id == structure_id else None


async def workshop_of(db: AsyncSession, structure_id: UUID, workshop_id: UUID) -> Workshop | None:
    """The workshop if it belongs to the structure, else None."""
    workshop = await db.get(Workshop, workshop_id)
    return workshop if workshop is not None and workshop.structure_id == structure_id else None


async def structure_places(
    db: AsyncSession, structure_id: UUID, *, archived: bool | None = False
) -> Sequence[Place]:
    """The structure's places by name: those in use (``archived=False``), the archived ones
    (True) or all (None)."""
    query = select(Place).where(Place.structure_id == structure_id)
    if archived is not None:
        query = query.where(Place.archived.is_(archived))
    return (await db.scalars(query.order_by(Place.name, Place.id))).all()


async def structure_workshops(
    db: AsyncSession, structure_id: UUID, *, archived: bool | None = False
) -> Sequence[Workshop]:
    """The structure's workshops by title (see :func:`structure_places`)."""
    query = select(Workshop).where(Workshop.structure_id == structure_id)
    if archived is not None:
        query = query.where(Workshop.archived.is_(archived))
    return (await db.scalars(query.order_by(Workshop.title, Workshop.id))).all()


async def set_archived(db: AsyncSession, record: Place | Workshop, archived: bool) -> None:
    """Archive (or bring back) a place or a workshop: archived, it is no longer offered for
    new sessions nor published; its past sessions keep it."""
    record.archived = archived
    await db.flush()
