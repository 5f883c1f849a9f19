"""The offer on the map, and the « white zones »: communes of a territory where no session
for a competence runs within a distance in the coming weeks.

The offer is public (what structures publish), so it is read here directly, through the same
search that residents use (:func:`app.features.finding.sessions_in_box`); how many people need
what comes from the statistics layer only, with its hidden cells. A place without coordinates
sits at its commune's centroid; a commune without a centroid cannot be measured and is never
called a white zone (the page says so).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from app.features.finding import OfferedSession, sessions_in_box
from app.territories import EARTH_RADIUS_KM, communes, great_circle_km

KM_PER_DEGREE = math.pi * EARTH_RADIUS_KM / 180


@dataclass(frozen=True)
class OfferPlace:
    """A place with sessions in the window: where it is and what it offers there."""

    name: str
    commune_insee: str
    lat: float
    lon: float
    sessions: int
    seats: int
    taken: int
    waiting: int
    competences: frozenset[str]


def _where(session: OfferedSession) -> tuple[float, float] | None:
    if session.lat is not None and session.lon is not None:
        return session.lat, session.lon
    commune = communes().get(session.commune_insee)
    if commune is None or commune.lat is None or commune.lon is None:
        return None
    return commune.lat, commune.lon


def box_around(insee: Iterable[str], margin_km: float) -> tuple[float, float, float, float]:
    """(south, north, west, east) around the communes' centroids, ``margin_km`` wider: a
    session just across the border is near too."""
    points = [
        (c.lat, c.lon)
        for code in insee
        if (c := communes().get(code)) is not None and c.lat is not None and c.lon is not None
    ] or [(0.0, 0.0)]
    south, north = min(p[0] for p in points), max(p[0] for p in points)
    dlat = margin_km / KM_PER_DEGREE
    widest = min(89.0, max(abs(south), abs(north)) + dlat)
    dlon = margin_km / (KM_PER_DEGREE * math.cos(math.radians(widest)))
    west, east = min(p[1] for p in points), max(p[1] for p in points)
    return south - dlat, north + dlat, west - dlon, east + dlon


async def offer_places(
    db: AsyncSession, insee: Iterable[str], start: datetime, weeks: int, margin_km: float = 0.0
) -> list[OfferPlace]:
    """The places with sessions in the ``weeks`` from ``start``, around the communes."""
    codes = list(insee)
    found = await sessions_in_box(
        db, box_around(codes, margin_km), start, start + timedelta(weeks=weeks)
    )
    by_place: dict[object, list[OfferedSession]] = defaultdict(list)
    for session in found:
        by_place[session.place_id].append(session)
    places = []
    for sessions in by_place.values():
        first = sessions[0]
        where = _where(first)
        if where is None:
            continue
        places.append(
            OfferPlace(
                first.place_name,
                first.commune_insee,
                *where,
                len(sessions),
                sum(s.capacity for s in sessions),
                sum(s.confirmed for s in sessions),
                sum(s.waiting for s in sessions),
                frozenset(c for s in sessions for c in s.competences),
            )
        )
    return sorted(places, key=lambda p: (p.name, p.commune_insee))


@dataclass(frozen=True)
class Coverage:
    """For one commune: the nearest place offering the competence, if any within reach."""

    insee: str
    nearest_km: float | None  # None: nothing within the distance
    measurable: bool


def coverage(
    insee: Iterable[str], places: Iterable[OfferPlace], competence: str | None, distance_km: float
) -> list[Coverage]:
    """For each commune, the nearest place with a session raising ``competence`` (any
    competence when None), when it is within ``distance_km`` of the commune's centroid."""
    offering = [p for p in places if competence is None or competence in p.competences]
    found = []
    for code in insee:
        commune = communes().get(code)
        if commune is None or commune.lat is None or commune.lon is None:
            found.append(Coverage(code, None, measurable=False))
            continue
        distances = [great_circle_km(commune.lat, commune.lon, p.lat, p.lon) for p in offering]
        near = min((d for d in distances if d <= distance_km), default=None)
        found.append(Coverage(code, None if near is None else round(near, 1), measurable=True))
    return found
