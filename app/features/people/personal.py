"""A person's consents and diagnostics, as the privacy register (`app.privacy`) exports and
erases them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models import Consent, Diagnostic, Person
from app.db.types import iso
from app.features.people.consent import CONSENT_TEXTS


async def export_consents(
    db: AsyncSession, person: Person, _diagnostics: Sequence[UUID]
) -> list[dict[str, Any]]:
    found = await db.scalars(
        select(Consent).where(Consent.person_id == person.id).order_by(Consent.given_at)
    )
    return [
        {
            "text_version": c.text_version,
            "text": CONSENT_TEXTS.get(c.text_version),
            "given_at": iso(c.given_at),
            "recorded_by": None if c.recorded_by is None else str(c.recorded_by),
        }
        for c in found.all()
    ]


async def erase_consents(db: AsyncSession, person: Person, _diagnostics: Sequence[UUID]) -> int:
    done = await db.execute(delete(Consent).where(Consent.person_id == person.id))
    return int(getattr(done, "rowcount", 0) or 0)


async def export_diagnostics(
    db: AsyncSession, person: Person, _diagnostics: Sequence[UUID]
) -> list[dict[str, Any]]:
    found = await db.scalars(
        select(Diagnostic)
        .where(Diagnostic.person_id == person.id)
        .order_by(Diagnostic.created_at, Diagnostic.id)
    )
    return [
        {
            "id": str(d.id),
            "channel": d.channel.value,
            "status": d.status.value,
            "referential_version": d.referential_version,
            "created_at": iso(d.created_at),
            "completed_at": iso(d.completed_at),
            "supersedes_id": None if d.supersedes_id is None else str(d.supersedes_id),
            "answers": d.answers,
            "answers_taken_back": d.taken_back or {},  # by « back », while in progress
            "context": d.context,
            "goals": d.goals,
            "result": d.result,
        }
        for d in found.all()
    ]


async def erase_diagnostics(db: AsyncSession, person: Person, _diagnostics: Sequence[UUID]) -> int:
    done = await db.execute(delete(Diagnostic).where(Diagnostic.person_id == person.id))
    return int(getattr(done, "rowcount", 0) or 0)
