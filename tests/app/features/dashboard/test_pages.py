"""The territory pages as a coordinator of the Cher uses them: the dashboard, two territories
side by side, the map of needs against the offer by commune and EPCI, the white zones, each
one's CSV; and what a coordinator of another département, or a bad address, gets."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.db.models import Role
from app.demo_synthetic import fill_synthetic
from app.features.accounts import AccountService
from app.features.dashboard.pages import READING
from app.features.statistics import refresh
from app.throttle import Throttles
from tests.app.cher_offer import build_cher_offer
from tests.app.conftest import login
from tests.app.test_accounts import admin
from tests.app.test_mediator_pages import text_of

CHER_COMMUNES = 286
BOURGES_EPCI = "epci:241800507"  # CA Bourges Plus
SEED = 13


@pytest.fixture(scope="module")
def cher(backend: Any) -> None:
    """Simulated residents of the Cher, the Cher's offer, and the statistics refreshed."""

    async def fill(db: Any) -> None:
        await build_cher_offer(db)
        await fill_synthetic(db, 800, SEED, "18")
        await refresh(db)

    backend.run(fill)


def coordinator(backend: Any, client: Any, **scope: str) -> str:
    email, _ = backend.user(Role.COORDINATOR, **scope)
    login(client, email)
    return email


def rows(response: Any) -> list[list[str]]:
    assert response.headers["content-type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_a_coordinator_lands_on_their_dashboard_with_every_chart_and_its_table(
    backend, client, cher
):
    coordinator(backend, client)
    page = client.get("/pro")
    page = client.get("/pro/territoire")
    assert page.status_code == 200
    shown = text_of(page.text)
    assert "Tableau de bord : Cher" in shown
    for title in ("Âge", "Matériel", "Profil", "Usage d'internet", "Personnes ayant reçu un badge"):
        assert title in shown
    charts = page.text.count('role="img"')
    assert charts >= 10 and page.text.count("<table") >= charts
    assert "< 11" in page.text
    assert "sim-" not in page.text  # no alias leaves the layer
    english = text_of(client.get("/pro/territoire", params={"lang": "en"}).text)
    for title in ("Age", "Equipment", "Use of the internet", "Level: ", "Needs", "At least one"):
        assert title in english
    assert "Usage d'internet" not in english
    download = client.get("/pro/territoire/tableau.csv")
    table = rows(download)
    assert table[0] == ["annee", "territoire", "indicateur", "colonne", "libelle", "valeur"]
    assert {r[1] for r in table[1:]} == {"Cher"}
    assert "sim-" not in download.text


def test_two_territories_side_by_side_and_the_detail_by_epci(backend, client, cher):
    coordinator(backend, client)
    page = client.get("/pro/territoire", params={"comparer": BOURGES_EPCI})
    assert page.status_code == 200
    assert "CA Bourges Plus" in text_of(page.text)
    assert page.text.count('<th scope="col">CA Bourges Plus</th>') >= 10
    table = rows(client.get("/pro/territoire/tableau.csv", params={"comparer": BOURGES_EPCI}))
    assert {r[1] for r in table[1:]} == {"Cher", "CA Bourges Plus"}
    assert "Détail par territoire" in page.text
    epci = client.get("/pro/territoire", params={"territoire": BOURGES_EPCI})
    assert "Vierzon" in text_of(epci.text)


def test_the_map_colours_each_commune_or_epci_and_draws_the_places(backend, client, cher):
    coordinator(backend, client)
    page = client.get("/pro/territoire/carte", params={"niveau": "commune"})
    assert page.status_code == 200
    svg = page.text[page.text.index("<svg") : page.text.index("</svg>")]
    assert svg.count("<path") >= CHER_COMMUNES
    assert "<circle" in svg  # the places with sessions
    assert "Médiathèque des Gibjoncs" in svg
    table = rows(client.get("/pro/territoire/carte.csv", params={"niveau": "commune"}))
    assert len(table) == CHER_COMMUNES + 1
    assert any(r[1] == "< 11" for r in table[1:])
    epci = client.get("/pro/territoire/carte", params={"niveau": "epci", "indicateur": "needs:caf"})
    assert epci.status_code == 200
    assert "CA Bourges Plus" in text_of(epci.text)


def test_white_zones_list_the_communes_far_from_any_session_for_the_need(backend, client, cher):
    coordinator(backend, client)
    params = {"besoin": "telephone", "distance": "5", "semaines": "8"}
    page = client.get("/pro/territoire/zones-blanches", params=params)
    assert page.status_code == 200
    shown = text_of(page.text)
    assert re.search(r"\d+ commune\(s\) en zone blanche", shown)
    table = rows(client.get("/pro/territoire/zones-blanches.csv", params=params))
    by_name = {r[0]: r for r in table[1:]}
    assert len(by_name) == CHER_COMMUNES
    assert by_name["Bourges (18000)"][3] == "non"  # the médiathèque is there
    far = [r for r in table[1:] if r[3] != "non"]
    assert far and all(r[2] == "aucune à moins de 5 km" for r in far)
    assert all(r[3] == "oui" for r in far if r[1] != "< 11")
    wide = rows(
        client.get("/pro/territoire/zones-blanches.csv", params={**params, "distance": "100"})
    )
    assert all(r[3] == "non" for r in wide[1:])


@pytest.mark.parametrize(
    "path",
    [
        "/pro/territoire",
        "/pro/territoire/tableau.csv",
        "/pro/territoire/carte",
        "/pro/territoire/carte.csv",
        "/pro/territoire/zones-blanches",
        "/pro/territoire/zones-blanches.csv",
    ],
)
def test_a_coordinator_of_another_departement_sees_nothing_of_the_cher(backend, client, cher, path):
    coordinator(backend, client, departement="03")
    for territory in ("departement:18", BOURGES_EPCI, "commune:18033", "region:24", "france"):
        for name in ("territoire", "comparer"):
            response = client.get(path, params={name: territory})
            if name == "comparer" and "territoire/carte" in path:
                continue  # the map compares nothing: the parameter is not read
            if name == "comparer" and "zones" in path:
                continue
            assert response.status_code == 404, (territory, name)
            assert "Bourges" not in response.text and "Vierzon" not in response.text
    own = client.get(path)
    assert own.status_code == 200
    assert "Bourges" not in own.text and "Vierzon" not in own.text


def test_a_coordinator_of_the_region_reads_each_of_its_departements(backend, client, cher):
    coordinator(backend, client, region="24")
    page = client.get("/pro/territoire")
    assert "Centre-Val de Loire" in text_of(page.text)
    assert client.get("/pro/territoire", params={"territoire": "departement:18"}).status_code == 200
    assert client.get("/pro/territoire", params={"territoire": "departement:03"}).status_code == 404
    by_departement = client.get("/pro/territoire/carte", params={"territoire": "region:24"})
    assert by_departement.status_code == 200


def test_an_administrator_reads_the_whole_country_and_its_map_by_departement(backend, client, cher):
    admin(backend, client)
    page = client.get("/pro/territoire")
    assert page.status_code == 200
    assert "Tableau de bord : France" in text_of(page.text)
    france = client.get("/pro/territoire/carte")
    assert france.status_code == 200
    svg = france.text[france.text.index("<svg") : france.text.index("</svg>")]
    assert svg.count("<path") >= 96 + 13  # the metropolitan départements, the régions' borders
    cher_map = client.get("/pro/territoire/carte", params={"territoire": "departement:18"})
    assert "Bourges" in cher_map.text


def _people_counts(table: list[list[str]], columns: list[int]) -> list[str]:
    return [row[i] for row in table[1:] for i in columns]


def test_no_page_shows_a_count_of_one_to_ten_people(backend, client, cher):
    """Every count of people in every CSV (what the pages show) is « < 11 » or 11 and more;
    only the offer (sessions, seats) and the rates are exact."""
    coordinator(backend, client)
    shown: list[str] = []
    for territory in ("departement:18", BOURGES_EPCI, "commune:18033", "commune:18001"):
        table = rows(client.get("/pro/territoire/tableau.csv", params={"territoire": territory}))
        shown += [r[5] for r in table[1:] if r[2] != "offer" and r[3] != "taux_absence"]
    for level in ("commune", "epci"):
        for indicator in ("people:total", "needs:caf", "age_band:soixante_dix_plus", "badges:E"):
            params = {"niveau": level, "indicateur": indicator}
            shown += _people_counts(
                rows(client.get("/pro/territoire/carte.csv", params=params)), [1]
            )
    zones = client.get("/pro/territoire/zones-blanches.csv", params={"besoin": "arnaques"})
    shown += _people_counts(rows(zones), [1])
    small = [v for v in shown if v != "< 11" and int(v.replace("\u202f", "")) < 11]
    assert not small
    assert "< 11" in shown


def test_reading_without_end_is_refused_for_an_hour(backend, client, cher):
    email = coordinator(backend, client)
    throttles = Throttles(backend.settings.secret())

    async def read_a_lot(db: Any) -> None:
        user = await AccountService(db).by_email(email)
        for _ in range(READING.attempts):
            await throttles.hit(db, READING, f"user:{user.id}")
        await db.commit()

    backend.run(read_a_lot)
    assert client.get("/pro/territoire/zones-blanches.csv").status_code == 429
    assert client.get("/pro/territoire").status_code == 429


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    name=st.sampled_from(
        [
            "territoire",
            "comparer",
            "annee",
            "niveau",
            "indicateur",
            "semaines",
            "besoin",
            "distance",
        ]
    ),
    value=st.text(max_size=30),
    path=st.sampled_from(
        ["/pro/territoire", "/pro/territoire/carte", "/pro/territoire/zones-blanches"]
    ),
)
def test_any_choice_in_the_address_gives_a_page_or_a_french_error(
    backend, client, cher, name, value, path
):
    if not client.cookies.get("session"):
        coordinator(backend, client)
    response = client.get(path, params={name: value})
    if "\x00" in value:  # refused before any page reads it (app/nul_bytes.py)
        assert response.status_code == 400
        return
    assert response.status_code in (200, 404, 422), response.status_code
    if response.status_code != 200:
        assert "introuvable" in response.text or "Choisissez" in response.text
