"""Alembic environment: runs migrations on the app's engine, in batch mode for SQLite."""

from __future__ import annotations

import asyncio

from advanced_alchemy.base import orm_registry
from advanced_alchemy.types import GUID
from alembic import context
from sqlalchemy.engine import Connection

from app.config import Settings
from app.db.engine import make_engine
from app.db.models import *  # noqa: F403  (every table must be known to autogenerate)

config = context.config
target_metadata = orm_registry.metadata


def _compare_type(
    _context: object,
    _inspected_column: object,
    _metadata_column: object,
    _inspected_type: object,
    metadata_type: object,
) -> bool | None:
    """SQLite reflects advanced-alchemy's GUID as NUMERIC: not a real difference."""
    return False if isinstance(metadata_type, GUID) else None


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=_compare_type,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_async(url: str) -> None:
    engine = make_engine(Settings(database_url=url, db_pool_size=1))
    async with engine.connect() as connection:
        await connection.run_sync(_run)
        await connection.commit()
    await engine.dispose()


url = config.attributes.get("database_url") or Settings().database_url
asyncio.run(_run_async(url))
