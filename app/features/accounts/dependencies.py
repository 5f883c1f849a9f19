"""What handlers are given: the account service of the request."""

from __future__ import annotations

from litestar.di import NamedDependency, Provide
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit import Auditor
from app.features.accounts.service import AccountService


def provide_accounts(
    db_session: NamedDependency[AsyncSession], auditor: NamedDependency[Auditor]
) -> AccountService:
    return AccountService(db_session, auditor)


ACCOUNTS = {"accounts": Provide(provide_accounts, sync_to_thread=False)}
