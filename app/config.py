"""Settings from the environment (PARCOURS_*), with defaults that work on a laptop."""

from __future__ import annotations

import ipaddress
import os
import secrets
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

VAR_DIR = Path("var")


def default_database_url() -> str:
    return f"sqlite+aiosqlite:///{VAR_DIR / 'parcours.sqlite3'}"


def private_var_dir() -> Path:
    """var/, readable by the service's own user only: it holds the key, the database and the
    uploaded scans."""
    VAR_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
    VAR_DIR.chmod(0o700)
    return VAR_DIR


def uploads_dir() -> Path:
    """var/uploads/, private like var/: uploaded scans wait there until they are read."""
    folder = private_var_dir() / "uploads"
    folder.mkdir(mode=0o700, exist_ok=True)
    folder.chmod(0o700)
    return folder


def kept_secret(name: str) -> str:
    """A random secret kept in var/``name``, made on first need."""
    path = VAR_DIR / name
    if not path.exists():
        private_var_dir()
        # Written aside then renamed: a process starting meanwhile never reads half a key,
        # and if two race, both read the key that won.
        draft = path.with_name(f".{name}.{os.getpid()}")
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(secrets.token_urlsafe(32))
        try:
            os.link(draft, path)  # fails if another process made the key first
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text(encoding="utf-8").strip()


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PARCOURS_", extra="ignore")

    database_url: str = Field(default_factory=default_database_url)
    # Where people reach the service. An https address makes every cookie Secure and
    # __Host- prefixed (docker-compose sets one).
    public_url: str = "http://127.0.0.1:8000"
    secret_key: str = ""
    # Earlier keys, comma-separated, still accepted for reading after a rotation (README).
    previous_secret_keys: str = ""
    # Encrypts the structures' badge signing keys (README « Open Badges »); empty: var/badge_key.
    badge_key: str = ""
    debug: bool = False
    db_pool_size: int = 10
    max_body_bytes: int = 1_000_000
    # This process reads the scans uploaded (false: it leaves them to the other processes).
    read_scans: bool = True
    # This process sends the outbox's e-mails (false: it leaves them to the other processes,
    # or to `parcours outbox send` run by cron).
    send_messages: bool = True
    # Sessions: a browser-session cookie; the server forgets a session idle this long, and a
    # professional's login lasts at most absolute_hours.
    idle_minutes: int = 30
    absolute_hours: int = 12
    # A resume code opens an unfinished diagnostic for this long after its last answer, and a
    # finished one's result for this long after it was finished; then the code is cleared.
    resume_in_progress_days: int = 30
    resume_result_days: int = 183
    token_days: int = 90
    audit_retention_days: int = 365
    # E-mail to people about their bookings (README « Notifications »). No host: messages wait
    # in the outbox, nothing is sent. Port 587 with STARTTLS by default; smtp_tls for port 465.
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = True
    smtp_tls: bool = False
    mail_from: str = "parcours-numerique@localhost"
    # Messages (they hold a contact address) are deleted this long after they were written.
    outbox_retention_days: int = 30
    # A resident's e-mail or phone given to book (no record of theirs) is wiped this long after
    # the session ended (the booking page says so).
    booking_contact_days: int = 30
    # The longest a badge handed to the public verifier may take to check (README « Open
    # Badges »): past it, the check is stopped and the answer says so.
    verify_seconds: float = 5.0

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def secure_cookies(self) -> bool:
        return self.public_url.lower().startswith("https://")

    @property
    def public_url_in_clear(self) -> bool:
        """Whether people reach the service without https from another machine. Badges name
        their issuer's keys and revocation list at this address: read in clear, anyone on the
        way could change them. This machine itself (the demo, the tests) is exempt."""
        address = urlsplit(self.public_url.strip())
        if address.scheme.lower() == "https":
            return False
        host = (address.hostname or "").lower()
        if host == "localhost" or host.endswith(".localhost"):
            return False
        try:
            return not ipaddress.ip_address(host).is_loopback
        except ValueError:
            return True

    def address(self, path: str) -> str:
        """The full address people type or follow for a path of the service (on paper, say)."""
        return self.public_url.rstrip("/") + path

    def cookie_name(self, name: str) -> str:
        """`__Host-` binds a cookie to this exact origin over HTTPS; browsers refuse it on http."""
        return f"__Host-{name}" if self.secure_cookies else name

    def secret(self) -> str:
        """The configured secret, or one kept in var/ so that sessions survive a restart."""
        return self.secret_key or kept_secret("secret_key")

    def badge_secret(self) -> str:
        """What encrypts the badges' private keys: configured, or kept in var/ apart from the
        database, so that a dump of the database alone cannot sign a badge."""
        return self.badge_key or kept_secret("badge_key")

    def secrets(self) -> list[str]:
        """The current secret first, then the previous ones (to read what they protected)."""
        previous = [k.strip() for k in self.previous_secret_keys.split(",") if k.strip()]
        return [self.secret(), *previous]


@cache
def get_settings() -> Settings:
    return Settings()
