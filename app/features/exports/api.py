"""The open-data files of the offer, for anyone (no account): data·inclusion v1 structures and
services (JSON) and the LaMednum 1.0.2 places (CSV), of all places or of one département.

They may be kept by caches and read by other sites' scripts: `Cache-Control: public`, a strong
`ETag` (an `If-None-Match` that matches answers 304 without a body) and
`Access-Control-Allow-Origin: *`. Each address may ask 120 files every 10 minutes.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Final

import msgspec
from litestar import Controller, Request, Response, get
from litestar.datastructures import CacheControlHeader, ResponseHeader
from litestar.di import NamedDependency
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import Example
from litestar.params import QueryParameter
from sqlalchemy.ext.asyncio import AsyncSession

from app.access import Permission, needs
from app.config import Settings
from app.features.exports.lamednum import csv_text as lamednum_csv
from app.features.exports.schemas import ExportReport
from app.features.exports.service import (
    Export,
    data_inclusion_services,
    data_inclusion_structures,
    lamednum_places,
    report,
)
from app.openapi import problems
from app.throttle import Limit, per_address

EXPORTS: Final = Limit("exports", attempts=120, window=timedelta(minutes=10))
MAX_AGE: Final = 600
PUBLIC_CACHE: Final = CacheControlHeader(public=True, max_age=MAX_AGE)
CSV: Final = "text/csv; charset=utf-8"
DEPARTEMENT_PATTERN: Final = r"^(0[1-9]|[1-8][0-9]|9[0-5]|2A|2B|97[1-8])$"

Departement = Annotated[
    str | None,
    QueryParameter(
        pattern=DEPARTEMENT_PATTERN,
        description="Code du département des lieux (« 18 » pour le Cher, « 2A », « 974 ») ; "
        "sans lui, toute l'offre publiée.",
        examples=[Example(summary="Cher", value="18")],
    ),
]
NOT_MODIFIED: Final = {
    304: ResponseSpec(
        None,
        description="Le fichier n'a pas changé depuis l'`ETag` envoyé dans `If-None-Match`.",
        generate_examples=False,
    )
}
# What a cache or a harvester relies on, in the schema (the answers set them themselves).
FILE_HEADERS: Final = [
    ResponseHeader(
        name=name,
        documentation_only=True,
        description=description,
        required=True,
    )
    for name, description in (
        (
            "ETag",
            "Empreinte du fichier : renvoyée dans `If-None-Match`, elle donne 304 s'il n'a "
            "pas changé.",
        ),
        (
            "Cache-Control",
            f"`public, max-age={MAX_AGE}` : un cache peut garder le fichier 10 minutes.",
        ),
        ("X-Crosswalk-Version", "Version de la table de correspondance des vocabulaires."),
    )
]
WHEN_422: Final = {422: "Ce code de département n'existe pas."}


def _cached(
    request: Request[Any, Any, Any], body: bytes, media_type: str, **headers: str
) -> Response[bytes]:
    """The body with its validators, or 304 when the caller already holds it."""
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    common = {
        "ETag": etag,
        "Access-Control-Allow-Origin": "*",
        "Cross-Origin-Resource-Policy": "cross-origin",
        "Vary": "Accept-Encoding",
        "Cache-Control": PUBLIC_CACHE.to_header(),
        **headers,
    }
    sent = {tag.strip() for tag in request.headers.get("if-none-match", "").split(",")}
    if etag in sent or "*" in sent:
        return Response(b"", status_code=304, headers=common)
    return Response(body, media_type=media_type, headers=common)


def _json(request: Request[Any, Any, Any], export: Export) -> Response[bytes]:
    return _cached(
        request,
        msgspec.json.encode(export.records),
        "application/json",
        **{"X-Crosswalk-Version": export.crosswalk_version},
    )


class ExportApi(Controller):
    path = "/api/v1/exports"
    tags = ["exports"]
    opt = needs(Permission.PUBLIC)
    guards = [per_address(EXPORTS)]

    @get(
        "/",
        summary="Ce que contiennent les fichiers de l'offre, et les lieux ou services laissés "
        "de côté (avec la raison)",
        responses=problems(422, 429, when=WHEN_422),
    )
    async def report(
        self,
        *,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        departement: Departement = None,
    ) -> ExportReport:
        settings: Settings = request.app.state.settings
        return await report(db_session, departement, settings.address)

    @get(
        "/data-inclusion/structures",
        response_headers=FILE_HEADERS,
        summary="Les lieux, comme structures du schéma data·inclusion v1 (JSON)",
        description="Une structure par lieu publié (non archivé). Chaque structure est "
        "validée par le paquet officiel `data-inclusion-schema`, avertissements compris.",
        responses={**problems(422, 429, when=WHEN_422), **NOT_MODIFIED},
    )
    async def structures(
        self,
        *,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        departement: Departement = None,
    ) -> Response[list[dict[str, Any]]]:
        export = await data_inclusion_structures(db_session, departement)
        return _json(request, export)  # type: ignore[return-value]

    @get(
        "/data-inclusion/services",
        response_headers=FILE_HEADERS,
        summary="Les services des lieux et les ateliers, comme services du schéma "
        "data·inclusion v1 (JSON)",
        description="Un service par service LaMednum déclaré par un lieu, et un par atelier "
        "et par lieu où il est proposé. Les identifiants restent les mêmes d'un export à "
        "l'autre.",
        responses={**problems(422, 429, when=WHEN_422), **NOT_MODIFIED},
    )
    async def services(
        self,
        *,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        departement: Departement = None,
    ) -> Response[list[dict[str, Any]]]:
        settings: Settings = request.app.state.settings
        export = await data_inclusion_services(db_session, departement, settings.address)
        return _json(request, export)  # type: ignore[return-value]

    @get(
        "/lamednum.csv",
        response_headers=FILE_HEADERS,
        summary="Les lieux au standard LaMednum 1.0.2 (CSV)",
        description="Une ligne par lieu publié qui a un SIRET ou un numéro RNA (le standard "
        "l'exige) ; les autres sont listés, avec la raison, par `GET /api/v1/exports`.",
        media_type=CSV,
        responses={**problems(422, 429, when=WHEN_422), **NOT_MODIFIED},
    )
    async def lamednum_csv(
        self,
        *,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        departement: Departement = None,
    ) -> Response[str]:
        export = await lamednum_places(db_session, departement)
        day = datetime.now(UTC).strftime("%Y%m%d")
        territory = export.departement or "france"
        name = f"{day}_parcours-numerique_lieux-de-mediation-numerique_{territory}.csv"
        return _cached(  # type: ignore[return-value]
            request,
            lamednum_csv(export.records).encode(),
            CSV,
            **{
                "Content-Disposition": f'attachment; filename="{name}"',
                "X-Crosswalk-Version": export.crosswalk_version,
                "X-Left-Out": str(len(export.left_out)),
            },
        )
