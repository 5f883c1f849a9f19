"""Professionals: structures, their members (with a role) and their API tokens."""

from __future__ import annotations

import enum
from datetime import datetime
from uuid import UUID

from advanced_alchemy.base import UUIDAuditBase
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import Enum, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship


class Role(enum.StrEnum):
    MEDIATOR = "mediator"
    TRAINER = "trainer"
    COORDINATOR = "coordinator"
    ADMIN = "admin"


class Structure(UUIDAuditBase):
    """An EPN, a France Services, an association…: what a person's record belongs to."""

    name: Mapped[str] = mapped_column(String(200), unique=True)
    commune_insee: Mapped[str | None] = mapped_column(String(5), default=None)


class User(UUIDAuditBase):
    email: Mapped[str] = mapped_column(String(320), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(Enum(Role, native_enum=False, length=20))
    structure_id: Mapped[UUID] = mapped_column(ForeignKey("structure.id", ondelete="RESTRICT"))
    is_active: Mapped[bool] = mapped_column(default=True)
    # Set by an administrator's reset: the next login must choose a new password first.
    must_change_password: Mapped[bool] = mapped_column(default=False)
    # Sessions opened before this moment are refused: a password change or reset, or a change
    # of second factor, logs out every other browser.
    credentials_changed_at: Mapped[datetime | None] = mapped_column(
        DateTimeUTC(timezone=True), default=None
    )
    # The TOTP secret, encrypted with the secret key (app.features.accounts.totp); None when
    # the second factor is off.
    totp_secret: Mapped[str | None] = mapped_column(String(200), default=None)
    # The last time step a code was accepted for: the same code never opens a second session.
    totp_last_step: Mapped[int | None] = mapped_column(Integer, default=None)
    # What a coordinator's statistics cover: one département or one région (INSEE codes);
    # a coordinator with neither sees no territory. Other roles leave both empty.
    scope_departement: Mapped[str | None] = mapped_column(String(3), default=None)
    scope_region: Mapped[str | None] = mapped_column(String(2), default=None)
    structure: Mapped[Structure] = relationship(lazy="joined")

    @property
    def has_totp(self) -> bool:
        return self.totp_secret is not None


class ApiToken(UUIDAuditBase):
    """A bearer token; only its SHA-256 is stored, so a database leak reveals no token."""

    user_id: Mapped[UUID] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(100), default="")
    last_used_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    expires_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    user: Mapped[User] = relationship(lazy="joined")
