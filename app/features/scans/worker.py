"""The background reader: a job queue kept in the database, so a restart loses nothing.

A batch is a job, read a page at a time. At each step a worker takes the batch of the
structure served least recently (and, within it, its batch served least recently), claims it
with an UPDATE that only one worker can win, reads one page from the file on disk in a thread
(OpenCV releases the event loop), stores it and imports it when it is clear. Structures take
turns: a photo sent by one waits a page or two behind another's 300-page PDF, not the whole
PDF. After the last page the batch is done and its file deleted.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import anyio
from advanced_alchemy.extensions.litestar import SQLAlchemyAsyncConfig
from litestar import Litestar
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased, defer

from app.background import running
from app.config import Settings, uploads_dir
from app.db.models import BatchStatus, PageOutcome, ScanBatch, ScanPage
from app.features.scans.importing import SHEET_LAYOUT, Importer, with_commune
from app.features.scans.service import LIMITS
from printables.inputs import InputError, open_document
from printables.reader import PageReading, read_page, refused
from printables.sheet import SheetRef

log = logging.getLogger(__name__)
POLL_SECONDS = 2.0
STALE_AFTER = timedelta(minutes=5)  # a page claimed by a worker that died meanwhile


def page_row(batch_id: UUID, read: PageReading) -> ScanPage:
    reading = with_commune(read)
    return ScanPage(
        batch_id=batch_id,
        number=reading.page,
        status=reading.status,
        outcome=PageOutcome.UNREADABLE if reading.status == "error" else PageOutcome.TO_REVIEW,
        # The layout the sheet was printed with: the review lines its buttons up with it.
        reading=reading.model_dump(mode="json")
        | ({SHEET_LAYOUT: _sheet_layout(reading.sheet)} if reading.sheet else {}),
        crops={k: base64.b64encode(v).decode() for k, v in reading.crops.items()},
        sheet_serial=reading.sheet.serial if reading.sheet else None,
        person_ref=reading.sheet.person if reading.sheet else None,
        message=reading.error,
    )


def _sheet_layout(sheet: SheetRef) -> dict[str, Any]:
    return {"lang": sheet.lang, "revision": sheet.revision}


def read_step(path: Path, name: str, number: int) -> tuple[PageReading, int]:
    """Page `number` of a file, and how many pages the file has (0 when it is refused, its one
    reading then saying why). The file is opened for this page only."""
    try:
        with open_document(path, LIMITS) as document:
            return read_page(document, name, number), document.pages
    except InputError as error:
        return refused(name, error), 0


@dataclass(frozen=True)
class Claim:
    """One page of a batch, taken by this worker."""

    batch_id: UUID
    structure_id: UUID
    filename: str
    path: str | None
    pages_done: int
    pages_total: int | None


def _waiting(now: datetime) -> Any:
    """Batches a worker may take: queued, or claimed by a worker gone for too long."""
    return (ScanBatch.status == BatchStatus.QUEUED) | (
        (ScanBatch.status == BatchStatus.RUNNING) & (ScanBatch.stepped_at < now - STALE_AFTER)
    )


class ScanWorker:
    def __init__(
        self, session_maker: Callable[[], contextlib.AbstractAsyncContextManager[AsyncSession]]
    ) -> None:
        self.session_maker = session_maker
        self.wakeup = asyncio.Event()

    async def run_forever(self) -> None:
        while True:
            try:
                while await self.run_once():
                    pass
            except Exception:  # keep serving: the page stays to read and is retried
                log.exception("scan worker failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.wakeup.wait(), POLL_SECONDS)
            self.wakeup.clear()

    async def run_once(self) -> bool:
        """Read one page of the batch whose turn it is; False when no batch is waiting."""
        async with self.session_maker() as db:
            claim = await self.claim(db)
            if claim is None:
                return False
            await self.step(db, claim)
            return True

    async def claim(self, db: AsyncSession) -> Claim | None:
        """Take the next page to read, or None when no batch waits."""
        now = datetime.now(UTC)
        other = aliased(ScanBatch)
        served = (
            select(func.max(other.stepped_at))
            .where(other.structure_id == ScanBatch.structure_id)
            .scalar_subquery()
        )
        candidates = await db.execute(
            select(
                ScanBatch.id,
                ScanBatch.structure_id,
                ScanBatch.filename,
                ScanBatch.path,
                ScanBatch.pages_done,
                ScanBatch.pages_total,
            )
            .where(_waiting(now))
            .order_by(
                served.asc().nulls_first(),
                ScanBatch.stepped_at.asc().nulls_first(),
                ScanBatch.created_at,
            )
            .limit(5)
        )
        for row in candidates.all():
            won = await db.execute(
                update(ScanBatch)
                .where(ScanBatch.id == row.id, ScanBatch.pages_done == row.pages_done)
                .where(_waiting(now))
                .values(status=BatchStatus.RUNNING, stepped_at=now)
            )
            await db.commit()
            if won.rowcount == 1:  # type: ignore[attr-defined]
                return Claim(*row)
        return None

    async def step(self, db: AsyncSession, claim: Claim) -> None:
        """Read the claimed page, store and import it, unless another worker has stored it
        meanwhile (this one took so long that its claim was thought abandoned). After the
        last page, the batch is done."""
        # A batch always has its file until it is done; a name that cannot exist otherwise.
        path = uploads_dir() / (claim.path or "absent")
        importer = Importer(db, claim.structure_id)
        if claim.pages_total is not None and claim.pages_done >= claim.pages_total:
            await self._finish(db, importer, claim.batch_id, path)  # a worker stopped before
            return
        number = claim.pages_done + 1
        reading, pages = await anyio.to_thread.run_sync(read_step, path, claim.filename, number)
        last = reading.page is None or number >= pages
        now = datetime.now(UTC)
        progress: dict[str, Any] = {
            "pages_done": number,
            "pages_total": number if last else pages,
            # The last page keeps the claim: the batch is done once every page is imported.
            "status": BatchStatus.RUNNING if last else BatchStatus.QUEUED,
            "stepped_at": now,
        }
        if number == 1:
            progress["started_at"] = now
        released = await db.execute(
            update(ScanBatch)
            .where(ScanBatch.id == claim.batch_id, ScanBatch.status == BatchStatus.RUNNING)
            .where(ScanBatch.pages_done == claim.pages_done)
            .values(**progress)
        )
        if released.rowcount != 1:  # type: ignore[attr-defined]
            await db.rollback()  # read meanwhile by a worker that took over, or erased
            return
        page = page_row(claim.batch_id, reading)
        db.add(page)
        await db.commit()
        await importer.import_page(page)
        if last:
            await self._finish(db, importer, claim.batch_id, path)

    async def _finish(
        self, db: AsyncSession, importer: Importer, batch_id: UUID, path: Path
    ) -> None:
        """Import the pages stored but not imported (a worker stopped between the two), mark
        the batch done, delete its file."""
        pages = await db.scalars(
            select(ScanPage)
            .where(ScanPage.batch_id == batch_id, ScanPage.outcome == PageOutcome.TO_REVIEW)
            .options(defer(ScanPage.crops))
        )
        for page in pages.all():
            await importer.import_page(page)
        await db.execute(
            update(ScanBatch)
            .where(ScanBatch.id == batch_id)
            .values(status=BatchStatus.DONE, finished_at=datetime.now(UTC), path=None)
        )
        await db.commit()
        path.unlink(missing_ok=True)


def scan_worker_lifespan(
    config: SQLAlchemyAsyncConfig,
) -> tuple[ScanWorker, Callable[[Litestar], contextlib.AbstractAsyncContextManager[None]]]:
    worker = ScanWorker(config.get_session)

    @contextlib.asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        settings: Settings = app.state.settings
        if not settings.read_scans:
            yield
            return
        async with running(worker.run_forever()):
            yield

    return worker, lifespan
