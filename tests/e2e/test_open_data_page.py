"""The open-data page (/offre/donnees-ouvertes) as anyone sees it at 320 px: axe-core clean,
no sideways scrolling, nothing refused by the Content-Security-Policy, in French and in
English, with a place left out and with a wrong département code; and its links give the
files."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from tests.app.cher_offer import CherOffer, build_cher_offer
from tests.e2e.browsing import MOBILE, PolicyWatch, page_problems

PAGE = "/offre/donnees-ouvertes"


@pytest.fixture(scope="module")
def cher(server: Any) -> CherOffer:
    async def build() -> CherOffer:
        engine = create_async_engine(f"sqlite+aiosqlite:///{server.database}")
        try:
            async with async_sessionmaker(engine, expire_on_commit=False)() as db:
                return await build_cher_offer(db)
        finally:
            await engine.dispose()

    # Playwright runs its own event loop in this thread: the offer is written from another.
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, build()).result()


@pytest.mark.parametrize(
    "query", ["?departement=18", "?departement=18&lang=en", "?departement=99&lang=fr", ""]
)
def test_the_open_data_page_is_accessible(browser: Any, server: Any, cher: CherOffer, query: str):
    context = browser.new_context(base_url=server.url, viewport=MOBILE, locale="fr-FR")
    try:
        policy = PolicyWatch(context)
        page = context.new_page()
        page.goto(PAGE + query)
        problems = page_problems(page, policy, PAGE + query)
        assert not problems, "\n\n".join(problems)
    finally:
        context.close()


def test_its_links_give_the_files(page: Any, cher: CherOffer):
    page.goto(PAGE)
    page.locator("#departement").fill("18")
    with page.expect_navigation():
        page.locator("form[action='/offre/donnees-ouvertes'] button[type=submit]").click()
    assert "EPN de la Chancellerie" in page.locator("main").inner_text()
    link = page.locator("a[href*='lamednum.csv']").get_attribute("href")
    response = page.request.get(link)
    assert response.ok and "Médiathèque des Gibjoncs" in response.text()
