"""The person named by the path (`person_for`, or 404) and the people service, for the pages
and the API."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Request
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit import Auditor
from app.db.models import Person
from app.errors import Problem
from app.features.accounts.guards import current_user
from app.features.people.access import person_for
from app.features.people.service import PeopleService

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


def provide_people(
    db_session: NamedDependency[AsyncSession], auditor: NamedDependency[Auditor]
) -> PeopleService:
    return PeopleService(db_session, auditor)


PERSON = {
    "person": Provide(provide_person),
    "people": Provide(provide_people, sync_to_thread=False),
}
