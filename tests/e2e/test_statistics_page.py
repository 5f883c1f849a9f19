"""The public statistics page (/statistiques) as anyone sees it at 320 px: axe-core clean, no
sideways scrolling, targets large enough, no word of its table cut in two, nothing refused by
the Content-Security-Policy, in French and English, with published statistics and with a
choice that does not exist."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.browsing import MOBILE, PolicyWatch, layout_problems, page_problems
from tests.e2e.statistics import published_statistics

PAGE = "/statistiques"


@pytest.fixture(scope="module")
def published(server: Any) -> None:
    published_statistics(server)


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
        problems = [*page_problems(page, policy, PAGE + query), *layout_problems(page)]
        assert not problems, "\n\n".join(problems)
    finally:
        context.close()
