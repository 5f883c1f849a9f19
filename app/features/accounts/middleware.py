"""Who is calling: a bearer token (API) or a logged-in session (pages), else nobody.

Anonymous requests cost nothing: the database is only asked when a credential is present.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models import ApiToken, User
from app.features.accounts.security import token_hash

SESSION_USER = "user_id"


class AuthMiddleware(ASGIMiddleware):
    def __init__(
        self, session_maker: Callable[[], AbstractAsyncContextManager[AsyncSession]]
    ) -> None:
        self.session_maker = session_maker

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        scope["user"] = await self._user(scope)
        await next_app(scope, receive, send)

    async def _user(self, scope: Scope) -> User | None:
        token = _bearer(scope)
        session: Any = scope.get("session") or {}
        if token is None and SESSION_USER not in session:
            return None
        async with self.session_maker() as db:
            if token is not None:
                return await _user_by_token(db, token)
            return await _user_by_id(db, session[SESSION_USER])


def _bearer(scope: Scope) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == b"authorization":
            scheme, _, credential = value.decode("latin-1").partition(" ")
            if scheme.lower() == "bearer" and credential:
                return credential.strip()
    return None


async def _user_by_token(db: AsyncSession, token: str) -> User | None:
    found = await db.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash(token)))
    if found is None or not found.user.is_active:
        return None
    await db.execute(
        update(ApiToken).where(ApiToken.id == found.id).values(last_used_at=datetime.now(UTC))
    )
    await db.commit()
    return found.user


async def _user_by_id(db: AsyncSession, user_id: str) -> User | None:
    try:
        user = await db.get(User, UUID(user_id))
    except ValueError:
        return None
    return user if user is not None and user.is_active else None
