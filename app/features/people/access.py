"""The one rule of access to personal data: a professional sees their own structure's people.

Anything else answers « not found », so that another structure's records cannot even be
detected.
"""

from __future__ import annotations

from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models import Person, Role, User


async def person_for(db: AsyncSession, user: User | None, person_id: UUID) -> Person | None:
    """The person if ``user`` may see them, else None (callers answer 404)."""
    if user is None:
        return None
    person = await db.get(Person, person_id)
    if person is None:
        return None
    if user.role == Role.ADMIN or person.structure_id == user.structure_id:
        return person
    return None
