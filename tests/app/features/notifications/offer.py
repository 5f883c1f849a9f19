"""A small offer written through the real models: a structure, a place in Bourges, a
workshop, a session, and bookings as the booking service leaves them."""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, datetime
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models import Booking, BookingStatus, Modality, Session
from app.when import from_paris
from tests.app.features.finding import offer

_queue = itertools.count(1)
# Tuesday 9 March 2027, 14:00 to 16:00 in Paris.
STARTS = from_paris(datetime(2027, 3, 9, 14, 0))


async def session_at(
    db: AsyncSession,
    starts_at: datetime = STARTS,
    *,
    capacity: int = 12,
    structure_id: UUID | None = None,
    remote_url: str | None = None,
) -> Session:
    structure_id = structure_id or await offer.structure(db, f"Médiathèque {uuid.uuid4().hex[:8]}")
    place_id = None
    if remote_url is None:
        place_id = await offer.place(
            db,
            structure_id,
            "18033",
            located=False,
            name="Médiathèque des Gibjoncs",
            address="2 rue Louis Mallet",
            phone="+33248000000",  # as the places' pages and API store it
        )
    workshop_id = await offer.workshop(
        db,
        structure_id,
        (),
        themes=(),
        title="Premiers pas avec son téléphone",
        modality=Modality.REMOTE if remote_url else Modality.COLLECTIVE,
    )
    session_id = await offer.session(
        db,
        structure_id,
        workshop_id,
        place_id,
        starts_at=starts_at,
        capacity=capacity,
        remote_url=remote_url,
    )
    session = await db.get(Session, session_id)
    assert session is not None
    await db.refresh(session)
    return session


async def booking_in(
    db: AsyncSession,
    session: Session,
    *,
    email: str | None = None,
    phone: str | None = None,
    status: BookingStatus = BookingStatus.CONFIRMED,
    created_at: datetime | None = None,
) -> Booking:
    holder = f"email:{email}" if email else f"phone:{phone}" if phone else f"x:{uuid.uuid4()}"
    booking = Booking(
        session_id=session.id,
        holder=holder,
        contact_email=email,
        contact_phone=phone,
        status=status,
        queued=next(_queue),
    )
    if created_at is not None:
        booking.created_at = created_at
    if status == BookingStatus.CONFIRMED:
        session.confirmed_count += 1
    db.add(booking)
    await db.flush()
    return booking


def now() -> datetime:
    return datetime.now(UTC)
