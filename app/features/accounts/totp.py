"""The second factor: time-based one-time codes (RFC 6238), as any authenticator app makes.

The shared secret is stored encrypted with a key derived from the service's secret key, so a
copy of the database alone does not give the codes. A code is accepted once: the time step it
was accepted for is remembered, and an older or equal step is refused.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import time
from collections.abc import Sequence

import pyotp
import segno
from cryptography.fernet import Fernet, InvalidToken, MultiFernet

ISSUER = "parcours-numérique"
STEP_SECONDS = 30
CODE_DIGITS = 6
QR_ERROR_LEVEL = "m"  # segno's medium error correction: readable when a phone shakes


class TotpBox:
    """Encrypts TOTP secrets with the current secret key, reads them with any known key."""

    def __init__(self, secrets: Sequence[str]) -> None:
        self._keys = MultiFernet([Fernet(_fernet_key(s)) for s in secrets])

    def seal(self, secret: str) -> str:
        return self._keys.encrypt(secret.encode()).decode()

    def open(self, sealed: str) -> str | None:
        try:
            return self._keys.decrypt(sealed.encode()).decode()
        except InvalidToken:
            return None

    def reseal(self, sealed: str) -> str:
        """The same secret under the current key (after a rotation of the secret key)."""
        return self._keys.rotate(sealed.encode()).decode()


def _fernet_key(secret: str) -> bytes:
    return base64.urlsafe_b64encode(hashlib.sha256(b"totp:" + secret.encode()).digest())


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def qr_code_svg(uri: str) -> str:
    """The otpauth:// address as a QR code (SVG), for the phone's authenticator app."""
    buffer = io.BytesIO()
    segno.make(uri, error=QR_ERROR_LEVEL).save(buffer, kind="svg", scale=5, border=2, xmldecl=False)
    return buffer.getvalue().decode()


def readable_secret(secret: str) -> str:
    """The secret in groups of four, for people who type it into the app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def accepted_step(
    secret: str, typed: str, last_step: int | None, now: float | None = None
) -> int | None:
    """The time step ``typed`` is the code of (allowing one step of clock drift either way),
    if it is later than ``last_step``; else None."""
    code = "".join(c for c in typed if c.isdigit())
    if len(code) != CODE_DIGITS:
        return None
    totp = pyotp.TOTP(secret)
    current = int((time.time() if now is None else now) // STEP_SECONDS)
    for step in (current - 1, current, current + 1):
        if hmac.compare_digest(totp.generate_otp(step), code) and (
            last_step is None or step > last_step
        ):
            return step
    return None
