"""Reading scans in turns: a structure's big batch does not make another structure's photo
wait for it, and several workers never read the same page twice.

The workers here are the service's own (`ScanWorker`), driven a page at a time on the test
database instead of running in the background.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import uploads_dir
from app.db.engine import make_alchemy_config, make_engine
from app.db.models import BatchStatus, Role, ScanBatch, ScanPage, User
from app.features.scans.service import ScanService, StoredFile
from app.features.scans.worker import STALE_AFTER, ScanWorker
from tests.app.conftest import Backend
from tests.app.test_scans import everything, sheet
from tests.printables.corpus import copier_pdf

BLANK = np.full((842, 595), 255, np.uint8)


def queue(db: AsyncSession, email: str, filename: str, content: bytes) -> Any:
    """Queue a file as an upload does: on disk, then one batch."""
    path = uploads_dir() / uuid.uuid4().hex
    path.write_bytes(content)

    async def go() -> ScanBatch:
        user = await db.scalar(select(User).where(User.email == email))
        [batch] = await ScanService(db).enqueue(user, [StoredFile(filename, path)])
        return batch

    return go()


async def state(db: AsyncSession, batch_id: uuid.UUID) -> ScanBatch:
    """The batch as the workers left it (a new transaction sees their commits)."""
    await db.commit()
    batch = await db.get(ScanBatch, batch_id, populate_existing=True)
    assert batch is not None
    return batch


def test_a_photo_of_another_structure_is_read_before_a_big_pdf_is_half_done(
    backend: Backend,
) -> None:
    """One structure queues a 12-page PDF and two more files, then another structure a photo:
    the photo waits one page, not the first structure's queue."""
    first, _ = backend.user(Role.MEDIATOR)
    second, _ = backend.user(Role.MEDIATOR)

    async def scenario(db: AsyncSession) -> None:
        big = await queue(db, first, "copieur.pdf", copier_pdf(*[BLANK] * 12))
        others = [await queue(db, first, f"lot-{n}.pdf", copier_pdf(BLANK)) for n in (1, 2)]
        photo = await queue(db, second, "photo.png", sheet(None, everything("2")))
        files = [uploads_dir() / str(b.path) for b in (big, *others, photo)]
        engine = make_engine(backend.settings)
        worker = ScanWorker(make_alchemy_config(backend.settings, engine).get_session)
        while (await state(db, photo.id)).status != BatchStatus.DONE:
            assert await worker.run_once()
        assert (await state(db, big.id)).pages_done < 12 / 2
        assert [(await state(db, b.id)).pages_done for b in (big, *others)] == [1, 0, 0]
        [page] = (await db.scalars(select(ScanPage).where(ScanPage.batch_id == photo.id))).all()
        assert page.outcome.value == "imported"
        while await worker.run_once():
            pass
        big_done = await state(db, big.id)
        assert (big_done.status, big_done.pages_done, big_done.pages_total) == (
            BatchStatus.DONE,
            12,
            12,
        )
        assert not any(f.exists() for f in files)  # deleted once read
        await engine.dispose()

    backend.run(scenario)


def test_a_worker_back_after_its_claim_was_taken_over_stores_nothing(backend: Backend) -> None:
    """Several processes read scans (`parcours serve --workers 2`). A worker stalled past
    STALE_AFTER has its page taken over; when it comes back, the page is not stored twice."""
    email, _ = backend.user(Role.MEDIATOR)

    async def scenario(db: AsyncSession) -> None:
        batch = await queue(db, email, "lot.pdf", copier_pdf(BLANK, BLANK))
        engine = make_engine(backend.settings)
        sessions = make_alchemy_config(backend.settings, engine).get_session
        stalled, other = ScanWorker(sessions), ScanWorker(sessions)
        async with sessions() as first, sessions() as second:
            late = await stalled.claim(first)
            assert late is not None and late.batch_id == batch.id
            assert await other.claim(second) is None  # the page is taken
            await db.execute(
                update(ScanBatch)
                .where(ScanBatch.id == batch.id)
                .values(stepped_at=datetime.now(UTC) - STALE_AFTER - timedelta(seconds=1))
            )
            await db.commit()
            taken_over = await other.claim(second)
            assert taken_over == late
            await other.step(second, taken_over)
            await stalled.step(first, late)
        while await other.run_once():
            pass
        numbers = await db.scalars(select(ScanPage.number).where(ScanPage.batch_id == batch.id))
        assert sorted(numbers.all()) == [1, 2]
        assert (await state(db, batch.id)).pages_done == 2
        await engine.dispose()

    backend.run(scenario)
