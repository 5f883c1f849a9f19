"""The structure's badges (`/pro/badges`), for trainers as for mediators: every badge it issued
with its state; for one session (`?seance=…`, linked from its attendance page), the badges of its
exit checks and « Délivrer » for evidence that gave none yet; « Révoquer » with a reason, for
those who may revoke. Plain forms and links: no JavaScript needed.
"""

from __future__ import annotations

from typing import Annotated, Any, Final
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from app.access import Permission, allowed, needs
from app.audit import Auditor
from app.db.models import Credential, EvidenceRecord, Session, User
from app.errors import Problem
from app.features.accounts import PAGE_ERRORS
from app.features.badges.api import ISSUING, LISTING, REVOKING
from app.features.badges.issuing import IssuingError, issue_for_evidence, live_for_evidence, revoke
from app.features.badges.ledger import badge_rows, pending_for_session
from app.i18n import gettext_for, request_language
from app.throttle import per_user
from app.web import Form, Msg, error_summary, flash, one, page, parse_uuid, see_other
from app.when import said_span

HOME: Final = "/pro/badges"
PAGE_SIZE: Final = 50
PAGE_MAX: Final = 20_000
MSG_SESSION: Final = "Séance introuvable dans votre structure."
MSG_BADGE: Final = "Badge introuvable dans votre structure."
MSG_REASON: Final = "Donnez la raison de la révocation : la personne la lira dans son portefeuille."
REASON_MAX: Final = 300


async def _session(db: AsyncSession, user: User, session_id: UUID | None) -> Session | None:
    """The session asked for, when it is one of the structure's; 404 for any other."""
    if session_id is None:
        return None
    found = await db.get(Session, session_id)
    if found is None or found.structure_id != user.structure_id:
        raise Problem(404, MSG_SESSION)
    return found


async def _ours(db: AsyncSession, user: User, credential_id: UUID) -> Credential:
    found = await db.get(Credential, credential_id)
    if found is None or found.structure_id != user.structure_id:
        raise Problem(404, MSG_BADGE)
    return found


def _back(session_id: UUID | None) -> str:
    return HOME if session_id is None else f"{HOME}?seance={session_id}"


def _revocation(
    request: Request[Any, Any, Any],
    credential: Credential,
    session_id: UUID | None,
    reason: str = "",
    error: Msg | None = None,
) -> Template:
    _ = gettext_for(request_language(request))
    errors = {"reason": error} if error else {}
    return page(
        request,
        "badges/revoke.html",
        status=422 if error else 200,
        credential=credential,
        reason=reason,
        error=error,
        summary=error_summary(request, errors, {"reason": ("raison", _("Raison"))}),
        back=_back(session_id),
        session_id=session_id,
        reason_max=REASON_MAX,
    )


class StructureBadgePages(Controller):
    path = HOME
    include_in_schema = False
    opt = needs(Permission.BADGES)
    exception_handlers = PAGE_ERRORS

    @get("/", guards=[per_user(LISTING)])
    async def listing(
        self,
        *,
        request: Request[Any, Any, Any],
        user: NamedDependency[User],
        db_session: NamedDependency[AsyncSession],
        seance: Annotated[str, QueryParameter(max_length=40)] = "",
        page_number: Annotated[int, QueryParameter(name="page", ge=1, le=PAGE_MAX)] = 1,
    ) -> Template:
        session = await _session(db_session, user, parse_uuid(seance) if seance else None)
        if seance and session is None:
            raise Problem(404, MSG_SESSION)
        total, rows = await badge_rows(
            db_session,
            user,
            session_id=None if session is None else session.id,
            limit=PAGE_SIZE,
            offset=(page_number - 1) * PAGE_SIZE,
        )
        return page(
            request,
            "badges/structure.html",
            rows=rows,
            total=total,
            page_number=page_number,
            pages=max(1, -(-total // PAGE_SIZE)),
            session=session,
            when=None if session is None else said_span(session.starts_at, session.ends_at),
            pending=[] if session is None else await pending_for_session(db_session, user, session),
            may_revoke=allowed(user, Permission.BADGE_REVOCATION),
            structure=user.structure.name,
        )

    @post("/delivrer", guards=[per_user(ISSUING)])
    async def issue(
        self,
        *,
        request: Request[Any, Any, Any],
        user: NamedDependency[User],
        db_session: NamedDependency[AsyncSession],
        auditor: NamedDependency[Auditor],
        data: Form,
    ) -> Redirect:
        session_id = parse_uuid(one(data, "seance")) if one(data, "seance") else None
        back = _back(session_id)
        evidence_id = parse_uuid(one(data, "preuve"))
        evidence = None
        if evidence_id is not None:
            evidence = await db_session.get(EvidenceRecord, evidence_id)
        if evidence is None or evidence.structure_id != user.structure_id:
            flash(request, "Cette preuve est introuvable dans votre structure : pas de badge.")
            return see_other(back)
        before = await live_for_evidence(db_session, evidence)
        try:
            credential = await issue_for_evidence(db_session, evidence, issued_by=user.id)
        except IssuingError as error:
            await db_session.rollback()
            flash(request, str(error))
            return see_other(back)
        if before is None:
            auditor.record(db_session, "credential.issue", "credential", credential.id)
        name = credential.body["name"]
        await db_session.commit()  # before the session store writes the notice (SQLite)
        flash(request, "Badge délivré : {name}", name=name)
        return see_other(back)

    @get("/{credential_id:uuid}/revoquer", opt=needs(Permission.BADGE_REVOCATION))
    async def confirm_revocation(
        self,
        *,
        request: Request[Any, Any, Any],
        credential_id: FromPath[UUID],
        user: NamedDependency[User],
        db_session: NamedDependency[AsyncSession],
        seance: Annotated[str, QueryParameter(max_length=40)] = "",
    ) -> Template:
        credential = await _ours(db_session, user, credential_id)
        return _revocation(request, credential, parse_uuid(seance) if seance else None)

    @post(
        "/{credential_id:uuid}/revoquer",
        opt=needs(Permission.BADGE_REVOCATION),
        guards=[per_user(REVOKING)],
    )
    async def revoke_badge(
        self,
        *,
        request: Request[Any, Any, Any],
        credential_id: FromPath[UUID],
        user: NamedDependency[User],
        db_session: NamedDependency[AsyncSession],
        auditor: NamedDependency[Auditor],
        data: Form,
    ) -> Template | Redirect:
        credential = await _ours(db_session, user, credential_id)
        session_id = parse_uuid(one(data, "seance")) if one(data, "seance") else None
        reason = one(data, "raison")[: REASON_MAX * 4]
        if credential.revoked_at is not None:
            flash(request, "Ce badge est déjà révoqué.")
            return see_other(_back(session_id))
        if not " ".join(reason.split()):
            return _revocation(request, credential, session_id, reason, Msg(MSG_REASON))
        if len(reason) > REASON_MAX:
            return _revocation(
                request,
                credential,
                session_id,
                reason,
                Msg("La raison tient en {max} caractères au plus.", {"max": REASON_MAX}),
            )
        await revoke(db_session, credential, reason=reason, by=user.id)
        auditor.record(db_session, "credential.revoke", "credential", credential.id)
        name = credential.body["name"]
        await db_session.commit()
        flash(request, "Badge révoqué : {name}. Toutes les vérifications le disent.", name=name)
        return see_other(_back(session_id))
