"""What the structure's badges page shows: the badges it issued, newest first, each with its
state and where it came from; for one session, also the evidence of its participants that gave
no badge yet (``person_badges`` says which: one home for that rule).

Names: a person's alias is shown only to who may already read it, as a session's list does: the
people of the structure, to mediators (the people permission), and to anyone for a badge that
came from a booking of one of the structure's sessions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.access import Permission, allowed
from app.db.models import Booking, Credential, EvidenceRecord, Person, Session, User
from app.features.badges.issuing import person_badges, status_of


@dataclass(frozen=True)
class BadgeRow:
    credential: Credential
    status: str  # active, revoked, expired
    holder: str | None  # the alias, when the reader may know it
    person_id: UUID | None  # to open the person's page, when the reader may
    kind: str | None  # the evidence's kind: exit_check, observed_task, pix; None for a pathway
    workshop: str | None  # the workshop of an exit check
    session_id: UUID | None


@dataclass(frozen=True)
class Pending:
    """Evidence of a session's participant that gave no badge yet."""

    evidence: EvidenceRecord
    holder: str | None


def _session_evidence(session_id: UUID) -> Select[tuple[UUID]]:
    return select(EvidenceRecord.id).where(
        EvidenceRecord.booking_id.in_(select(Booking.id).where(Booking.session_id == session_id))
    )


async def badge_rows(
    db: AsyncSession,
    user: User,
    *,
    session_id: UUID | None = None,
    limit: int,
    offset: int,
) -> tuple[int, list[BadgeRow]]:
    """The badges the reader's structure issued (those of one session's exit checks when
    ``session_id`` is given), newest first: how many in all, and one page."""
    mine = [Credential.structure_id == user.structure_id]
    if session_id is not None:
        mine.append(Credential.evidence_id.in_(_session_evidence(session_id)))
    total = await db.scalar(select(func.count()).select_from(Credential).where(*mine))
    rows = await db.execute(
        select(Credential, EvidenceRecord, Booking.session_id, Person)
        .outerjoin(EvidenceRecord, EvidenceRecord.id == Credential.evidence_id)
        .outerjoin(Booking, Booking.id == EvidenceRecord.booking_id)
        .outerjoin(Person, Person.id == Credential.person_id)
        .where(*mine)
        .order_by(Credential.issued_at.desc(), Credential.id)
        .limit(limit)
        .offset(offset)
    )
    now = datetime.now(UTC)
    follows = allowed(user, Permission.PEOPLE)
    found = []
    for credential, evidence, booked_in, person in rows.tuples():
        ours = person is not None and person.structure_id == user.structure_id
        named = ours and (follows or booked_in is not None)
        found.append(
            BadgeRow(
                credential=credential,
                status=status_of(credential, now),
                holder=person.alias if named and person is not None else None,
                person_id=person.id if ours and follows and person is not None else None,
                kind=None if evidence is None else evidence.kind,
                workshop=None if evidence is None else evidence.workshop_title,
                session_id=booked_in,
            )
        )
    return int(total or 0), found


async def pending_for_session(db: AsyncSession, user: User, session: Session) -> list[Pending]:
    """Evidence from this session's exit checks that gave no badge yet (recorded before badges
    existed, or whose badge could not be issued then), for people the structure follows."""
    rows = await db.execute(
        select(Booking.id, Person)
        .join(Person, Person.id == Booking.person_id)
        .where(Booking.session_id == session.id)
    )
    bookings: dict[UUID, Person] = dict(rows.tuples().all())
    pending: list[Pending] = []
    for person in {p.id: p for p in bookings.values()}.values():
        for evidence in (await person_badges(db, person.id)).without_badge:
            if evidence.booking_id in bookings and evidence.structure_id == user.structure_id:
                ours = person.structure_id == user.structure_id
                pending.append(Pending(evidence, person.alias if ours else None))
    return sorted(pending, key=lambda p: (p.holder or "", p.evidence.competence))
