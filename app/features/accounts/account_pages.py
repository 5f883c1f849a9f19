"""A professional's own account (/pro/compte): password, second factor, API tokens.

Open to every role, and to accounts that must first change their password or add a second
factor (`app.access.setup_required` sends them here).
"""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.response import Redirect, Template

from app.access import Permission, home_of, needs, setup_required
from app.db.models import User
from app.errors import Problem
from app.features.accounts.guards import PAGE_ERRORS
from app.features.accounts.pages import log_in
from app.features.accounts.service import TOKEN_DAYS, TOKEN_DAYS_MAX, AccountError, AccountService
from app.features.accounts.totp import (
    new_secret,
    provisioning_uri,
    qr_code_svg,
    readable_secret,
)
from app.web import Msg, flash, page, see_other

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
NEW_TOTP = "new_totp_secret"  # offered on the page, saved only once a code proves it works
TOKEN_NOT_FOUND = "Ce jeton n'existe pas parmi les vôtres."


class MyAccountPages(Controller):
    path = "/pro/compte"
    include_in_schema = False
    opt = needs(Permission.ACCOUNT)
    exception_handlers = PAGE_ERRORS

    @get("/")
    async def overview(
        self,
        *,
        user: NamedDependency[User],
        request: Request[Any, Any, Any],
        accounts: NamedDependency[AccountService],
    ) -> Template:
        pending = setup_required(user)
        return page(
            request,
            "accounts/account.html",
            account=user,
            pending=None if pending is None else Msg(pending.detail),
            tokens=[t for t in await accounts.tokens(user) if t.active],
            home=home_of(user),
        )

    # --- password ---

    @get("/mot-de-passe")
    async def password_form(
        self, request: Request[Any, Any, Any], user: NamedDependency[User]
    ) -> Template:
        return self._password_page(request, user, [])

    @post("/mot-de-passe")
    async def change_password(
        self,
        *,
        user: NamedDependency[User],
        request: Request[Any, Any, Any],
        data: Form,
        accounts: NamedDependency[AccountService],
    ) -> Template | Redirect:
        try:
            user = await accounts.change_password(
                user,
                data.get("current", "")[:300],
                data.get("new", "")[:300],
                data.get("again", "")[:300],
            )
        except AccountError as error:
            return self._password_page(request, user, error.problems, status=400)
        log_in(request, user.id)  # this browser stays logged in; every other one is out
        flash(request, "Mot de passe changé. Vos autres connexions ont été fermées.")
        return see_other(home_of(user) if setup_required(user) is None else "/pro/compte")

    @staticmethod
    def _password_page(
        request: Request[Any, Any, Any], user: User, problems: list[str], status: int = 200
    ) -> Template:
        return page(
            request,
            "accounts/password.html",
            status=status,
            problems=[Msg(p) for p in problems],
            forced=user.must_change_password,
        )

    # --- second factor ---

    @get("/double-authentification")
    async def totp_page(
        self, request: Request[Any, Any, Any], user: NamedDependency[User]
    ) -> Template:
        return self._totp_page(request, user, None)

    @post("/double-authentification/activer")
    async def enable_totp(
        self,
        *,
        user: NamedDependency[User],
        request: Request[Any, Any, Any],
        data: Form,
        accounts: NamedDependency[AccountService],
    ) -> Template | Redirect:
        secret = request.session.get(NEW_TOTP)
        if user.has_totp or not isinstance(secret, str):
            return see_other("/pro/compte/double-authentification")
        try:
            await accounts.enable_totp(
                user, request.app.state.totp_box, secret, data.get("code", "")[:20]
            )
        except AccountError as error:
            return self._totp_page(request, user, Msg(error.problems[0]), status=400)
        log_in(request, user.id)
        flash(request, "Double authentification activée. Elle sera demandée à chaque connexion.")
        return see_other(home_of(user))

    @post("/double-authentification/retirer")
    async def disable_totp(
        self,
        *,
        user: NamedDependency[User],
        request: Request[Any, Any, Any],
        data: Form,
        accounts: NamedDependency[AccountService],
    ) -> Template | Redirect:
        try:
            await accounts.confirm_password(user, data.get("password", "")[:300])
            await accounts.disable_totp(user)
        except AccountError as error:
            return self._totp_page(request, user, Msg(error.problems[0]), status=400)
        log_in(request, user.id)
        flash(request, "Double authentification retirée.")
        return see_other("/pro/compte")

    @staticmethod
    def _totp_page(
        request: Request[Any, Any, Any], user: User, error: Msg | None, status: int = 200
    ) -> Template:
        context: dict[str, Any] = {"account": user, "error": error}
        if not user.has_totp:
            secret = request.session.get(NEW_TOTP)
            if not isinstance(secret, str):
                secret = new_secret()
                request.set_session({**request.session, NEW_TOTP: secret})
            context["qr_code"] = qr_code_svg(provisioning_uri(secret, user.email))
            context["secret"] = readable_secret(secret)
        return page(request, "accounts/totp.html", status=status, **context)

    # --- API tokens ---

    @get("/jetons")
    async def tokens(
        self,
        request: Request[Any, Any, Any],
        accounts: NamedDependency[AccountService],
        user: NamedDependency[User],
    ) -> Template:
        return await self._tokens_page(request, accounts, user)

    @post("/jetons")
    async def create_token(
        self,
        *,
        user: NamedDependency[User],
        request: Request[Any, Any, Any],
        data: Form,
        accounts: NamedDependency[AccountService],
    ) -> Template:
        days = data.get("days", "")
        if not days.isdigit() or not 1 <= int(days) <= TOKEN_DAYS_MAX:
            error = Msg("Choisissez une durée de 1 à {days} jours.", {"days": TOKEN_DAYS_MAX})
            return await self._tokens_page(request, accounts, user, error=error, status=400)
        token = await accounts.create_token(user.email, data.get("label", "")[:200], int(days))
        return await self._tokens_page(request, accounts, user, new_token=token)

    @post("/jetons/{token_id:uuid}/revoquer")
    async def revoke_token(
        self,
        *,
        user: NamedDependency[User],
        request: Request[Any, Any, Any],
        token_id: FromPath[UUID],
        accounts: NamedDependency[AccountService],
    ) -> Redirect:
        token = await accounts.token(token_id, owner=user)
        if token is None:
            raise Problem(404, TOKEN_NOT_FOUND)
        await accounts.revoke_token(token)
        flash(request, "Jeton révoqué : il ne permet plus rien.")
        return see_other("/pro/compte/jetons")

    @staticmethod
    async def _tokens_page(
        request: Request[Any, Any, Any],
        accounts: AccountService,
        user: User,
        *,
        new_token: str | None = None,
        error: Msg | None = None,
        status: int = 200,
    ) -> Template:
        return page(
            request,
            "accounts/tokens.html",
            status=status,
            tokens=await accounts.tokens(user),
            new_token=new_token,
            error=error,
            default_days=TOKEN_DAYS,
            max_days=TOKEN_DAYS_MAX,
        )
