"""Login and logout of professionals (server-side sessions stored in the database)."""

from __future__ import annotations

import time
from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromQuery
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from app.access import Permission, needs
from app.features.accounts.middleware import SESSION_AUTH_AT, SESSION_USER
from app.features.accounts.service import AccountService
from app.sessions import rotate_session
from app.web import page, see_other

FORM = Body(media_type=RequestEncodingType.URL_ENCODED)


def _safe_next(target: str | None) -> str:
    return target if target and target.startswith("/") and not target.startswith("//") else "/pro"


class AccountPages(Controller):
    path = "/pro"
    include_in_schema = False
    opt = needs(Permission.PUBLIC)

    @get("/connexion")
    async def login_form(
        self, request: Request[Any, Any, Any], suite: FromQuery[str] = "/pro"
    ) -> Template:
        return page(request, "accounts/login.html", next=_safe_next(suite), error=None, email="")

    @post("/connexion")
    async def login(
        self,
        request: Request[Any, Any, Any],
        data: Annotated[dict[str, str], FORM],
        db_session: NamedDependency[AsyncSession],
    ) -> Template | Redirect:
        email, password = data.get("email", ""), data.get("password", "")
        user = await AccountService(db_session).authenticate(email, password)
        target = _safe_next(data.get("next"))
        if user is None:
            return page(
                request,
                "accounts/login.html",
                status=400,
                next=target,
                email=email,
                error="Adresse e-mail ou mot de passe incorrect.",
            )
        rotate_session(request)
        request.set_session({SESSION_USER: str(user.id), SESSION_AUTH_AT: time.time()})
        return see_other(target)

    @post("/deconnexion")
    async def logout(self, request: Request[Any, Any, Any]) -> Redirect:
        rotate_session(request)
        request.clear_session()
        return see_other("/")
