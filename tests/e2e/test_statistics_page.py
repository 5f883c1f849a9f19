"""The public statistics page (/statistiques) as anyone sees it at 320 px: axe-core clean, no
sideways scrolling, nothing refused by the Content-Security-Policy, in French and English,
with published statistics and with a choice that does not exist."""

from __future__ import annotations

import asyncio
import random
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from app.features.statistics import refresh
from tests.app.features.statistics.test_statistics import _fill
from tests.e2e.browsing import MOBILE, PolicyWatch, page_problems

PAGE = "/statistiques"


@pytest.fixture(scope="module")
def published(server: Any) -> None:
    async def build() -> None:
        engine = create_async_engine(f"sqlite+aiosqlite:///{server.database}")
        try:
            async with async_sessionmaker(engine, expire_on_commit=False)() as db:
                await _fill(db, random.Random(3), 120)
                await refresh(db)
        finally:
            await engine.dispose()

    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, build()).result()


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?niveau=epci&departement=18&indicateur=needs",
        "?niveau=commune&departement=18&indicateur=age_band&lang=en",
        "?niveau=quartier",
    ],
)
def test_the_statistics_page_is_accessible(
    browser: Any, server: Any, published: None, query: str
) -> None:
    context = browser.new_context(base_url=server.url, viewport=MOBILE, locale="fr-FR")
    try:
        policy = PolicyWatch(context)
        page = context.new_page()
        page.goto(PAGE + query)
        problems = page_problems(page, policy, PAGE + query)
        assert not problems, "\n\n".join(problems)
    finally:
        context.close()
