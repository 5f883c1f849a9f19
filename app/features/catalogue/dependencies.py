"""What the offer's pages and API share: the place or workshop named by the path, only if it
belongs to the caller's structure (anything else is « not found »), and the limit on writes."""

from __future__ import annotations

from datetime import timedelta
from typing import Final
from uuid import UUID

from litestar.di import NamedDependency, Provide
from litestar.params import FromPath
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models import Place, User, Workshop
from app.errors import Problem
from app.features.catalogue.service import place_of, workshop_of
from app.throttle import Limit

# Writing the offer is frequent work, but a script gone wrong must not fill the database.
WRITES: Final = Limit("catalogue.write", attempts=600, window=timedelta(hours=1))


async def provide_place(
    place_id: FromPath[UUID],
    db_session: NamedDependency[AsyncSession],
    user: NamedDependency[User],
) -> Place:
    place = await place_of(db_session, user.structure_id, place_id)
    if place is None:
        raise Problem(404, "Lieu introuvable dans votre structure.")
    return place


async def provide_workshop(
    workshop_id: FromPath[UUID],
    db_session: NamedDependency[AsyncSession],
    user: NamedDependency[User],
) -> Workshop:
    workshop = await workshop_of(db_session, user.structure_id, workshop_id)
    if workshop is None:
        raise Problem(404, "Atelier introuvable dans votre structure.")
    return workshop


PLACE = {"place": Provide(provide_place)}
WORKSHOP = {"workshop": Provide(provide_workshop)}
