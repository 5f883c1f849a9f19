"""Use cases of scans: upload a file as a job, see a structure's batches, fix a doubtful row."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models import BatchStatus, PageOutcome, ScanBatch, ScanPage, User
from app.features.scans.importing import Importer, correct, doubtful_keys, parse_choice
from printables.inputs import Limits

LIMITS = Limits()
MAX_UPLOAD_BYTES = LIMITS.max_file_bytes


class ScanError(ValueError):
    pass


@dataclass
class ScanService:
    db: AsyncSession

    async def upload(self, user: User, filename: str, content: bytes) -> ScanBatch:
        if not content:
            raise ScanError("Le fichier est vide.")
        if len(content) > MAX_UPLOAD_BYTES:
            raise ScanError("Le fichier est trop gros (200 Mo au plus).")
        batch = ScanBatch(
            structure_id=user.structure_id,
            uploaded_by=user.id,
            filename=(filename or "sans-nom")[:255],
            content=content,
            status=BatchStatus.QUEUED,
            pages_done=0,
        )
        self.db.add(batch)
        await self.db.commit()
        return batch

    async def batches(self, structure_id: UUID, limit: int = 30) -> Sequence[ScanBatch]:
        found = await self.db.scalars(
            select(ScanBatch)
            .where(ScanBatch.structure_id == structure_id)
            .order_by(ScanBatch.created_at.desc())
            .limit(limit)
        )
        return found.all()

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
        except ValueError:
            raise ScanError("Choix inconnu.") from None
        correct(page, key, value)
        await self.db.commit()
        await Importer(self.db, batch.structure_id).import_page(page)

    async def reject(self, page: ScanPage) -> None:
        page.outcome = PageOutcome.REJECTED
        await self.db.commit()
