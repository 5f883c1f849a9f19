"""Territorial statistics at scale: the dashboard's queries and the refresh, on PostgreSQL
(100,000 and 1,000,000 diagnostics, side by side) and SQLite (100,000).

Diagnostics are written in bulk straight into the table (not through the service), over the
real communes of France drawn by population, with plausible answers; then one full refresh
publishes the cells. Measured, median of 5 runs each:
- every dashboard query (each indicator's table) for one département (the Cher, by EPCI and
  by commune) and for the whole country (by département);
- the refresh after 1,000 new diagnostics in the Cher.
Goal: every dashboard query <= 300 ms on PostgreSQL at 1,000,000, growing sub-linearly.
The PostgreSQL databases `parcours_bench_stats_<n>` are made again on each run, on the server
of PARCOURS_TEST_POSTGRES_URL; the SQLite file is var/bench/stats.sqlite3.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import sys
import time
import uuid
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

import numpy as np
from sqlalchemy import Table, insert, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.config import Settings  # noqa: E402
from app.db.migrate import upgrade  # noqa: E402
from app.db.models import Channel, Diagnostic, DiagnosticStatus  # noqa: E402
from app.features.statistics import (  # noqa: E402
    Indicator,
    Kind,
    Level,
    france,
    refresh,
    spec,
    statistics_table,
    territory,
)
from app.territories import communes  # noqa: E402
from referentiel import load_referential  # noqa: E402

YEAR = 2026
RUNS = 5
CHUNK = 5000
ADDED = 1000


def diagnostic_rows(n: int, seed: int, only: str | None = None) -> Iterator[list[dict[str, Any]]]:
    """``n`` completed diagnostics over France (or one département), drawn by population, in
    chunks (a million at once would not fit in memory), each draw made for a whole chunk."""
    rng = np.random.default_rng(seed)
    ref = load_referential()
    known = [c for c in communes().values() if c.population > 0]
    if only is not None:
        known = [c for c in known if c.departement == only]
    weights = np.array([c.population for c in known], dtype=float)
    ages = [o.code for o in next(q for q in ref.context_questions if q.id == "age_band").options]
    age_p = np.array([1, 2, 6, 14, 25, 24, 26, 2], dtype=float)
    frequencies = ["jamais", "rarement", "chaque_semaine", "chaque_jour"]
    needs = [need.code for need in ref.needs]
    equipment = ["smartphone", "tablette", "ordinateur", "connexion_domicile", "aucun"]
    profiles = ["eloigne", "debutant", "autonome", "avance"]
    domains = [d.code for d in ref.domains]
    start = datetime(YEAR, 1, 1, 8, tzinfo=UTC)
    written = datetime.now(UTC)
    for first in range(0, n, CHUNK):
        size = min(CHUNK, n - first)
        picked = rng.choice(len(known), size=size, p=weights / weights.sum())
        age = rng.choice(len(ages), size=size, p=age_p / age_p.sum())
        frequency = rng.integers(0, 4, size=size)
        level = rng.integers(0, 5, size=size)
        domain_levels = np.clip(
            level[:, None] + rng.integers(-1, 2, size=(size, len(domains))), 0, 4
        )
        minutes = rng.integers(0, 60 * 24 * 330, size=size)
        need_count = rng.integers(1, 4, size=size)
        # a random order of the needs (and of the equipment) per person: its first few are
        # drawn without replacement
        need_order = rng.random((size, len(needs))).argsort(axis=1)
        equipment_order = rng.random((size, len(equipment))).argsort(axis=1)
        goal = rng.integers(1, 4, size=(size, 3))
        high = rng.integers(0, 2**63, size=size)
        # plain lists: reading numpy arrays one number at a time is slow
        picked, age, frequency, level = (
            picked.tolist(),
            age.tolist(),
            frequency.tolist(),
            level.tolist(),
        )
        domain_levels, minutes, need_count = (
            domain_levels.tolist(),
            minutes.tolist(),
            need_count.tolist(),
        )
        need_order, equipment_order = need_order.tolist(), equipment_order.tolist()
        goal, high = goal.tolist(), high.tolist()
        rows = []
        for i in range(size):
            chosen = [needs[k] for k in need_order[i][: need_count[i]]]
            when = start + timedelta(minutes=minutes[i])
            rows.append(
                {
                    "id": uuid.UUID(int=high[i] << 64 | (first + i)),
                    "channel": Channel.ONLINE,
                    "status": DiagnosticStatus.COMPLETED,
                    "referential_version": ref.version,
                    "answers": {},
                    "asked": [],
                    "context": {
                        "commune": known[picked[i]].insee,
                        "age_band": ages[age[i]],
                        "frequency": frequencies[frequency[i]],
                        "equipment": [equipment[k] for k in equipment_order[i][:2]],
                        "needs": chosen,
                    },
                    "goals": {need: f"A{goal[i][j]}" for j, need in enumerate(chosen)},
                    "result": {
                        "profile": profiles[min(level[i], 3)],
                        "domains": [
                            {"code": code, "level": domain_levels[i][j]}
                            for j, code in enumerate(domains)
                        ],
                    },
                    "completed_at": when,
                    "created_at": when,
                    "updated_at": written,
                }
            )
        yield rows


async def write(db: AsyncSession, chunks: Iterable[list[dict[str, Any]]]) -> None:
    """Straight into the table, a chunk per statement (the ORM's bookkeeping is not needed)."""
    for rows in chunks:
        await db.execute(insert(cast(Table, Diagnostic.__table__)), rows)
        await db.commit()


def queries() -> list[tuple[str, Indicator, Level, Any]]:
    cher = territory(Level.DEPARTEMENT, "18")
    found = []
    for indicator in Indicator:
        if spec(indicator).kind == Kind.EXACT and indicator != Indicator.OFFER:
            continue
        found.append((f"Cher by EPCI: {indicator.value}", indicator, Level.EPCI, cher))
        found.append((f"Cher by commune: {indicator.value}", indicator, Level.COMMUNE, cher))
        found.append(
            (f"France by département: {indicator.value}", indicator, Level.DEPARTEMENT, france())
        )
    return found


async def measure(url: str, n: int) -> dict[str, float]:
    engine = create_async_engine(url)
    maker = async_sessionmaker(engine, expire_on_commit=False)
    figures: dict[str, float] = {}
    try:
        async with maker() as db:
            began = time.perf_counter()
            await write(db, diagnostic_rows(n, seed=n))
            figures["write diagnostics (s)"] = time.perf_counter() - began
            began = time.perf_counter()
            await refresh(db, full=True)
            figures["first full refresh (s)"] = time.perf_counter() - began
        for name, indicator, level, within in queries():
            spent = []
            for _ in range(RUNS):
                async with maker() as db:
                    began = time.perf_counter()
                    await statistics_table(db, indicator, YEAR, level, within)
                    spent.append(time.perf_counter() - began)
            figures[name] = statistics.median(spent) * 1000
        async with maker() as db:
            await write(db, diagnostic_rows(ADDED, seed=n + 1, only="18"))
            began = time.perf_counter()
            await refresh(db)
            figures[f"refresh after {ADDED:,} new diagnostics (s)"] = time.perf_counter() - began
    finally:
        await engine.dispose()
    return figures


def fresh(kind: str, n: int) -> str:
    if kind == "sqlite":
        folder = ROOT / "var" / "bench"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"stats-{n}.sqlite3"
        for extra in ("", "-wal", "-shm"):
            Path(f"{path}{extra}").unlink(missing_ok=True)
        url = f"sqlite+aiosqlite:///{path}"
    else:
        server = os.environ.get("PARCOURS_TEST_POSTGRES_URL", Settings().database_url)
        name = f"parcours_bench_stats_{n}"

        async def make() -> None:
            engine = create_async_engine(server, isolation_level="AUTOCOMMIT")
            async with engine.connect() as connection:
                await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
                await connection.execute(text(f'CREATE DATABASE "{name}"'))
            await engine.dispose()

        asyncio.run(make())
        url = re.sub(r"/[^/]*$", f"/{name}", server)
    upgrade(Settings(database_url=url))
    return url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--runs",
        default="postgresql:100000,postgresql:1000000,sqlite:100000",
        help="database:count, comma-separated",
    )
    args = parser.parse_args()
    results: dict[str, dict[str, float]] = {}
    for run in args.runs.split(","):
        kind, count = run.split(":")
        label = f"{kind} {int(count):,}"
        print(f"… {label}", file=sys.stderr, flush=True)
        results[label] = asyncio.run(measure(fresh(kind, int(count)), int(count)))
        for name, value in results[label].items():
            print(f"  {label} | {name} | {value:.2f}", file=sys.stderr, flush=True)
    labels = list(results)
    names = list(next(iter(results.values())))
    width = max(len(n) for n in names)
    print(f"{'':{width}}  " + "  ".join(f"{label:>18}" for label in labels))
    for name in names:
        unit = "" if name.endswith("(s)") else " ms"
        cells = [
            f"{results[label].get(name, float('nan')):>15.2f}{unit or '   '}" for label in labels
        ]
        print(f"{name:{width}}  " + "  ".join(cells))
    dashboard = [n for n in names if ":" in n]
    for label in labels:
        worst = max(results[label][n] for n in dashboard)
        print(f"{label}: slowest dashboard query {worst:.2f} ms")


if __name__ == "__main__":
    main()
