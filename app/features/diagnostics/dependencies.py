"""The diagnostic named by the path, for the pages and the API: the one access rule of
`DiagnosticService.visible`, answered as each side answers errors."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from uuid import UUID

from litestar import Request
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models import Diagnostic
from app.errors import Problem
from app.features.accounts.guards import current_user
from app.features.diagnostics.service import DiagnosticService, NotVisibleError


def visible_diagnostic(not_found: str, login_first: str | None = None) -> Provide:
    """A provider of the path's diagnostic: 404 with ``not_found`` when it may not be seen, or
    401 with ``login_first`` when nobody is logged in and a login could open it."""

    async def provide(
        request: Request[Any, Any, Any],
        diagnostic_id: FromPath[UUID],
        db_session: NamedDependency[AsyncSession],
    ) -> Diagnostic:
        try:
            return await DiagnosticService(db_session).visible(diagnostic_id, current_user(request))
        except NotVisibleError as error:
            if error.needs_login and login_first is not None:
                raise Problem(401, login_first) from None
            raise Problem(404, not_found) from None

    provider: Callable[..., Awaitable[Diagnostic]] = provide
    return Provide(provider)
