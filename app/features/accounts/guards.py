"""The logged-in professional of a request, and the way pages answer « log in first ».

Who may use which route is decided once, by `app.access` (the role × permission matrix)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException
from litestar.response import Redirect
from litestar.types import ExceptionHandlersMap

from app.access import AccountSetupRequired
from app.db.models import User
from app.features.accounts.middleware import SESSION_EXPIRED


def current_user(connection: ASGIConnection[Any, Any, Any, Any]) -> User | None:
    user = connection.scope.get("user")
    return user if isinstance(user, User) else None


def redirect_to_login(request: Request[Any, Any, Any], _: NotAuthorizedException) -> Redirect:
    """Pages only: someone not logged in goes to the login page, then back (GET requests)."""
    target = request.url.path
    if request.method == "GET" and request.url.query:
        target += "?" + request.url.query
    if request.method != "GET":
        target = "/pro"
    query = {"suite": target}
    if request.scope.get(SESSION_EXPIRED):
        query["expiree"] = "1"
    return Redirect(path="/pro/connexion?" + urlencode(query), status_code=303)


def redirect_to_setup(request: Request[Any, Any, Any], exc: AccountSetupRequired) -> Redirect:
    """Pages only: an account that must first change its password or add a second factor."""
    return Redirect(path=exc.path, status_code=303)


PAGE_ERRORS: ExceptionHandlersMap = {
    NotAuthorizedException: redirect_to_login,
    AccountSetupRequired: redirect_to_setup,
}


def logged_in_user(connection: ASGIConnection[Any, Any, Any, Any]) -> User:
    """The professional behind a guarded route (the guard has already let them in)."""
    user = current_user(connection)
    if user is None:
        raise NotAuthorizedException()
    return user
