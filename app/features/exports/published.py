"""The published offer, as the exports read it: places and workshops that are not archived, and
the sessions that are not cancelled. Nothing else is read: no booking, no person, no session
note or video link, nothing archived or cancelled of any structure."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models import Place, Session, Structure, Workshop

# The upcoming sessions a service names (its description, its hours): the next few weeks.
UPCOMING = timedelta(days=92)
UPCOMING_PER_SERVICE = 6


@dataclass(frozen=True)
class Upcoming:
    """One upcoming session of a workshop at a place: its times only."""

    session_id: UUID
    starts_at: datetime
    ends_at: datetime
    registration_open: bool
    updated_at: datetime


@dataclass
class PublishedOffer:
    places: list[Place]
    workshops: dict[UUID, Workshop]
    structure_names: dict[UUID, str]
    # Workshop -> the places where it has (or had) a session that was not cancelled.
    held_at: dict[UUID, set[UUID]] = field(default_factory=dict)
    # (workshop, place) -> its next sessions, soonest first.
    upcoming: dict[tuple[UUID, UUID], list[Upcoming]] = field(default_factory=dict)

    def places_of(self, workshop: Workshop) -> list[Place]:
        """Where a workshop is offered: the published places where it is held; one that is
        held nowhere yet (remote, or not scheduled) at every published place of its
        structure."""
        held = self.held_at.get(workshop.id, set())
        if held:
            return [p for p in self.places if p.id in held]
        return [p for p in self.places if p.structure_id == workshop.structure_id]

    def workshops_at(self, place: Place) -> list[Workshop]:
        return [w for w in self.workshops.values() if place in self.places_of(w)]


async def published_offer(
    db: AsyncSession, departement: str | None = None, now: datetime | None = None
) -> PublishedOffer:
    """The offer of every structure (of one département's places when given), in a stable
    order: places by commune and name, workshops by title."""
    now = now or datetime.now(UTC)
    places_query = select(Place).where(Place.archived.is_(False))
    if departement:
        places_query = places_query.where(Place.commune_insee.startswith(departement))
    places = list(
        (await db.scalars(places_query.order_by(Place.commune_insee, Place.name, Place.id))).all()
    )
    structure_ids = {p.structure_id for p in places}
    workshops = {
        w.id: w
        for w in (
            await db.scalars(
                select(Workshop)
                .where(Workshop.archived.is_(False), Workshop.structure_id.in_(structure_ids))
                .order_by(Workshop.title, Workshop.id)
            )
        ).all()
    }
    names = dict(
        (
            await db.execute(
                select(Structure.id, Structure.name).where(Structure.id.in_(structure_ids))
            )
        )
        .tuples()
        .all()
    )
    offer = PublishedOffer(places, workshops, names)
    place_ids = {p.id for p in places}
    held = await db.execute(
        select(Session.workshop_id, Session.place_id)
        .where(
            Session.cancelled_at.is_(None),
            Session.workshop_id.in_(list(workshops)),
            Session.place_id.in_(place_ids),
        )
        .distinct()
    )
    held_at: dict[UUID, set[UUID]] = defaultdict(set)
    for workshop_id, place_id in held.tuples():
        if place_id is not None:  # the query asks for places; the type cannot tell
            held_at[workshop_id].add(place_id)
    offer.held_at = dict(held_at)
    coming = await db.execute(
        select(
            Session.id,
            Session.workshop_id,
            Session.place_id,
            Session.starts_at,
            Session.ends_at,
            Session.registration_open,
            Session.updated_at,
        )
        .where(
            Session.cancelled_at.is_(None),
            Session.workshop_id.in_(list(workshops)),
            Session.starts_at >= now,
            Session.starts_at < now + UPCOMING,
        )
        .order_by(Session.starts_at, Session.id)
    )
    upcoming: dict[tuple[UUID, UUID], list[Upcoming]] = defaultdict(list)
    for session_id, workshop_id, place_id, starts_at, ends_at, is_open, changed in coming.tuples():
        workshop = workshops[workshop_id]
        # A remote session belongs to each place the workshop is offered at.
        where = [place_id] if place_id else [p.id for p in offer.places_of(workshop)]
        for place in where:
            if place in place_ids and len(upcoming[(workshop_id, place)]) < UPCOMING_PER_SERVICE:
                upcoming[(workshop_id, place)].append(
                    Upcoming(session_id, starts_at, ends_at, is_open, changed)
                )
    offer.upcoming = dict(upcoming)
    return offer
