"""A person's scan pages, for the register of erasure and export.

A page belongs to a person when the sheet was printed for them (its QR code carries their id,
kept in `ScanPage.person_ref`) or when it was imported as one of their diagnostics. Its
reading holds their answers and context, its crops pictures of their handwriting.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, delete, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import uploads_dir
from app.db.models import BatchStatus, Person, ScanBatch, ScanPage


def _theirs(person_id: UUID, diagnostic_ids: Sequence[UUID]) -> ColumnElement[bool]:
    return or_(
        ScanPage.person_ref == str(person_id),
        ScanPage.diagnostic_id.in_(list(diagnostic_ids)),
    )


async def erase_scans_of(db: AsyncSession, person: Person, diagnostic_ids: Sequence[UUID]) -> int:
    """Delete the person's pages, crops included, and the batches that held nothing else:
    the number of pages deleted. Call it before deleting the diagnostics (their ids find the
    pages imported from anonymous sheets); the caller commits.

    A batch still being read keeps its file: nobody knows yet whose sheets its other pages
    are. The importer sets aside, without keeping it, any later page printed for someone
    who no longer exists, and the file is deleted once read.
    """
    theirs = _theirs(person.id, diagnostic_ids)
    touched = set((await db.scalars(select(ScanPage.batch_id).where(theirs).distinct())).all())
    if not touched:
        return 0
    erased = await db.execute(delete(ScanPage).where(theirs))
    emptied = (
        await db.execute(
            select(ScanBatch.id, ScanBatch.path).where(
                ScanBatch.id.in_(touched),
                ScanBatch.status == BatchStatus.DONE,
                ~exists().where(ScanPage.batch_id == ScanBatch.id),
            )
        )
    ).all()
    if emptied:
        # Their file name may name them too; a file is normally gone once read.
        await db.execute(delete(ScanBatch).where(ScanBatch.id.in_([b.id for b in emptied])))
        for batch in emptied:
            if batch.path:
                (uploads_dir() / batch.path).unlink(missing_ok=True)
    return int(getattr(erased, "rowcount", 0) or 0)


async def export_scans_of(
    db: AsyncSession, person: Person, diagnostic_ids: Sequence[UUID]
) -> list[dict[str, Any]]:
    """Every page of the person as JSON-ready data (the right of access): what was read,
    what became of it, and the pictures of the rows a person had to check."""
    rows = await db.execute(
        select(ScanPage, ScanBatch.filename)
        .join(ScanBatch, ScanBatch.id == ScanPage.batch_id)
        .where(_theirs(person.id, diagnostic_ids))
        .order_by(ScanPage.created_at, ScanPage.number)
    )
    return [
        {
            "number": page.number,
            "batch_filename": filename,
            "reading": page.reading,
            "status": page.status,
            "outcome": page.outcome.value,
            "message": page.message,
            "diagnostic_id": None if page.diagnostic_id is None else str(page.diagnostic_id),
            "created_at": page.created_at.isoformat(),
            "crops": page.crops,  # field key -> PNG picture, base64
        }
        for page, filename in rows.all()
    ]
