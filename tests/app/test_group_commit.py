"""Rows written together stay independent: a duplicate fails alone, the others are kept."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from app.db.engine import make_engine
from app.db.group_commit import group_commit
from app.db.models import Channel, Diagnostic, DiagnosticStatus

STATEMENT = insert(Diagnostic)


def row(key: str) -> dict[str, object]:
    now = datetime.now(UTC)
    return {
        "id": uuid.uuid4(),
        "channel": Channel.ONLINE,
        "status": DiagnosticStatus.COMPLETED,
        "referential_version": "test",
        "answers": {},
        "asked": [],
        "context": {},
        "goals": {},
        "idempotency_key": key,
        "created_at": now,
        "updated_at": now,
    }


def test_concurrent_rows_share_commits_and_a_duplicate_fails_alone(backend):
    prefix = uuid.uuid4().hex

    async def go() -> tuple[list[object], int]:
        engine = make_engine(backend.settings)
        try:
            writer = group_commit(engine, STATEMENT)
            keys = [f"{prefix}-{n}" for n in range(20)] + [f"{prefix}-3"]
            outcomes = await asyncio.gather(
                *(writer.insert(row(k)) for k in keys), return_exceptions=True
            )
            async with engine.connect() as connection:
                stored = await connection.scalar(
                    select(func.count()).where(Diagnostic.idempotency_key.like(f"{prefix}-%"))
                )
            return outcomes, int(stored or 0)
        finally:
            await engine.dispose()

    outcomes, stored = asyncio.run(go())
    assert stored == 20
    failures = [o for o in outcomes if isinstance(o, BaseException)]
    assert len(failures) == 1
    assert isinstance(failures[0], IntegrityError)


def test_a_lone_row_is_written_at_once(backend):
    async def go() -> int:
        engine = make_engine(backend.settings)
        try:
            key = uuid.uuid4().hex
            await asyncio.wait_for(group_commit(engine, STATEMENT).insert(row(key)), timeout=60)
            async with engine.connect() as connection:
                found = await connection.scalar(
                    select(func.count()).where(Diagnostic.idempotency_key == key)
                )
            return int(found or 0)
        finally:
            await engine.dispose()

    assert asyncio.run(go()) == 1


@pytest.mark.parametrize("count", [1, 50])
def test_every_waiting_request_hears_back_when_the_database_fails(backend, count):
    async def go() -> list[object]:
        engine = make_engine(backend.settings)
        writer = group_commit(engine, insert(Diagnostic).values(channel="not a channel"))
        try:
            return await asyncio.gather(
                *(writer.insert({"id": uuid.uuid4()}) for _ in range(count)),
                return_exceptions=True,
            )
        finally:
            await engine.dispose()

    outcomes = asyncio.run(asyncio.wait_for(go(), timeout=30))
    assert len(outcomes) == count
    assert all(isinstance(o, BaseException) for o in outcomes)
