"""The public, stable addresses every badge names: the badge itself, its issuer's profile (with
every key it signed with) and its revocation lists, and the referential's page of each
competence that badges align to. Caches may keep them 5 minutes at most, so a revocation
shows everywhere within that time; other sites' scripts may read them (CORS)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any, Final
from uuid import UUID

from litestar import Controller, Request, Response, get
from litestar.datastructures import CacheControlHeader
from litestar.di import NamedDependency
from litestar.params import FromPath, Parameter
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from app.access import Permission, needs
from app.db.models import Credential, Structure
from app.errors import Problem
from app.features.badges.issuing import status_list_document
from app.features.badges.keys import issuer_keys
from app.features.badges.openapi import (
    IssuerOperation,
    PublicCredentialOperation,
    StatusListOperation,
)
from app.features.badges.urls import issuer_url, verification_method
from app.i18n import request_language
from app.openapi import problems
from app.throttle import Limit, per_address
from app.web import page
from badges.models import Multikey, Profile
from referentiel import load_referential
from referentiel.i18n import framework_labels, localized

MAX_AGE: Final = 300
CACHED: Final = {"Cache-Control": CacheControlHeader(public=True, max_age=MAX_AGE).to_header()}
READS: Final = Limit("badges-public", 600, timedelta(minutes=5))
JSON_LD: Final = "application/ld+json"
JSON: Final = "application/json"
HTML: Final = "text/html"
VERIFY_PAGE: Final = "/verifier"
MSG_CREDENTIAL = "Badge introuvable : il n'existe pas, ou la personne ne le partage plus."
MSG_ISSUER = "Structure introuvable."
MSG_LIST = "Liste de statuts introuvable."
OPEN: Final = {"Access-Control-Allow-Origin": "*", "Vary": "Accept"}


def _wants_html(request: Request[Any, Any, Any]) -> bool:
    return request.accept.best_match([JSON_LD, JSON, HTML], default=JSON_LD) == HTML


def _json(request: Request[Any, Any, Any], document: dict[str, Any]) -> Response[Any]:
    """``document`` as JSON-LD, or as plain JSON to a caller asking for that only."""
    media = request.accept.best_match([JSON_LD, JSON], default=JSON_LD) or JSON_LD
    return Response(document, media_type=media, headers={**OPEN, **CACHED})


def _not_found(request: Request[Any, Any, Any], detail: str) -> Response[Any]:
    response = Problem(404, detail).to_response(request)
    response.headers.update(OPEN)
    return response


def _missing(request: Request[Any, Any, Any], detail: str) -> Response[Any]:
    """404 in the form asked for: the service's page to a browser, problem+json otherwise."""
    if _wants_html(request):
        raise Problem(404, detail)
    return _not_found(request, detail)


async def issuer_profile(db: AsyncSession, structure: Structure) -> dict[str, Any]:
    """The structure's issuer profile, listing every key it ever signed with."""
    controller = issuer_url(structure.id)
    return Profile(
        id=controller,
        name=structure.name,
        verification_method=[
            Multikey(
                id=verification_method(structure.id, key.key_id),
                controller=controller,
                public_key_multibase=key.public_key_multibase,
            )
            for key in await issuer_keys(db, structure.id)
        ],
    ).published()


class BadgePublic(Controller):
    path = "/badges"
    tags = ["badges"]
    opt = needs(Permission.PUBLIC)
    guards = [per_address(READS)]

    @get(
        "/{credential_id:uuid}",
        summary="Un badge, à son adresse publique",
        operation_class=PublicCredentialOperation,
        description="`Accept: application/ld+json` (ou `application/json`) donne le badge "
        "signé ; un navigateur va à la page de vérification. 404 si la personne a cessé de "
        "le partager (sa liste de statuts reste lisible).",
        responses=problems(404, 429),
    )
    async def credential(
        self,
        *,
        request: Request[Any, Any, Any],
        credential_id: FromPath[UUID],
        db_session: NamedDependency[AsyncSession],
    ) -> Response[Any] | Redirect:
        found = await db_session.get(Credential, credential_id)
        if found is None or not found.shared:
            return _missing(request, MSG_CREDENTIAL)
        if _wants_html(request):
            return Redirect(f"{VERIFY_PAGE}?credential={credential_id}", status_code=303)
        return _json(request, found.body)

    @get(
        "/emetteurs/{structure_id:uuid}",
        summary="Le profil d'émetteur d'une structure, avec toutes ses clés",
        operation_class=IssuerOperation,
        description="Un `Profile` Open Badges 3.0 dont chaque clé Ed25519 (`Multikey`), même "
        "retirée, vérifie les badges qu'elle a signés. Un navigateur reçoit une page qui "
        "nomme la structure.",
        responses=problems(404, 429),
    )
    async def issuer(
        self,
        *,
        request: Request[Any, Any, Any],
        structure_id: FromPath[UUID],
        db_session: NamedDependency[AsyncSession],
    ) -> Response[Any] | Template:
        structure = await db_session.get(Structure, structure_id)
        if structure is None:
            return _missing(request, MSG_ISSUER)
        if not _wants_html(request):
            return _json(request, await issuer_profile(db_session, structure))
        shown = page(
            request,
            "badges/issuer.html",
            structure=structure,
            keys=await issuer_keys(db_session, structure.id),
            verify_page=VERIFY_PAGE,
        )
        shown.headers.update(CACHED)
        return shown

    @get(
        "/emetteurs/{structure_id:uuid}/statuts/{number:int}",
        summary="Une liste de statuts (révocations) d'une structure, signée",
        operation_class=StatusListOperation,
        description="Une `BitstringStatusListCredential` (W3C) : un bit par badge, 1 s'il est "
        "révoqué. Gardée 5 minutes au plus par les caches (`ttl` aussi).",
        responses=problems(404, 429),
    )
    async def status_list(
        self,
        *,
        request: Request[Any, Any, Any],
        structure_id: FromPath[UUID],
        number: Annotated[int, Parameter(ge=1, le=2**31 - 1)],
        db_session: NamedDependency[AsyncSession],
    ) -> Response[Any]:
        document = await status_list_document(db_session, structure_id, number)
        if document is None:
            return _not_found(request, MSG_LIST)
        return _json(request, document)


class CompetencePages(Controller):
    """The public page of each competence of our referential: what badges align to."""

    path = "/referentiel/competences"
    include_in_schema = False
    opt = needs(Permission.PUBLIC)
    guards = [per_address(READS)]

    @get("/{code:str}", cache_control=CacheControlHeader(public=True, max_age=3600))
    async def competence(self, request: Request[Any, Any, Any], code: FromPath[str]) -> Template:
        ref = load_referential()
        known = {c.code for c in ref.competences}
        if code not in known:
            raise Problem(404, "Compétence inconnue.")
        lang = request_language(request)
        shown = localized(ref, lang)
        labels = framework_labels(ref, lang)
        competence = shown.competence(code)
        return page(
            request,
            "badges/competence.html",
            competence=competence,
            domain=shown.domain(competence.domain),
            items=shown.tube(code),
            levels=[v for v in shown.scale.values if v.value > 0],
            alignments=[
                (name, [(target, labels[section][target]) for target in targets])
                for name, section, targets in (
                    ("CRCN (Pix)", "crcn_competences", competence.mappings.crcn),
                    ("DigComp 2.2", "digcomp_competences", competence.mappings.digcomp),
                    ("CléA Numérique", "clea_domains", competence.mappings.clea),
                )
            ],
        )
