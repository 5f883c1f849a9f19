"""Reading the audit trail: filters an administrator can combine, newest events first."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit import PERSONAL, Auditor
from app.db.models import AuditEvent, User

PAGE_SIZE = 100


@dataclass(frozen=True)
class AuditFilter:
    action: str = ""
    actor: str = ""  # an e-mail, or part of one
    record: UUID | None = None  # any record id: a person, a diagnostic, an account…
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True)
class AuditPage:
    rows: Sequence[tuple[AuditEvent, str | None]]  # the event and its actor's e-mail
    total: int
    page: int
    pages: int


async def audit_events(
    db: AsyncSession, auditor: Auditor, where: AuditFilter, page: int = 1
) -> AuditPage:
    query: Select[tuple[AuditEvent, str]] = select(AuditEvent, User.email).outerjoin(
        User, User.id == AuditEvent.actor_id
    )
    if where.action:
        query = query.where(AuditEvent.action == where.action)
    if where.actor:
        query = query.where(func.lower(User.email).contains(where.actor.lower(), autoescape=True))
    if where.record is not None:
        names = {name for kind in PERSONAL for name in auditor.targets(kind, where.record)}
        query = query.where(AuditEvent.target.in_([*names, str(where.record)]))
    if where.since is not None:
        query = query.where(AuditEvent.at >= where.since)
    if where.until is not None:
        query = query.where(AuditEvent.at < where.until)
    total = await db.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    rows = await db.execute(
        query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    )
    return AuditPage([(e, email) for e, email in rows.all()], total, page, pages)
