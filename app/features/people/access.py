"""The one rule of access to personal data: a professional whose role holds the « people »
permission (`app.access.MATRIX`) sees their own structure's people, and nobody else does.

Anything else answers « not found », so that another structure's records cannot even be
detected.
"""

from __future__ import annotations

from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from app.access import Permission, allowed
from app.db.models import Person, User


async def person_for(db: AsyncSession, user: User | None, person_id: UUID) -> Person | None:
    """The person if ``user`` may see them, else None (callers answer 404)."""
    if user is None or not allowed(user, Permission.PEOPLE):
        return None
    person = await db.get(Person, person_id)
    if person is None or person.structure_id != user.structure_id:
        return None
    return person
