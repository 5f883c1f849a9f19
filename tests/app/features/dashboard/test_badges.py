"""Badges issued in the Cher on the territory pages, as a coordinator reads them: a count
once 11 people or more have one, « < 11 » below that, a revoked badge gone at the next
refresh (of what changed, or full), nothing for a coordinator of the Allier, and the same
numbers in the open data. On SQLite and PostgreSQL, each test on a database of its own so
that the counts are exactly those it plants."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from click.testing import CliRunner
from frictionless import Resource, Schema, validate
from litestar.testing import TestClient

from app.asgi import create_app
from app.cli import main
from app.db.migrate import upgrade
from app.db.models import Credential, Person, Role
from app.features.badges import revoke
from app.features.statistics import TOTAL, Indicator, refresh
from app.features.statistics.open_data import schema_path
from app.features.statistics.refresh import commune_counts
from app.privacy import erase_parts
from app.when import in_paris
from tests.app.conftest import Backend, command_environment, empty_database, login
from tests.app.features.statistics.badges import a_person, a_structure, award, award_pathway

YEAR = in_paris(datetime.now(UTC)).year
DAY = datetime(YEAR, 6, 2, 10, tzinfo=UTC)  # every badge here is issued in YEAR unless said
BOURGES, VIERZON, SAINT_AMAND = "18033", "18279", "18197"
BOURGES_EPCI = "epci:241800507"  # CA Bourges Plus
CHER_PLACES = ("departement:18", BOURGES_EPCI, "commune:18033", "region:24")


@pytest.fixture(params=["sqlite", "postgresql"])
def world(request: pytest.FixtureRequest, tmp_path: Path) -> Backend:
    settings = empty_database(request.param, tmp_path)
    upgrade(settings)
    return Backend(request.param, settings)


@pytest.fixture
def client(world: Backend) -> Iterator[TestClient[Any]]:
    with TestClient(app=create_app(world.settings)) as test_client:
        yield test_client


def give(world: Backend, count: int, commune: str = BOURGES, competence: str = "E1") -> list[UUID]:
    """``count`` new people of ``commune``, each with a badge of ``competence``."""

    async def go(db: Any) -> list[UUID]:
        structure = await a_structure(db)
        issued = [
            await award(db, await a_person(db, structure, commune), competence, issued_at=DAY)
            for _ in range(count)
        ]
        await db.commit()
        return [c.id for c in issued]

    found: list[UUID] = world.run(go)
    return found


def take_back(world: Backend, credential_id: UUID) -> None:
    async def go(db: Any) -> None:
        await revoke(db, await db.get(Credential, credential_id), reason="Erreur", by=None)
        await db.commit()

    world.run(go)


def stats_command(world: Backend, *args: str) -> str:
    """``parcours stats …`` as an operator runs it."""
    with command_environment(world.settings):
        result = CliRunner().invoke(main, ["stats", *args])
    assert result.exit_code == 0, result.output
    return result.output


def coordinator(world: Backend, client: TestClient[Any], departement: str = "18") -> None:
    email, _ = world.user(Role.COORDINATOR, departement=departement)
    login(client, email)


def rows(response: Any) -> list[list[str]]:
    assert response.status_code == 200, response.text
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def badges_shown(client: TestClient[Any], territory: str) -> dict[str, str]:
    """The badges' lines of the dashboard's CSV of a territory: column -> what it shows."""
    table = rows(
        client.get("/pro/territoire/tableau.csv", params={"territoire": territory, "annee": YEAR})
    )
    return {r[3]: r[5] for r in table[1:] if r[2] == Indicator.BADGES}


def test_badges_show_from_eleven_people_and_a_revoked_one_stops_counting(world, client):
    coordinator(world, client)
    first = give(world, 10)
    assert "10 avec des badges" in stats_command(world, "refresh")
    for place in ("departement:18", BOURGES_EPCI, "commune:18033"):
        assert badges_shown(client, place)[TOTAL] == "< 11", place

    give(world, 1, competence="E2")  # the eleventh person, another badge of the same domain
    assert "1 avec des badges" in stats_command(world, "refresh")
    for place in ("departement:18", BOURGES_EPCI, "commune:18033"):
        shown = badges_shown(client, place)
        assert shown[TOTAL] == shown["E"] == "11", (place, shown)
        assert shown["C"] == shown["pathway"] == "< 11"
    page = client.get("/pro/territoire", params={"territoire": "commune:18033", "annee": YEAR})
    assert "Personnes ayant reçu un badge" in page.text and "Au moins un badge" in page.text
    assert '<h2 id="badges">' in page.text and 'aria-labelledby="fig-badges-title' in page.text
    by_commune = rows(
        client.get(
            "/pro/territoire/carte.csv",
            params={"niveau": "commune", "indicateur": "badges:total", "annee": YEAR},
        )
    )
    assert {r[0]: r[1] for r in by_commune[1:]}["Bourges"] == "11"

    take_back(world, first[0])
    stats_command(world, "refresh")
    assert badges_shown(client, "departement:18")[TOTAL] == "< 11"
    assert badges_shown(client, "commune:18033")[TOTAL] == "< 11"

    give(world, 1, commune=VIERZON)  # counted by the nightly full refresh
    assert "11 avec des badges" in stats_command(world, "refresh", "--full")
    cher = badges_shown(client, "departement:18")
    assert cher[TOTAL] == "11"
    # Bourges (10) and Vierzon (1) stay hidden, together: nothing subtracts to one of them
    assert badges_shown(client, BOURGES_EPCI)[TOTAL] == "< 11"
    assert badges_shown(client, "commune:18033")[TOTAL] == "< 11"


def test_a_coordinator_of_another_departement_sees_nothing_of_the_cher_badges(world, client):
    give(world, 12)
    stats_command(world, "refresh")
    coordinator(world, client, departement="03")
    for path in ("/pro/territoire", "/pro/territoire/tableau.csv"):
        for place in CHER_PLACES:
            for name in ("territoire", "comparer"):
                response = client.get(path, params={name: place, "annee": YEAR})
                assert response.status_code == 404, (path, place, name)
                assert "Bourges" not in response.text
    for path in ("/pro/territoire/carte", "/pro/territoire/carte.csv"):
        params = {"territoire": "departement:18", "indicateur": "badges:total", "annee": YEAR}
        assert client.get(path, params=params).status_code == 404
    own = badges_shown(client, "departement:03")
    assert set(own.values()) == {"< 11"}
    mine = client.get("/pro/territoire/carte.csv", params={"indicateur": "badges:total"})
    assert "Bourges" not in mine.text and "12" not in {r[1] for r in rows(mine)[1:]}


def test_the_open_data_counts_people_with_a_badge_and_validates(world, tmp_path):
    first = give(world, 11, commune=SAINT_AMAND)
    give(world, 3, commune=SAINT_AMAND)  # 14 people with a badge in « Environnement »

    async def second(db: Any) -> None:  # and three of them with one in « Communication »
        for credential_id in first[:3]:
            credential = await db.get(Credential, credential_id)
            await award(db, await db.get(Person, credential.person_id), "C1", issued_at=DAY)
        await db.commit()

    world.run(second)
    stats_command(world, "refresh")
    schema = Schema.from_descriptor(json.loads(Path(schema_path()).read_text("utf-8")))
    for level in ("commune", "departement"):
        out = tmp_path / f"{level}.csv"
        stats_command(world, "export", "--level", level, "--period", str(YEAR), "-o", str(out))
        report = validate(Resource(path=out.name, basepath=str(tmp_path), schema=schema))
        assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
        found = {r["code"]: r for r in csv.DictReader(io.StringIO(out.read_text("utf-8")))}
        here = found[SAINT_AMAND if level == "commune" else "18"]
        assert here["nb_personnes_badge"] == here["nb_personnes_badge_domaine_e"] == "14"
        assert here["nb_personnes_badge_domaine_c"] == ""  # 3 people: secret
        assert here["nb_personnes_badge_parcours"] == ""  # nobody: secret too


def test_who_counts_where_and_when(world):
    """The layer's counts before secrecy: the domain of each badge, a pathway's badge in its
    own column, a person without a commune on their record where their diagnostic was, a badge
    issued last year in last year, a revoked badge nowhere, an erased person gone at once."""

    async def go(db: Any) -> dict[str, Any]:
        structure = await a_structure(db)
        both = await a_person(db, structure, BOURGES)
        await award(db, both, "E1", issued_at=DAY)
        await award(db, both, "E3", issued_at=DAY)
        await award(db, both, "P2", issued_at=DAY)
        walker = await a_person(db, structure, BOURGES)
        await award_pathway(db, walker, BOURGES, issued_at=DAY)
        unplaced = await a_person(db, structure, None)
        await award_pathway(db, unplaced, VIERZON, issued_at=DAY)
        nowhere = await a_person(db, structure, None)
        await award(db, nowhere, issued_at=DAY)
        last_year = await a_person(db, structure, VIERZON)
        await award(db, last_year, issued_at=DAY.replace(year=YEAR - 1))
        gone = await award(db, await a_person(db, structure, VIERZON), "C1", issued_at=DAY)
        await revoke(db, gone, reason="Erreur", by=None)
        await db.commit()
        await refresh(db)
        counts = {"now": await commune_counts(db, YEAR, "18")}
        counts["before"] = await commune_counts(db, YEAR - 1, "18")
        await erase_parts(db, await db.get(Person, both.id))
        await db.commit()
        counts["erased"] = await commune_counts(db, YEAR, "18")
        return counts

    counts = world.run(go)
    bourges, vierzon = counts["now"][BOURGES], counts["now"][VIERZON]
    badges = Indicator.BADGES
    assert bourges[(badges, TOTAL)] == 2  # three badges, two domains: one person, once each
    assert bourges[(badges, "E")] == bourges[(badges, "P")] == bourges[(badges, "pathway")] == 1
    assert vierzon[(badges, TOTAL)] == vierzon[(badges, "pathway")] == 1
    assert vierzon[(badges, "C")] == 0
    assert sum(c[(badges, TOTAL)] for c in counts["now"].values()) == 3
    assert counts["before"][VIERZON][(badges, TOTAL)] == 1
    assert counts["erased"][BOURGES][(badges, TOTAL)] == 1
    assert counts["erased"][BOURGES][(badges, "E")] == 0
