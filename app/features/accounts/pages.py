"""Login and logout of professionals: the password, then the code of the second factor when
the account has one. Each step that changes who the browser is gets a new session id."""

from __future__ import annotations

import time
from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromQuery
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from app.access import Permission, home_of, needs
from app.audit import Auditor
from app.db.models import User
from app.features.accounts.login import Login, Outcome
from app.features.accounts.middleware import SESSION_AUTH_AT, SESSION_USER
from app.sessions import rotate_session
from app.throttle import client_address
from app.web import Msg, page, see_other

FORM = Body(media_type=RequestEncodingType.URL_ENCODED)
Form = Annotated[dict[str, str], FORM]
PENDING = "pending_login"  # {user, at, next}: the password was right, the code is next
PENDING_SECONDS = 300
FIELD_MAX = 320

MSG_WRONG = "Adresse e-mail ou mot de passe incorrect."
MSG_WRONG_CODE = "Ce code ne convient pas. Tapez les 6 chiffres affichés en ce moment."
MSG_WAIT_SECONDS = (
    "Trop d'essais incorrects. Par sécurité, attendez {seconds} seconde(s) avant de réessayer."
)
MSG_WAIT_MINUTES = (
    "Trop d'essais incorrects. Par sécurité, les connexions sont bloquées pendant "
    "{minutes} minute(s). Mot de passe oublié ? Un administrateur peut le réinitialiser."
)
MSG_EXPIRED = "Votre session a pris fin. Reconnectez-vous pour continuer."


def safe_next(target: str | None) -> str:
    return target if target and target.startswith("/") and not target.startswith("//") else "/pro"


def landing(user: User, target: str) -> str:
    """Where a login ends: the page asked for, or else the account's own home (a trainer has
    no people to list on /pro)."""
    return home_of(user) if target == "/pro" else target


def log_in(request: Request[Any, Any, Any], user_id: UUID) -> None:
    """A logged-in session under a new id: nothing of the browser's earlier session is kept."""
    rotate_session(request)
    request.set_session({SESSION_USER: str(user_id), SESSION_AUTH_AT: time.time()})


def wait_message(seconds: int) -> Msg:
    if seconds < 60:
        return Msg(MSG_WAIT_SECONDS, {"seconds": seconds})
    return Msg(MSG_WAIT_MINUTES, {"minutes": -(-seconds // 60)})


def _refusal(outcome: Outcome, wrong: str) -> tuple[Msg, int]:
    """The message and status of a refused step: too many tries (429), or just wrong (400)."""
    if outcome.wait:
        return wait_message(outcome.wait), 429
    return Msg(wrong), 400


def _login(request: Request[Any, Any, Any], db: AsyncSession, auditor: Auditor) -> Login:
    return Login(db, request.app.state.throttles, auditor, client_address(request))


class AccountPages(Controller):
    path = "/pro"
    include_in_schema = False
    opt = needs(Permission.PUBLIC)

    @get("/connexion")
    async def login_form(
        self,
        *,
        current_user: NamedDependency[User | None],
        request: Request[Any, Any, Any],
        suite: FromQuery[str] = "/pro",
        expiree: FromQuery[bool] = False,
    ) -> Template | Redirect:
        user = current_user
        if user is not None:
            return see_other(landing(user, safe_next(suite)))
        return self._form(request, safe_next(suite), "", Msg(MSG_EXPIRED) if expiree else None)

    @post("/connexion")
    async def login(
        self,
        *,
        request: Request[Any, Any, Any],
        data: Form,
        db_session: NamedDependency[AsyncSession],
        auditor: NamedDependency[Auditor],
    ) -> Template | Redirect:
        email = str(data.get("email", ""))[:FIELD_MAX]
        target = safe_next(data.get("next"))
        outcome = await _login(request, db_session, auditor).password(
            email, str(data.get("password", ""))[:FIELD_MAX]
        )
        if outcome.user is None:
            error, status = _refusal(outcome, MSG_WRONG)
            return self._form(request, target, email, error, status)
        if outcome.needs_code:
            rotate_session(request)
            request.set_session(
                {PENDING: {"user": str(outcome.user.id), "at": time.time(), "next": target}}
            )
            return see_other("/pro/connexion/code")
        log_in(request, outcome.user.id)
        return see_other(landing(outcome.user, target))

    @get("/connexion/code")
    async def code_form(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        if _pending(request) is None:
            return see_other("/pro/connexion")
        return page(request, "accounts/code.html", error=None)

    @post("/connexion/code")
    async def code(
        self,
        *,
        request: Request[Any, Any, Any],
        data: Form,
        db_session: NamedDependency[AsyncSession],
        auditor: NamedDependency[Auditor],
    ) -> Template | Redirect:
        pending = _pending(request)
        if pending is None:
            return see_other("/pro/connexion")
        user_id, target = pending
        outcome = await _login(request, db_session, auditor).code(
            user_id, str(data.get("code", ""))[:20], request.app.state.totp_box
        )
        if outcome.user is None:
            error, status = _refusal(outcome, MSG_WRONG_CODE)
            return page(request, "accounts/code.html", status=status, error=error)
        log_in(request, outcome.user.id)
        return see_other(landing(outcome.user, target))

    @post("/deconnexion")
    async def logout(
        self,
        *,
        current_user: NamedDependency[User | None],
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        auditor: NamedDependency[Auditor],
    ) -> Redirect:
        if current_user is not None:
            auditor.record(db_session, "logout")
            await db_session.commit()
        rotate_session(request)
        request.clear_session()
        return see_other("/")

    @staticmethod
    def _form(
        request: Request[Any, Any, Any],
        target: str,
        email: str,
        error: Msg | None,
        status: int = 200,
    ) -> Template:
        return page(
            request, "accounts/login.html", status=status, next=target, email=email, error=error
        )


def _pending(request: Request[Any, Any, Any]) -> tuple[UUID, str] | None:
    """The account whose password was just right, if that was less than 5 minutes ago."""
    pending = request.session.get(PENDING)
    if not isinstance(pending, dict) or not isinstance(pending.get("at"), int | float):
        return None
    if time.time() - pending["at"] > PENDING_SECONDS:
        return None
    try:
        return UUID(str(pending.get("user"))), safe_next(pending.get("next"))
    except ValueError:
        return None
