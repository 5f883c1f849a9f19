"""The resident's diagnostic through the pages, without JavaScript: forms and redirects only."""

from __future__ import annotations

import html
import re

from tests.app.conftest import csrf


def _token(client) -> str:  # type: ignore[no-untyped-def]
    return client.cookies.get("csrftoken") or ""


def start(client) -> str:  # type: ignore[no-untyped-def]
    csrf(client, "/")
    response = client.post("/diagnostic", data={"_csrf_token": _token(client)})
    assert response.status_code == 200
    match = re.search(r"/diagnostic/([0-9a-f-]{36})/question", str(response.url))
    assert match, response.url
    return match.group(1)


def current_item(html: str) -> str:
    found = re.search(r'name="item" value="([^"]+)"', html)
    assert found, html
    return found.group(1)


def test_home_page_is_french_by_default_and_switches_to_english(client):
    assert "Commencer" in client.get("/").text
    english = client.get("/?lang=en")
    assert 'lang="en"' in english.text
    assert client.cookies.get("lang") == "en"


def test_a_full_diagnostic_by_forms_ends_on_a_result_page(client):
    diagnostic = start(client)
    page = client.get(f"/diagnostic/{diagnostic}/question")
    asked = 0
    while "/question" in str(page.url):
        item = current_item(page.text)
        page = client.post(
            f"/diagnostic/{diagnostic}/question",
            data={"_csrf_token": _token(client), "item": item, "value": "3"},
        )
        asked += 1
        assert asked < 40
    assert str(page.url).endswith("/contexte")
    page = client.post(
        f"/diagnostic/{diagnostic}/contexte",
        data={"_csrf_token": _token(client), "knows_help": "oui", "commune_query": "Moulins"},
    )
    assert "Plusieurs communes correspondent" in page.text
    page = client.post(
        f"/diagnostic/{diagnostic}/contexte",
        data={
            "_csrf_token": _token(client),
            "knows_help": "oui",
            "commune_query": "Moulins",
            "commune": "03190",
        },
    )
    assert str(page.url).endswith("/besoins")
    page = client.post(
        f"/diagnostic/{diagnostic}/besoins",
        data={"_csrf_token": _token(client), "needs": ["caf", "arnaques"]},
    )
    assert str(page.url).endswith("/objectifs")
    page = client.post(
        f"/diagnostic/{diagnostic}/objectifs",
        data={"_csrf_token": _token(client), "goal_caf": "A3", "goal_arnaques": "A2"},
    )
    assert str(page.url).endswith("/resultat")
    assert "Mes compétences par domaine" in page.text
    assert "Niveau par domaine" in page.text
    state = client.get(f"/api/v1/diagnostics/{diagnostic}").json()
    assert state["context"]["commune"] == "03190"
    assert state["goals"] == {"caf": "A3", "arnaques": "A2"}


def test_answers_survive_a_refresh_and_back_forgets_only_the_last(client):
    diagnostic = start(client)
    first = current_item(client.get(f"/diagnostic/{diagnostic}/question").text)
    client.post(
        f"/diagnostic/{diagnostic}/question",
        data={"_csrf_token": _token(client), "item": first, "value": "0"},
    )
    second = current_item(client.get(f"/diagnostic/{diagnostic}/question").text)
    assert second != first
    assert current_item(client.get(f"/diagnostic/{diagnostic}/question").text) == second
    client.post(f"/diagnostic/{diagnostic}/retour", data={"_csrf_token": _token(client)})
    assert current_item(client.get(f"/diagnostic/{diagnostic}/question").text) == first


def test_the_resume_code_continues_on_another_device(client, backend):  # type: ignore[no-untyped-def]
    from litestar.testing import TestClient

    from app.asgi import create_app

    diagnostic = start(client)
    question = client.get(f"/diagnostic/{diagnostic}/question").text
    code = re.search(r'class="code">([A-Z0-9-]+)<', question)
    assert code
    with TestClient(app=create_app(backend.settings)) as other:
        csrf(other, "/reprendre")
        typed = code.group(1).lower().replace("-", " ")
        page = other.post("/reprendre", data={"_csrf_token": _token(other), "code": typed})
        assert f"/diagnostic/{diagnostic}/question" in str(page.url)
        wrong = other.post("/reprendre", data={"_csrf_token": _token(other), "code": "AAAA-AAAA"})
        assert wrong.status_code == 404
        assert "ne correspond à aucun diagnostic" in html.unescape(wrong.text)


def test_a_form_post_without_csrf_token_is_refused(client):
    csrf(client, "/")
    assert client.post("/diagnostic", data={}).status_code == 403


def test_unknown_pages_get_a_french_error_page(client):
    response = client.get("/diagnostic/00000000-0000-4000-8000-000000000000/question")
    assert response.status_code == 404
    assert "text/html" in response.headers["content-type"]
    assert "Revenir à l'accueil" in html.unescape(response.text)


def test_a_context_answer_outside_the_choices_is_refused_not_stored(client):
    diagnostic = start(client)
    page = client.post(
        f"/diagnostic/{diagnostic}/contexte",
        data={"_csrf_token": _token(client), "frequency": "parfois", "knows_help": "oui"},
    )
    assert page.status_code == 400
    assert "frequency : une de ces valeurs" in html.unescape(page.text)
    assert client.get(f"/api/v1/diagnostics/{diagnostic}").json()["context"] == {}


def test_a_result_without_every_core_competence_is_to_complete(client):
    diagnostic = start(client)
    page = client.get(f"/diagnostic/{diagnostic}/question")
    while "/question" in str(page.url):
        item = current_item(page.text)
        value = "?" if item.startswith("C3.") else "2"  # « démarches en ligne » never placed
        page = client.post(
            f"/diagnostic/{diagnostic}/question",
            data={"_csrf_token": _token(client), "item": item, "value": value},
        )
    for step in ("contexte", "besoins", "terminer"):
        page = client.post(f"/diagnostic/{diagnostic}/{step}", data={"_csrf_token": _token(client)})
    text = html.unescape(page.text)
    assert "Résultat à compléter" in text
    assert "Autonome pour l'essentiel" not in text


def _context(client, diagnostic: str, **fields: str):  # type: ignore[no-untyped-def]
    return client.post(
        f"/diagnostic/{diagnostic}/contexte", data={"_csrf_token": _token(client), **fields}
    )


def test_the_commune_is_read_as_people_type_it_and_a_typo_is_offered_not_picked(client):
    diagnostic = start(client)
    state = f"/api/v1/diagnostics/{diagnostic}"

    assert str(_context(client, diagnostic, commune_query="Lyon 3e").url).endswith("/besoins")
    assert client.get(state).json()["context"]["commune"] == "69123"
    # shown again as what to type for it, and sent back unchanged
    form = html.unescape(client.get(f"/diagnostic/{diagnostic}/contexte").text)
    assert 'value="69001 Lyon"' in form

    page = _context(client, diagnostic, commune_query="Mouliins", knows_help="oui")
    assert page.status_code == 400
    text = html.unescape(page.text)
    assert "Est-ce l'une de ces communes ?" in text and 'value="03190"' in text
    assert client.get(state).json()["context"]["commune"] == "69123"  # nothing half written
    chosen = _context(client, diagnostic, commune_query="Mouliins", commune="03190")
    assert str(chosen.url).endswith("/besoins")
    assert client.get(state).json()["context"]["commune"] == "03190"

    page = _context(client, diagnostic, commune_query="13001")  # Marseille, not Aix
    assert str(page.url).endswith("/besoins")
    assert client.get(state).json()["context"]["commune"] == "13055"

    _context(client, diagnostic, commune_query="")  # emptied: no commune any more
    assert client.get(state).json()["context"].get("commune") is None
