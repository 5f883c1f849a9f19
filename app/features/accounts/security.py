"""Secrets: argon2 password hashes, and bearer tokens stored only as SHA-256.

Hashing a password costs tens of milliseconds of CPU on purpose. It runs in a small thread
pool, never on the event loop: a burst of wrong passwords then slows logins down, not every
page of the service.
"""

from __future__ import annotations

import asyncio
import hashlib
import secrets
from concurrent.futures import ThreadPoolExecutor

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.ext.asyncio import AsyncSession

# One lane: a hash then keeps to the one core of its thread (four lanes spread over every core
# of a small server, and the pages wait). 64 MiB and three passes stay well above OWASP's
# minimum for argon2id; hashes made with other settings are redone at the next login.
_hasher = PasswordHasher(parallelism=1)
# One hash at a time per process: on a small server the other core keeps serving pages.
HASHING = ThreadPoolExecutor(max_workers=1, thread_name_prefix="password-hashing")
TOKEN_PREFIX = "pn_"
# A precomputed hash to verify against when the e-mail is unknown, so that the response time
# does not tell whether an account exists.
_DUMMY_HASH = _hasher.hash("parcours-numerique")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with weaker settings than today's."""
    try:
        return _hasher.check_needs_rehash(password_hash)
    except InvalidHashError:
        return True


async def hash_password_async(db: AsyncSession, password: str) -> str:
    """``hash_password`` in the hashing thread, ``db``'s connection handed back meanwhile:
    SQLite has one, and a hash takes a tenth of a second that every page would wait."""
    await db.commit()
    return await asyncio.get_running_loop().run_in_executor(HASHING, hash_password, password)


async def verify_password_async(db: AsyncSession, password_hash: str | None, password: str) -> bool:
    """``verify_password`` in the hashing thread, as ``hash_password_async``."""
    await db.commit()
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(HASHING, verify_password, password_hash, password)


def generate_password() -> str:
    return secrets.token_urlsafe(12)


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
