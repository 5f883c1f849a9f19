"""What the wallet shows of each badge, in the holder's language: what it proves in plain
words, who gave it and when, whether it still holds, and the ways to share it (the public
verification link, its QR code, LinkedIn, the files)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.db.models import Credential, Person
from app.db.types import as_utc
from app.features.badges import PATHWAY_PREFIX, achievement_image, credential_url
from badges.images import achievement_svg, pathway_svg
from referentiel import Referential, load_referential
from referentiel.i18n import localized

# LinkedIn's « add to profile » form, filled from the address (no account of ours, no API):
# the holder checks the fields and saves, two taps after ours.
LINKEDIN_ADD = "https://www.linkedin.com/profile/add"


@dataclass(frozen=True)
class WalletBadge:
    credential: Credential
    title: str  # what it recognises, in plain words
    level: str  # how far: the answer scale's sentence, or the pathway's goal
    short: str  # the level in two words, for a LinkedIn entry
    evidence: str  # how it was observed, by whom and when (as signed, in French)
    issuer: str
    link: str  # the public verification link
    expired: bool

    @property
    def id(self) -> UUID:
        return self.credential.id

    @property
    def issued_at(self) -> datetime:
        return self.credential.issued_at

    @property
    def revoked(self) -> bool:
        return self.credential.revoked_at is not None

    @property
    def shared(self) -> bool:
        return self.credential.shared

    @property
    def holds(self) -> bool:
        """Still worth showing: neither revoked nor past its end of validity."""
        return not self.revoked and not self.expired

    @property
    def linkedin(self) -> str:
        return linkedin_url(self)


def linkedin_url(badge: WalletBadge) -> str:
    """LinkedIn's « add a certification » form, filled: name, organisation, month and year of
    issue (and of expiry, if any), the verification link and the badge's id."""
    issued = as_utc(badge.issued_at)
    fields = {
        "startTask": "CERTIFICATION_NAME",
        "name": f"{badge.title} : {badge.short}",
        "organizationName": badge.issuer,
        "issueYear": str(issued.year),
        "issueMonth": str(issued.month),
        "certUrl": badge.link,
        "certId": str(badge.id),
    }
    if badge.credential.valid_until is not None:
        until = as_utc(badge.credential.valid_until)
        fields |= {"expirationYear": str(until.year), "expirationMonth": str(until.month)}
    return f"{LINKEDIN_ADD}?{urlencode(fields)}"


def _words(credential: Credential, ref: Referential) -> tuple[str, str, str]:
    """Title, level sentence and short level of the badge, from the referential in the page's
    language; the signed name when the referential no longer knows what it names."""
    if credential.competence is not None and credential.level is not None:
        competence = next((c for c in ref.competences if c.code == credential.competence), None)
        value = next((v for v in ref.scale.values if v.value == credential.level), None)
        if competence is not None and value is not None:
            return competence.plain_label, value.label, value.short
    if credential.achievement.startswith(PATHWAY_PREFIX):
        need_code, _, goal_code = credential.achievement.removeprefix(PATHWAY_PREFIX).rpartition(
            "-"
        )
        need = next((n for n in ref.needs if n.code == need_code), None)
        goal = next((a for a in ref.autonomy_levels if a.code == goal_code), None)
        if need is not None and goal is not None:
            return need.label, goal.label, goal.label
    name = str(credential.body.get("name") or credential.achievement)
    return name, name, name


def _pathway(credential: Credential) -> tuple[str, str] | None:
    """The need and autonomy goal of a pathway's badge (« parcours-caf-A3 »), else None."""
    if not credential.achievement.startswith(PATHWAY_PREFIX):
        return None
    need, _, goal = credential.achievement.removeprefix(PATHWAY_PREFIX).rpartition("-")
    return need, goal


def _evidence(body: dict[str, Any]) -> str:
    found = body.get("evidence") or []
    narratives = [str(e.get("narrative") or e.get("name") or "") for e in found]
    return " ".join(n for n in narratives if n)


def _issuer(body: dict[str, Any]) -> str:
    issuer = body.get("issuer")
    return str(issuer.get("name") or "") if isinstance(issuer, dict) else ""


def wallet_badge(
    credential: Credential, ref: Referential, settings: Settings, now: datetime
) -> WalletBadge:
    title, level, short = _words(credential, ref)
    until = credential.valid_until
    return WalletBadge(
        credential=credential,
        title=title,
        level=level,
        short=short,
        evidence=_evidence(credential.body),
        issuer=_issuer(credential.body),
        link=credential_url(credential.id, settings),
        expired=until is not None and as_utc(until) <= now,
    )


async def badges_of(
    db: AsyncSession, person: Person, lang: str, settings: Settings
) -> list[WalletBadge]:
    """The person's badges, the newest first."""
    found = await db.scalars(
        select(Credential)
        .where(Credential.person_id == person.id)
        .order_by(Credential.issued_at.desc(), Credential.id)
    )
    ref = localized(load_referential(), lang)
    now = datetime.now(UTC)
    return [wallet_badge(c, ref, settings, now) for c in found]


async def badge_of(db: AsyncSession, person: Person, credential_id: UUID) -> Credential | None:
    """One of the person's badges; another's is None, like one that does not exist."""
    credential = await db.get(Credential, credential_id)
    return credential if credential is not None and credential.person_id == person.id else None


def image_svg(credential: Credential) -> str:
    """The badge's own image as signed (the achievement's), else the drawing of its
    competence or pathway. Raises ``UnknownAchievementError`` when there is none to draw."""
    try:
        return achievement_image(credential.body)
    except ValueError:
        pass
    if credential.competence is not None and credential.level is not None:
        return achievement_svg(load_referential(), credential.competence, credential.level)
    need, goal = _pathway(credential) or ("", "")
    return pathway_svg(load_referential(), need, goal)
