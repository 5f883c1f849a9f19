"""The public addresses of badges, their issuers, keys and status lists: stable once
published, since every badge signed carries them."""

from __future__ import annotations

from uuid import UUID

from app.config import Settings, get_settings

ISSUERS = "/badges/emetteurs"
CREDENTIALS = "/badges"


def _base(settings: Settings | None) -> str:
    return (settings or get_settings()).public_url.rstrip("/")


def issuer_url(structure_id: UUID, settings: Settings | None = None) -> str:
    """The structure's issuer profile: its name and every key it ever signed with."""
    return f"{_base(settings)}{ISSUERS}/{structure_id}"


def verification_method(structure_id: UUID, key_id: str, settings: Settings | None = None) -> str:
    """One key of the structure, as a proof names it."""
    return f"{issuer_url(structure_id, settings)}#{key_id}"


def status_list_url(structure_id: UUID, number: int, settings: Settings | None = None) -> str:
    """One of the structure's revocation lists."""
    return f"{issuer_url(structure_id, settings)}/statuts/{number}"


def credential_url(credential_id: UUID, settings: Settings | None = None) -> str:
    """The credential's id: its signed JSON for a program, the verification page for a browser."""
    return f"{_base(settings)}{CREDENTIALS}/{credential_id}"


def achievement_url(achievement: str, settings: Settings | None = None) -> str:
    """What a credential recognises (« C3-2 », « parcours-demarches »), the same for everyone."""
    return f"{_base(settings)}{CREDENTIALS}/accomplissements/{achievement}"


def parse_verification_method(
    url: str, settings: Settings | None = None
) -> tuple[UUID, str] | None:
    """The structure and key id a verification method of ours names, or None."""
    prefix = f"{_base(settings)}{ISSUERS}/"
    if not url.startswith(prefix):
        return None
    structure, hash_, key_id = url.removeprefix(prefix).partition("#")
    if not hash_ or not key_id:
        return None
    try:
        parsed = UUID(structure)
    except ValueError:
        return None
    return (parsed, key_id) if str(parsed) == structure else None


def competence_url(code: str, settings: Settings | None = None) -> str:
    """The public page of one competence of our referential, which achievements align to."""
    return f"{_base(settings)}/referentiel/competences/{code}"
