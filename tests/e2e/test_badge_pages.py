"""The public pages a badge links to, as anyone sees them at 320 px: its issuer's page (with a
retired key and a current one) and the page of a competence it aligns to, in French and in
English: axe-core clean, no sideways scrolling, nothing refused by the Content-Security-Policy."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from app.db.models import Structure
from app.features.badges import rotate_key, signing_key
from tests.e2e.browsing import MOBILE, PolicyWatch, page_problems


@pytest.fixture(scope="module")
def issuer(server: Any) -> str:
    async def build() -> str:
        engine = create_async_engine(f"sqlite+aiosqlite:///{server.database}")
        try:
            async with async_sessionmaker(engine, expire_on_commit=False)() as db:
                structure = Structure(name="Médiathèque des clés")
                db.add(structure)
                await db.flush()
                await signing_key(db, structure.id)
                await rotate_key(db, structure.id)
                await db.commit()
                return str(structure.id)
        finally:
            await engine.dispose()

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, build()).result()


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("path", ["/badges/emetteurs/{issuer}", "/referentiel/competences/C3"])
def test_the_pages_a_badge_links_to_are_accessible(
    browser: Any, server: Any, issuer: str, path: str, lang: str
):
    context = browser.new_context(base_url=server.url, viewport=MOBILE, locale="fr-FR")
    try:
        policy = PolicyWatch(context)
        page = context.new_page()
        target = path.format(issuer=issuer) + f"?lang={lang}"
        page.goto(target)
        assert "Médiathèque des clés" in page.content() or "C3" in page.content()
        problems = page_problems(page, policy, target)
        assert not problems, "\n\n".join(problems)
    finally:
        context.close()
