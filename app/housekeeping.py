"""Deleting what the service must not keep, every hour while it runs: expired sessions, old
attempt counters, audit events past their retention, resume codes past their time, uploaded
files that no batch waits for, messages to people past their retention, residents' contacts
once their workshop is long over."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta

from litestar import Litestar
from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from app.background import running
from app.config import Settings, uploads_dir
from app.db.models import (
    AuditEvent,
    BatchStatus,
    Booking,
    Diagnostic,
    DiagnosticStatus,
    OutboxMessage,
    ScanBatch,
    Session,
    StoreEntry,
    Throttle,
)

log = logging.getLogger(__name__)
EVERY = 3600.0
THROTTLE_KEPT = timedelta(days=1)  # longer than any window
# Longer than any upload takes to arrive: a younger file may be one whose batch is not saved yet.
ORPHAN_AFTER = timedelta(days=1)

Chore = Callable[[AsyncSession, Settings, datetime], Awaitable[None]]


async def expired_sessions(db: AsyncSession, _: Settings, now: datetime) -> None:
    await db.execute(delete(StoreEntry).where(StoreEntry.expires_at < now))


async def old_throttles(db: AsyncSession, _: Settings, now: datetime) -> None:
    await db.execute(delete(Throttle).where(Throttle.last_at < now - THROTTLE_KEPT))


async def old_audit_events(db: AsyncSession, settings: Settings, now: datetime) -> None:
    cutoff = now - timedelta(days=settings.audit_retention_days)
    await db.execute(delete(AuditEvent).where(AuditEvent.at < cutoff))


async def expired_resume_codes(db: AsyncSession, settings: Settings, now: datetime) -> None:
    """A code stops opening its diagnostic after its time (README): it is cleared."""
    unfinished = now - timedelta(days=settings.resume_in_progress_days)
    finished = now - timedelta(days=settings.resume_result_days)
    await db.execute(
        update(Diagnostic)
        .where(
            Diagnostic.resume_code.is_not(None),
            or_(
                (Diagnostic.status == DiagnosticStatus.IN_PROGRESS)
                & (Diagnostic.updated_at < unfinished),
                (Diagnostic.status == DiagnosticStatus.COMPLETED)
                & (Diagnostic.completed_at < finished),
            ),
        )
        .values(resume_code=None)
        .execution_options(synchronize_session=False)
    )


async def orphan_uploads(db: AsyncSession, _: Settings, now: datetime) -> None:
    """Files left by an upload cut short or a worker stopped before deleting a read file."""
    waiting = set(
        (
            await db.scalars(
                select(ScanBatch.path).where(
                    ScanBatch.status != BatchStatus.DONE, ScanBatch.path.is_not(None)
                )
            )
        ).all()
    )
    cutoff = (now - ORPHAN_AFTER).timestamp()
    for file in uploads_dir().iterdir():
        with contextlib.suppress(FileNotFoundError):  # deleted meanwhile by a worker
            if file.name not in waiting and file.stat().st_mtime < cutoff:
                file.unlink()


async def old_messages(db: AsyncSession, settings: Settings, now: datetime) -> None:
    """Messages hold a contact address: kept for the retention, sent or not (one still
    waiting that long is about a session long past)."""
    cutoff = now - timedelta(days=settings.outbox_retention_days)
    await db.execute(delete(OutboxMessage).where(OutboxMessage.created_at < cutoff))


async def old_resident_contacts(db: AsyncSession, settings: Settings, now: datetime) -> None:
    """The e-mail or phone a resident gave to book (no record of theirs) is wiped once the
    session is over by ``booking_contact_days``, as the booking page promises; the booking
    stays, for the session's figures, held by nobody one can reach."""
    cutoff = now - timedelta(days=settings.booking_contact_days)
    ended = select(Session.id).where(Session.ends_at < cutoff)
    kept = (
        await db.scalars(
            select(Booking.id).where(
                Booking.person_id.is_(None),
                Booking.holder.not_like("forgotten:%"),
                Booking.session_id.in_(ended),
            )
        )
    ).all()
    for booking_id in kept:
        await db.execute(
            update(Booking)
            .where(Booking.id == booking_id)
            .values(contact_email=None, contact_phone=None, holder=f"forgotten:{booking_id}")
            .execution_options(synchronize_session=False)
        )


CHORES: tuple[Chore, ...] = (
    expired_sessions,
    old_throttles,
    old_audit_events,
    expired_resume_codes,
    orphan_uploads,
    old_messages,
    old_resident_contacts,
)


async def run_chores(engine: AsyncEngine, settings: Settings, now: datetime | None = None) -> None:
    """Each chore in its own transaction: one that fails does not stop the others."""
    now = now or datetime.now(UTC)
    for chore in CHORES:
        try:
            async with AsyncSession(engine) as db:
                await chore(db, settings, now)
                await db.commit()
        except Exception:  # a failed chore must not stop the service
            log.exception("housekeeping: %s failed", chore.__name__)


def housekeeping(
    engine: AsyncEngine, settings: Settings
) -> Callable[[Litestar], contextlib.AbstractAsyncContextManager[None]]:
    """A lifespan task running the chores at start and then every hour."""

    async def loop() -> None:
        while True:
            await run_chores(engine, settings)
            await asyncio.sleep(EVERY)

    @contextlib.asynccontextmanager
    async def lifespan(_: Litestar) -> AsyncIterator[None]:
        async with running(loop()):
            yield

    return lifespan
