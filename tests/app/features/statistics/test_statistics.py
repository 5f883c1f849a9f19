"""The statistics as pages and the open-data export give them, on SQLite and PostgreSQL: a
person alone in a tiny commune with an unusual age, need and badge stays unreadable whatever
table, territory, period or subtraction is tried, and the export validates against its schema."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
from click.testing import CliRunner
from frictionless import Resource, Schema, validate
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.cli import main
from app.config import Settings
from app.db.migrate import upgrade
from app.db.models import (
    Channel,
    Consent,
    Credential,
    Diagnostic,
    DiagnosticStatus,
    Person,
    StatCell,
    Structure,
)
from app.features.badges import revoke
from app.features.statistics import (
    SUPPRESSED,
    THRESHOLD,
    Indicator,
    Kind,
    Level,
    PeriodError,
    descendants,
    france,
    period,
    refresh,
    spec,
    statistics_rows,
    statistics_table,
    territory,
)
from app.features.statistics.open_data import schema_path, table_schema
from tests.app.conftest import Backend, command_environment, empty_database
from tests.app.features.statistics.badges import a_person, award
from tests.app.features.statistics.people import RARE_AGE, RARE_NEED, TINY

YEAR = 2026
ALIAS = "Mireille-Tournesol"
BIRTH_BAND = "1930-1939"
FREE_TEXT = "habite au fond de l'impasse des Lilas"
BIG = ("18033", "18279", "18197")  # Bourges, Vierzon, Saint-Amand-Montrond
SMALL = ("18027", "18031")  # Bengy-sur-Craon, Blet: Charly's EPCI
BADGE_DAY = datetime(YEAR, 6, 1, 10, tzinfo=UTC)
RARE_BADGE = ("R1", "R")  # a competence of « Création de contenu », and its domain


@dataclass
class World:
    settings: Settings
    planted: str  # the planted diagnostic's id


def _context(commune: str, age: str, needs: list[str]) -> dict[str, Any]:
    return {
        "commune": commune,
        "age_band": age,
        "needs": needs,
        "equipment": ["smartphone"],
        "frequency": "chaque_semaine",
        "note": FREE_TEXT,
    }


def _diagnostic(context: dict[str, Any], person: Person | None, when: datetime) -> Diagnostic:
    return Diagnostic(
        id=uuid4(),
        channel=Channel.PAPER if person else Channel.ONLINE,
        status=DiagnosticStatus.COMPLETED,
        referential_version="1",
        answers={"E1.1": 2},
        asked=["E1.1"],
        context=context,
        goals=dict.fromkeys(context["needs"], "A2"),
        result={"profile": "debutant", "domains": [{"code": "E", "level": 1}]},
        person_id=None if person is None else person.id,
        structure_id=None if person is None else person.structure_id,
        completed_at=when,
        created_at=when,
    )


async def _fill(db: AsyncSession, rng: random.Random, count: int) -> str:
    structure = Structure(name=f"Structure {uuid4().hex[:6]}")
    db.add(structure)
    await db.flush()
    when = datetime(YEAR, 3, 1, 10, tzinfo=UTC)
    ages = ("vingt_cinq_trente_neuf", "quarante_cinquante_neuf", "soixante_dix_plus")
    for n in range(count):
        commune = rng.choice(BIG if n % 3 else SMALL)
        context = _context(commune, rng.choice(ages), rng.sample(["caf", "sante", "proches"], 2))
        db.add(_diagnostic(context, None, when))
    person = Person(
        structure_id=structure.id, alias=ALIAS, birth_year_band=BIRTH_BAND, commune_insee=TINY
    )
    person.consents.append(Consent(text_version="1", given_at=when))
    db.add(person)
    await db.flush()
    planted = _diagnostic(_context(TINY, RARE_AGE, [RARE_NEED]), person, when)
    db.add(planted)
    db.add(_diagnostic(_context(TINY, RARE_AGE, [RARE_NEED]), person, when.replace(month=4)))
    for n in range(24):  # people with a badge in the towns, the planted person's rare one
        holder = await a_person(db, structure, rng.choice(BIG))
        await award(db, holder, "E1" if n % 3 else "C1", issued_at=BADGE_DAY)
    await award(db, person, RARE_BADGE[0], issued_at=BADGE_DAY)
    await db.commit()
    return str(planted.id)


def _run_db(database: Settings, work: Any) -> Any:
    return Backend("statistics", database).run(work)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> World:
    database = empty_database(request.param, Path(tmp_path_factory.mktemp("stats")))
    upgrade(database)

    async def work(db: AsyncSession) -> str:
        planted = await _fill(db, random.Random(13), 260)
        await refresh(db)
        return planted

    return World(database, _run_db(database, work))


def _cher_territories() -> list[tuple[Level, str]]:
    cher = territory(Level.DEPARTEMENT, "18")
    found = [(Level.FRANCE, "FR"), (Level.REGION, "24"), (Level.DEPARTEMENT, "18")]
    found += [(Level.EPCI, e.code) for e in descendants(cher, Level.EPCI)]
    return found


def _levels_below(level: Level) -> list[Level]:
    order = list(Level)
    return order[order.index(level) + 1 :]


queries = st.tuples(
    st.sampled_from([i for i in Indicator if spec(i).kind != Kind.EXACT]),
    st.sampled_from(_cher_territories()),
    st.data(),
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(queries)
def test_no_table_and_no_subtraction_reads_fewer_than_eleven_people(
    world: World, query: tuple[Indicator, tuple[Level, str], st.DataObject]
) -> None:
    indicator, (level, code), data = query
    within = territory(level, code)
    below = data.draw(st.sampled_from(_levels_below(level)))
    table = _run_db(world.settings, lambda db: statistics_table(db, indicator, YEAR, below, within))
    columns = [c.code for c in table.columns]
    for row in (*table.rows, table.summary):
        for cell in (row.total, *row.cells):
            assert cell.count is None or cell.count >= THRESHOLD
            assert cell.shown == SUPPRESSED or int(cell.shown.replace("\u202f", "")) >= THRESHOLD
        published = [c.count for c in row.cells if c.count is not None]
        secret = [c for c in row.cells if c.count is None]
        if (
            spec(indicator).kind == Kind.PARTITION
            and row.total.count is not None
            and len(secret) == 1
        ):
            left = row.total.count - sum(published)
            assert left == 0 or left >= THRESHOLD  # the total minus the other columns
    if (
        below == _levels_below(level)[0]
    ):  # the parent minus its children (a département minus its EPCI)
        for name in ["total", *columns]:
            parent = (table.summary.total if name == "total" else table.summary.cell(name)).count
            kids = [r.total if name == "total" else r.cell(name) for r in table.rows]
            hidden = [k for k in kids if k.count is None]
            if parent is not None and len(hidden) == 1:
                left = parent - sum(k.count or 0 for k in kids)
                assert left == 0 or left >= THRESHOLD, (name, left)


def test_the_planted_person_is_never_a_number(world: World) -> None:
    charly = territory(Level.COMMUNE, TINY)
    epci = territory(Level.EPCI, charly.parent or "")

    async def work(db: AsyncSession) -> list[Any]:
        return [
            *await statistics_rows(db, Indicator.AGE_BAND, YEAR, [charly, epci]),
            *await statistics_rows(db, Indicator.NEEDS, YEAR, [charly, epci]),
            *await statistics_rows(db, Indicator.PEOPLE, YEAR, [charly]),
            *await statistics_rows(db, Indicator.BADGES, YEAR, [charly, epci]),
        ]

    age_charly, age_epci, need_charly, need_epci, people, badge_charly, badge_epci = _run_db(
        world.settings, work
    )
    assert people.total.shown == SUPPRESSED and people.diagnostics is None
    for row in (age_charly, age_epci):
        assert row.cell(RARE_AGE).shown == SUPPRESSED
    for row in (need_charly, need_epci):
        assert row.cell(RARE_NEED).shown == SUPPRESSED
    assert badge_charly.total.shown == SUPPRESSED
    for row in (badge_charly, badge_epci):
        assert row.cell(RARE_BADGE[1]).shown == SUPPRESSED


def test_side_by_side_rows_are_the_tables_rows(world: World) -> None:
    cher = territory(Level.DEPARTEMENT, "18")
    two = list(descendants(cher, Level.EPCI)[:2])

    async def work(db: AsyncSession) -> tuple[Any, Any]:
        table = await statistics_table(db, Indicator.AGE_BAND, YEAR, Level.EPCI, cher)
        return table, await statistics_rows(db, Indicator.AGE_BAND, YEAR, two)

    table, rows = _run_db(world.settings, work)
    by_code = {row.territory.code: row for row in table.rows}
    assert [by_code[t.code] for t in two] == list(rows)
    assert table.within == cher and table.summary.total.count is not None


def test_a_refresh_of_what_changed_publishes_what_a_full_one_does(world: World) -> None:
    async def snapshot(db: AsyncSession) -> dict[Any, Any]:
        rows = await db.scalars(select(StatCell))
        return {(r.year, r.indicator, r.level, r.code): r.cells for r in rows}

    async def work(db: AsyncSession) -> tuple[dict[Any, Any], dict[Any, Any]]:
        rng = random.Random(7)
        when = datetime(YEAR, 5, 2, 9, tzinfo=UTC)
        for _ in range(40):
            context = _context(rng.choice(BIG), "soixante_dix_plus", ["caf"])
            db.add(_diagnostic(context, None, when))
        # badges issued and one revoked since the last refresh, a holder moved to Vierzon
        structure = await db.scalar(select(Structure).limit(1))
        for _ in range(3):
            await award(db, await a_person(db, structure, rng.choice(BIG)), issued_at=when)
        issued = list(await db.scalars(select(Credential).where(Credential.competence == "C1")))
        await revoke(db, issued[0], reason="Erreur de saisie", by=None)
        moved = await db.get(Person, issued[1].person_id)
        moved.commune_insee = "18279" if moved.commune_insee != "18279" else "18033"
        await db.commit()
        await refresh(db)
        after_changes = await snapshot(db)
        await refresh(db, full=True)
        return after_changes, await snapshot(db)

    changed, full = _run_db(world.settings, work)
    assert changed == full


def test_the_schema_shipped_is_the_one_every_export_follows() -> None:
    shipped = json.loads(Path(schema_path()).read_text("utf-8"))
    assert shipped == table_schema()
    names = [field["name"] for field in shipped["fields"]]
    assert {"nb_personnes_badge", "nb_personnes_badge_parcours"} <= set(names)
    assert "nb_personnes_badge_domaine_e" in names


@pytest.mark.parametrize("level", ["commune", "epci", "departement", "region"])
def test_the_export_validates_and_names_nobody(world: World, level: str, tmp_path: Path) -> None:
    schema = Schema.from_descriptor(json.loads(Path(schema_path()).read_text("utf-8")))
    with command_environment(world.settings):
        for fmt in ("csv", "json"):
            out = tmp_path / f"{level}.{fmt}"
            result = CliRunner().invoke(
                main,
                [
                    "stats",
                    "export",
                    "--level",
                    level,
                    "--format",
                    fmt,
                    "--period",
                    str(YEAR),
                    "-o",
                    str(out),
                ],
            )
            assert result.exit_code == 0, result.output
            assert "Licence Ouverte" in result.stderr
            text = out.read_text("utf-8")
            for secret in (ALIAS, BIRTH_BAND, FREE_TEXT, world.planted, "1930"):
                assert secret not in text
            if fmt == "csv":
                report = validate(Resource(path=out.name, basepath=str(tmp_path), schema=schema))
            else:
                assert json.loads(text)["licenses"][0]["name"] == "etalab-2.0"
                report = validate(str(out))
            assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_an_overlapping_or_made_up_period_is_refused(world: World) -> None:
    for asked in ("2026-01..2026-06", "2026-03", "les six derniers mois", "1999"):
        with pytest.raises(PeriodError):
            period(asked)
    with command_environment(world.settings):
        result = CliRunner().invoke(
            main, ["stats", "export", "--level", "epci", "--period", "2026-01..2026-06"]
        )
    assert result.exit_code == 2
    assert "choisissez une année" in result.stderr


def test_france_is_the_whole_tree() -> None:
    assert france().code == "FR"
    assert {"18", "2A", "971"} <= {d.code for d in descendants(france(), Level.DEPARTEMENT)}


def test_the_public_page_shows_the_same_cells_and_its_files(world: World, tmp_path: Path) -> None:
    from litestar.testing import TestClient

    from app.asgi import create_app

    with TestClient(app=create_app(world.settings)) as client:
        shown = client.get(
            "/statistiques", params={"niveau": "epci", "departement": "18", "indicateur": "needs"}
        )
        assert shown.status_code == 200
        assert "Licence Ouverte" in shown.text and SUPPRESSED.replace("<", "&lt;") in shown.text
        assert ALIAS not in shown.text and FREE_TEXT not in shown.text
        badges = client.get("/statistiques", params={"niveau": "epci", "indicateur": "badges"})
        assert badges.status_code == 200 and "Personnes ayant reçu un badge" in badges.text
        bad = client.get("/statistiques", params={"niveau": "quartier"})
        assert bad.status_code == 422 and "choisissez dans les listes" in bad.text
        csv_file = client.get(
            "/statistiques/donnees.csv", params={"niveau": "commune", "annee": YEAR}
        )
        assert csv_file.status_code == 200 and "license" in csv_file.headers["link"]
        (tmp_path / "communes.csv").write_bytes(csv_file.content)
        schema = Schema.from_descriptor(json.loads(Path(schema_path()).read_text("utf-8")))
        report = validate(Resource(path="communes.csv", basepath=str(tmp_path), schema=schema))
        assert report.valid
        assert client.get("/statistiques/donnees.json", params={"niveau": "x"}).status_code == 422
