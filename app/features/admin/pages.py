"""Administrators' pages (/pro/admin): every account, with password resets, second factors
and tokens; and the audit trail, filtered. Each reading of the trail is itself recorded."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from app.access import Permission, needs
from app.audit import ACTIONS, Auditor
from app.db.models import User
from app.errors import Problem
from app.features.accounts import PAGE_ERRORS, AccountService
from app.features.admin.service import AuditFilter, audit_events
from app.web import PARIS, Msg, flash, page, see_other

USER_NOT_FOUND = "Ce compte n'existe pas."
TOKEN_NOT_FOUND = "Ce jeton n'existe pas."
# The journal's filters (query parameters) and the length kept of each.
FILTERS = {"action": 40, "acteur": 320, "fiche": 40, "du": 10, "au": 10, "page": 6}


class AdminPages(Controller):
    path = "/pro/admin"
    include_in_schema = False
    opt = needs(Permission.ACCOUNTS_ADMIN)
    exception_handlers = PAGE_ERRORS

    @get("/comptes")
    async def accounts_page(
        self,
        request: Request[Any, Any, Any],
        accounts: NamedDependency[AccountService],
        user: NamedDependency[User],
    ) -> Template:
        return await _accounts_page(request, accounts, user)

    @post("/comptes/{user_id:uuid}/mot-de-passe")
    async def reset_password(
        self,
        *,
        request: Request[Any, Any, Any],
        user_id: FromPath[UUID],
        db_session: NamedDependency[AsyncSession],
        accounts: NamedDependency[AccountService],
        user: NamedDependency[User],
    ) -> Template:
        other = await _other_account(user, db_session, user_id)
        temporary = await accounts.reset_password(other)
        return await _accounts_page(request, accounts, user, reset=(other, temporary))

    @post("/comptes/{user_id:uuid}/double-authentification/retirer")
    async def remove_totp(
        self,
        *,
        request: Request[Any, Any, Any],
        user_id: FromPath[UUID],
        db_session: NamedDependency[AsyncSession],
        accounts: NamedDependency[AccountService],
        user: NamedDependency[User],
    ) -> Redirect:
        other = await _other_account(user, db_session, user_id)
        await accounts.disable_totp(other, by_admin=True)
        flash(
            request,
            "Double authentification retirée pour {email}. Elle lui sera redemandée si son "
            "rôle l'exige.",
            email=other.email,
        )
        return see_other("/pro/admin/comptes")

    @post("/jetons/{token_id:uuid}/revoquer")
    async def revoke_token(
        self,
        *,
        request: Request[Any, Any, Any],
        token_id: FromPath[UUID],
        accounts: NamedDependency[AccountService],
    ) -> Redirect:
        token = await accounts.token(token_id)
        if token is None:
            raise Problem(404, TOKEN_NOT_FOUND)
        await accounts.revoke_token(token)
        flash(request, "Jeton révoqué : il ne permet plus rien.")
        return see_other("/pro/admin/comptes")

    @get("/journal", opt=needs(Permission.AUDIT))
    async def journal(
        self,
        *,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        auditor: NamedDependency[Auditor],
    ) -> Template:
        values = {name: request.query_params.get(name, "")[:size] for name, size in FILTERS.items()}
        errors: list[Msg] = []
        until = _day(values["au"], errors)
        where = AuditFilter(
            action=values["action"] if values["action"] in ACTIONS else "",
            actor=values["acteur"].strip(),
            record=_uuid(values["fiche"], errors),
            since=_day(values["du"], errors),
            until=None if until is None else until + timedelta(days=1),
        )
        number = values["page"]
        found = await audit_events(
            db_session, auditor, where, int(number) if number.isdigit() else 1
        )
        auditor.record(db_session, "audit.read")
        await db_session.commit()
        return page(
            request,
            "admin/journal.html",
            found=found,
            actions=ACTIONS,
            values=values,
            errors=errors,
        )


async def _accounts_page(
    request: Request[Any, Any, Any],
    accounts: AccountService,
    me: User,
    reset: tuple[User, str] | None = None,
) -> Template:
    return page(
        request,
        "admin/accounts.html",
        users=await accounts.users(),
        tokens=[t for t in await accounts.tokens() if t.active],
        reset=reset,
        me=me,
    )


async def _other_account(me: User, db: AsyncSession, user_id: UUID) -> User:
    """Another account than one's own: an administrator changes their own on /pro/compte."""
    user = await db.get(User, user_id)
    if user is None or user.id == me.id:
        raise Problem(404, USER_NOT_FOUND)
    return user


def _uuid(typed: str, errors: list[Msg]) -> UUID | None:
    if not typed.strip():
        return None
    try:
        return UUID(typed.strip())
    except ValueError:
        errors.append(Msg("Le numéro de fiche doit être un identifiant complet (36 caractères)."))
        return None


def _day(typed: str, errors: list[Msg]) -> datetime | None:
    """A date typed as on the form (YYYY-MM-DD), as midnight in Paris."""
    if not typed.strip():
        return None
    try:
        return datetime.strptime(typed.strip(), "%Y-%m-%d").replace(tzinfo=PARIS)
    except ValueError:
        errors.append(Msg("Date à écrire sous la forme 2026-11-30.", {}))
        return None
