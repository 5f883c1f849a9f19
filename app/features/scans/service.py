"""Use cases of scans: queue uploaded files as jobs, see a structure's batches, fix a doubtful
row."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final
from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import defer

from app.db.engine import hold_structure
from app.db.models import (
    BatchStatus,
    Diagnostic,
    PageOutcome,
    ScanBatch,
    ScanPage,
    User,
)
from app.features.scans.importing import (
    CommuneNotFoundError,
    Importer,
    correct,
    doubtful_keys,
    parse_choice,
)
from printables.inputs import Limits

LIMITS = Limits()
MAX_UPLOAD_BYTES = LIMITS.max_file_bytes
# Batches queued or being read, per structure: what one structure may ask of the readers, and
# of the disk, at a time.
MAX_BATCHES_IN_FLIGHT: Final = 20


class ScanError(ValueError):
    pass


class QueueFullError(ScanError):
    """The structure already has this many batches waiting or being read."""

    def __init__(self, in_flight: int) -> None:
        super().__init__(in_flight)
        self.in_flight = in_flight


@dataclass(frozen=True)
class StoredFile:
    """An uploaded file, written to the uploads folder, waiting for its batch."""

    filename: str
    path: Path


@dataclass
class ScanService:
    db: AsyncSession

    async def check_room(self, structure_id: UUID) -> None:
        """QueueFullError when the structure cannot queue one more batch: checked before an
        upload is received, so a refused one costs no disk. Ends the transaction: no
        connection is held while the files arrive."""
        in_flight = await self._in_flight(structure_id)
        await self.db.rollback()
        if in_flight >= MAX_BATCHES_IN_FLIGHT:
            raise QueueFullError(in_flight)

    async def enqueue(self, user: User, files: Sequence[StoredFile]) -> list[ScanBatch]:
        """One batch per file, all or none; QueueFullError past the structure's share."""
        # The structure's row, held, makes concurrent uploads count one after the other.
        await hold_structure(self.db, user.structure_id)
        in_flight = await self._in_flight(user.structure_id)
        if in_flight + len(files) > MAX_BATCHES_IN_FLIGHT:
            await self.db.rollback()
            raise QueueFullError(in_flight)
        batches = [
            ScanBatch(
                structure_id=user.structure_id,
                uploaded_by=user.id,
                filename=file.filename,
                path=file.path.name,
                status=BatchStatus.QUEUED,
                pages_done=0,
            )
            for file in files
        ]
        self.db.add_all(batches)
        await self.db.commit()
        return batches

    async def _in_flight(self, structure_id: UUID) -> int:
        found = await self.db.scalar(
            select(func.count())
            .select_from(ScanBatch)
            .where(ScanBatch.structure_id == structure_id, ScanBatch.status != BatchStatus.DONE)
        )
        return int(found or 0)

    async def batches(self, structure_id: UUID, limit: int = 30) -> Sequence[ScanBatch]:
        found = await self.db.scalars(
            select(ScanBatch)
            .where(ScanBatch.structure_id == structure_id)
            .order_by(ScanBatch.created_at.desc())
            .limit(limit)
        )
        return found.all()

    async def outcomes(self, batch_ids: Sequence[UUID]) -> dict[UUID, dict[PageOutcome, int]]:
        """How many pages of each batch came to each outcome (« 3 à vérifier, 1 illisible »)."""
        counted = await self.db.execute(
            select(ScanPage.batch_id, ScanPage.outcome, func.count())
            .where(ScanPage.batch_id.in_(batch_ids))
            .group_by(ScanPage.batch_id, ScanPage.outcome)
        )
        found: dict[UUID, dict[PageOutcome, int]] = {}
        for batch_id, outcome, count in counted.all():
            found.setdefault(batch_id, {})[outcome] = count
        return found

    async def anonymous_sheets(
        self, structure_id: UUID, limit: int = 30
    ) -> Sequence[tuple[ScanPage, ScanBatch, Diagnostic]]:
        """The structure's scanned sheets that became a diagnostic of nobody in particular
        (printed blank), latest first: nothing else leads to them."""
        found = await self.db.execute(
            select(ScanPage, ScanBatch, Diagnostic)
            .join(ScanBatch, ScanBatch.id == ScanPage.batch_id)
            .join(Diagnostic, Diagnostic.id == ScanPage.diagnostic_id)
            .where(
                ScanBatch.structure_id == structure_id,
                ScanPage.outcome == PageOutcome.IMPORTED,
                Diagnostic.person_id.is_(None),
            )
            .order_by(ScanPage.created_at.desc())
            .limit(limit)
            .options(defer(ScanPage.crops), defer(ScanPage.reading))
        )
        return [(page, batch, diagnostic) for page, batch, diagnostic in found.tuples()]

    async def batch(self, user: User, batch_id: UUID) -> ScanBatch | None:
        batch = await self.db.get(ScanBatch, batch_id)
        return batch if batch is not None and batch.structure_id == user.structure_id else None

    async def pages(self, batch_id: UUID) -> Sequence[ScanPage]:
        found = await self.db.scalars(
            select(ScanPage).where(ScanPage.batch_id == batch_id).order_by(ScanPage.number)
        )
        return found.all()

    async def page(self, user: User, page_id: UUID) -> tuple[ScanBatch, ScanPage] | None:
        page = await self.db.get(ScanPage, page_id)
        if page is None:
            return None
        batch = await self.batch(user, page.batch_id)
        return None if batch is None else (batch, page)

    async def correct(self, batch: ScanBatch, page: ScanPage, key: str, choice: str) -> None:
        """One click on a doubtful row; when none is left, the page is imported."""
        if page.outcome != PageOutcome.TO_REVIEW or key not in doubtful_keys(page):
            raise ScanError("Cette ligne n'est plus à vérifier.")
        try:
            value = parse_choice(page, key, choice)
        except CommuneNotFoundError as error:
            raise ScanError(str(error)) from None
        except ValueError:
            raise ScanError("Choix inconnu.") from None
        correct(page, key, value)
        await self.db.commit()
        await Importer(self.db, batch.structure_id).import_page(page)

    async def reject(self, page: ScanPage) -> None:
        page.outcome = PageOutcome.REJECTED
        await self.db.commit()
