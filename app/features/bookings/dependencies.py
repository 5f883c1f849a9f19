"""Who may reach a session or a booking: the session named by the path, for the professionals
of its structure only (another structure's session is « not found », as if it did not exist),
and who may cancel a booking, as whom."""

from __future__ import annotations

from uuid import UUID

from litestar.di import NamedDependency, Provide
from litestar.params import FromPath
from sqlalchemy.ext.asyncio import AsyncSession

from app.access import Permission, allowed, person_for
from app.config import Settings
from app.db.models import Booking, Role, Session, User
from app.features.bookings.errors import SessionNotFoundError
from app.features.bookings.links import link_is_valid
from app.features.bookings.seats import CancelledBy


async def session_of_structure(db: AsyncSession, user: User | None, session_id: UUID) -> Session:
    session = await db.get(Session, session_id)
    if session is None or user is None or session.structure_id != user.structure_id:
        raise SessionNotFoundError()
    return session


async def provide_offer_session(
    session_id: FromPath[UUID],
    db_session: NamedDependency[AsyncSession],
    current_user: NamedDependency[User | None],
) -> Session:
    return await session_of_structure(db_session, current_user, session_id)


def professional_role(user: User) -> CancelledBy:
    return "trainer" if user.role == Role.TRAINER else "mediator"


async def canceller(
    db: AsyncSession, settings: Settings, user: User | None, booking: Booking, key: str | None
) -> CancelledBy | None:
    """Who may cancel this booking, as whom: the holder with their link's key, a
    professional of the session's structure, or a mediator of the person's structure."""
    if key and link_is_valid(settings.secrets(), booking.id, key):
        return "person"
    if user is None:
        return None
    session = booking.session
    if allowed(user, Permission.OFFER) and session.structure_id == user.structure_id:
        return professional_role(user)
    if booking.person_id is not None and await person_for(db, user, booking.person_id):
        return "mediator"
    return None


OFFER_SESSION = {"offer_session": Provide(provide_offer_session)}
