"""Engine settings: SQLite tuned for one process (WAL), PostgreSQL through asyncpg."""

from __future__ import annotations

import contextlib
import itertools
from pathlib import Path
from typing import Any
from uuid import UUID

import msgspec
from advanced_alchemy.extensions.litestar import (
    AsyncSessionConfig,
    EngineConfig,
    SQLAlchemyAsyncConfig,
)
from sqlalchemy import event, make_url, select, update
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from app.config import VAR_DIR, Settings, private_var_dir
from app.db.models import Structure

SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=NORMAL",  # durable at each checkpoint; WAL keeps the file consistent
    "PRAGMA busy_timeout=10000",
    "PRAGMA foreign_keys=ON",
    # Reads come straight from the file as the system caches it, instead of a system call
    # and a copy for each page that SQLite's own cache (2 MB) no longer holds: at national
    # scale a search near a commune, with another beside it, read some 3,000 pages that way.
    # Up to 256 MB of the file is mapped, shared with the system's cache.
    "PRAGMA mmap_size=268435456",
)


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    for pragma in SQLITE_PRAGMAS:
        cursor.execute(pragma)
    cursor.close()


def _json(value: Any) -> str:
    """JSON columns through msgspec: five of them per diagnostic, on the API's hot path."""
    return msgspec.json.encode(value).decode()


def private_sqlite_file(database_url: str) -> None:
    """The database file, made before SQLite opens it, readable by the service's user only;
    SQLite gives its -wal and -shm files the same mode. Files left by an earlier version with
    a wider mode are narrowed too."""
    name = make_url(database_url).database
    if not name or name == ":memory:" or name.startswith("file:"):
        return
    path = Path(name)
    if path.parent == VAR_DIR:
        private_var_dir()
    else:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.touch(mode=0o600)
    for file in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        if file.exists():
            file.chmod(0o600)


def make_engine(settings: Settings) -> AsyncEngine:
    if settings.is_sqlite:
        private_sqlite_file(settings.database_url)
        # One connection: SQLite has one writer anyway, and several connections turn read
        # transactions that start writing into immediate "database is locked" errors.
        engine = create_async_engine(
            settings.database_url, pool_size=1, max_overflow=0, json_serializer=_json
        )
        event.listen(engine.sync_engine, "connect", _on_sqlite_connect)
        return engine
    # No pre-ping (two extra round trips per request); connections are recycled instead.
    return create_async_engine(
        settings.database_url,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_pool_size,
        pool_recycle=1800,
        json_serializer=_json,
    )


_configs = itertools.count()
# Each database session knows the settings of the app (or command) that opened it, so that
# what is written deep in a use case (a message's links, say) uses that app's address and key.
SETTINGS = "settings"


def session_maker(settings: Settings, engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Database sessions for a command or a background task, outside a request."""
    return async_sessionmaker(engine, expire_on_commit=False, info={SETTINGS: settings})


def one_statement(db: AsyncSession) -> contextlib.AbstractAsyncContextManager[Any]:
    """What lets a statement fail alone. On PostgreSQL a failed statement spoils the whole
    transaction, so it runs in a savepoint; SQLite undoes just the statement, and a savepoint
    there would commit at its end when it is the first write of the transaction."""
    if db.get_bind().dialect.name == "sqlite":
        return contextlib.nullcontext()
    return db.begin_nested()


async def hold_structure(db: AsyncSession, structure_id: UUID) -> None:
    """Hold a structure's row until the commit, so that its writers that check before they
    write (is this badge issued yet? how many uploads wait?) go one after the other. SQLite has
    no row locks and reads outside a transaction until the first write: writing first makes
    this connection the one writer before anything is read."""
    if db.get_bind().dialect.name == "sqlite":
        await db.execute(
            update(Structure)
            .where(Structure.id == structure_id)
            .values(updated_at=Structure.updated_at)
            .execution_options(synchronize_session=False)
        )
    else:
        await db.execute(select(Structure.id).where(Structure.id == structure_id).with_for_update())


def settings_of(db: AsyncSession) -> Settings | None:
    """The settings of the app that opened this database session (None: opened without)."""
    found = db.info.get(SETTINGS)
    return found if isinstance(found, Settings) else None


def make_alchemy_config(settings: Settings, engine: AsyncEngine) -> SQLAlchemyAsyncConfig:
    # advanced-alchemy makes each config's state keys unique among every config ever made in
    # the process, by a recursion one level deeper per config: a process that builds many apps
    # (the test suite, about a thousand) hits Python's recursion limit. Keys that are unique
    # already end the search at once.
    n = next(_configs)
    return SQLAlchemyAsyncConfig(
        engine_instance=engine,
        session_config=AsyncSessionConfig(expire_on_commit=False, info={SETTINGS: settings}),
        before_send_handler="autocommit",
        create_all=False,
        engine_config=EngineConfig(),
        session_scope_key=f"_sqlalchemy_db_session_{n}",
        engine_app_state_key=f"db_engine_{n}",
        session_maker_app_state_key=f"session_maker_class_{n}",
    )
