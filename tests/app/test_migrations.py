"""The Alembic migrations build exactly the schema the models describe, and keep the data."""

from __future__ import annotations

import asyncio
import os
import stat
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from advanced_alchemy.types import GUID, DateTimeUTC
from alembic import command
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from app.config import Settings, uploads_dir
from app.db.engine import SETTINGS
from app.db.migrate import alembic_config, upgrade
from app.db.models import Credential, Person, Structure
from app.features.badges import issue_for_evidence
from tests.app.conftest import empty_database
from tests.app.features.badges.support import recorded


def test_migrations_leave_nothing_for_autogenerate_to_add(backend):
    # `check` compares the migrated database with the models and raises on any difference.
    command.check(alembic_config(backend.settings))


STRUCTURE = sa.table(
    "structure",
    sa.column("id", GUID()),
    sa.column("name", sa.String()),
    sa.column("created_at", DateTimeUTC()),
    sa.column("updated_at", DateTimeUTC()),
)
BATCH = sa.table(
    "scan_batch",
    sa.column("id", GUID()),
    sa.column("structure_id", GUID()),
    sa.column("filename", sa.String()),
    sa.column("status", sa.String()),
    sa.column("pages_done", sa.Integer()),
    sa.column("content", sa.LargeBinary()),  # until 0004
    sa.column("path", sa.String()),  # from 0004
    sa.column("created_at", DateTimeUTC()),
    sa.column("updated_at", DateTimeUTC()),
)


def run(settings: Settings, statement: sa.Executable) -> list[sa.Row]:
    async def go() -> list[sa.Row]:
        engine = create_async_engine(settings.database_url)
        async with engine.begin() as connection:
            result = await connection.execute(statement)
            rows = list(result.all()) if result.returns_rows else []
        await engine.dispose()
        return rows

    return asyncio.run(go())


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_a_scan_waiting_at_the_upgrade_moves_to_disk_and_back(
    kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before 0004 a batch kept its file in the database; one not read yet keeps it."""
    monkeypatch.chdir(tmp_path)  # var/uploads/ of this test only
    settings = empty_database(kind, tmp_path)
    upgrade(settings, "0003")
    now = datetime.now(UTC)
    dates = {"created_at": now, "updated_at": now}
    structure, waiting, read = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    content = os.urandom(3000)
    run(settings, STRUCTURE.insert().values(id=structure, name="EPN", **dates))
    for batch, status, data in ((waiting, "QUEUED", content), (read, "DONE", None)):
        row = {"id": batch, "structure_id": structure, "filename": "lot.pdf", "pages_done": 0}
        run(settings, BATCH.insert().values(**row, status=status, content=data, **dates))

    upgrade(settings)
    paths = dict(run(settings, sa.select(BATCH.c.id, BATCH.c.path)))
    assert paths[read] is None
    moved = uploads_dir() / paths[waiting]
    assert moved.read_bytes() == content
    assert stat.S_IMODE(moved.stat().st_mode) == 0o600

    command.downgrade(alembic_config(settings), "0003")
    contents = dict(run(settings, sa.select(BATCH.c.id, BATCH.c.content)))
    assert contents == {waiting: content, read: None}
    assert not moved.exists()


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_a_badge_issued_twice_before_the_upgrade_keeps_its_first_copy(
    kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before 0015 two requests at once could issue the same badge twice: the upgrade revokes
    the later copy (the list of revocations then says so) and keeps the first one live."""
    monkeypatch.chdir(tmp_path)
    settings = empty_database(kind, tmp_path)
    upgrade(settings)

    async def issue() -> uuid.UUID:
        engine = create_async_engine(settings.database_url)
        async with AsyncSession(engine, expire_on_commit=False, info={SETTINGS: settings}) as db:
            structure = Structure(name="EPN de Vierzon")
            db.add(structure)
            await db.flush()
            person = Person(structure_id=structure.id, alias="Gaston")
            db.add(person)
            await db.flush()
            evidence = await recorded(db, str(person.id), structure.id)
            credential = await issue_for_evidence(db, evidence, issued_by=None)
            await db.commit()
        await engine.dispose()
        return credential.id

    first, second = asyncio.run(issue()), uuid.uuid4()
    command.downgrade(alembic_config(settings), "0014")
    table = Credential.__table__
    copied = {
        "id": sa.bindparam("copy_id", second, type_=table.c.id.type),
        "status_index": table.c.status_index + 1,
        "issued_at": sa.bindparam(
            "later", datetime.now(UTC) + timedelta(minutes=1), type_=table.c.issued_at.type
        ),
    }
    names = [column.name for column in table.columns]
    values = [copied.get(name, table.c[name]) for name in names]
    run(settings, table.insert().from_select(names, sa.select(*values).where(table.c.id == first)))

    upgrade(settings)
    revoked = dict(run(settings, sa.select(table.c.id, table.c.revoked_at)))
    assert revoked[first] is None and revoked[second] is not None
