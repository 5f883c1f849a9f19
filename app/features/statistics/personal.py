"""A person's rows in the statistics: a copy of what their diagnostics say (commune, age band,
needs), counted once per year, and the domains of the badges they received each year. Erased
with them; the cells already published count them until the next full refresh, and only ever
as one of 11 or more."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from sqlalchemy import delete, or_
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models import Person, StatBadge, StatSubject


async def erase_statistics(db: AsyncSession, person: Person, diagnostics: Sequence[UUID]) -> int:
    result = await db.execute(
        delete(StatSubject).where(
            or_(StatSubject.person_id == person.id, StatSubject.diagnostic_id.in_(diagnostics))
        )
    )
    badges = await db.execute(delete(StatBadge).where(StatBadge.person_id == person.id))
    return sum(int(getattr(done, "rowcount", 0) or 0) for done in (result, badges))
