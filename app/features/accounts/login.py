"""Logging in: the password, then the second factor when the account has one, with limits that
every worker shares (`app.throttle`).

- Per account (whatever the address): after 3 failures, each new try must wait 1, 2, 4… up
  to 60 seconds after the previous one; after 10 failures in 15 minutes, the account refuses
  logins until the 15 minutes are over.
- Per address (whatever the account): 30 failures in 15 minutes, then 15 minutes of refusal.

A refused attempt checks nothing, so it cannot be used to test a password. Its answer, and
that of a wrong password, comes only after a pause (a tarpit): a script trying passwords in a
loop then sends a few requests a second, not hundreds, and the service stays quick for
everyone else. The audit trail records each failure and the start of a lockout, not each
refused attempt. A success clears the account's count, not the address's.
"""

from __future__ import annotations

import asyncio
import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit import Auditor
from app.db.models import User
from app.features.accounts.security import hash_password_async, needs_rehash, verify_password_async
from app.features.accounts.totp import TotpBox, accepted_step
from app.throttle import Limit, Tally, Throttles

ACCOUNT = Limit("login-account", attempts=10, window=timedelta(minutes=15))
ADDRESS = Limit("login-address", attempts=30, window=timedelta(minutes=15))
SLOW_AFTER = 3
SLOWEST = 60
# The tarpit: how long a wrong password, or a refused try, waits before it is answered.
FAILED_PAUSE = 0.5
REFUSED_PAUSE = 1.0


def progressive_wait(tally: Tally | None, now: datetime) -> int:
    """Seconds before the account may be tried again: 0 for the first failures, then
    doubling from 1 s after each failure, up to a minute."""
    if tally is None or tally.count < SLOW_AFTER:
        return 0
    delay = min(2 ** (tally.count - SLOW_AFTER), SLOWEST)
    left = (tally.last_at + timedelta(seconds=delay) - now).total_seconds()
    return max(0, math.ceil(left))


@dataclass(frozen=True)
class Outcome:
    """What a login step gave: a user (logged in, or past the password when ``needs_code``),
    a wait in seconds (refused before anything was checked), or neither (wrong)."""

    user: User | None = None
    wait: int = 0
    needs_code: bool = False


@dataclass
class Login:
    db: AsyncSession
    throttles: Throttles
    auditor: Auditor
    address: str

    async def password(self, email: str, password: str) -> Outcome:
        email = email.strip().lower()
        wait = await self._wait(email, datetime.now(UTC))
        if wait:
            return await self._refused(wait)
        user = await self.db.scalar(select(User).where(User.email == email)) if email else None
        ok = await verify_password_async(self.db, user.password_hash if user else None, password)
        if not ok or user is None or not user.is_active:
            return await self._failed(email, user, step="password")
        if needs_rehash(user.password_hash):
            user.password_hash = await hash_password_async(self.db, password)
        if user.has_totp:
            await self.db.commit()
            return Outcome(user=user, needs_code=True)
        return await self._succeeded(email, user)

    async def code(self, user_id: UUID, typed: str, box: TotpBox) -> Outcome:
        """The second step, for the account whose password was right a moment ago."""
        user = await self.db.get(User, user_id)
        if user is None or not user.is_active or user.totp_secret is None:
            return Outcome()
        wait = await self._wait(user.email, datetime.now(UTC))
        if wait:
            return await self._refused(wait)
        secret = box.open(user.totp_secret)
        step = None if secret is None else accepted_step(secret, typed, user.totp_last_step)
        if step is None:
            return await self._failed(user.email, user, step="code")
        user.totp_last_step = step
        return await self._succeeded(user.email, user)

    async def _wait(self, email: str, now: datetime) -> int:
        """Seconds before this account may be tried from this address (0: now)."""
        account = await self.throttles.tally(self.db, ACCOUNT, email, now)
        address = await self.throttles.tally(self.db, ADDRESS, self.address, now)
        return max(
            0 if account is None else account.wait(ACCOUNT, now),
            0 if address is None else address.wait(ADDRESS, now),
            progressive_wait(account, now),
        )

    async def _refused(self, wait: int) -> Outcome:
        await self.db.rollback()  # nothing to write; the connection is free during the pause
        await asyncio.sleep(REFUSED_PAUSE)
        return Outcome(wait=wait)

    async def _failed(self, email: str, user: User | None, step: str) -> Outcome:
        account = await self.throttles.hit(self.db, ACCOUNT, email)
        address = await self.throttles.hit(self.db, ADDRESS, self.address)
        self.auditor.record(self.db, "login.failure", "user", _id(user), actor=user, step=step)
        if account.count == ACCOUNT.attempts or address.count == ADDRESS.attempts:
            # The lockout starts with this failure: said once, not at each refused try.
            locked = "account" if account.count == ACCOUNT.attempts else "address"
            self.auditor.record(self.db, "login.locked", "user", _id(user), actor=user, by=locked)
        await self.db.commit()
        await asyncio.sleep(FAILED_PAUSE)
        return Outcome()

    async def _succeeded(self, email: str, user: User) -> Outcome:
        await self.throttles.forget(self.db, ACCOUNT, email)
        self.auditor.record(self.db, "login.success", "user", user.id, actor=user)
        await self.db.commit()
        return Outcome(user=user)


def _id(user: User | None) -> UUID | None:
    return None if user is None else user.id
