"""What handlers are given: the caller, the logged-in professional, the account service.

Registered for the whole app (`app.asgi`); a handler names what it needs
(``user: NamedDependency[User]``) instead of reading the request by hand.
"""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.di import NamedDependency, Provide
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit import Auditor
from app.db.models import User
from app.features.accounts.guards import current_user, logged_in_user
from app.features.accounts.service import AccountService


def provide_current_user(request: Request[Any, Any, Any]) -> User | None:
    """The professional calling, if any (a resident has no account)."""
    return current_user(request)


def provide_user(request: Request[Any, Any, Any]) -> User:
    """The logged-in professional behind a guarded route."""
    return logged_in_user(request)


def provide_accounts(
    db_session: NamedDependency[AsyncSession], auditor: NamedDependency[Auditor]
) -> AccountService:
    return AccountService(db_session, auditor)


DEPENDENCIES = {
    "current_user": Provide(provide_current_user, sync_to_thread=False),
    "user": Provide(provide_user, sync_to_thread=False),
    "accounts": Provide(provide_accounts, sync_to_thread=False),
}
