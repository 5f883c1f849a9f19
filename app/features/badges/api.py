"""JSON API of badges: issue one from recorded evidence, list and read the structure's badges
(the signed JSON, or baked into a PNG or SVG image), revoke one with a reason."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Final
from uuid import UUID

from litestar import Controller, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter
from sqlalchemy.ext.asyncio import AsyncSession

from app.access import Permission, needs
from app.audit import Auditor
from app.db.models import Credential, EvidenceRecord, User
from app.errors import Problem
from app.features.badges.images import PNG, SVG, baked
from app.features.badges.issuing import (
    IssuingError,
    issue_for_evidence,
    live_for_evidence,
    revoke,
    status_of,
    structure_credentials,
)
from app.features.badges.openapi import CredentialFileOperation, IssuedOperation
from app.features.badges.schemas import CredentialIn, CredentialOut, CredentialPage, RevokeIn
from app.features.badges.urls import credential_url
from app.openapi import BEARER_REQUIRED, problems
from app.throttle import Limit, per_user

ISSUING: Final = Limit("badges-issue", 300, timedelta(minutes=10))
REVOKING: Final = Limit("badges-revoke", 60, timedelta(minutes=10))
# Drawing a PNG costs a few hundred milliseconds: plenty for people, not for a loop.
IMAGES: Final = Limit("badges-images", 120, timedelta(minutes=10))
# Reading the structure's list (the API and the page): a page each time, not a crawl.
LISTING: Final = Limit("badges-list", 300, timedelta(minutes=10))
LIST_MAX: Final = 200
MSG_EVIDENCE = "Preuve introuvable dans votre structure."
MSG_CREDENTIAL = "Badge introuvable dans votre structure."
MSG_REVOKED = "Ce badge est déjà révoqué."
MSG_UNTIL = (
    "valid_until : une date à venir, avec son fuseau horaire (par exemple 2027-06-30T00:00:00Z)"
)
JSON_LD: Final = "application/ld+json"
_REF: Final = re.compile(r"^([0-9a-fA-F-]{32,36})(\.png|\.svg|\.json)?$")


def _caller(user: User | None) -> User:
    if user is None:  # the permission guard lets no anonymous caller in
        raise Problem(401, "Connectez-vous.")
    return user


def credential_out(credential: Credential, now: datetime | None = None) -> CredentialOut:
    status = status_of(credential, now)
    return CredentialOut(
        id=credential.id,
        achievement=credential.achievement,
        name=str(credential.body.get("name", "")),
        competence=credential.competence,
        level=credential.level,
        issued_at=credential.issued_at,
        valid_until=credential.valid_until,
        status=status,  # type: ignore[arg-type]
        revoked_at=credential.revoked_at,
        revoked_reason=credential.revoked_reason,
        shared=credential.shared,
        url=credential_url(credential.id),
    )


async def ours(db: AsyncSession, user: User, credential_id: UUID) -> Credential:
    """A badge the caller's structure issued; 404 for any other, as for one that does not exist."""
    found = await db.get(Credential, credential_id)
    if found is None or found.structure_id != user.structure_id:
        raise Problem(404, MSG_CREDENTIAL)
    return found


class CredentialApi(Controller):
    path = "/api/v1/credentials"
    tags = ["badges"]
    security = BEARER_REQUIRED
    opt = needs(Permission.BADGES)

    @post(
        "/",
        summary="Délivrer un badge à partir d'une preuve enregistrée",
        description="La preuve (`evidence_id`) doit avoir été enregistrée par la structure de "
        "l'appelant et être validée (fin d'atelier réussie, tâche observée) : ce que la "
        "personne déclare elle-même ne donne jamais de badge. Répond 201 avec le badge signé "
        "(OpenBadgeCredential, preuve `eddsa-rdfc-2022`) ; 200 avec le même badge s'il était "
        "déjà délivré (un seul badge en cours par personne et par réussite).",
        status_code=201,
        guards=[per_user(ISSUING)],
        operation_class=IssuedOperation,
        responses=problems(
            401,
            403,
            404,
            422,
            429,
            when={
                404: "Preuve inconnue, ou enregistrée par une autre structure.",
                422: "Preuve non validée, déclarée par la personne, sans niveau, ou "
                "`valid_until` passée ou sans fuseau horaire.",
            },
        ),
    )
    async def issue(
        self,
        *,
        data: JSONBody[CredentialIn],
        db_session: NamedDependency[AsyncSession],
        current_user: NamedDependency[User | None],
        auditor: NamedDependency[Auditor],
    ) -> Response[dict[str, Any]]:
        user = _caller(current_user)
        until = data.valid_until
        if until is not None and (until.tzinfo is None or until <= datetime.now(UTC)):
            raise Problem(422, "Une valeur ne convient pas.", [MSG_UNTIL])
        evidence = await db_session.get(EvidenceRecord, data.evidence_id)
        if evidence is None or evidence.structure_id != user.structure_id:
            raise Problem(404, MSG_EVIDENCE)
        before = await live_for_evidence(db_session, evidence)
        try:
            credential = await issue_for_evidence(
                db_session, evidence, issued_by=user.id, valid_until=until
            )
        except IssuingError as error:
            raise Problem(422, str(error)) from None
        created = before is None
        if created:
            auditor.record(db_session, "credential.issue", "credential", credential.id)
        return Response(credential.body, status_code=201 if created else 200)

    @get(
        "/",
        summary="Les badges délivrés par la structure, avec leur état",
        description="Du plus récent au plus ancien. `status` : `active`, `revoked` ou `expired`.",
        guards=[per_user(LISTING)],
        responses=problems(401, 403, 429),
    )
    async def list_credentials(
        self,
        *,
        db_session: NamedDependency[AsyncSession],
        current_user: NamedDependency[User | None],
        limit: Annotated[int, QueryParameter(ge=1, le=LIST_MAX)] = 50,
        offset: Annotated[int, QueryParameter(ge=0, le=1_000_000)] = 0,
    ) -> CredentialPage:
        user = _caller(current_user)
        total, found = await structure_credentials(
            db_session, user.structure_id, limit=limit, offset=offset
        )
        now = datetime.now(UTC)
        return CredentialPage(total=total, items=[credential_out(c, now) for c in found])

    @get(
        "/{ref:str}",
        summary="Un badge : le JSON signé, ou l'image qui le porte (.png, .svg)",
        description="`/api/v1/credentials/{id}` (ou `{id}.json`) donne le JSON signé, tel "
        "que délivré ; `{id}.png` et `{id}.svg` donnent l'image du badge avec le JSON "
        "dedans (Open Badges 3.0, « baking »), que la personne peut garder ou montrer.",
        guards=[per_user(IMAGES)],
        operation_class=CredentialFileOperation,
        responses=problems(401, 403, 404, 429),
    )
    async def read(
        self,
        *,
        ref: FromPath[str],
        db_session: NamedDependency[AsyncSession],
        current_user: NamedDependency[User | None],
    ) -> Response[Any]:
        user = _caller(current_user)
        matched = _REF.match(ref)
        try:
            credential_id = UUID(matched.group(1)) if matched else None
        except ValueError:
            credential_id = None
        if credential_id is None or matched is None:
            raise Problem(404, MSG_CREDENTIAL)
        credential = await ours(db_session, user, credential_id)
        suffix = matched.group(2)
        if suffix in (".png", ".svg"):
            media_type = PNG if suffix == ".png" else SVG
            try:
                content = await baked(credential.body, media_type)
            except ValueError:
                raise Problem(404, "Ce badge n'a pas d'image.") from None
            return Response(
                content,
                media_type=media_type,
                headers={
                    "Content-Disposition": f'attachment; filename="badge-{credential.id}{suffix}"'
                },
            )
        return Response(credential.body, media_type="application/json")

    @post(
        "/{credential_id:uuid}/revoke",
        summary="Révoquer un badge, avec sa raison",
        description="Par un formateur, une formatrice ou un administrateur de la structure "
        "qui l'a délivré. Le badge apparaît révoqué dans la liste de statuts publiée, que les "
        "vérificateurs relisent au plus toutes les 5 minutes.",
        opt=needs(Permission.BADGE_REVOCATION),
        status_code=200,
        guards=[per_user(REVOKING)],
        responses=problems(
            401,
            403,
            404,
            409,
            422,
            429,
            when={409: MSG_REVOKED, 422: "La raison manque."},
        ),
    )
    async def revoke_credential(
        self,
        *,
        credential_id: FromPath[UUID],
        data: JSONBody[RevokeIn],
        db_session: NamedDependency[AsyncSession],
        current_user: NamedDependency[User | None],
        auditor: NamedDependency[Auditor],
    ) -> CredentialOut:
        user = _caller(current_user)
        credential = await ours(db_session, user, credential_id)
        if credential.revoked_at is not None:
            raise Problem(409, MSG_REVOKED)
        try:
            await revoke(db_session, credential, reason=data.reason, by=user.id)
        except IssuingError as error:
            raise Problem(422, str(error)) from None
        auditor.record(db_session, "credential.revoke", "credential", credential.id)
        return credential_out(credential)
