"""Scans API: upload a photo or a PDF, then follow its pages (JSON, bearer token)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import (
    OpenAPIFormat,
    OpenAPIMediaType,
    OpenAPIType,
    Operation,
    RequestBody,
    Schema,
)
from litestar.params import FromPath

from app.access import Permission, needs
from app.db.models import User
from app.errors import Problem
from app.features.scans.pages import wake_worker
from app.features.scans.schemas import UploadOut
from app.features.scans.service import ScanService
from app.features.scans.uploads import (
    MAX_FILES_PER_REQUEST,
    MAX_REQUEST_BYTES,
    UPLOADS_PER_ACCOUNT,
    take_upload,
)
from app.openapi import BEARER_REQUIRED, problems
from app.throttle import per_user


@dataclass
class _UploadOperation(Operation):
    """The upload's body in the API documentation: the handler reads it itself, straight to
    disk, so Litestar cannot describe it."""

    def __post_init__(self) -> None:
        files = Schema(
            type=OpenAPIType.ARRAY,
            items=Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.BINARY),
            max_items=MAX_FILES_PER_REQUEST,
        )
        form = Schema(type=OpenAPIType.OBJECT, properties={"files": files}, required=["files"])
        self.request_body = RequestBody(
            content={"multipart/form-data": OpenAPIMediaType(schema=form)}, required=True
        )


class ScanApi(Controller):
    path = "/api/v1/scans"
    tags = ("scans",)
    opt = needs(Permission.SCANS)
    security = BEARER_REQUIRED

    @post(
        "/",
        request_max_body_size=MAX_REQUEST_BYTES,
        guards=[per_user(UPLOADS_PER_ACCOUNT)],
        summary="Déposer un scan",
        status_code=202,
        operation_class=_UploadOperation,
        responses={
            202: ResponseSpec(
                UploadOut,
                description="Reçu : chaque fichier est un lot, lu en "
                "arrière-plan ; `GET /api/v1/scans/{id}` suit sa lecture.",
                generate_examples=False,
            ),
            **problems(
                401,
                403,
                413,
                429,
                when={
                    400: "Aucun fichier dans le champ `files`, ou une demande qui ne se lit pas."
                },
            ),
        },
    )
    async def upload(
        self,
        request: Request[Any, Any, Any],
        scans: NamedDependency[ScanService],
        user: NamedDependency[User],
    ) -> Response[dict[str, Any]]:
        """Multipart field `files` (20 files at most, 200 MB each): each file becomes a batch
        read in the background; 202 with their ids."""
        batches = await take_upload(request, scans, user, csrf=False)
        if not batches:
            raise Problem(400, "Envoyez au moins un fichier dans le champ « files ».")
        wake_worker(request)
        return Response(
            {
                "batches": [
                    {"id": str(b.id), "filename": b.filename, "status": b.status.value}
                    for b in batches
                ]
            },
            status_code=202,
        )

    @get("/{batch_id:uuid}", summary="Où en est un lot", responses=problems(401, 403, 404))
    async def read(
        self,
        user: NamedDependency[User],
        scans: NamedDependency[ScanService],
        batch_id: FromPath[UUID],
    ) -> dict[str, Any]:
        batch = await scans.batch(user, batch_id)
        if batch is None:
            raise Problem(404, "Lot introuvable dans votre structure.")
        return {
            "id": str(batch.id),
            "filename": batch.filename,
            "status": batch.status.value,
            "pages_done": batch.pages_done,
            "pages_total": batch.pages_total,
            "pages": [
                {
                    **p.reading,
                    "outcome": p.outcome.value,
                    "message": p.message,
                    "diagnostic_id": str(p.diagnostic_id) if p.diagnostic_id else None,
                }
                for p in await scans.pages(batch.id)
            ],
        }
