"""Role guards: who may use a route. Anonymous callers get 401, wrong roles 403."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler

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
