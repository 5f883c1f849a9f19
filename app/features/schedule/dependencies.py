"""The session or series named by the path, only within the caller's structure: anything
else is « not found », as if it did not exist."""

from __future__ import annotations

from uuid import UUID

from litestar.di import NamedDependency, Provide
from litestar.params import FromPath
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models import Session, SessionSeries, User
from app.errors import Problem
from app.features.schedule.service import series_of, session_of


async def own_session(db: AsyncSession, user: User | None, session_id: UUID) -> Session:
    found = None if user is None else await session_of(db, user.structure_id, session_id)
    if found is None:
        raise Problem(404, "Séance introuvable dans votre structure.")
    return found


async def provide_session(
    session_id: FromPath[UUID],
    db_session: NamedDependency[AsyncSession],
    current_user: NamedDependency[User | None],
) -> Session:
    return await own_session(db_session, current_user, session_id)


async def provide_series(
    series_id: FromPath[UUID],
    db_session: NamedDependency[AsyncSession],
    current_user: NamedDependency[User | None],
) -> SessionSeries:
    found = (
        None
        if current_user is None
        else await series_of(db_session, current_user.structure_id, series_id)
    )
    if found is None:
        raise Problem(404, "Série introuvable dans votre structure.")
    return found


SESSION = {"offer_session": Provide(provide_session)}
SERIES = {"series": Provide(provide_series)}
