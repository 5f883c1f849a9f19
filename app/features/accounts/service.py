"""Creating structures, users and tokens (CLI, demo data, tests) and checking a login."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models import ApiToken, Role, Structure, User
from app.features.accounts.security import hash_password, new_token, token_hash, verify_password

TOKEN_DAYS = 90


class AccountError(ValueError):
    pass


@dataclass
class AccountService:
    db: AsyncSession

    async def structure(self, name: str) -> Structure:
        """The structure of that name, created on first use."""
        found = await self.db.scalar(select(Structure).where(Structure.name == name))
        if found is None:
            found = Structure(name=name)
            self.db.add(found)
            await self.db.flush()
        return found

    async def create_user(self, email: str, password: str, role: Role, structure: str) -> User:
        email = email.strip().lower()
        if "@" not in email:
            raise AccountError(f"adresse e-mail invalide : {email!r}")
        if len(password) < 10:
            raise AccountError("le mot de passe doit faire au moins 10 caractères")
        if await self.by_email(email) is not None:
            raise AccountError(f"un compte existe déjà pour {email}")
        user = User(
            email=email,
            password_hash=hash_password(password),
            role=role,
            structure_id=(await self.structure(structure)).id,
        )
        self.db.add(user)
        await self.db.commit()
        await self.db.refresh(user)
        return user

    async def by_email(self, email: str) -> User | None:
        user: User | None = await self.db.scalar(
            select(User).where(func.lower(User.email) == email.strip().lower())
        )
        return user

    async def authenticate(self, email: str, password: str) -> User | None:
        user = await self.by_email(email)
        ok = verify_password(user.password_hash if user else None, password)
        return user if ok and user is not None and user.is_active else None

    async def create_token(self, email: str, label: str = "", days: int = TOKEN_DAYS) -> str:
        user = await self.by_email(email)
        if user is None:
            raise AccountError(f"aucun compte pour {email}")
        token = new_token()
        self.db.add(
            ApiToken(
                user_id=user.id,
                token_hash=token_hash(token),
                label=label,
                expires_at=datetime.now(UTC) + timedelta(days=days),
            )
        )
        await self.db.commit()
        return token
