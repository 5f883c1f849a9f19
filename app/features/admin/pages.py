"""Administrators' pages (/pro/admin): every account, with password resets, second factors
and tokens; new accounts and a coordinator's territory; and the audit trail, filtered. Each
reading of the trail is itself recorded, and each change is in it."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Final
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.access import Permission, needs
from app.audit import ACTIONS, Auditor
from app.db.models import Role, Structure, User
from app.errors import Problem
from app.features.accounts import PAGE_ERRORS, AccountError, AccountService
from app.features.admin import scopes
from app.features.admin.service import AuditFilter, audit_events
from app.i18n import gettext_for, request_language
from app.throttle import Limit, per_user
from app.web import PARIS, Form, Msg, Renders, error_summary, flash, one, page, see_other

USER_NOT_FOUND = "Ce compte n'existe pas."
NOT_A_COORDINATOR = "Ce compte n'est pas celui d'un coordinateur : il ne suit aucun territoire."
TOKEN_NOT_FOUND = "Ce jeton n'existe pas."
MSG_NO_ROLE = "Choisissez le rôle de ce compte dans la liste."
# The new account's fields, in the form's order: the anchor of each and its label.
ACCOUNT_FIELDS = {
    "email": ("email", "Adresse e-mail"),
    "role": (f"role-{next(iter(Role)).value}", "Rôle"),
    "structure": ("structure", "Structure"),
    "scope": ("territoire", "Territoire suivi"),
    "": ("email", ""),
}
NEW_ACCOUNT = ("email", "role", "structure", "territoire")  # the form's field names
FIELD_MAX = 400  # longer than any field may be: the rules then say what is wrong
# The journal's filters (query parameters) and the length kept of each.
# An administrator's session in the wrong hands may not create accounts or reset passwords
# without end, nor search the whole trail in a loop (its filters read a large table).
CHANGES: Final = Limit("admin-change", attempts=120, window=timedelta(hours=1))
TRAIL_READS: Final = Limit("audit-read", attempts=300, window=timedelta(minutes=10))

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

    @get("/comptes/nouveau")
    async def new_account(
        self, request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession]
    ) -> Template:
        return await _account_form(request, db_session, dict.fromkeys(NEW_ACCOUNT, ""))

    @post("/comptes/nouveau", guards=[per_user(CHANGES)])
    async def create_account(
        self,
        *,
        request: Request[Any, Any, Any],
        data: Form,
        db_session: NamedDependency[AsyncSession],
        accounts: NamedDependency[AccountService],
        user: NamedDependency[User],
    ) -> Template:
        values = {name: one(data, name)[:FIELD_MAX] for name in NEW_ACCOUNT}
        errors: dict[str, Renders] = {}
        role = _role(values["role"])
        if role is None:
            errors["role"] = Msg(MSG_NO_ROLE)
        scope = scopes.read_choice(values["territoire"])
        if scope is None:
            errors["scope"] = Msg(scopes.MSG_NOT_A_CHOICE)
        if role is None or scope is None:
            found = await accounts.new_account_problems(
                values["email"], role, values["structure"], *(scope or (None, None))
            )
            for reason in found:
                errors.setdefault(reason.about, reason)
            return await _account_form(request, db_session, values, errors)
        try:
            created, password = await accounts.create_with_first_password(
                values["email"], role, values["structure"], departement=scope[0], region=scope[1]
            )
        except AccountError as error:
            for reason in error.reasons:
                errors.setdefault(reason.about, reason)
            return await _account_form(request, db_session, values, errors)
        return await _accounts_page(request, accounts, user, created=(created, password))

    @get("/comptes/{user_id:uuid}/territoire")
    async def scope_form(
        self,
        *,
        request: Request[Any, Any, Any],
        user_id: FromPath[UUID],
        db_session: NamedDependency[AsyncSession],
        user: NamedDependency[User],
    ) -> Template:
        coordinator = await _coordinator(user, db_session, user_id)
        return _scope_form(request, coordinator, scopes.value_of(coordinator))

    @post("/comptes/{user_id:uuid}/territoire", guards=[per_user(CHANGES)])
    async def change_scope(
        self,
        *,
        request: Request[Any, Any, Any],
        user_id: FromPath[UUID],
        data: Form,
        db_session: NamedDependency[AsyncSession],
        accounts: NamedDependency[AccountService],
        user: NamedDependency[User],
    ) -> Template | Redirect:
        coordinator = await _coordinator(user, db_session, user_id)
        typed = one(data, "territoire")[:FIELD_MAX]
        scope = scopes.read_choice(typed)
        if scope is None:
            return _scope_form(request, coordinator, typed, Msg(scopes.MSG_NOT_A_CHOICE))
        try:
            changed = await accounts.set_scope(coordinator, *scope)
        except AccountError as error:
            return _scope_form(request, coordinator, typed, error.reasons[0])
        label = scopes.label_of(changed)  # set: a coordinator cannot be left without one
        territory = label.render(gettext_for(request_language(request))) if label else ""
        flash(
            request,
            "Territoire suivi par {email} : {territory}.",
            email=changed.email,
            territory=territory,
        )
        return see_other("/pro/admin/comptes")

    @post("/comptes/{user_id:uuid}/mot-de-passe", guards=[per_user(CHANGES)])
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

    @post("/comptes/{user_id:uuid}/double-authentification/retirer", guards=[per_user(CHANGES)])
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

    @post("/jetons/{token_id:uuid}/revoquer", guards=[per_user(CHANGES)])
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

    @get("/journal", opt=needs(Permission.AUDIT), guards=[per_user(TRAIL_READS)])
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
    created: tuple[User, str] | None = None,
) -> Template:
    return page(
        request,
        "admin/accounts.html",
        users=await accounts.users(),
        tokens=[t for t in await accounts.tokens() if t.active],
        reset=reset,
        created=created,
        me=me,
        scope_of=scopes.label_of,
        coordinator=Role.COORDINATOR,
    )


def _role(value: str) -> Role | None:
    try:
        return Role(value)
    except ValueError:
        return None


async def _account_form(
    request: Request[Any, Any, Any],
    db: AsyncSession,
    values: dict[str, str],
    errors: dict[str, Renders] | None = None,
) -> Template:
    """The new account's form; 422 with its problems, in the order of the fields."""
    errors = {key: errors[key] for key in ACCOUNT_FIELDS if key in errors} if errors else {}
    _ = gettext_for(request_language(request))
    labels = {
        key: (anchor, _(label) if label else "") for key, (anchor, label) in ACCOUNT_FIELDS.items()
    }
    structures = await db.scalars(select(Structure.name).order_by(Structure.name))
    return page(
        request,
        "admin/account_new.html",
        status=422 if errors else 200,
        values=values,
        errors=errors,
        summary=error_summary(request, errors, labels),
        roles=list(Role),
        structures=structures.all(),
        regions=scopes.regions_offered(),
        departements=scopes.departements_offered(),
    )


def _scope_form(
    request: Request[Any, Any, Any], coordinator: User, chosen: str, error: Renders | None = None
) -> Template:
    labels = {"scope": ("territoire", gettext_for(request_language(request))("Territoire suivi"))}
    errors = {} if error is None else {"scope": error}
    return page(
        request,
        "admin/account_scope.html",
        status=422 if error else 200,
        account=coordinator,
        chosen=chosen,
        errors=errors,
        summary=error_summary(request, errors, labels),
        regions=scopes.regions_offered(),
        departements=scopes.departements_offered(),
    )


async def _other_account(me: User, db: AsyncSession, user_id: UUID) -> User:
    """Another account than one's own: an administrator changes their own on /pro/compte."""
    user = await db.get(User, user_id)
    if user is None or user.id == me.id:
        raise Problem(404, USER_NOT_FOUND)
    return user


async def _coordinator(me: User, db: AsyncSession, user_id: UUID) -> User:
    """A coordinator's account: only they follow a territory."""
    user = await _other_account(me, db, user_id)
    if user.role != Role.COORDINATOR:
        raise Problem(404, NOT_A_COORDINATOR)
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
