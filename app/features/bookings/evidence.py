"""What a passed exit check leaves about a person: one evidence record per competence the
workshop raises, read by their next result (as referential evidence) and later by badges."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models import Booking, Credential, EvidenceRecord, Session
from app.features.badges import IssuingError, issue_for_evidence, observed_task_words, revoke
from app.when import said_date
from referentiel import load_referential
from referentiel.answers import Evidence

EXIT_CHECK = "exit_check"
WITHDRAWN = "La validation de fin d'atelier a été retirée."


def observed_words(exit_check: dict[str, Any]) -> str:
    """The workshop's exit check in plain words: the task observed, or the points checked."""
    if exit_check.get("kind") == "observed_task":
        ref = load_referential()
        item_id = str(exit_check.get("item", ""))
        known = {i.id for i in ref.items}
        task = ref.item(item_id).text if item_id in known else item_id
        return observed_task_words(task)
    points = [str(p) for p in exit_check.get("points", []) if str(p).strip()]
    if points:
        return "Points vérifiés : " + " ; ".join(points)
    return "Validation du formateur ou de la formatrice"


async def keep_exit_check(
    db: AsyncSession, session: Session, booking: Booking, recorded_by: UUID | None
) -> None:
    """Write the evidence of the booking's exit check as it now stands: one record per
    competence the workshop raises when it is passed and the booking names a person, none
    otherwise (a check set back to « not passed » takes its evidence away, and revokes the
    badges it gave). Each record issues its badge at once."""
    earlier = select(EvidenceRecord.id).where(EvidenceRecord.booking_id == booking.id)
    given = list(
        await db.scalars(
            select(Credential).where(
                Credential.evidence_id.in_(earlier), Credential.revoked_at.is_(None)
            )
        )
    )
    await db.execute(delete(EvidenceRecord).where(EvidenceRecord.booking_id == booking.id))
    if not booking.exit_check_passed or booking.person_id is None:
        for credential in given:
            await revoke(db, credential, reason=WITHDRAWN, by=recorded_by)
        return
    workshop = session.workshop
    observed = observed_words(workshop.exit_check)[:1000]
    now = datetime.now(UTC)
    for raised in workshop.competences:
        db.add(
            EvidenceRecord(
                person_id=booking.person_id,
                structure_id=session.structure_id,
                kind=EXIT_CHECK,
                competence=str(raised["competence"]),
                level=int(raised.get("exit", 0)),
                passed=True,
                booking_id=booking.id,
                workshop_title=workshop.title[:150],
                observed=observed,
                recorded_by=recorded_by,
                recorded_at=now,
            )
        )
    await db.flush()
    for record in await db.scalars(
        select(EvidenceRecord).where(EvidenceRecord.booking_id == booking.id)
    ):
        try:
            await issue_for_evidence(db, record, issued_by=recorded_by)
        except IssuingError:
            continue  # a workshop that raises no level proves nothing a badge could name


async def evidence_of(
    db: AsyncSession, person_id: UUID, *, until: datetime | None = None
) -> list[EvidenceRecord]:
    """Everything observed about a person (up to ``until``, if given), oldest first: their
    next result and their badges read this."""
    query = select(EvidenceRecord).where(EvidenceRecord.person_id == person_id)
    if until is not None:
        query = query.where(EvidenceRecord.recorded_at <= until)
    found = await db.scalars(query.order_by(EvidenceRecord.recorded_at, EvidenceRecord.id))
    return list(found)


def _where(record: EvidenceRecord) -> str:
    """Where it was seen: the workshop, or the task a mediator noted."""
    return record.workshop_title or record.observed or "Atelier"


async def observed_evidence(
    db: AsyncSession, person_id: UUID, *, until: datetime | None = None
) -> tuple[Evidence, ...]:
    """The person's evidence as the referential scores it: a passed exit check is an
    observed task of its competence, an imported Pix result a Pix level; both outrank what the
    person declares."""
    return tuple(
        Evidence(
            kind="pix",
            competence=record.competence,
            pix_level=record.pix_level,
            source=f"Pix, {said_date(record.recorded_at)}",
        )
        if record.pix_level is not None
        else Evidence(
            kind="observed_task",
            competence=record.competence,
            passed=record.passed,
            source=f"{_where(record)}, {said_date(record.recorded_at)}",
        )
        for record in await evidence_of(db, person_id, until=until)
    )
