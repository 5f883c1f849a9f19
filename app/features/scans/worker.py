"""The background reader: a job queue kept in the database, so a restart loses nothing.

A batch is a job. The worker claims the oldest queued batch (an UPDATE that only one worker
can win), reads its pages one by one in a thread (OpenCV releases the event loop), stores each
page as soon as it is read, so the progress bar moves and a failed page never loses the
others, then imports the clear pages.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime, timedelta
from uuid import UUID

import anyio
from advanced_alchemy.extensions.litestar import SQLAlchemyAsyncConfig
from litestar import Litestar
from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models import BatchStatus, PageOutcome, ScanBatch, ScanPage
from app.features.scans.importing import Importer
from printables.reader import PageReading, iter_file

log = logging.getLogger(__name__)
POLL_SECONDS = 2.0
STALE_AFTER = timedelta(minutes=15)  # a batch left "running" by a worker that died


def page_row(batch_id: UUID, reading: PageReading) -> ScanPage:
    return ScanPage(
        batch_id=batch_id,
        number=reading.page,
        status=reading.status,
        outcome=PageOutcome.UNREADABLE if reading.status == "error" else PageOutcome.TO_REVIEW,
        reading=reading.model_dump(mode="json"),
        crops={k: base64.b64encode(v).decode() for k, v in reading.crops.items()},
        sheet_serial=reading.sheet.serial if reading.sheet else None,
        person_ref=reading.sheet.person if reading.sheet else None,
        message=reading.error,
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
            except Exception:  # keep serving: the batch stays queued and is retried
                log.exception("scan worker failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.wakeup.wait(), POLL_SECONDS)
            self.wakeup.clear()

    async def run_once(self) -> bool:
        """Process one queued batch; False when there is none."""
        async with self.session_maker() as db:
            batch_id = await self._claim(db)
            if batch_id is None:
                return False
            await self._process(db, batch_id)
            return True

    async def _claim(self, db: AsyncSession) -> UUID | None:
        stale = datetime.now(UTC) - STALE_AFTER
        candidates = await db.scalars(
            select(ScanBatch.id)
            .where(
                (ScanBatch.status == BatchStatus.QUEUED)
                | ((ScanBatch.status == BatchStatus.RUNNING) & (ScanBatch.started_at < stale))
            )
            .order_by(ScanBatch.created_at)
            .limit(5)
        )
        for batch_id in candidates.all():
            won = await db.execute(
                update(ScanBatch)
                .where(ScanBatch.id == batch_id, ScanBatch.status != BatchStatus.DONE)
                .where((ScanBatch.started_at.is_(None)) | (ScanBatch.started_at < stale))
                .values(status=BatchStatus.RUNNING, started_at=datetime.now(UTC))
            )
            await db.commit()
            if won.rowcount == 1:  # type: ignore[attr-defined]
                return batch_id
        return None

    async def _process(self, db: AsyncSession, batch_id: UUID) -> None:
        batch = await db.get(ScanBatch, batch_id, options=[])
        if batch is None:
            return
        content = await db.scalar(select(ScanBatch.content).where(ScanBatch.id == batch_id))
        await db.execute(delete(ScanPage).where(ScanPage.batch_id == batch_id))  # a retried batch
        await db.commit()
        pages: Iterator[PageReading] = iter_file(content or b"", batch.filename)
        done = 0
        while (reading := await anyio.to_thread.run_sync(next, pages, None)) is not None:
            db.add(page_row(batch_id, reading))
            done += 1
            batch.pages_done = done
            await db.commit()
        batch.pages_total = done
        importer = Importer(db, batch.structure_id)
        for page in (await db.scalars(select(ScanPage).where(ScanPage.batch_id == batch_id))).all():
            await importer.import_page(page)
        batch.status = BatchStatus.DONE
        batch.finished_at = datetime.now(UTC)
        batch.content = None
        await db.commit()


def scan_worker_lifespan(
    config: SQLAlchemyAsyncConfig,
) -> tuple[ScanWorker, Callable[[Litestar], contextlib.AbstractAsyncContextManager[None]]]:
    worker = ScanWorker(config.get_session)

    @contextlib.asynccontextmanager
    async def lifespan(_: Litestar) -> AsyncIterator[None]:
        task = asyncio.create_task(worker.run_forever())
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    return worker, lifespan
