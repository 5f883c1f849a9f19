"""Finding sessions at national scale, and booking under concurrency, on SQLite and PostgreSQL.

Run with `make bench`, or `python bench/sessions.py --databases sqlite` for a quick look.

The offer: 10,000 places over real communes of metropolitan France (drawn by population, so a
city has more places than a village; each a few hundred metres from its commune's centroid),
2,000 structures with 5 workshops each (1 to 3 competences, a Coop theme, a modality), and
100,000 sessions over the next 90 days (2 % remote, 2 % cancelled, 5 % closed, about a third
full). Drawn from a fixed seed and written once per day: the SQLite file stays in
`var/bench/`, the PostgreSQL database `parcours_bench_sessions` stays on the server of
PARCOURS_TEST_POSTGRES_URL (a throwaway cluster otherwise), and a second run the same day
measures the same rows without writing them again.

Before measuring, the process settles its memory as `parcours serve` does (what every
request reads is loaded, then kept out of garbage collection). `--parts search` or
`--parts bookings` measures one of the two.

Prints, per database:
- the p50 and p99 of `search_sessions` for « sessions with free seats within 20 km of this
  commune for these competences in the next 30 days » (communes drawn by population, two
  competences each), and, measured in the same run on the same queries, the bare indexed
  SELECT that returns the same rows (one statement, distance in SQL, no Python around it);
  every search is checked to return exactly the rows of the bare SELECT.
  Goals: p99 <= 20 ms, and <= 3x the bare SELECT.
- bookings per second with 16 clients booking at once into one series of sessions (each with
  its own connection, one transaction per booking, as the pages do; on PostgreSQL in 4
  processes, as behind several app workers), and the over-bookings found after (confirmed
  seats above capacity, or counters that disagree with the bookings).
  Goals: 0 over-bookings, >= 300 bookings/s on PostgreSQL.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import multiprocessing
import os
import random
import sys
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from http_load import fresh_database, throwaway_cluster  # noqa: E402
from sqlalchemy import (  # noqa: E402
    Float,
    String,
    and_,
    cast,
    delete,
    func,
    insert,
    literal,
    null,
    select,
    text,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine  # noqa: E402

from app.commands.service import settle  # noqa: E402
from app.config import Settings  # noqa: E402
from app.db.engine import make_engine  # noqa: E402
from app.db.migrate import upgrade  # noqa: E402
from app.db.models import (  # noqa: E402
    Booking,
    BookingStatus,
    Modality,
    Place,
    Session,
    SessionSeries,
    Structure,
    Workshop,
)
from app.features.bookings import book  # noqa: E402
from app.features.finding import SearchCriteria, search_sessions  # noqa: E402
from app.features.finding.search import bounding_box, raises_any  # noqa: E402
from app.territories import EARTH_RADIUS_KM, communes  # noqa: E402
from referentiel import load_referential  # noqa: E402

SEED = 20261201
PLACES, STRUCTURES, WORKSHOPS_EACH, SESSIONS = 10_000, 2_000, 5, 100_000
HORIZON_DAYS = 90
RADIUS_KM, WINDOW_DAYS = 20, 30
QUERIES = 400
CLIENTS, SERIES_SESSIONS, SERIES_CAPACITY, BOOKINGS_EACH = 16, 20, 25, 60
PROCESSES = 4  # on PostgreSQL, the clients run in 4 processes (SQLite: one process, one writer)
GOAL_P99_MS, GOAL_RATIO, GOAL_BOOKINGS = 20.0, 3.0, 300.0
PREFIX = "Banc d'essai"
PG_NAME = "parcours_bench_sessions"


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _metropolitan() -> list[Any]:
    return [
        c
        for c in communes().values()
        if c.lat is not None and len(c.departement) == 2 and c.population > 0
    ]


# --- the offer, written once a day --------------------------------------------------------------


def offer_rows(day: str) -> dict[str, list[dict[str, Any]]]:
    """Every row of the offer, drawn from the seed (the same rows for the same day)."""
    rng = random.Random(SEED)
    anchor = datetime.fromisoformat(day).replace(tzinfo=UTC)
    stamp = {"created_at": anchor, "updated_at": anchor}
    codes = [c.code for c in load_referential().competences]
    themes = [t.code for t in load_referential().frameworks.coop_thematiques]
    towns = _metropolitan()
    weights = [c.population for c in towns]
    structures = [
        {"id": _uuid(rng), "name": f"{PREFIX} {day} n° {n}", **stamp} for n in range(STRUCTURES)
    ]
    workshops = []
    for structure in structures:
        for n in range(WORKSHOPS_EACH):
            raised = rng.sample(codes, rng.randint(1, 3))
            workshops.append(
                {
                    "id": _uuid(rng),
                    "structure_id": structure["id"],
                    "title": f"Atelier {n} ({', '.join(raised)})",
                    "description": "Un atelier du banc d'essai.",
                    "competences": [{"competence": c, "entry": 0, "exit": 2} for c in raised],
                    "themes": [rng.choice(themes)],
                    "modality": rng.choice(list(Modality)),
                    "duration_minutes": 120,
                    "publics": [],
                    "price": "Gratuit",
                    "language": "fr",
                    "exit_check": {},
                    "archived": False,
                    **stamp,
                }
            )
    places = []
    for town in rng.choices(towns, weights, k=PLACES):
        assert town.lat is not None and town.lon is not None
        places.append(
            {
                "id": _uuid(rng),
                "structure_id": rng.choice(structures)["id"],
                "name": f"Lieu de {town.name}",
                "address": "1 place de la Mairie",
                "postal_code": town.postal_code,
                "commune_insee": town.insee,
                "latitude": town.lat + rng.uniform(-0.005, 0.005),
                "longitude": town.lon + rng.uniform(-0.007, 0.007),
                **{k: [] for k in ("typologies", "services", "publics", "specific_support")},
                **{k: [] for k in ("fees", "national_programmes", "labels", "access_modes")},
                **{k: [] for k in ("support_modes", "mobility")},
                "archived": False,
                **stamp,
            }
        )
    by_structure: dict[Any, list[dict[str, Any]]] = {}
    for workshop in workshops:
        by_structure.setdefault(workshop["structure_id"], []).append(workshop)
    sessions = []
    for _ in range(SESSIONS):
        place = rng.choice(places)
        remote = rng.random() < 0.02
        workshop = rng.choice(by_structure[place["structure_id"]])
        start = anchor + timedelta(
            days=rng.randrange(HORIZON_DAYS), hours=rng.choice((9, 10, 14, 15, 16))
        )
        capacity = rng.randint(6, 16)
        full = rng.random() < 0.33
        sessions.append(
            {
                "id": _uuid(rng),
                "structure_id": place["structure_id"],
                "workshop_id": workshop["id"],
                "place_id": None if remote else place["id"],
                "remote_url": "https://visio.example.org/a" if remote else None,
                "starts_at": start,
                "ends_at": start + timedelta(hours=2),
                "capacity": capacity,
                "confirmed_count": capacity if full else rng.randint(0, capacity - 1),
                "waiting_count": 0,
                "registration_open": rng.random() >= 0.05,
                "cancelled_at": anchor if rng.random() < 0.02 else None,
                "detached": False,
                "revision": 0,
                **stamp,
            }
        )
    return {"structure": structures, "workshop": workshops, "place": places, "session": sessions}


async def seed(engine: AsyncEngine, day: str) -> str:
    """The offer of ``day`` in the database: kept when it is there, else written anew."""
    async with AsyncSession(engine) as db:
        name = f"{PREFIX} {day} n° 0"
        if await db.scalar(select(func.count()).where(Structure.name == name)):
            found = await db.scalar(select(func.count()).select_from(Session))
            if found == SESSIONS:
                return "kept from an earlier run today"
        # another day's offer (or a run cut short): wiped, then written again
        await db.execute(delete(Structure).where(Structure.name.like(f"{PREFIX}%")))
        await db.commit()
        started = time.perf_counter()
        rows = offer_rows(day)
        for table, model in (
            ("structure", Structure),
            ("workshop", Workshop),
            ("place", Place),
            ("session", Session),
        ):
            chunk = rows[table]
            for n in range(0, len(chunk), 5_000):
                await db.execute(insert(model), chunk[n : n + 5_000])
        await db.commit()
        await db.execute(text("ANALYZE"))  # the planners see the tables' real sizes
        await db.commit()
        return f"written in {time.perf_counter() - started:.0f} s"


# --- the search, and the bare SELECT returning the same rows -------------------------------------


def queries(rng: random.Random, count: int) -> list[SearchCriteria]:
    towns = _metropolitan()
    codes = [c.code for c in load_referential().competences]
    chosen = rng.choices(towns, [c.population for c in towns], k=count)
    return [
        SearchCriteria(
            commune=town.insee,
            competences=tuple(rng.sample(codes, 2)),
            distance_km=RADIUS_KM,
        )
        for town in chosen
    ]


def bare_select(criteria: SearchCriteria, dialect: str, now: datetime) -> Any:
    """One statement on the same indexes, written as one would by hand: the places in the
    box and within the radius (haversine in SQL), their sessions in the window, then the
    remote sessions; the nearest first, then the soonest, cut at the limit."""
    origin = communes()[criteria.commune or ""]
    assert origin.lat is not None and origin.lon is not None
    south, north, west, east = bounding_box(origin, criteria.distance_km)
    lat0, lon0, rad = math.radians(origin.lat), math.radians(origin.lon), math.pi / 180
    dlat = func.sin((Place.latitude * rad - lat0) * 0.5)
    dlon = func.sin((Place.longitude * rad - lon0) * 0.5)
    h = dlat * dlat + math.cos(lat0) * func.cos(Place.latitude * rad) * dlon * dlon
    distance = 2 * EARTH_RADIUS_KM * func.asin(func.sqrt(h))
    common = (
        Session.starts_at >= now,
        Session.starts_at < now + timedelta(days=WINDOW_DAYS),
        Session.cancelled_at.is_(None),
        Session.registration_open.is_(True),
        Session.confirmed_count < Session.capacity,
        Workshop.archived.is_(False),
        raises_any(criteria.competences, dialect),
    )
    located = (
        select(
            Session.id,
            Session.starts_at,
            Workshop.title,
            Place.name,
            distance.label("distance"),
            literal(0).label("remote"),
        )
        .join(Workshop, Workshop.id == Session.workshop_id)
        .join(Place, Place.id == Session.place_id)
        .where(
            *common,
            Place.archived.is_(False),
            and_(Place.latitude.between(south, north), Place.longitude.between(west, east)),
            distance <= criteria.distance_km,
        )
    )
    remote = (
        select(
            Session.id,
            Session.starts_at,
            Workshop.title,
            cast(null(), String).label("name"),
            cast(null(), Float).label("distance"),
            literal(1).label("remote"),
        )
        .join(Workshop, Workshop.id == Session.workshop_id)
        .where(*common, Session.place_id.is_(None))
    )
    both = union_all(located, remote).subquery()
    return (
        select(both)
        .order_by(both.c.remote, both.c.distance, both.c.starts_at, both.c.id)
        .limit(criteria.limit)
    )


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def measure_search(engine: AsyncEngine) -> dict[str, Any]:
    rng = random.Random(SEED + 1)
    asked = queries(rng, QUERIES)
    dialect = engine.dialect.name
    service: list[float] = []
    bare: list[float] = []
    rows: list[int] = []
    differ = 0
    async with AsyncSession(engine) as db:
        now = datetime.now(UTC)
        for criteria in asked[:20]:  # warm the caches and the statement cache, unmeasured
            await search_sessions(db, criteria, now)
            await db.execute(bare_select(criteria, dialect, now))
        for criteria in asked:
            statement = bare_select(criteria, dialect, now)
            started = time.perf_counter()
            found = (await db.execute(statement)).all()
            bare.append(time.perf_counter() - started)
            started = time.perf_counter()
            searched = await search_sessions(db, criteria, now)
            service.append(time.perf_counter() - started)
            rows.append(len(searched))
            differ += {s.id for s in searched} != {r.id for r in found}
    return {
        "service": service,
        "bare": bare,
        "rows": rows,
        "differ": differ,
    }


# --- bookings under concurrency ------------------------------------------------------------------


async def measure_bookings(engine: AsyncEngine) -> dict[str, Any]:
    """16 clients book into one series of sessions at once; seats are then counted."""
    now = datetime.now(UTC)
    async with AsyncSession(engine) as db:
        structure = Structure(name=f"{PREFIX} réservations {uuid.uuid4().hex[:8]}")
        db.add(structure)
        await db.flush()
        workshop = Workshop(
            structure_id=structure.id,
            title="Atelier très demandé",
            description="Une série pleine.",
            competences=[{"competence": "E1", "entry": 0, "exit": 2}],
            themes=["prendre_en_main_du_materiel"],
            modality=Modality.COLLECTIVE,
            duration_minutes=120,
        )
        db.add(workshop)
        await db.flush()
        series = SessionSeries(
            structure_id=structure.id,
            workshop_id=workshop.id,
            rrule="FREQ=WEEKLY;COUNT=20",
            first_start_local=(now + timedelta(days=7)).replace(tzinfo=None),
            duration_minutes=120,
        )
        db.add(series)
        await db.flush()
        ids = []
        for week in range(SERIES_SESSIONS):
            start = now + timedelta(days=7 * (week + 1))
            row = Session(
                structure_id=structure.id,
                workshop_id=workshop.id,
                series_id=series.id,
                starts_at=start,
                ends_at=start + timedelta(hours=2),
                remote_url="https://visio.example.org/serie",
                capacity=SERIES_CAPACITY,
            )
            db.add(row)
            await db.flush()
            ids.append(row.id)
        structure_id = structure.id
        await db.commit()

    processes = PROCESSES if engine.dialect.name == "postgresql" else 1
    url = engine.url.render_as_string(hide_password=False)
    shares = [range(n, CLIENTS, processes) for n in range(processes)]
    with ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("spawn")) as pool:
        outcomes = list(pool.map(_booking_clients, [url] * processes, [ids] * processes, shares))
    done = sum(o["done"] for o in outcomes)
    elapsed = max(o["end"] for o in outcomes) - min(o["start"] for o in outcomes)
    refused: dict[str, int] = {}
    for outcome in outcomes:
        for name, count in outcome["refused"].items():
            refused[name] = refused.get(name, 0) + count
    async with AsyncSession(engine) as db:
        over = 0
        for session_id in ids:
            session = await db.get(Session, session_id)
            assert session is not None
            confirmed = await db.scalar(
                select(func.count()).where(
                    Booking.session_id == session_id, Booking.status == BookingStatus.CONFIRMED
                )
            )
            over += (confirmed or 0) > session.capacity or confirmed != session.confirmed_count
        await db.execute(delete(Structure).where(Structure.id == structure_id))
        await db.commit()
    return {
        "done": done,
        "elapsed": elapsed,
        "over": over,
        "refused": refused,
        "processes": processes,
    }


def _booking_clients(url: str, ids: list[uuid.UUID], clients: range) -> dict[str, Any]:
    """Some of the 16 clients, in a process of their own (as behind several app workers):
    each books again and again, one transaction per booking."""

    async def go() -> dict[str, Any]:
        settings = Settings(database_url=url, secret_key="banc", db_pool_size=len(clients))
        engine = make_engine(settings)
        done, refused = 0, dict[str, int]()

        async def client(n: int) -> None:
            nonlocal done
            order = ids[:]
            random.Random(n).shuffle(order)
            async with AsyncSession(engine, expire_on_commit=False) as db:
                for k in range(BOOKINGS_EACH):
                    try:
                        await book(db, order[k % len(order)], email=f"client{n}-{k}@example.org")
                        await db.commit()
                        done += 1
                    except Exception as error:  # counted and shown: none expected
                        await db.rollback()
                        refused[type(error).__name__] = refused.get(type(error).__name__, 0) + 1

        async with engine.connect() as warm:  # connected before the clock starts
            await warm.execute(text("SELECT 1"))
        start = time.time()
        await asyncio.gather(*(client(n) for n in clients))
        end = time.time()
        await engine.dispose()
        return {"done": done, "refused": refused, "start": start, "end": end}

    return asyncio.run(go())


# --- the runs -------------------------------------------------------------------------------------


@contextmanager
def database(kind: str) -> Iterator[str]:
    if kind == "sqlite":
        folder = ROOT / "var" / "bench"
        folder.mkdir(parents=True, exist_ok=True)
        yield f"sqlite+aiosqlite:///{folder / 'sessions.sqlite3'}"
        return
    given = os.environ.get("PARCOURS_TEST_POSTGRES_URL")
    if given:
        yield _kept_database(given)
        return
    with throwaway_cluster() as server, fresh_database(server) as url:
        yield url


def _kept_database(server_url: str) -> str:
    """The bench's own database on that server, made the first time and kept."""
    import re

    async def make() -> None:
        engine = create_async_engine(server_url, isolation_level="AUTOCOMMIT")
        try:
            async with engine.connect() as connection:
                exists = await connection.scalar(
                    text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": PG_NAME}
                )
                if not exists:
                    await connection.execute(text(f'CREATE DATABASE "{PG_NAME}"'))
        finally:
            await engine.dispose()

    asyncio.run(make())
    return re.sub(r"/[^/]*$", f"/{PG_NAME}", server_url)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


async def run(kind: str, settings: Settings, parts: set[str]) -> None:
    engine = make_engine(settings)
    try:
        day = datetime.now(UTC).date().isoformat()
        print(f"== {kind}: offer {await seed(engine, day)}", flush=True)
        settle()  # as `parcours serve` does before it serves
        if "search" in parts:
            await report_search(engine)
        if "bookings" in parts:
            await report_bookings(engine, kind)
    finally:
        await engine.dispose()


async def report_search(engine: AsyncEngine) -> None:
    found = await measure_search(engine)
    s50, s99 = percentile(found["service"], 0.5), percentile(found["service"], 0.99)
    b50, b99 = percentile(found["bare"], 0.5), percentile(found["bare"], 0.99)
    rows = found["rows"]
    print(
        f"   search ({QUERIES} queries, {RADIUS_KM} km, 2 competences, {WINDOW_DAYS} days, "
        f"{min(rows)}-{max(rows)} rows, median {percentile(rows, 0.5):.0f}):"
    )
    print(f"     search_sessions   p50 {ms(s50)}  p99 {ms(s99)}")
    print(f"     bare SELECT       p50 {ms(b50)}  p99 {ms(b99)}")
    ok_p99, ok_ratio = s99 * 1000 <= GOAL_P99_MS, s99 <= GOAL_RATIO * b99
    print(
        f"     p99 ratio {s99 / b99:.2f}x (goal <= {GOAL_RATIO}x: "
        f"{'met' if ok_ratio else 'NOT met'}); p99 goal <= {GOAL_P99_MS:.0f} ms: "
        f"{'met' if ok_p99 else 'NOT met'}; searches whose rows differ from the bare "
        f"SELECT: {found['differ']}",
        flush=True,
    )


async def report_bookings(engine: AsyncEngine, kind: str) -> None:
    booked = await measure_bookings(engine)
    rate = booked["done"] / booked["elapsed"]
    goal = f" (goal >= {GOAL_BOOKINGS:.0f}/s)" if kind == "postgresql" else ""
    print(
        f"   bookings: {booked['done']} by {CLIENTS} clients "
        f"({booked['processes']} process(es)) into {SERIES_SESSIONS} sessions "
        f"of {SERIES_CAPACITY} seats in {booked['elapsed']:.2f} s: {rate:.0f}/s{goal}; "
        f"over-bookings {booked['over']}; refused {booked['refused'] or 'none'}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--parts", default="search,bookings", help="search, bookings or both")
    args = parser.parse_args()
    parts = set(args.parts.split(","))
    for kind in args.databases.split(","):
        try:
            with database(kind) as url:
                settings = Settings(database_url=url, secret_key="banc", db_pool_size=CLIENTS)
                upgrade(settings)  # Alembic runs its own event loop
                asyncio.run(run(kind, settings, parts))
        except RuntimeError as error:
            print(f"== {kind}: not measured: {error}")


if __name__ == "__main__":
    main()
