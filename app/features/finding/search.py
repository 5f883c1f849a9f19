"""Sessions near a commune: which places are close enough, then their sessions that match.

Fast at national scale because each branch of the query starts from an index: places in a box
of latitudes and longitudes around the commune (``ix_place_latitude_longitude``), then each
place's sessions by start (``ix_session_place_starts``); remote sessions (no place) by start in
the same index. The box is a little larger than the circle: the exact great-circle distance
is measured here, in Python, on the few rows it returns.

A place without coordinates, or a commune without a centroid (a few overseas communes), has
no distance: such a place counts as near when it is in the same EPCI, then in the same
département, and comes after the places measured. Remote sessions match whatever the distance
and come last.

Only sessions open for registration, not cancelled, of a workshop still in its structure's
catalogue; with free seats unless asked. Nothing here reads bookings: a search shows what
any structure has published, never who booked.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, Select, and_, exists, func, literal, null, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models import Modality, Place, Session, Workshop
from app.db.types import as_utc
from app.features.finding.criteria import Checked, SearchCriteria, check
from app.territories import EARTH_RADIUS_KM, Commune, communes, display_name, great_circle_km

KM_PER_DEGREE = math.pi * EARTH_RADIUS_KM / 180


class Nearness(enum.IntEnum):
    """How a session is near: measured, or by territory when a centroid is missing, or
    remote. Results are ordered by it first."""

    MEASURED = 0
    SAME_EPCI = 1
    SAME_DEPARTEMENT = 2
    REMOTE = 3
    ANYWHERE = 4  # no commune asked: every session, by date


@dataclass(frozen=True, slots=True)
class FoundPlace:
    id: UUID
    name: str
    address: str
    postal_code: str
    commune_insee: str
    commune: str  # « Bourges (18000) »
    distance_km: float | None
    accessibility: str | None


@dataclass(frozen=True, slots=True)
class FoundWorkshop:
    id: UUID
    title: str
    description: str
    competences: tuple[str, ...]
    themes: tuple[str, ...]
    modality: Modality
    duration_minutes: int
    price: str


@dataclass(frozen=True, slots=True)
class FoundSession:
    """A session as a search shows it: what, where, when, how many seats are free."""

    id: UUID
    structure_id: UUID
    starts_at: datetime
    ends_at: datetime
    free_seats: int
    waiting: int
    workshop: FoundWorkshop
    place: FoundPlace | None
    nearness: Nearness

    @property
    def remote(self) -> bool:
        return self.place is None


Near = tuple[Nearness, float | None]  # how near, and the distance when measured

_COLUMNS = (
    Session.id,
    Session.structure_id,
    Session.starts_at,
    Session.ends_at,
    Session.capacity,
    Session.confirmed_count,
    Session.waiting_count,
    Workshop.id.label("workshop_id"),
    Workshop.title,
    Workshop.description,
    Workshop.competences,
    Workshop.themes,
    Workshop.modality,
    Workshop.duration_minutes,
    Workshop.price,
)
_PLACE_COLUMNS = (
    Place.id.label("place_id"),
    Place.name,
    Place.address,
    Place.postal_code,
    Place.commune_insee,
    Place.latitude,
    Place.longitude,
    Place.accessibility,
)


def _json_elements(column: Any, dialect: str, *, text: bool) -> Any:
    """The elements of a JSON array column, as a table (``value``) to correlate in EXISTS."""
    if dialect == "postgresql":
        name = "jsonb_array_elements_text" if text else "jsonb_array_elements"
        return getattr(func, name)(column).table_valued("value").alias("element")
    return func.json_each(column).table_valued("value").alias("element")


def raises_any(codes: tuple[str, ...], dialect: str) -> ColumnElement[bool]:
    """The workshop raises at least one of these competences (its ``competences`` JSON)."""
    elements = _json_elements(Workshop.competences, dialect, text=False)
    if dialect == "postgresql":
        code = elements.c.value.op("->>")(literal("competence"))
    else:
        code = func.json_extract(elements.c.value, "$.competence")
    return exists(select(literal(1)).select_from(elements).where(code.in_(codes)))


def about(theme: str, dialect: str) -> ColumnElement[bool]:
    """The workshop has this Coop theme (its ``themes`` JSON)."""
    elements = _json_elements(Workshop.themes, dialect, text=True)
    return exists(select(literal(1)).select_from(elements).where(elements.c.value == theme))


def _matching(checked: Checked, dialect: str) -> list[ColumnElement[bool]]:
    """What every branch asks of a session and its workshop."""
    criteria = checked.criteria
    conditions: list[ColumnElement[bool]] = [
        Session.starts_at >= checked.window.start,
        Session.starts_at < checked.window.end,
        Session.cancelled_at.is_(None),
        Session.registration_open.is_(True),
        Workshop.archived.is_(False),
    ]
    if not criteria.include_full:
        conditions.append(Session.confirmed_count < Session.capacity)
    if criteria.competences:
        conditions.append(raises_any(criteria.competences, dialect))
    if criteria.theme is not None:
        conditions.append(about(criteria.theme, dialect))
    if checked.modality is not None:
        conditions.append(Workshop.modality == checked.modality)
    return conditions


def _at_places(conditions: list[ColumnElement[bool]], where: ColumnElement[bool]) -> Select[Any]:
    return (
        select(*_COLUMNS, *_PLACE_COLUMNS)
        .join(Workshop, Workshop.id == Session.workshop_id)
        .join(Place, Place.id == Session.place_id)
        .where(*conditions, Place.archived.is_(False), where)
    )


def _remote(conditions: list[ColumnElement[bool]]) -> Select[Any]:
    return (
        select(*_COLUMNS, *(null().label(c.key) for c in _PLACE_COLUMNS))
        .join(Workshop, Workshop.id == Session.workshop_id)
        .where(*conditions, Session.place_id.is_(None))
    )


def bounding_box(origin: Commune, radius_km: float) -> tuple[float, float, float, float]:
    """(south, north, west, east) in degrees around the commune's centroid, enclosing every
    point within ``radius_km`` of it (the circle's widest longitudes, a little generously)."""
    assert origin.lat is not None and origin.lon is not None
    dlat = radius_km / KM_PER_DEGREE
    widest = min(89.0, abs(origin.lat) + dlat)
    dlon = min(180.0, radius_km / (KM_PER_DEGREE * math.cos(math.radians(widest))))
    return origin.lat - dlat, origin.lat + dlat, origin.lon - dlon, origin.lon + dlon


def _territory(origin: Commune) -> list[str]:
    """The communes that count as near when there is no distance to measure: the commune's
    EPCI and its département."""
    return [
        c.insee
        for c in communes().values()
        if c.departement == origin.departement or (origin.epci and c.epci == origin.epci)
    ]


def _near_places(origin: Commune, radius_km: float) -> list[ColumnElement[bool]]:
    """Where a place near ``origin`` can be, each condition starting from an index: in the
    box around its centroid, or without coordinates (sorted out in Python); around a commune
    without a centroid, in its EPCI or département."""
    if origin.lat is None:
        return [Place.commune_insee.in_(_territory(origin))]
    south, north, west, east = bounding_box(origin, radius_km)
    in_box = and_(Place.latitude.between(south, north), Place.longitude.between(west, east))
    return [in_box, Place.latitude.is_(None)]


def statement(checked: Checked, dialect: str) -> Select[Any]:
    """The one query of a search: a UNION ALL of the branches that apply."""
    conditions = _matching(checked, dialect)
    origin = checked.origin
    if origin is None:  # anywhere: the soonest first, the database cuts
        return (
            select(*_COLUMNS, *_PLACE_COLUMNS)
            .join(Workshop, Workshop.id == Session.workshop_id)
            .outerjoin(Place, Place.id == Session.place_id)
            .where(*conditions, or_(Place.id.is_(None), Place.archived.is_(False)))
            .order_by(Session.starts_at, Session.id)
            .limit(checked.criteria.limit)
        )
    branches = [
        _at_places(conditions, where)
        for where in _near_places(origin, checked.criteria.distance_km)
    ]
    branches.append(_remote(conditions))
    first, *others = branches
    return first.union_all(*others)  # type: ignore[return-value]


def _nearness(origin: Commune | None, row: Any, radius_km: float) -> Near | None:
    """How near the row's session is to ``origin``, or None when it is too far."""
    if row.place_id is None:
        return (Nearness.ANYWHERE if origin is None else Nearness.REMOTE), None
    if origin is None:
        return Nearness.ANYWHERE, None
    return _place_nearness(origin, row.latitude, row.longitude, row.commune_insee, radius_km)


def _place_nearness(
    origin: Commune, lat: float | None, lon: float | None, insee: str, radius_km: float
) -> Near | None:
    """How near a place is: measured when both have coordinates, else by territory."""
    if origin.lat is not None and origin.lon is not None and lat is not None and lon is not None:
        distance = great_circle_km(origin.lat, origin.lon, lat, lon)
        return (Nearness.MEASURED, distance) if distance <= radius_km else None
    return _by_territory(origin, insee)


def _by_territory(origin: Commune, insee: str) -> Near | None:
    """Nearness without a distance: the same commune, its EPCI, its département."""
    commune = communes().get(insee)
    if commune is None:
        return None
    if commune.insee == origin.insee:
        return Nearness.MEASURED, 0.0
    if origin.epci and commune.epci == origin.epci:
        return Nearness.SAME_EPCI, None
    if commune.departement == origin.departement:
        return Nearness.SAME_DEPARTEMENT, None
    return None


def _found(row: Any, nearness: Nearness, distance: float | None) -> FoundSession:
    place = None
    if row.place_id is not None:
        place = FoundPlace(
            row.place_id,
            row.name,
            row.address,
            row.postal_code,
            row.commune_insee,
            display_name(row.commune_insee) or row.commune_insee,
            None if distance is None else round(distance, 1),
            row.accessibility,
        )
    workshop = FoundWorkshop(
        row.workshop_id,
        row.title,
        row.description,
        tuple(c["competence"] for c in row.competences if isinstance(c, dict)),
        tuple(row.themes),
        Modality(row.modality),
        row.duration_minutes,
        row.price,
    )
    return FoundSession(
        row.id,
        row.structure_id,
        as_utc(row.starts_at),
        as_utc(row.ends_at),
        max(0, row.capacity - row.confirmed_count),
        row.waiting_count,
        workshop,
        place,
        nearness,
    )


async def search_sessions(
    db: AsyncSession, criteria: SearchCriteria, now: datetime | None = None
) -> list[FoundSession]:
    """Sessions matching ``criteria``, nearest first then soonest (remote ones last).

    Raises :class:`~app.features.finding.criteria.SearchError` with every problem of the
    criteria (unknown commune, competence, theme or modality; dates; distance).
    """
    checked = check(criteria, now or datetime.now(UTC))
    dialect = db.get_bind().dialect.name
    rows = (await db.execute(statement(checked, dialect))).all()
    found: list[tuple[tuple[int, float, datetime, UUID], FoundSession]] = []
    for row in rows:
        near = _nearness(checked.origin, row, criteria.distance_km)
        if near is None:
            continue
        nearness, distance = near
        session = _found(row, nearness, distance)
        found.append(((nearness, distance or 0.0, session.starts_at, session.id), session))
    found.sort(key=lambda pair: pair[0])
    return [session for _, session in found[: criteria.limit]]


@dataclass(frozen=True, slots=True)
class NearPlace:
    place: Place
    nearness: Nearness
    distance_km: float | None


async def places_near(
    db: AsyncSession,
    origin: Commune,
    *,
    services: tuple[str, ...],
    radius_km: float,
    limit: int,
) -> list[NearPlace]:
    """The places near ``origin`` offering one of ``services`` (LaMednum labels), nearest
    first: the same nearness as the sessions' (measured, then EPCI, then département)."""
    rows = (
        await db.scalars(
            select(Place).where(Place.archived.is_(False), or_(*_near_places(origin, radius_km)))
        )
    ).all()
    found = []
    for place in rows:
        if services and not set(services) & set(place.services):
            continue
        near = _place_nearness(
            origin, place.latitude, place.longitude, place.commune_insee, radius_km
        )
        if near is not None:
            found.append(NearPlace(place, near[0], near[1]))
    found.sort(key=lambda n: (n.nearness, n.distance_km or 0.0, n.place.name, n.place.id))
    return found[:limit]
