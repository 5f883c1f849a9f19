"""A small offer written through the real models: a structure, a place in Bourges, a
workshop, a session, and bookings as the booking service leaves them."""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, datetime, timedelta
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models import Booking, BookingStatus, Modality, Place, Session, Structure, Workshop
from app.when import from_paris

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
    if structure_id is None:
        structure = Structure(name=f"Médiathèque {uuid.uuid4().hex[:8]}")
        db.add(structure)
        await db.flush()
        structure_id = structure.id
    place = None
    if remote_url is None:
        place = Place(
            structure_id=structure_id,
            name="Médiathèque des Gibjoncs",
            address="2 rue Louis Mallet",
            postal_code="18000",
            commune_insee="18033",
            phone="+33248000000",  # as the places' pages and API store it
        )
        db.add(place)
    workshop = Workshop(
        structure_id=structure_id,
        title="Premiers pas avec son téléphone",
        description="Allumer, appeler, envoyer un message.",
        modality=Modality.REMOTE if remote_url else Modality.COLLECTIVE,
        duration_minutes=120,
    )
    db.add(workshop)
    await db.flush()
    session = Session(
        structure_id=structure_id,
        workshop_id=workshop.id,
        place_id=place.id if place else None,
        remote_url=remote_url,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        capacity=capacity,
    )
    db.add(session)
    await db.flush()
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
