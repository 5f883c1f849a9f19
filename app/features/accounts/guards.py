"""Role guards: who may use a route. Anonymous callers get 401, wrong roles 403."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.response import Redirect

from app.db.models import Role, User

Guard = Callable[[ASGIConnection[Any, Any, Any, Any], BaseRouteHandler], None]


def current_user(connection: ASGIConnection[Any, Any, Any, Any]) -> User | None:
    user = connection.scope.get("user")
    return user if isinstance(user, User) else None


def requires(*roles: Role) -> Guard:
    """A guard letting in the given roles (and admins, who may do everything)."""

    def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        user = current_user(connection)
        if user is None:
            raise NotAuthorizedException()
        if user.role not in roles and user.role != Role.ADMIN:
            raise PermissionDeniedException()

    return guard


mediator_only = requires(Role.MEDIATOR)


def redirect_to_login(request: Request[Any, Any, Any], _: NotAuthorizedException) -> Redirect:
    """Pages only: someone not logged in goes to the login page, then back (GET requests)."""
    target = request.url.path
    if request.method == "GET" and request.url.query:
        target += "?" + request.url.query
    if request.method != "GET":
        target = "/pro"
    return Redirect(path="/pro/connexion?" + urlencode({"suite": target}), status_code=303)


def logged_in_user(connection: ASGIConnection[Any, Any, Any, Any]) -> User:
    """The professional behind a guarded route (the guard has already let them in)."""
    user = current_user(connection)
    if user is None:
        raise NotAuthorizedException()
    return user
