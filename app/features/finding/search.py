"""Sessions near a commune: which places are close enough, then their sessions that match.

Fast at national scale because each query starts from an index: places in a
box of latitudes and longitudes around the commune (``ix_place_latitude_longitude``), then each
place's sessions by start (``ix_session_place_starts``); remote sessions (no place) by start in
the same index. The box is a little larger than the circle: the database measures the exact
great-circle distance (haversine) of the places in it, keeps those within the radius, and
returns only the nearest ``limit`` sessions; and it looks in rings (2.5 km, then doubling up
to the distance asked) until it has them, so that a search in a city, with thousands of places
within 20 km, reads only the few nearby.

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
import itertools
import math
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any
from uuid import UUID

from sqlalchemy import (
    ColumnElement,
    Float,
    Integer,
    Select,
    String,
    and_,
    bindparam,
    cast,
    exists,
    func,
    literal,
    null,
    or_,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models import Modality, Place, Session, Workshop
from app.db.types import as_utc
from app.features.finding.criteria import Checked, SearchCriteria, check
from app.territories import EARTH_RADIUS_KM, Commune, communes, display_name

KM_PER_DEGREE = math.pi * EARTH_RADIUS_KM / 180
FIRST_RING_KM = 2.5


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
    """``levels``: per competence raised, its entry and exit levels (what a pathway's step
    checks: a workshop asking more than the person has is not proposed)."""

    id: UUID
    title: str
    description: str
    competences: tuple[str, ...]
    themes: tuple[str, ...]
    modality: Modality
    duration_minutes: int
    price: str
    levels: tuple[tuple[str, int, int], ...] = ()


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
# A remote session's place columns: NULLs of each column's type (PostgreSQL types a bare NULL
# as text, which a UNION cannot match with a uuid).
_NO_PLACE = tuple(cast(null(), c.type).label(c.key) for c in _PLACE_COLUMNS)
_NO_DISTANCE = cast(null(), Float).label("distance")


def _json_elements(column: Any, dialect: str, *, text: bool) -> Any:
    """The elements of a JSON array column, as a table (``value``) to correlate in EXISTS."""
    if dialect == "postgresql":
        name = "jsonb_array_elements_text" if text else "jsonb_array_elements"
        return getattr(func, name)(column).table_valued("value").alias("element")
    return func.json_each(column).table_valued("value").alias("element")


def raises_any(codes: Any, dialect: str) -> ColumnElement[bool]:
    """The workshop raises at least one of these competences (its ``competences`` JSON)."""
    elements = _json_elements(Workshop.competences, dialect, text=False)
    if dialect == "postgresql":
        code = elements.c.value.op("->>")(literal("competence"))
    else:
        code = func.json_extract(elements.c.value, "$.competence")
    return exists(select(literal(1)).select_from(elements).where(code.in_(codes)))


def about(theme: Any, dialect: str) -> ColumnElement[bool]:
    """The workshop has this Coop theme (its ``themes`` JSON)."""
    elements = _json_elements(Workshop.themes, dialect, text=True)
    return exists(select(literal(1)).select_from(elements).where(elements.c.value == theme))


@dataclass(frozen=True)
class Shape:
    """What changes the SQL of a search; everything else is a bound value. The statements are
    built once per shape and kept, so a search pays neither for building them nor for
    SQLAlchemy's compiling: only the database's work is left."""

    dialect: str
    include_full: bool
    competences: bool
    theme: bool
    modality: bool


def _shape(checked: Checked, dialect: str) -> Shape:
    criteria = checked.criteria
    return Shape(
        dialect,
        criteria.include_full,
        bool(criteria.competences),
        criteria.theme is not None,
        checked.modality is not None,
    )


def _bound(name: str, kind: Any = Float) -> Any:
    return bindparam(name, type_=kind)


@cache
def _matching(shape: Shape) -> tuple[ColumnElement[bool], ...]:
    """What every branch asks of a session and its workshop."""
    starts = Session.starts_at.type
    conditions: list[ColumnElement[bool]] = [
        Session.starts_at >= _bound("start", starts),
        Session.starts_at < _bound("end", starts),
        Session.cancelled_at.is_(None),
        Session.registration_open.is_(True),
        Workshop.archived.is_(False),
    ]
    if not shape.include_full:
        conditions.append(Session.confirmed_count < Session.capacity)
    if shape.competences:
        conditions.append(raises_any(bindparam("codes", expanding=True), shape.dialect))
    if shape.theme:
        conditions.append(about(_bound("theme", String), shape.dialect))
    if shape.modality:
        conditions.append(Workshop.modality == _bound("modality", Workshop.modality.type))
    return tuple(conditions)


def _at_places(
    conditions: tuple[ColumnElement[bool], ...], where: ColumnElement[bool], distance: Any
) -> Select[Any]:
    return (
        select(*_COLUMNS, *_PLACE_COLUMNS, distance)
        .join(Workshop, Workshop.id == Session.workshop_id)
        .join(Place, Place.id == Session.place_id)
        .where(*conditions, Place.archived.is_(False), where)
    )


@cache
def _remote(shape: Shape) -> Select[Any]:
    """The first remote sessions by start (``room`` of them), and any starting at the same
    time as the last of them (the order among those is the session's id, in Python). Both
    read the index of place and start in its order and stop early: ordering by start and id in
    SQL would make SQLite read and sort every remote session of the window."""
    remote = [*_matching(shape), Session.place_id.is_(None)]
    last_start = (
        select(Session.starts_at)
        .join(Workshop, Workshop.id == Session.workshop_id)
        .where(*remote)
        .order_by(Session.starts_at)
        .offset(_bound("skip", Integer))
        .limit(1)
        .scalar_subquery()
    )
    end = _bound("end", Session.starts_at.type)
    return (
        select(*_COLUMNS, *_NO_PLACE, _NO_DISTANCE)
        .join(Workshop, Workshop.id == Session.workshop_id)
        .where(*remote, Session.starts_at <= func.coalesce(last_start, end))
    )


@cache
def _nearest(shape: Shape) -> Select[Any]:
    """The sessions at the places in the box, further than ``inside`` and within the radius,
    nearest first, cut at the limit (the commune's centroid, the box, both radii and the limit
    are bound values)."""
    rad = math.pi / 180
    half_dlat = func.sin((Place.latitude * rad - _bound("lat0")) * 0.5)
    half_dlon = func.sin((Place.longitude * rad - _bound("lon0")) * 0.5)
    h = (
        half_dlat * half_dlat
        + _bound("cos_lat0") * func.cos(Place.latitude * rad) * half_dlon * half_dlon
    )
    distance = 2 * EARTH_RADIUS_KM * func.asin(func.sqrt(h))
    within = and_(
        Place.latitude.between(_bound("south"), _bound("north")),
        Place.longitude.between(_bound("west"), _bound("east")),
        distance > _bound("inside"),
        distance <= _bound("radius"),
    )
    return (
        _at_places(_matching(shape), within, distance.label("distance"))
        .order_by(distance, Session.starts_at, Session.id)
        .limit(_bound("limit", Integer))
    )


@cache
def _first(shape: Shape, centroid: bool) -> Select[Any]:
    """The first query near a commune: the places without a distance (sorted out by
    territory in Python: those without coordinates, or all those of the commune's EPCI and
    département when it has no centroid) and, with a centroid, the first ring."""
    unmeasured = (
        Place.latitude.is_(None)
        if centroid
        else Place.commune_insee.in_(bindparam("territory", expanding=True))
    )
    branches = [_at_places(_matching(shape), unmeasured, _NO_DISTANCE)]
    if centroid:
        branches.append(_nearest(shape))
    parts = [select(branch.subquery()) for branch in branches]
    return parts[0].union_all(*parts[1:])  # type: ignore[return-value]


@cache
def _anywhere(shape: Shape) -> Select[Any]:
    """No commune asked: every session, the soonest first."""
    return (
        select(*_COLUMNS, *_PLACE_COLUMNS, _NO_DISTANCE)
        .join(Workshop, Workshop.id == Session.workshop_id)
        .outerjoin(Place, Place.id == Session.place_id)
        .where(*_matching(shape), or_(Place.id.is_(None), Place.archived.is_(False)))
        .order_by(Session.starts_at, Session.id)
        .limit(_bound("limit", Integer))
    )


def _values(checked: Checked) -> dict[str, Any]:
    """The bound values every statement of a search shares."""
    criteria = checked.criteria
    values: dict[str, Any] = {
        "start": checked.window.start,
        "end": checked.window.end,
        "limit": criteria.limit,
    }
    if criteria.competences:
        values["codes"] = list(criteria.competences)
    if criteria.theme is not None:
        values["theme"] = criteria.theme
    if checked.modality is not None:
        values["modality"] = checked.modality
    origin = checked.origin
    if origin is not None and origin.lat is not None and origin.lon is not None:
        lat0 = math.radians(origin.lat)
        values |= {"lat0": lat0, "lon0": math.radians(origin.lon), "cos_lat0": math.cos(lat0)}
    elif origin is not None:
        values["territory"] = _territory(origin)
    return values


def _ring(origin: Commune, inside_km: float, radius_km: float) -> dict[str, Any]:
    south, north, west, east = bounding_box(origin, radius_km)
    return {
        "south": south,
        "north": north,
        "west": west,
        "east": east,
        "inside": inside_km,
        "radius": radius_km,
    }


def distance_from(origin: Commune) -> ColumnElement[float]:
    """The great-circle distance (km) from the commune's centroid to a place, in SQL: the
    haversine formula of :func:`app.territories.great_circle_km`, with what only depends on the
    commune computed here."""
    assert origin.lat is not None and origin.lon is not None
    to_radians = math.pi / 180
    lat0, lon0 = math.radians(origin.lat), math.radians(origin.lon)
    half_dlat = func.sin((Place.latitude * to_radians - lat0) * 0.5)
    half_dlon = func.sin((Place.longitude * to_radians - lon0) * 0.5)
    h = (
        half_dlat * half_dlat
        + math.cos(lat0) * func.cos(Place.latitude * to_radians) * half_dlon * half_dlon
    )
    return 2 * EARTH_RADIUS_KM * func.asin(func.sqrt(h))


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


def _in_box(origin: Commune, radius_km: float) -> ColumnElement[bool]:
    south, north, west, east = bounding_box(origin, radius_km)
    return and_(Place.latitude.between(south, north), Place.longitude.between(west, east))


def _unmeasured(origin: Commune) -> ColumnElement[bool]:
    """The places that have no distance to ``origin``, sorted out by territory in Python:
    those without coordinates (few), or, around a commune without a centroid, those of its
    EPCI and département."""
    if origin.lat is None:
        return Place.commune_insee.in_(_territory(origin))
    return Place.latitude.is_(None)


async def _near(db: AsyncSession, checked: Checked, shape: Shape) -> list[Any]:
    """The sessions at places near the commune: the unmeasured ones and the first ring in one
    query, then, while fewer than ``limit`` sessions were measured, the next ring around the
    last: each session is read once, and the rings together hold the nearest ``limit``."""
    origin, limit = checked.origin, checked.criteria.limit
    assert origin is not None
    values = _values(checked)
    radii = rings(checked.criteria.distance_km) if origin.lat is not None else []
    first = values | (_ring(origin, -1.0, radii[0]) if radii else {})
    rows = list(await db.execute(_first(shape, bool(radii)), first))
    measured = sum(row.distance is not None for row in rows)
    for inside, radius in itertools.pairwise(radii):
        if measured >= limit:
            break
        ring = _ring(origin, inside, radius) | {"limit": limit - measured}
        found = list(await db.execute(_nearest(shape), values | ring))
        rows += found
        measured += len(found)
    return rows


def rings(radius_km: float) -> list[float]:
    """The radii searched in turn, doubling up to the one asked: in a city the nearest
    sessions are all in the first ring, and the database never looks at the thousands of
    places further away; in the countryside each ring holds few places."""
    found = [float(radius_km)]
    while found[0] / 2 >= FIRST_RING_KM:
        found.insert(0, found[0] / 2)
    return found


def _nearness(origin: Commune | None, row: Any) -> Near | None:
    """How near the row's session is to ``origin`` (None: too far): measured by the
    database, or by territory when there is no distance to measure."""
    if row.place_id is None:
        return (Nearness.ANYWHERE if origin is None else Nearness.REMOTE), None
    if origin is None:
        return Nearness.ANYWHERE, None
    if row.distance is not None:
        return Nearness.MEASURED, row.distance
    return _by_territory(origin, row.commune_insee)


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
    raised = [c for c in row.competences if isinstance(c, dict)]
    workshop = FoundWorkshop(
        row.workshop_id,
        row.title,
        row.description,
        tuple(c["competence"] for c in raised),
        tuple(row.themes),
        Modality(row.modality),
        row.duration_minutes,
        row.price,
        tuple((c["competence"], int(c["entry"]), int(c["exit"])) for c in raised),
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
    shape = _shape(checked, db.get_bind().dialect.name)
    if checked.origin is None:
        rows = list(await db.execute(_anywhere(shape), _values(checked)))
    else:
        places = await _near(db, checked, shape)
        rows = [row for row in places if _nearness(checked.origin, row) is not None]
        room = criteria.limit - len(rows)
        if room > 0:  # remote sessions come after every place near: only to fill the page
            values = _values(checked) | {"skip": room - 1}
            rows += await db.execute(_remote(shape), values)
    found: list[tuple[tuple[int, float, datetime, UUID], FoundSession]] = []
    for row in rows:
        near = _nearness(checked.origin, row)
        if near is None:
            continue
        nearness, distance = near
        session = _found(row, nearness, distance)
        found.append(((nearness, distance or 0.0, session.starts_at, session.id), session))
    found.sort(key=lambda pair: pair[0])
    return [session for _, session in found[: criteria.limit]]


@dataclass(frozen=True, slots=True)
class OfferedSession:
    """A session at a place, as a map of the offer draws it: where, what it raises, seats."""

    id: UUID
    place_id: UUID
    place_name: str
    commune_insee: str
    lat: float | None
    lon: float | None
    competences: tuple[str, ...]
    capacity: int
    confirmed: int
    waiting: int


async def sessions_in_box(
    db: AsyncSession,
    box: tuple[float, float, float, float],
    start: datetime,
    end: datetime,
) -> list[OfferedSession]:
    """Every session starting in [start, end) at a place inside the box (south, north, west,
    east) or without coordinates, full ones too: the same sessions a search would offer
    (open, not cancelled, workshop and place still published). Remote sessions are left out:
    they say nothing of what is near."""
    shape = Shape(db.get_bind().dialect.name, True, False, False, False)
    south, north, west, east = box
    where = or_(
        and_(Place.latitude.between(south, north), Place.longitude.between(west, east)),
        Place.latitude.is_(None),
    )
    rows = await db.execute(
        _at_places(_matching(shape), where, _NO_DISTANCE), {"start": start, "end": end}
    )
    return [
        OfferedSession(
            row.id,
            row.place_id,
            row.name,
            row.commune_insee,
            row.latitude,
            row.longitude,
            tuple(c["competence"] for c in row.competences if isinstance(c, dict)),
            row.capacity,
            row.confirmed_count,
            row.waiting_count,
        )
        for row in rows
    ]


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
    dialect = db.get_bind().dialect.name
    offering: list[ColumnElement[bool]] = [Place.archived.is_(False)]
    if services:
        elements = _json_elements(Place.services, dialect, text=True)
        offering.append(
            exists(select(literal(1)).select_from(elements).where(elements.c.value.in_(services)))
        )
    found = [
        NearPlace(place, *near)
        for place in (await db.scalars(select(Place).where(*offering, _unmeasured(origin))))
        if (near := _by_territory(origin, place.commune_insee)) is not None
    ]
    if origin.lat is not None:
        distance = distance_from(origin)
        nearest = (
            select(Place, distance)
            .where(*offering, _in_box(origin, radius_km), distance <= radius_km)
            .order_by(distance, Place.name, Place.id)
            .limit(limit)
        )
        measured = [
            NearPlace(place, Nearness.MEASURED, km) for place, km in await db.execute(nearest)
        ]
        found = measured + found
    found.sort(key=lambda n: (n.nearness, n.distance_km or 0.0, n.place.name, n.place.id))
    return found[:limit]
