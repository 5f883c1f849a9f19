"""The Alembic migrations build exactly the schema the models describe, and keep the data."""

from __future__ import annotations

import asyncio
import os
import stat
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from advanced_alchemy.types import GUID, DateTimeUTC
from alembic import command
from sqlalchemy.ext.asyncio import create_async_engine

from app.config import Settings, uploads_dir
from app.db.migrate import alembic_config, upgrade
from tests.app.conftest import empty_database


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
