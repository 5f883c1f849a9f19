"""The person named by the path (`app.access.visible_person`: 404 outside one's structure)
and the people service, for the pages and the API of every feature."""

from __future__ import annotations

from uuid import UUID

from litestar.di import NamedDependency, Provide
from litestar.params import FromPath
from sqlalchemy.ext.asyncio import AsyncSession

from app.access import visible_person
from app.audit import Auditor
from app.db.models import Person, User
from app.features.people.service import PeopleService


async def provide_person(
    person_id: FromPath[UUID],
    db_session: NamedDependency[AsyncSession],
    current_user: NamedDependency[User | None],
) -> Person:
    """Only a person of the caller's structure; anyone else is « not found »."""
    return await visible_person(db_session, current_user, person_id)


def provide_people(
    db_session: NamedDependency[AsyncSession], auditor: NamedDependency[Auditor]
) -> PeopleService:
    return PeopleService(db_session, auditor)


PERSON = {"person": Provide(provide_person)}
DEPENDENCIES = {"people": Provide(provide_people, sync_to_thread=False)}
