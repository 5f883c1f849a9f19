"""The link that lets a resident see or cancel their booking without an account: the booking's
id and a MAC of it under the secret key. Every message can carry it again (the promotion, the
reminder) without storing a token, and rotating the secret key keeps old links working while
the previous key is listed."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from uuid import UUID

BOOKING_PATH = "/reservations/{booking_id}"
KEY_PARAM = "cle"


def _mac(secret: str, booking_id: UUID) -> str:
    key = hashlib.sha256(b"booking-link:" + secret.encode()).digest()
    return hmac.new(key, booking_id.bytes, hashlib.sha256).hexdigest()[:32]


def booking_path(secret: str, booking_id: UUID) -> str:
    """The path of the booking's own page, key included."""
    return f"{BOOKING_PATH.format(booking_id=booking_id)}?{KEY_PARAM}={_mac(secret, booking_id)}"


def link_is_valid(secrets: Sequence[str], booking_id: UUID, key: str) -> bool:
    """The key was made for this booking under the current or a previous secret."""
    return any(hmac.compare_digest(_mac(s, booking_id), key) for s in secrets)
