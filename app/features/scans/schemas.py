"""What the scans API takes and gives, as /schema shows it."""

from __future__ import annotations

from uuid import UUID

import msgspec

from app.db.models import BatchStatus


class BatchOut(msgspec.Struct):
    """A file received: it is read in the background, page by page."""

    id: UUID
    filename: str
    status: BatchStatus


class UploadOut(msgspec.Struct):
    batches: list[BatchOut]
