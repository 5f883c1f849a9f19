"""Verifying badges for anyone: the public page `/verifier`, `POST /api/v1/verify` and
`parcours badges verify`, with our own issuers' keys and revocation lists from the database
and nothing fetched from the network."""

from app.features.verification.service import (
    VERIFIER_PATH,
    check,
    check_link,
    check_ours,
    resolved,
    verifier,
)

__all__ = ["VERIFIER_PATH", "check", "check_link", "check_ours", "resolved", "verifier"]
