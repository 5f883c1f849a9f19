"""The territory pages as a coordinator of the Cher reads them on a 320 px phone, in French and
in English and in larger text: axe-core clean (WCAG 2.1 A and AA), no sideways scrolling,
targets large enough, no word of a table cut in two, nothing refused by the
Content-Security-Policy; the charts and maps are images with a title, each beside its table."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from app.config import Settings
from app.db.engine import make_engine, session_maker
from app.demo_synthetic import fill_synthetic
from app.features.statistics import refresh
from tests.app.cher_offer import build_cher_offer
from tests.e2e.browsing import (
    MOBILE,
    PolicyWatch,
    larger_text,
    layout_problems,
    log_in,
    page_problems,
)
from tests.e2e.conftest import BADGE_KEY

EMAIL, PASSWORD = "coordination@e2e.example.org", "correct horse battery e2e"
PAGES = [
    "/pro/territoire",
    "/pro/territoire?comparer=epci:241800507",
    "/pro/territoire/carte?niveau=epci&indicateur=needs:caf",
    "/pro/territoire/carte?niveau=commune",
    "/pro/territoire/zones-blanches?besoin=telephone&distance=10",
    "/pro/territoire?territoire=departement:18&annee=1999",
]
# Lists of communes: in larger text some names are wider than a 320 px line by themselves
# (« Saint-Christophe-le-Chaudry »), and break at a hyphen since nothing else can.
COMMUNE_LISTS = ("niveau=commune", "/zones-blanches")


@pytest.fixture(scope="module")
def coordinator(server: Any) -> None:
    """Simulated residents and the offer of the Cher, refreshed statistics, and a coordinator
    of the Cher made with `parcours users create`."""

    # the service's own settings: the badges the simulated exit checks earn are signed with
    # the service's key, which the database's issuer keys were sealed with
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{server.database}",
        public_url=server.url,
        badge_key=BADGE_KEY,
    )

    async def build() -> None:
        engine = make_engine(settings)
        try:
            async with session_maker(settings, engine)() as db:
                await build_cher_offer(db)
                await fill_synthetic(db, 400, 21, "18")
                await refresh(db)
        finally:
            await engine.dispose()

    # Playwright runs its own event loop in this thread: the data is written from another.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, build()).result()
    subprocess.run(
        [
            *(str(Path(sys.executable).parent / "parcours"), "users", "create", EMAIL),
            *("--role", "coordinator", "--structure", "Département du Cher", "--departement", "18"),
        ],
        input=PASSWORD.encode(),
        env={**os.environ, "PARCOURS_DATABASE_URL": f"sqlite+aiosqlite:///{server.database}"},
        cwd=server.database.parent,
        check=True,
        capture_output=True,
    )


@pytest.mark.parametrize("variant", ["fr", "en", "larger text"])
def test_the_territory_pages_are_accessible_at_320_px(
    new_context: Any, coordinator: None, variant: str
) -> None:
    context = new_context(viewport=MOBILE)
    policy = PolicyWatch(context)
    page = context.new_page()
    log_in(page, EMAIL, PASSWORD, "/pro/territoire")
    if variant == "larger text":
        larger_text(page)
    problems: list[str] = []
    for path in PAGES:
        target = f"{path}{'&' if '?' in path else '?'}lang=en" if variant == "en" else path
        page.goto(target)
        problems += page_problems(page, policy, f"{target} ({variant})")
        long_names = variant == "larger text" and any(list_ in path for list_ in COMMUNE_LISTS)
        problems += layout_problems(page, cut_words=not long_names)
    assert not problems, "\n\n".join(problems)


def test_each_chart_is_an_image_with_a_title_next_to_its_table(
    new_context: Any, coordinator: None
) -> None:
    page = new_context().new_page()
    log_in(page, EMAIL, PASSWORD, "/pro/territoire")
    page.goto("/pro/territoire")
    charts = page.locator("svg[role=img]")
    assert charts.count() >= 10
    for index in range(charts.count()):
        chart = charts.nth(index)
        assert chart.locator("title").first.text_content()
        assert chart.locator("xpath=ancestor::section//table").count() == 1


def test_the_map_zooms_with_javascript_and_is_whole_without(
    new_context: Any, coordinator: None
) -> None:
    page = new_context().new_page()
    log_in(page, EMAIL, PASSWORD, "/pro/territoire/carte")
    svg = page.locator(".map-box svg")
    whole = svg.get_attribute("viewBox")
    page.get_by_role("button", name="Agrandir la carte").click()
    zoomed = svg.get_attribute("viewBox")
    assert zoomed != whole
    assert float(zoomed.split()[2]) == float(whole.split()[2]) / 2
    page.get_by_role("button", name="Voir toute la carte").click()
    assert svg.get_attribute("viewBox") == whole
    still = new_context(java_script_enabled=False).new_page()
    log_in(still, EMAIL, PASSWORD, "/pro/territoire/carte")
    assert still.get_by_role("button", name="Agrandir la carte").count() == 0
    assert still.locator(".map-box svg").get_attribute("viewBox") == whole
