"""Issuing and revoking badges, and the revocation lists that say which are revoked.

A badge is issued from recorded evidence only (a passed exit check, an observed task, a
completed pathway), never from what a person says of themselves. There is one live badge per
person and achievement: issuing again gives back the badge already issued.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings, get_settings
from app.db.engine import hold_structure, settings_of
from app.db.models import (
    Booking,
    Credential,
    EvidenceRecord,
    Pathway,
    PathwayStep,
    Person,
    StatusList,
    StepStatus,
    Structure,
)
from app.features.badges.achievements import (
    competence_achievement,
    competence_key,
    pathway_achievement,
    pathway_key,
)
from app.features.badges.keys import derived_key, signing_key
from app.features.badges.urls import (
    credential_url,
    issuer_url,
    status_list_url,
    verification_method,
)
from app.when import said_date
from badges.images import UnknownAchievementError
from badges.models import (
    Achievement,
    AchievementSubject,
    Evidence,
    IdentityObject,
    OpenBadgeCredential,
    Profile,
    StatusEntry,
    timestamp,
)
from badges.proof import sign
from badges.status import (
    MIN_LENGTH,
    StatusBits,
    StatusListFullError,
    allocate_index,
    status_entry,
    status_list_credential,
)

REVOCATION = "revocation"
LIST_TTL_SECONDS = 300
"""How long a verifier may keep a status list: a revocation shows everywhere within it."""
PROVING = frozenset({"exit_check", "observed_task", "pix"})
"""The kinds of evidence that give a badge: what someone saw the person do, or Pix measured.
Any other kind (what the person says of themselves, a kind added later) gives none."""
MSG_NOT_PROVING = (
    "Cette preuve ne donne pas de badge : seuls une fin d'atelier réussie, une tâche observée "
    "ou un résultat Pix en donnent, jamais ce que la personne déclare elle-même."
)
MSG_REVOKED = (
    "Le badge de cette preuve a été révoqué : il ne peut pas être délivré à nouveau à partir "
    "de la même preuve."
)


MSG_IN_CLEAR = (
    "Aucun badge n'est délivré tant que l'adresse publique du service (PARCOURS_PUBLIC_URL) "
    "n'est pas en https : ses vérificateurs y liraient en clair les clés et les révocations."
)


class IssuingError(ValueError):
    """Why a badge cannot be issued, in plain French."""


def _settings(db: AsyncSession) -> Settings:
    return settings_of(db) or get_settings()


def holder_id(person_id: UUID, settings: Settings) -> str:
    """The holder as credentials name them: stable, and nothing of the person can be read
    from it (a keyed hash of their record's id)."""
    digest = hmac.new(
        derived_key(settings, b"parcours badge holders"), person_id.bytes, hashlib.sha256
    ).digest()
    return f"urn:uuid:{UUID(bytes=digest[:16], version=4)}"


async def _live(db: AsyncSession, person_id: UUID, achievement: str) -> Credential | None:
    found: Credential | None = await db.scalar(
        select(Credential)
        .where(
            Credential.person_id == person_id,
            Credential.achievement == achievement,
            Credential.revoked_at.is_(None),
        )
        .limit(1)
    )
    return found


async def revoked_evidence(db: AsyncSession, evidence_ids: Collection[UUID]) -> set[UUID]:
    """Those of ``evidence_ids`` whose badge was revoked. A withdrawn exit check takes its
    evidence away with the badge, so what is left here was revoked by someone who may."""
    if not evidence_ids:
        return set()
    found = await db.scalars(
        select(Credential.evidence_id).where(
            Credential.evidence_id.in_(list(evidence_ids)), Credential.revoked_at.is_not(None)
        )
    )
    return {evidence_id for evidence_id in found if evidence_id is not None}


async def live_for_evidence(db: AsyncSession, evidence: EvidenceRecord) -> Credential | None:
    """The live badge of the person for what this evidence proves, if already issued."""
    return await _live(db, evidence.person_id, competence_key(evidence.competence, evidence.level))


async def _status_slot(db: AsyncSession, structure_id: UUID) -> tuple[StatusList, int]:
    """A free random index in the structure's newest list, or in a new list when it is full."""
    current = await db.scalar(
        select(StatusList)
        .where(StatusList.structure_id == structure_id, StatusList.purpose == REVOCATION)
        .order_by(StatusList.number.desc())
        .limit(1)
        .with_for_update()
    )
    if current is not None:
        used = await db.scalars(
            select(Credential.status_index).where(Credential.status_list_id == current.id)
        )
        try:
            return current, allocate_index(set(used), current.length)
        except StatusListFullError:
            pass
    fresh = StatusList(
        structure_id=structure_id,
        purpose=REVOCATION,
        number=1 if current is None else current.number + 1,
        length=MIN_LENGTH,
    )
    db.add(fresh)
    await db.flush()
    return fresh, allocate_index((), fresh.length)


async def _contact_email(db: AsyncSession, evidence: EvidenceRecord) -> str | None:
    """The e-mail the person gave when booking the workshop of this evidence, if any."""
    if evidence.booking_id is None:
        return None
    return await db.scalar(select(Booking.contact_email).where(Booking.id == evidence.booking_id))


async def _issue(
    db: AsyncSession,
    *,
    structure_id: UUID,
    person_id: UUID,
    key: str,
    achievement: Achievement,
    evidence: Evidence,
    email: str | None,
    issued_by: UUID | None,
    valid_until: datetime | None,
    evidence_id: UUID | None = None,
    competence: str | None = None,
    level: int | None = None,
) -> Credential:
    settings = _settings(db)
    if settings.public_url_in_clear:
        raise IssuingError(MSG_IN_CLEAR)
    # The structure's issuers go one after the other: a badge issued meanwhile by another
    # request is seen now, and given rather than issued twice.
    await hold_structure(db, structure_id)
    meanwhile = await _live(db, person_id, key)
    if meanwhile is not None:
        return meanwhile
    structure = await db.get(Structure, structure_id)
    if structure is None:
        raise IssuingError("Structure introuvable.")
    status_list, index = await _status_slot(db, structure_id)
    list_url = status_list_url(structure_id, status_list.number, settings)
    credential_id = uuid4()
    now = datetime.now(UTC).replace(microsecond=0)
    subject = AchievementSubject(
        id=holder_id(person_id, settings),
        achievement=achievement,
        identifier=[]
        if not email
        else [IdentityObject.for_email(email, secrets.token_urlsafe(12))],
    )
    document = OpenBadgeCredential(
        id=credential_url(credential_id, settings),
        issuer=Profile(id=issuer_url(structure_id, settings), name=structure.name),
        valid_from=now,
        valid_until=valid_until,
        name=achievement.name,
        credential_subject=subject,
        evidence=[evidence],
        credential_status=StatusEntry.model_validate(status_entry(list_url, index)),
    ).document()
    row, private = await signing_key(db, structure_id)
    signed = sign(document, private, verification_method(structure_id, row.key_id, settings), now)
    credential = Credential(
        id=credential_id,
        structure_id=structure_id,
        person_id=person_id,
        evidence_id=evidence_id,
        achievement=key,
        competence=competence,
        level=level,
        body=signed,
        issued_at=now,
        valid_until=valid_until,
        issued_by=issued_by,
        status_list_id=status_list.id,
        status_index=index,
    )
    db.add(credential)
    await db.flush()
    return credential


def _evidence_words(evidence: EvidenceRecord, structure: str) -> Evidence:
    when = said_date(evidence.recorded_at)
    what = (evidence.observed or "Validation du formateur ou de la formatrice").rstrip(". ")
    if evidence.pix_level is not None:
        return Evidence(
            name="Résultat Pix",
            narrative=f"{what}. Résultat importé de Pix Orga par {structure}, le {when}.",
        )
    where = f" pendant l'atelier « {evidence.workshop_title} »" if evidence.workshop_title else ""
    return Evidence(
        name="Validation de fin d'atelier" if evidence.kind == "exit_check" else "Tâche observée",
        narrative=f"{what}. Observé par {structure}{where}, le {when}.",
    )


async def issue_for_evidence(
    db: AsyncSession,
    evidence: EvidenceRecord,
    *,
    issued_by: UUID | None,
    valid_until: datetime | None = None,
) -> Credential:
    """The badge this evidence proves: the competence at the level observed, issued by the
    structure that observed it; the live one already issued, if any. The caller commits.

    Raises ``IssuingError`` for evidence that proves nothing (not passed, level 0, declared
    by the person), whose badge was revoked (only new evidence gives it again), or of a
    competence the referential does not know."""
    if evidence.kind not in PROVING:
        raise IssuingError(MSG_NOT_PROVING)
    if not evidence.passed:
        raise IssuingError("Cette preuve n'est pas validée : elle ne donne pas de badge.")
    key = competence_key(evidence.competence, evidence.level)
    existing = await _live(db, evidence.person_id, key)
    if existing is not None:
        if existing.evidence_id is None:  # its evidence was written again
            existing.evidence_id = evidence.id
        return existing
    if await revoked_evidence(db, [evidence.id]):
        raise IssuingError(MSG_REVOKED)
    settings = _settings(db)
    try:
        achievement = competence_achievement(evidence.competence, evidence.level, settings)
    except UnknownAchievementError:
        raise IssuingError(
            "Cette preuve ne correspond à aucun badge (compétence ou niveau inconnu)."
        ) from None
    structure = await db.get(Structure, evidence.structure_id)
    return await _issue(
        db,
        structure_id=evidence.structure_id,
        person_id=evidence.person_id,
        key=key,
        achievement=achievement,
        evidence=_evidence_words(evidence, structure.name if structure else "la structure"),
        email=await _contact_email(db, evidence),
        issued_by=issued_by,
        valid_until=valid_until,
        evidence_id=evidence.id,
        competence=evidence.competence,
        level=evidence.level,
    )


async def issue_for_pathway(
    db: AsyncSession, pathway: Pathway, *, issued_by: UUID | None
) -> Credential:
    """The badge of a completed pathway (every step done or dropped, one done at least),
    issued by the person's structure; the live one already issued, if any."""
    steps = list(
        await db.scalars(
            select(PathwayStep)
            .where(PathwayStep.pathway_id == pathway.id)
            .order_by(PathwayStep.position)
        )
    )
    done = [step for step in steps if step.status == StepStatus.DONE]
    person = None if pathway.person_id is None else await db.get(Person, pathway.person_id)
    if person is None:
        raise IssuingError("Ce parcours n'est lié à aucune personne suivie.")
    if not done or any(s.status not in (StepStatus.DONE, StepStatus.DROPPED) for s in steps):
        raise IssuingError(
            "Ce parcours n'est pas terminé : toutes ses étapes ne sont pas validées."
        )
    key = pathway_key(pathway.need, pathway.goal)
    existing = await _live(db, person.id, key)
    if existing is not None:
        return existing
    settings = _settings(db)
    competences = [step.competence for step in done]
    structure = await db.get(Structure, person.structure_id)
    words = ", ".join(dict.fromkeys(competences))
    evidence = Evidence(
        name="Parcours terminé",
        narrative=(
            f"Étapes validées ({words}) à la fin d'ateliers ou par des tâches observées. "
            f"Parcours suivi par {structure.name if structure else 'la structure'}, "
            f"terminé le {said_date(datetime.now(UTC))}."
        ),
    )
    return await _issue(
        db,
        structure_id=person.structure_id,
        person_id=person.id,
        key=key,
        achievement=pathway_achievement(pathway.need, pathway.goal, competences, settings),
        evidence=evidence,
        email=None,
        issued_by=issued_by,
        valid_until=None,
    )


async def revoke(db: AsyncSession, credential: Credential, *, reason: str, by: UUID | None) -> None:
    """Revoke ``credential`` (its bit in the published list turns on); the caller commits.
    Revoking again keeps the first reason."""
    if credential.revoked_at is not None:
        return
    cleaned = " ".join(reason.split())
    if not cleaned:
        raise IssuingError("Donnez la raison de la révocation.")
    credential.revoked_at = datetime.now(UTC)
    credential.revoked_reason = cleaned[:300]
    credential.revoked_by = by
    await db.flush()


@dataclass(frozen=True)
class PersonBadges:
    """A person's badges, and the evidence recorded about them that gave none yet."""

    credentials: list[Credential]
    without_badge: list[EvidenceRecord]


async def person_badges(db: AsyncSession, person_id: UUID) -> PersonBadges:
    credentials = list(
        await db.scalars(
            select(Credential)
            .where(Credential.person_id == person_id)
            .order_by(Credential.issued_at.desc())
        )
    )
    live = {c.achievement for c in credentials if c.revoked_at is None}
    evidence = list(
        await db.scalars(
            select(EvidenceRecord)
            .where(EvidenceRecord.person_id == person_id, EvidenceRecord.passed.is_(True))
            .order_by(EvidenceRecord.recorded_at)
        )
    )
    revoked = await revoked_evidence(db, [e.id for e in evidence])
    return PersonBadges(
        credentials,
        [
            e
            for e in evidence
            if e.level > 0
            and e.kind in PROVING
            and e.id not in revoked
            and competence_key(e.competence, e.level) not in live
        ],
    )


def status_of(credential: Credential, now: datetime | None = None) -> str:
    """``revoked``, ``expired`` (past its end date) or ``active``."""
    if credential.revoked_at is not None:
        return "revoked"
    if credential.valid_until is not None and credential.valid_until <= (now or datetime.now(UTC)):
        return "expired"
    return "active"


async def structure_credentials(
    db: AsyncSession, structure_id: UUID, *, limit: int, offset: int
) -> tuple[int, list[Credential]]:
    """The badges the structure issued, newest first: how many in all, and one page."""
    mine = Credential.structure_id == structure_id
    total = await db.scalar(select(func.count()).select_from(Credential).where(mine))
    found = await db.scalars(
        select(Credential)
        .where(mine)
        .order_by(Credential.issued_at.desc(), Credential.id)
        .limit(limit)
        .offset(offset)
    )
    return int(total or 0), list(found)


async def revoked_indexes(db: AsyncSession, status_list: StatusList) -> set[int]:
    found = await db.scalars(
        select(Credential.status_index).where(
            Credential.status_list_id == status_list.id, Credential.revoked_at.is_not(None)
        )
    )
    return set(found)


async def status_list_document(
    db: AsyncSession, structure_id: UUID, number: int
) -> dict[str, Any] | None:
    """The signed ``BitstringStatusListCredential`` of one list, or None when there is none.
    Dated by its last change, so the same list signs to the same bytes."""
    status_list = await db.scalar(
        select(StatusList).where(
            StatusList.structure_id == structure_id,
            StatusList.purpose == REVOCATION,
            StatusList.number == number,
        )
    )
    if status_list is None:
        return None
    settings = _settings(db)
    last = await db.scalar(
        select(func.max(Credential.revoked_at)).where(Credential.status_list_id == status_list.id)
    )
    changed = max(status_list.created_at, last) if last is not None else status_list.created_at
    changed = changed.astimezone(UTC).replace(microsecond=0)
    bits = StatusBits.of(await revoked_indexes(db, status_list), status_list.length)
    url = status_list_url(structure_id, number, settings)
    document = status_list_credential(
        list_url=url,
        issuer=issuer_url(structure_id, settings),
        valid_from=timestamp(changed),
        bits=bits,
        ttl_seconds=LIST_TTL_SECONDS,
    )
    row, private = await signing_key(db, structure_id)
    return sign(document, private, verification_method(structure_id, row.key_id, settings), changed)
