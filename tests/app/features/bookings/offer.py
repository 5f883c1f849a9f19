"""A structure's workshop and session, written as plain rows, for the booking tests."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import event, select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine

from app.db.models import Booking, BookingStatus, OutboxMessage, Session
from tests.app.features.finding import offer

EXIT_CHECK = {"kind": "observed_task", "item": "C1.1"}


async def new_session(
    db: AsyncSession,
    *,
    structure_id: UUID | None = None,
    capacity: int = 12,
    starts_in: timedelta = timedelta(days=7),
    competences: list[dict[str, Any]] | None = None,
    exit_check: dict[str, Any] | None = None,
    **fields: Any,
) -> Session:
    """An upcoming two-hour session of a new workshop, committed."""
    structure_id = structure_id or await offer.structure(db)
    workshop_id = await offer.workshop(
        db,
        structure_id,
        themes=(),
        title="Envoyer un courriel avec une pièce jointe",
        description="Écrire, joindre un document, envoyer.",
        exit_check=exit_check or EXIT_CHECK,
        levels=competences or [{"competence": "C1", "entry": 0, "exit": 2}],
    )
    session_id = await offer.session(
        db,
        structure_id,
        workshop_id,
        None,
        starts_at=datetime.now(UTC) + starts_in,
        capacity=capacity,
        remote_url=None,
        **fields,
    )
    await db.commit()
    session = await db.get(Session, session_id)
    assert session is not None
    return session


async def begin(db: AsyncSession, session: Session) -> None:
    """Time passes and the séance begins: people book before it, and who came (and passed
    the exit check) is noted once it has begun."""
    now = datetime.now(UTC)
    await db.execute(
        update(Session)
        .where(Session.id == session.id)
        .values(starts_at=now - timedelta(minutes=1), ends_at=now + timedelta(hours=2))
    )
    await db.commit()
    await db.refresh(session)


def begun(backend: Any, session_id: str | UUID) -> None:
    """:func:`begin`, for a test that drives the app over HTTP."""

    async def go(db: AsyncSession) -> None:
        session = await db.get(Session, UUID(str(session_id)))
        assert session is not None
        await begin(db, session)

    backend.run(go)


def engine_for(url: str, connections: int) -> AsyncEngine:
    """An engine with ``connections`` connections of its own: real concurrent transactions
    (on SQLite, writers wait for each other as the app's own connections do)."""
    engine = create_async_engine(url, pool_size=connections, max_overflow=0)
    if engine.dialect.name == "sqlite":

        def pragmas(connection: Any, _record: Any) -> None:
            cursor = connection.cursor()
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        event.listen(engine.sync_engine, "connect", pragmas)
    return engine


@asynccontextmanager
async def opened(url: str, connections: int = 2):  # type: ignore[no-untyped-def]
    engine = engine_for(url, connections)
    try:
        yield engine
    finally:
        await engine.dispose()


async def in_transaction(engine: AsyncEngine, work: Callable[[AsyncSession], Any]) -> Any:
    """Run ``work`` in a session of its own and commit, as one request does."""
    async with AsyncSession(engine, expire_on_commit=False) as db:
        result = await work(db)
        await db.commit()
        return result


async def bookings_of(db: AsyncSession, session_id: UUID) -> list[Booking]:
    found = await db.scalars(
        select(Booking)
        .where(Booking.session_id == session_id)
        .order_by(Booking.queued)
        .execution_options(populate_existing=True)
    )
    return list(found)


async def waiting_list(db: AsyncSession, session_id: UUID) -> list[Booking]:
    return [b for b in await bookings_of(db, session_id) if b.status == BookingStatus.WAITING]


async def told(db: AsyncSession, booking_id: UUID) -> list[str]:
    """The kinds of messages written for a booking, oldest first."""
    found = await db.scalars(
        select(OutboxMessage.kind)
        .where(OutboxMessage.booking_id == booking_id)
        .order_by(OutboxMessage.created_at)
    )
    return list(found)
