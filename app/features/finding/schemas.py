"""What the search API gives, as /schema shows it."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import msgspec

from app.features.finding.search import FoundPlace, FoundSession, FoundWorkshop, Nearness
from app.features.finding.wording import free_seats_text
from app.when import said_span

BOOKING_PAGE = "/ateliers/{session_id}/reserver"
NEARNESS = {
    Nearness.MEASURED: "distance",
    Nearness.SAME_EPCI: "same_epci",
    Nearness.SAME_DEPARTEMENT: "same_departement",
    Nearness.REMOTE: "remote",
    Nearness.ANYWHERE: "anywhere",
}


class PlaceOut(msgspec.Struct):
    """Where the session happens. `distance_km`: from the centroid of the commune searched;
    null when a centroid is missing (the place is then of the same EPCI or département)."""

    id: UUID
    name: str
    address: str
    postal_code: str
    commune_insee: str
    commune: str
    distance_km: float | None
    accessibility: str | None


class WorkshopOut(msgspec.Struct):
    id: UUID
    title: str
    description: str
    competences: list[str]
    themes: list[str]
    modality: str
    duration_minutes: int
    price: str


class SessionFoundOut(msgspec.Struct):
    """A session with free seats (or full, when asked), as a resident would read it.
    `nearness`: `distance` (measured), `same_epci`, `same_departement` (no centroid to
    measure), `remote` (no place), `anywhere` (no commune asked)."""

    id: UUID
    structure_id: UUID
    starts_at: datetime
    ends_at: datetime
    when: str
    free_seats: int
    free_seats_text: str
    remote: bool
    nearness: str
    workshop: WorkshopOut
    place: PlaceOut | None
    booking_page: str


class SessionSearchOut(msgspec.Struct):
    items: list[SessionFoundOut]
    count: int


def _place_out(place: FoundPlace) -> PlaceOut:
    return PlaceOut(
        place.id,
        place.name,
        place.address,
        place.postal_code,
        place.commune_insee,
        place.commune,
        place.distance_km,
        place.accessibility,
    )


def _workshop_out(workshop: FoundWorkshop) -> WorkshopOut:
    return WorkshopOut(
        workshop.id,
        workshop.title,
        workshop.description,
        list(workshop.competences),
        list(workshop.themes),
        workshop.modality.value,
        workshop.duration_minutes,
        workshop.price,
    )


def session_found_out(found: FoundSession) -> SessionFoundOut:
    return SessionFoundOut(
        id=found.id,
        structure_id=found.structure_id,
        starts_at=found.starts_at,
        ends_at=found.ends_at,
        when=said_span(found.starts_at, found.ends_at),
        free_seats=found.free_seats,
        free_seats_text=free_seats_text(found.free_seats),
        remote=found.remote,
        nearness=NEARNESS[found.nearness],
        workshop=_workshop_out(found.workshop),
        place=None if found.place is None else _place_out(found.place),
        booking_page=BOOKING_PAGE.format(session_id=found.id),
    )
