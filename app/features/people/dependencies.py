"""The person named by the path (`app.access.visible_person`: 404 outside one's structure)
and the people service, for the pages and the API of every feature."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Request
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath
from sqlalchemy.ext.asyncio import AsyncSession

from app.access import visible_person
from app.audit import Auditor
from app.db.models import Person
from app.features.accounts import current_user
from app.features.people.service import PeopleService


async def provide_person(
    request: Request[Any, Any, Any],
    person_id: FromPath[UUID],
    db_session: NamedDependency[AsyncSession],
) -> Person:
    """Only a person of the caller's structure; anyone else is « not found »."""
    return await visible_person(db_session, current_user(request), person_id)


def provide_people(
    db_session: NamedDependency[AsyncSession], auditor: NamedDependency[Auditor]
) -> PeopleService:
    return PeopleService(db_session, auditor)


PERSON = {
    "person": Provide(provide_person),
    "people": Provide(provide_people, sync_to_thread=False),
}
