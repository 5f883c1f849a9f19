"""Counting attempts in the database, so that every worker sees the same counts: failed
logins, resume codes tried, uploads.

A count lives in a window that opens with the first attempt; once the window is over, the next
attempt starts a new one. The subject (an e-mail, an address) is stored as a keyed hash only.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler
from sqlalchemy import case, delete, literal, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from app.db.models import Throttle
from app.db.types import as_utc
from app.errors import Problem

_TABLE = Throttle.__table__
_WHEN = _TABLE.c.window_start.type


@dataclass(frozen=True)
class Limit:
    """At most ``attempts`` per ``window``; past that, wait until the window closes."""

    name: str
    attempts: int
    window: timedelta


@dataclass(frozen=True)
class Tally:
    count: int
    window_start: datetime
    last_at: datetime

    def wait(self, limit: Limit, now: datetime | None = None) -> int:
        """Seconds before another attempt is allowed (0: allowed now)."""
        if self.count < limit.attempts:
            return 0
        left = self.window_start + limit.window - (now or datetime.now(UTC))
        return max(0, int(left.total_seconds()) + 1)


def client_address(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    """The caller's address (behind a proxy, as the proxy reported it: see README)."""
    client = connection.scope.get("client")
    return str(client[0]) if client else "inconnue"


def too_many(seconds: int) -> Problem:
    """429 with Retry-After and the wait in minutes, in words a person can act on."""
    minutes = max(1, -(-seconds // 60))
    return Problem(
        429,
        "Trop d'essais en peu de temps. Par sécurité, attendez {minutes} minute(s) avant de "
        "réessayer.",
        params={"minutes": minutes},
        headers={"Retry-After": str(seconds)},
    )


class Throttles:
    def __init__(self, secret: str) -> None:
        self._secret = hashlib.sha256(b"throttle:" + secret.encode()).digest()

    def key(self, limit: Limit, subject: str) -> str:
        digest = hmac.new(self._secret, subject.strip().lower().encode(), hashlib.sha256)
        return f"{limit.name}:{digest.hexdigest()[:40]}"

    async def hit(
        self, db: AsyncSession, limit: Limit, subject: str, now: datetime | None = None
    ) -> Tally:
        """Count one attempt (atomically, whatever other workers do) and return the tally."""
        now = now or datetime.now(UTC)
        dialect = db.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        expired = _TABLE.c.window_start < literal(now - limit.window, _WHEN)
        statement = (
            insert(Throttle)
            .values(key=self.key(limit, subject), count=1, window_start=now, last_at=now)
            .on_conflict_do_update(
                index_elements=["key"],
                set_={
                    "count": case((expired, 1), else_=_TABLE.c.count + 1),
                    "window_start": case(
                        (expired, literal(now, _WHEN)), else_=_TABLE.c.window_start
                    ),
                    "last_at": literal(now, _WHEN),
                },
            )
            .returning(_TABLE.c.count, _TABLE.c.window_start, _TABLE.c.last_at)
        )
        row = (await db.execute(statement)).one()
        return Tally(int(row[0]), as_utc(row[1]), as_utc(row[2]))

    async def tally(
        self, db: AsyncSession, limit: Limit, subject: str, now: datetime | None = None
    ) -> Tally | None:
        """The attempts counted in the current window, without counting one more."""
        now = now or datetime.now(UTC)
        row = (
            await db.execute(
                select(_TABLE.c.count, _TABLE.c.window_start, _TABLE.c.last_at).where(
                    _TABLE.c.key == self.key(limit, subject)
                )
            )
        ).first()
        if row is None or as_utc(row.window_start) < now - limit.window:
            return None
        return Tally(int(row[0]), as_utc(row[1]), as_utc(row[2]))

    async def forget(self, db: AsyncSession, limit: Limit, subject: str) -> None:
        await db.execute(delete(Throttle).where(Throttle.key == self.key(limit, subject)))


Guard = Callable[[ASGIConnection[Any, Any, Any, Any], BaseRouteHandler], Awaitable[None]]


Subject = Callable[[ASGIConnection[Any, Any, Any, Any]], str]


def per_address(limit: Limit, *, count: bool = True) -> Guard:
    """A guard refusing (429) callers from an address past ``limit``; with ``count=False`` it
    only checks, and the handler counts what should count (a failed code, say)."""
    return per_subject(limit, client_address, count=count)


def per_user(limit: Limit) -> Guard:
    """A guard counting each request of a logged-in account, refusing (429) past ``limit``:
    for what an account may do often, but not without end (uploads)."""
    return per_subject(limit, _account)


def _account(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    user = connection.scope.get("user")
    user_id = getattr(user, "id", None)
    return f"user:{user_id}" if user_id else f"address:{client_address(connection)}"


def per_subject(limit: Limit, subject: Subject, *, count: bool = True) -> Guard:
    """A guard refusing (429) a subject (what ``subject`` names the caller) past ``limit``."""

    async def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        throttles: Throttles = connection.app.state.throttles
        engine: AsyncEngine = connection.app.state.engine
        who = subject(connection)
        async with AsyncSession(engine) as db:
            if count:
                counted = await throttles.hit(db, limit, who)
                await db.commit()
                # Whether this attempt may go on depends on those before it.
                tally: Tally | None = replace(counted, count=counted.count - 1)
            else:
                tally = await throttles.tally(db, limit, who)
        wait = 0 if tally is None else tally.wait(limit)
        if wait:
            raise too_many(wait)

    return guard
