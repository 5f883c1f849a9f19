"""Settings from the environment (PARCOURS_*), with defaults that work on a laptop."""

from __future__ import annotations

import os
import secrets
from functools import cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

VAR_DIR = Path("var")


def default_database_url() -> str:
    return f"sqlite+aiosqlite:///{VAR_DIR / 'parcours.sqlite3'}"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PARCOURS_", extra="ignore")

    database_url: str = Field(default_factory=default_database_url)
    secret_key: str = ""
    debug: bool = False
    secure_cookies: bool = False
    db_pool_size: int = 10
    max_body_bytes: int = 1_000_000
    session_days: int = 7

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def secret(self) -> str:
        """The configured secret, or one kept in var/ so that sessions survive a restart."""
        if self.secret_key:
            return self.secret_key
        path = VAR_DIR / "secret_key"
        if not path.exists():
            VAR_DIR.mkdir(parents=True, exist_ok=True)
            # Written aside then renamed: a process starting meanwhile never reads half a key,
            # and if two race, both read the key that won.
            draft = path.with_name(f".secret_key.{os.getpid()}")
            draft.write_text(secrets.token_urlsafe(32), encoding="utf-8")
            draft.chmod(0o600)
            try:
                os.link(draft, path)  # fails if another process made the key first
            except FileExistsError:
                pass
            finally:
                draft.unlink()
        return path.read_text(encoding="utf-8").strip()


@cache
def get_settings() -> Settings:
    return Settings()
