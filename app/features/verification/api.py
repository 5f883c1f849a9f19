"""`POST /api/v1/verify`: the verification page's verdict for programs (public)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Final, Literal

import msgspec
from litestar import Controller, Request, post
from litestar.datastructures import UploadFile
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
from sqlalchemy.ext.asyncio import AsyncSession

from app.access import Permission, needs
from app.errors import Problem, not_json
from app.features.verification.pages import MAX_UPLOAD_BYTES
from app.features.verification.service import check, check_link
from app.openapi import problems
from app.throttle import Limit, per_address

API_CHECKS: Final = Limit("verify-api", attempts=120, window=timedelta(minutes=10))
MSG_ONE_OF = "Donnez `credential` (le badge, objet JSON ou texte) ou `link` (son adresse), un seul."
MSG_NO_FILE = "Envoyez le fichier du badge dans le champ « file »."
MSG_MEDIA = "Envoyez du JSON (`credential` ou `link`) ou un formulaire multipart (`file`)."


class CheckOut(msgspec.Struct):
    name: str
    passed: bool
    detail: str


class VerifyOut(msgspec.Struct):
    """The verdict, why in one word (`reason`: altered, unknown_issuer, expired, revoked,
    unreadable, timeout, foreign_link…), and every check run, in order."""

    verdict: Literal["valid", "revoked", "expired", "invalid"]
    reason: str
    checks: list[CheckOut]


@dataclass
class _VerifyOperation(Operation):
    """The body the handler reads itself: JSON with the badge or its link, or a file."""

    def __post_init__(self) -> None:
        credential = Schema(
            one_of=[Schema(type=OpenAPIType.OBJECT), Schema(type=OpenAPIType.STRING)],
            description="Le badge : son objet JSON, ou son texte JSON.",
        )
        link = Schema(
            type=OpenAPIType.STRING,
            description="L'adresse d'un de nos badges (les autres liens ne sont pas suivis).",
        )
        body = Schema(
            type=OpenAPIType.OBJECT,
            properties={"credential": credential, "link": link},
            description="Un seul des deux.",
        )
        upload = Schema(
            type=OpenAPIType.OBJECT,
            properties={"file": Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.BINARY)},
            required=["file"],
        )
        self.request_body = RequestBody(
            content={
                "application/json": OpenAPIMediaType(schema=body),
                "multipart/form-data": OpenAPIMediaType(schema=upload),
            },
            required=True,
        )


async def _handed(request: Request[Any, Any, Any]) -> tuple[str, Any]:
    """What to verify: ("link", url) or ("credential", object, text or bytes)."""
    media, _ = request.content_type
    if media == "multipart/form-data":
        upload = (await request.form()).get("file")
        if not isinstance(upload, UploadFile):
            raise Problem(422, MSG_NO_FILE)
        return "credential", await upload.read()
    if media not in {"application/json", "application/ld+json"}:
        raise Problem(400, MSG_MEDIA)
    try:
        body = msgspec.json.decode(await request.body())
    except msgspec.DecodeError as error:  # too deep a nesting is the app's own 400
        raise not_json(request, str(error)) from None
    if not isinstance(body, dict):
        raise Problem(422, MSG_ONE_OF)
    if ("credential" in body) == ("link" in body):
        raise Problem(422, MSG_ONE_OF)
    link, credential = body.get("link"), body.get("credential")
    if isinstance(link, str):
        return "link", link[:2000]
    if isinstance(credential, dict | str):
        return "credential", credential
    raise Problem(422, MSG_ONE_OF)


class VerifyApi(Controller):
    path = "/api/v1"
    tags = ("badges",)

    @post(
        "/verify",
        summary="Vérifier un badge (Open Badges 3.0)",
        description="Le badge en JSON (`credential`), son adresse (`link`, seulement pour nos "
        "propres badges : rien n'est téléchargé ailleurs), ou son fichier (multipart `file` : "
        "JSON, image PNG ou SVG où il est intégré). Répond toujours un verdict (`valid`, "
        "`revoked`, `expired`, `invalid`), sa raison et chaque vérification faite ; une "
        "demande mal formée est un problem+json.",
        opt=needs(Permission.PUBLIC),
        guards=[per_address(API_CHECKS)],
        request_max_body_size=MAX_UPLOAD_BYTES,
        operation_class=_VerifyOperation,
        status_code=200,
        responses={
            200: ResponseSpec(VerifyOut, description="Le verdict.", generate_examples=False),
            **problems(
                413,
                422,
                429,
                when={422: "Ni `credential` ni `link`, ou les deux ; pas de fichier `file`."},
            ),
        },
    )
    async def verify(
        self, request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession]
    ) -> VerifyOut:
        kind, value = await _handed(request)
        worker = request.app.state.verifier
        if kind == "link":
            outcome = await check_link(db_session, worker, value)
        else:
            outcome = await check(db_session, worker, value)
        return VerifyOut(
            verdict=outcome.verdict,
            reason=outcome.reason,
            checks=[CheckOut(c.name, c.passed, c.detail) for c in outcome.checks],
        )
