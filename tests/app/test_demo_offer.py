"""The demo a newcomer sees after `make run`, loaded on an empty database of each kind: the Cher
offer with places, workshops and six weeks of sessions, a full session with people waiting,
Mme R.'s result raised by the exit check she passed, both exports valid, and a second load
that adds nothing."""

from __future__ import annotations

import asyncio
import csv
import io
import os
import statistics
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from data_inclusion.schema.v1 import Service
from data_inclusion.schema.v1.score_qualite import score
from litestar.testing import TestClient
from sqlalchemy import func, select

from app.asgi import create_app
from app.config import Settings
from app.db.migrate import upgrade
from app.db.models import (
    Booking,
    BookingStatus,
    Credential,
    Diagnostic,
    Person,
    Place,
    Session,
    Workshop,
)
from app.demo import load_demo
from tests.app.conftest import Backend, empty_database
from tests.app.open_data import assert_valid_lamednum

BAUGY = "Permanence numérique de la mairie de Baugy"
DONE_ALONE = 2  # « Je le fais seul quand tout se passe bien »


@dataclass(frozen=True)
class Demo:
    settings: Settings
    counts: dict[str, int]
    printed: list[str]  # what `make run` prints


def counts(settings: Settings) -> dict[str, int]:
    """Rows of every table, to compare two loads."""

    async def go(db: Any) -> dict[str, int]:
        found = {}
        for table in Person.metadata.sorted_tables:
            found[table.name] = int(await db.scalar(select(func.count()).select_from(table)))
        return found

    return Backend("demo", settings).run(go)


@pytest.fixture(scope="module")
def demo(backend: Backend, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    folder = tmp_path_factory.mktemp("demo")
    settings = empty_database(backend.name, folder)
    upgrade(settings)
    here = Path.cwd()
    os.chdir(folder)  # the demo writes var/demo-credentials.txt
    try:
        asyncio.run(load_demo(settings))
        first = counts(settings)
        printed = asyncio.run(load_demo(settings))
        yield Demo(settings, first, printed)
    finally:
        os.chdir(here)


def read(demo: Demo, query: Any) -> list[Any]:
    async def go(db: Any) -> list[Any]:
        return list((await db.execute(query)).all())

    return Backend("demo", demo.settings).run(go)


def test_loading_the_demo_twice_adds_nothing(demo):
    assert counts(demo.settings) == demo.counts
    assert demo.counts["place"] >= 4 and demo.counts["session"] >= 20


def test_the_cher_structures_have_places_workshops_across_themes_and_six_weeks_of_sessions(demo):
    places = read(demo, select(Place.name, Place.commune_insee, Place.structure_id))
    assert all(insee.startswith("18") for _, insee, _ in places)
    assert len({structure for _, _, structure in places}) >= 3
    themes = {t for (themes,) in read(demo, select(Workshop.themes)) for t in themes}
    assert len(themes) >= 4, themes
    now = datetime.now(UTC)
    starts = sorted(s for (s,) in read(demo, select(Session.starts_at)) if s > now)
    assert starts[0] < now + timedelta(days=8)
    assert now + timedelta(weeks=5) < starts[-1] <= now + timedelta(weeks=6, days=1)


def test_a_full_session_has_people_waiting(demo):
    full = read(
        demo,
        select(Session.id)
        .where(Session.confirmed_count == Session.capacity, Session.starts_at > func.now())
        .join(Booking, Booking.session_id == Session.id)
        .where(Booking.status == BookingStatus.WAITING),
    )
    assert full


def test_mme_rs_latest_result_counts_the_exit_check_she_passed(demo):
    [(result,)] = read(
        demo,
        select(Diagnostic.result)
        .join(Person, Person.id == Diagnostic.person_id)
        .where(Person.alias == "Mme R.")
        .order_by(Diagnostic.created_at.desc())
        .limit(1),
    )
    levels = {c["code"]: c["level"] for c in result["competences"]}
    # She answered « with help » everywhere; the phone workshop's exit check raises E1.
    assert levels["E1"] >= DONE_ALONE


@pytest.fixture(scope="module")
def demo_client(demo: Demo) -> Iterator[TestClient]:  # type: ignore[type-arg]
    with TestClient(app=create_app(demo.settings)) as client:
        yield client


def test_the_demo_offer_exports_to_data_inclusion_with_a_median_quality_of_09(demo_client):
    services = demo_client.get("/api/v1/exports/data-inclusion/services").json()
    assert services
    scores = [
        score(Service.model_validate(record, context={"ignore_warnings": False}))[0]
        for record in services
    ]
    median = statistics.median(scores)
    print(f"score_qualite of the demo's {len(scores)} services: median {median}")
    assert median >= 0.9, sorted(scores)


def test_the_demo_offer_exports_every_place_but_baugy_to_lamednum(demo, demo_client, tmp_path):
    answer = demo_client.get("/api/v1/exports/lamednum.csv")
    assert answer.status_code == 200
    assert_valid_lamednum(answer.content, tmp_path)
    exported = {row["nom"] for row in csv.DictReader(io.StringIO(answer.text))}
    places = {name for (name,) in read(demo, select(Place.name))}
    assert BAUGY in places
    assert exported == places - {BAUGY}


def test_the_demo_residents_get_a_pathway_with_sessions_to_book_near_bourges(demo, demo_client):
    online = read(demo, select(Diagnostic.id).where(Diagnostic.person_id.is_(None)))
    proposed = [
        demo_client.post("/api/v1/recommendations", json={"diagnostic_id": str(i)}).json()
        for (i,) in online
    ]
    needs = [need for answer in proposed for need in answer["needs"]]
    assert len(needs) == len(online)  # each chose one need
    steps = [step for need in needs for step in need["steps"]]
    assert steps, needs
    assert any(step["sessions"] for step in steps)  # the demo offer is near Bourges
    assert all(step["why"] for step in steps)


def test_mme_r_holds_badges_from_her_workshops_one_of_them_revoked(demo):
    async def go(db: Any) -> list[tuple[str, bool]]:
        found = await db.scalars(
            select(Credential)
            .join(Person, Person.id == Credential.person_id)
            .where(Person.alias == "Mme R.")
            .order_by(Credential.achievement)
        )
        return [(c.achievement, c.revoked_at is not None) for c in found]

    badges = Backend("demo", demo.settings).run(go)
    assert badges == [("C1-3", False), ("E1-2", False), ("E2-2", True)]


def test_the_demo_prints_the_link_of_a_wallet_with_badges(demo, demo_client):
    (line,) = [line for line in demo.printed if "/portefeuille/" in line]
    path = "/portefeuille/" + line.rsplit("/portefeuille/", 1)[1]
    wallet = demo_client.get(path)
    assert wallet.status_code == 200
    assert wallet.text.count('class="badge"') >= 1
