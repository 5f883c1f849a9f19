"""Group commit: under load, one transaction writes the rows of many concurrent requests.

Each commit costs a round trip to the database (and, with SQLite, two hops to its thread),
whatever the number of rows. Requests hand their row to the engine's writer and wait; the
writer takes every row that arrived meanwhile and inserts them in one transaction. Alone, a
request is written at once; sixteen at a time share a commit. A row that breaks a unique
constraint fails alone: the batch is then retried row by row.
"""

from __future__ import annotations

import asyncio
import weakref
from typing import Any

from sqlalchemy import Executable
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

Row = dict[str, Any]


class GroupCommit:
    def __init__(self, engine: AsyncEngine, statement: Executable) -> None:
        self.engine = engine
        self.statement = statement
        self.loop = asyncio.get_running_loop()
        self.pending: list[tuple[Row, asyncio.Future[None]]] = []
        self.writer: asyncio.Task[None] | None = None

    async def insert(self, row: Row) -> None:
        """Return once the row is committed; raise IntegrityError if it broke a constraint."""
        done: asyncio.Future[None] = self.loop.create_future()
        self.pending.append((row, done))
        if self.writer is None or self.writer.done():
            self.writer = self.loop.create_task(self._write())
        await done

    async def _write(self) -> None:
        while self.pending:
            batch, self.pending = self.pending, []
            try:
                async with self.engine.begin() as connection:
                    await connection.execute(self.statement, [row for row, _ in batch])
            except IntegrityError:
                await self._write_one_by_one(batch)
            except Exception as error:  # the database is gone: every waiting request says so
                for _, done in batch:
                    if not done.done():
                        done.set_exception(error)
            else:
                for _, done in batch:
                    if not done.done():
                        done.set_result(None)

    async def _write_one_by_one(self, batch: list[tuple[Row, asyncio.Future[None]]]) -> None:
        for row, done in batch:
            try:
                async with self.engine.begin() as connection:
                    await connection.execute(self.statement, row)
            except Exception as error:
                if not done.done():
                    done.set_exception(error)
            else:
                if not done.done():
                    done.set_result(None)


_writers: weakref.WeakKeyDictionary[AsyncEngine, dict[int, GroupCommit]] = (
    weakref.WeakKeyDictionary()
)


def group_commit(engine: AsyncEngine, statement: Executable) -> GroupCommit:
    """The writer of this engine and statement in the running event loop."""
    by_statement = _writers.setdefault(engine, {})
    writer = by_statement.get(id(statement))
    if writer is None or writer.loop is not asyncio.get_running_loop():
        writer = by_statement[id(statement)] = GroupCommit(engine, statement)
    return writer
