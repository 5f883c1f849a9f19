"""Who is calling: a bearer token (API) or a logged-in session (pages), else nobody.

Anonymous requests cost nothing: the database is only asked when a credential is present.
A token counts only until it expires or is revoked; a session only within its absolute
lifetime and if the account's credentials have not changed since the login.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit import AUTH_TOKEN_ID, Auditor
from app.db.models import ApiToken, User
from app.db.types import as_utc
from app.features.accounts.security import token_hash

SESSION_USER = "user_id"
SESSION_AUTH_AT = "auth_at"  # when the login happened (seconds since the epoch, UTC)
SESSION_EXPIRED = "parcours.session_expired"
# last_used_at is written at most this often per token, and a `token.use` event at most once
# per USE_EVENT_EVERY: the trail shows when a token was in use without a row per request.
TOKEN_TOUCH_EVERY = timedelta(minutes=1)
USE_EVENT_EVERY = timedelta(hours=1)


class AuthMiddleware(ASGIMiddleware):
    def __init__(
        self,
        session_maker: Callable[[], AbstractAsyncContextManager[AsyncSession]],
        absolute: timedelta,
        audit_keys: tuple[bytes, ...],
    ) -> None:
        self.session_maker = session_maker
        self.absolute = absolute
        self.audit_keys = audit_keys

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
                return await self._user_by_token(db, scope, token)
            user = await _user_by_id(db, session.get(SESSION_USER))
        if user is None or not self._session_current(session, user):
            scope["session"] = {}  # logged out: the session backend deletes it
            scope[SESSION_EXPIRED] = True  # type: ignore[literal-required]
            return None
        return user

    def _session_current(self, session: Any, user: User) -> bool:
        began = session.get(SESSION_AUTH_AT)
        if not isinstance(began, int | float):
            return False
        began_at = datetime.fromtimestamp(began, UTC)
        if datetime.now(UTC) - began_at > self.absolute:
            return False
        changed = user.credentials_changed_at
        return changed is None or as_utc(changed) <= began_at

    async def _user_by_token(self, db: AsyncSession, scope: Scope, token: str) -> User | None:
        found = await db.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash(token)))
        now = datetime.now(UTC)
        if (
            found is None
            or found.revoked_at is not None
            or as_utc(found.expires_at) <= now
            or not found.user.is_active
        ):
            return None
        scope[AUTH_TOKEN_ID] = found.id  # type: ignore[literal-required]
        last = None if found.last_used_at is None else as_utc(found.last_used_at)
        if last is None or now - last >= TOKEN_TOUCH_EVERY:
            await db.execute(
                update(ApiToken).where(ApiToken.id == found.id).values(last_used_at=now)
            )
            if last is None or now - last >= USE_EVENT_EVERY:
                client = scope.get("client")
                Auditor(
                    self.audit_keys, found.user, found.id, client[0] if client else None
                ).record(db, "token.use", "token", found.id)
            await db.commit()
        return found.user


def _bearer(scope: Scope) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == b"authorization":
            scheme, _, credential = value.decode("latin-1").partition(" ")
            if scheme.lower() == "bearer" and credential:
                return credential.strip()
    return None


async def _user_by_id(db: AsyncSession, user_id: Any) -> User | None:
    try:
        user = await db.get(User, UUID(str(user_id)))
    except ValueError:
        return None
    return user if user is not None and user.is_active else None
