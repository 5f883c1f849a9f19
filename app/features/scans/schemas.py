"""What the scans API takes and gives, as /schema shows it."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar.enums import RequestEncodingType
from litestar.openapi.spec import Schema
from litestar.openapi.spec.enums import OpenAPIFormat, OpenAPIType
from litestar.params import Body

from app.db.models import BatchStatus

# The multipart body: one or several files in the field `files`.
UPLOAD = Body(
    media_type=RequestEncodingType.MULTI_PART,
    description="Champ `files` : une ou plusieurs photos (JPEG, PNG, HEIC) ou PDF de "
    "formulaires papier remplis.",
    schema_extra={
        "properties": {
            "files": Schema(
                type=OpenAPIType.ARRAY,
                items=Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.BINARY),
            )
        },
        "required": ["files"],
    },
)
Upload = Annotated[dict[str, Any], UPLOAD]


class BatchOut(msgspec.Struct):
    """A file received: it is read in the background, page by page."""

    id: UUID
    filename: str
    status: BatchStatus


class UploadOut(msgspec.Struct):
    batches: list[BatchOut]
