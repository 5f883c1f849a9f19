"""The person named by the path, for the pages and the API: `person_for`, or 404."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Request
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models import Person
from app.errors import Problem
from app.features.accounts.guards import current_user
from app.features.people.access import person_for

NOT_FOUND = "Personne introuvable dans votre structure."


async def provide_person(
    request: Request[Any, Any, Any],
    person_id: FromPath[UUID],
    db_session: NamedDependency[AsyncSession],
) -> Person:
    """Only a person of the caller's structure; anyone else is « not found »."""
    person = await person_for(db_session, current_user(request), person_id)
    if person is None:
        raise Problem(404, NOT_FOUND)
    return person


PERSON = {"person": Provide(provide_person)}
