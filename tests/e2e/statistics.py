"""Published statistics in the browser tests' service database: simulated diagnostics in the
Cher's communes, then the refresh the service runs, so that its statistics pages show filled
cells (and « < 11 » ones) whichever browser test files ran before in the same process."""

from __future__ import annotations

import asyncio
import random
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from app.features.statistics import refresh
from tests.app.features.statistics.test_statistics import YEAR, _fill


def published_statistics(server: Any, people: int = 120) -> int:
    """``people`` more diagnostics in Bourges, Vierzon, Saint-Amand-Montrond and two small
    communes, and the statistics refreshed: the year they are published for (other files
    may publish later years, which the pages show first)."""

    async def build() -> None:
        engine = create_async_engine(f"sqlite+aiosqlite:///{server.database}")
        try:
            async with async_sessionmaker(engine, expire_on_commit=False)() as db:
                await _fill(db, random.Random(3), people)
                await refresh(db)
        finally:
            await engine.dispose()

    # In a thread of its own: Playwright's event loop runs in this one.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, build()).result()
    return YEAR
