"""Every seat rule, in one place: booking, the waiting list, and every way a seat is released.

The seats of a session are ``session.confirmed_count``, changed only by an UPDATE guarded by
``confirmed_count < capacity`` (and a CHECK in the table): a session is never oversold. Every
change of a session's seats or queue first locks the session's row (:func:`_locked`) until
the caller commits, so two changes of one session never interleave: on PostgreSQL with
``SELECT … FOR UPDATE``, on SQLite by writing first (one writer at a time). Under that lock
the next place in the queue (``booking.queued``) is the session's largest plus one, and a
released seat goes to the first person waiting, exactly once.

The caller commits: one transaction per request, messages (the outbox) included.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, Literal, cast
from uuid import UUID, uuid4

from sqlalchemy import Table, bindparam, func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from app.db.models import Attendance, Booking, BookingStatus, Person, Session
from app.db.models.booking import LIVE_SQL
from app.db.types import as_utc
from app.features.bookings.contacts import holder_key, read_contact
from app.features.bookings.errors import (
    AlreadyBookedError,
    CapacityError,
    NoContactError,
    RegistrationClosedError,
    SessionCancelledError,
    SessionNotFoundError,
    SessionStartedError,
)
from app.features.notifications import notify

# Who released a seat: the person, a professional, or the session's cancellation.
CancelledBy = Literal["person", "mediator", "trainer", "session"]
LIVE = (BookingStatus.CONFIRMED, BookingStatus.WAITING)
_QUIET = {"synchronize_session": False}  # the rows are read again under the lock


def _rows(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


# The statements every booking runs, built once: SQLAlchemy keys its cache of compiled
# statements on each statement object, which costs a booking's worth of work when the
# statement is built again at every call.
_WRITE_FIRST = (
    update(Session)
    .where(Session.id == bindparam("session_id"))
    .values(revision=Session.revision)
    .execution_options(**_QUIET)
)
_LOCK = (
    select(Session)
    .where(Session.id == bindparam("session_id"))
    .with_for_update(of=Session)
    .execution_options(populate_existing=True)
)


async def _locked(db: AsyncSession, session_id: UUID) -> Session | None:
    """The session, its row locked until the caller's commit (None: no such session)."""
    given = {"session_id": session_id}
    if db.get_bind().dialect.name == "sqlite":
        # SQLite reads outside a transaction until the first write: writing first makes
        # this connection the one writer before anything is read.
        await db.execute(_WRITE_FIRST, given)
    found: Session | None = await db.scalar(_LOCK, given)
    return found


def _refusal(session: Session, now: datetime) -> Exception | None:
    """Why nobody can book this session now, if so."""
    if session.is_cancelled:
        return SessionCancelledError()
    if not session.registration_open:
        return RegistrationClosedError()
    if as_utc(session.starts_at) <= now:
        return SessionStartedError()
    return None


async def _take_seat(db: AsyncSession, session_id: UUID) -> bool:
    """One seat more, if one is free (the guarded UPDATE)."""
    taken = await db.execute(
        update(Session)
        .where(Session.id == session_id, Session.confirmed_count < Session.capacity)
        .values(confirmed_count=Session.confirmed_count + 1)
        .execution_options(**_QUIET)
    )
    return _rows(taken) == 1


async def _count(
    db: AsyncSession, session_id: UUID, *, confirmed: int = 0, waiting: int = 0
) -> None:
    await db.execute(
        update(Session)
        .where(Session.id == session_id)
        .values(
            confirmed_count=Session.confirmed_count + confirmed,
            waiting_count=Session.waiting_count + waiting,
        )
        .execution_options(**_QUIET)
    )


# The booking, written unless its holder already has a live one in the session (the
# live-holder index: ON CONFLICT … DO NOTHING writes nothing), last in the session's queue.
# Written as text because SQLAlchemy 2.0 compiles the dialects' INSERT … ON CONFLICT again
# at every execution, which cost a booking more than its round trips.
_GIVEN = (
    "id",
    "session_id",
    "person_id",
    "diagnostic_id",
    "holder",
    "contact_email",
    "contact_phone",
    "status",
    "attendance",
    "booked_by",
    "revision",
    "created_at",
    "updated_at",
)
_BOOKING = Booking.__table__.c
_SESSION = cast(Table, Session.__table__)
_INSERT_BOOKING = (
    text(
        f"INSERT INTO booking ({', '.join(_GIVEN)}, queued) "
        f"VALUES ({', '.join(':' + name for name in _GIVEN)}, "
        "(SELECT coalesce(max(queued), 0) + 1 FROM booking WHERE session_id = :session_id)) "
        f"ON CONFLICT (session_id, holder) WHERE {LIVE_SQL} DO NOTHING "
        f"RETURNING {', '.join(c.name for c in _BOOKING)}"
    )
    .bindparams(*(bindparam(name, type_=_BOOKING[name].type) for name in _GIVEN))
    .columns(*_BOOKING)
)
_BOOKED = select(Booking).from_statement(_INSERT_BOOKING)
# On the table itself: the ORM's UPDATE would only add work to this hot path.
_COUNTS = (_SESSION.c.confirmed_count, _SESSION.c.waiting_count, _SESSION.c.updated_at)
_ONE_SEAT = (
    update(_SESSION)
    .where(
        _SESSION.c.id == bindparam("session_id"),
        _SESSION.c.confirmed_count < _SESSION.c.capacity,
    )
    .values(confirmed_count=_SESSION.c.confirmed_count + 1)
    .returning(*_COUNTS)
)
_ONE_WAITING = (
    update(_SESSION)
    .where(_SESSION.c.id == bindparam("session_id"))
    .values(waiting_count=_SESSION.c.waiting_count + 1)
    .returning(*_COUNTS)
)


async def _counted(db: AsyncSession, session: Session, *, seat: bool) -> bool:
    """One seat more (only while one is free), or one more waiting; the locked ``session``
    gets its new counts from the same statement. False when no seat was free."""
    changed = (
        await db.execute(_ONE_SEAT if seat else _ONE_WAITING, {"session_id": session.id})
    ).one_or_none()
    if changed is None:
        return False
    for name, value in changed._mapping.items():
        set_committed_value(session, name, value)
    return True


async def book(
    db: AsyncSession,
    session_id: UUID,
    *,
    person: Person | None = None,
    email: str | None = None,
    phone: str | None = None,
    diagnostic_id: UUID | None = None,
    booked_by: UUID | None = None,
) -> Booking:
    """A seat if one is free (CONFIRMED), else the end of the waiting list (WAITING).

    A resident gives an e-mail or a phone to be told; a professional booking a person of
    their structure may give neither. One live booking per holder and session (the unique
    index on ``holder``): a second is AlreadyBookedError, and nothing is written.
    """
    contact = read_contact(email, phone)
    holder = holder_key(person.id if person is not None else None, contact)
    if holder is None:
        raise NoContactError()
    session = await _locked(db, session_id)
    if session is None:
        raise SessionNotFoundError()
    refusal = _refusal(session, datetime.now(UTC))
    if refusal is not None:
        raise refusal
    # The row is locked: its counts are the truth until the commit.
    seated = session.confirmed_count < session.capacity
    now = datetime.now(UTC)
    booking: Booking | None = await db.scalar(
        _BOOKED,
        {
            "id": uuid4(),
            "session_id": session_id,
            "person_id": None if person is None else person.id,
            "diagnostic_id": diagnostic_id,
            "holder": holder,
            "contact_email": contact.email,
            "contact_phone": contact.phone,
            "status": BookingStatus.CONFIRMED if seated else BookingStatus.WAITING,
            "attendance": Attendance.UNKNOWN,
            "booked_by": booked_by,
            "revision": 0,
            "created_at": now,
            "updated_at": now,
        },
    )
    if booking is None:
        raise AlreadyBookedError()
    set_committed_value(booking, "session", session)
    if not await _counted(db, session, seat=seated):  # cannot happen under the lock; kept honest
        await db.execute(
            update(Booking)
            .where(Booking.id == booking.id)
            .values(status=BookingStatus.WAITING)
            .execution_options(**_QUIET)
        )
        set_committed_value(booking, "status", BookingStatus.WAITING)
        await _counted(db, session, seat=False)
    if booking.status == BookingStatus.CONFIRMED:
        await notify(db, booking, "booked")
    else:  # last in the queue: everyone waiting is ahead
        await notify(db, booking, "waiting", position=session.waiting_count)
    await moving_pathways().follow_booking(db, booking)
    return booking


def moving_pathways() -> Any:
    """The pathways feature, which a booking moves forward (imported when used: pathways
    read diagnostics, which read bookings' evidence)."""
    from app.features import pathways

    return pathways


async def _fresh(db: AsyncSession, booking_id: UUID) -> Booking:
    found = await db.scalar(
        select(Booking).where(Booking.id == booking_id).execution_options(populate_existing=True)
    )
    assert found is not None  # read under the session's lock, in the same transaction
    return found


async def waiting_position(db: AsyncSession, booking: Booking) -> int | None:
    """1 for the first on the waiting list; None when the booking is not waiting."""
    if booking.status != BookingStatus.WAITING:
        return None
    ahead = await db.scalar(
        select(func.count())
        .select_from(Booking)
        .where(
            Booking.session_id == booking.session_id,
            Booking.status == BookingStatus.WAITING,
            Booking.queued < booking.queued,
        )
    )
    return int(ahead or 0) + 1


async def _fill_free_seats(db: AsyncSession, session: Session) -> list[Booking]:
    """Give each free seat to the first person waiting, in the order they joined the queue,
    and tell them. Under the session's lock: each is promoted exactly once. A session that has
    started or was cancelled promotes nobody (a seat there is no use to anyone)."""
    if session.is_cancelled or as_utc(session.starts_at) <= datetime.now(UTC):
        return []
    promoted: list[Booking] = []
    while True:
        first = await db.scalar(
            select(Booking.id)
            .where(Booking.session_id == session.id, Booking.status == BookingStatus.WAITING)
            .order_by(Booking.queued)
            .limit(1)
        )
        if first is None or not await _take_seat(db, session.id):
            break
        await _count(db, session.id, waiting=-1)
        await db.execute(
            update(Booking)
            .where(Booking.id == first, Booking.status == BookingStatus.WAITING)
            .values(status=BookingStatus.CONFIRMED)
            .execution_options(**_QUIET)
        )
        promoted.append(await _fresh(db, first))
    for booking in promoted:
        await notify(db, booking, "promoted")
    return promoted


async def _release(
    db: AsyncSession,
    session: Session,
    booking_id: UUID,
    by: CancelledBy,
    *,
    attendance: Attendance | None = None,
    tell: bool = True,
) -> Booking | None:
    """Cancel one live booking under the session's lock, then hand its seat on; None when it
    was no longer live (cancelled twice at once: once is done)."""
    status = await db.scalar(select(Booking.status).where(Booking.id == booking_id))
    if status not in LIVE:
        return None
    values: dict[str, Any] = {
        "status": BookingStatus.CANCELLED,
        "cancelled_at": datetime.now(UTC),
        "cancelled_by": by,
    }
    if attendance is not None:
        values["attendance"] = attendance
    await db.execute(
        update(Booking)
        .where(Booking.id == booking_id, Booking.status == status)
        .values(**values)
        .execution_options(**_QUIET)
    )
    if status == BookingStatus.CONFIRMED:
        await _count(db, session.id, confirmed=-1)
    else:
        await _count(db, session.id, waiting=-1)
    await db.refresh(session)
    booking = await _fresh(db, booking_id)
    await moving_pathways().follow_outcome(db, booking)
    if tell:
        await notify(db, booking, "cancelled")
    await _fill_free_seats(db, session)
    await db.refresh(session)
    return booking


async def cancel_booking(db: AsyncSession, booking: Booking, by: CancelledBy) -> Booking:
    """The person, a mediator or a trainer cancels: the seat goes to the first person
    waiting. Cancelling a booking already cancelled changes nothing."""
    session = await _locked(db, booking.session_id)
    if session is None:
        raise SessionNotFoundError()
    await _release(db, session, booking.id, by)
    return await _fresh(db, booking.id)


async def revoke(db: AsyncSession, session: Session, booking_id: UUID) -> Booking | None:
    """The trainer marks a seat « revoked » (RDV Service Public's status): the booking is
    cancelled and its seat goes to the first person waiting. Call under `locked_session`."""
    return await _release(db, session, booking_id, "trainer", attendance=Attendance.REVOKED)


async def locked_session(db: AsyncSession, session_id: UUID) -> Session:
    """The session, locked for a change of its seats (attendance); SessionNotFoundError."""
    session = await _locked(db, session_id)
    if session is None:
        raise SessionNotFoundError()
    return session


async def change_capacity(db: AsyncSession, session: Session, capacity: int) -> Session:
    """Set the number of seats; never below the people already confirmed (CapacityError).
    More seats go to the first people waiting."""
    locked = await _locked(db, session.id)
    if locked is None:
        raise SessionNotFoundError()
    if capacity < max(1, locked.confirmed_count):
        raise CapacityError([f"capacité : au moins {max(1, locked.confirmed_count)}"])
    await db.execute(
        update(Session)
        .where(Session.id == locked.id)
        .values(capacity=capacity)
        .execution_options(**_QUIET)
    )
    await db.refresh(locked)
    await _fill_free_seats(db, locked)
    await db.refresh(locked)
    return locked


async def cancel_session(db: AsyncSession, session: Session, reason: str) -> Session:
    """Cancel the session with its reason (checked by the schedule): every live booking is
    cancelled and each person told; nobody is promoted. A session cancelled already stays as
    it was."""
    locked = await _locked(db, session.id)
    if locked is None:
        raise SessionNotFoundError()
    if locked.is_cancelled:
        return locked
    now = datetime.now(UTC)
    await db.execute(
        update(Session)
        .where(Session.id == locked.id)
        .values(
            cancelled_at=now,
            cancel_reason=reason.strip(),
            registration_open=False,
            confirmed_count=0,
            waiting_count=0,
            revision=Session.revision + 1,
        )
        .execution_options(**_QUIET)
    )
    live = list(
        await db.scalars(
            select(Booking.id).where(Booking.session_id == locked.id, Booking.status.in_(LIVE))
        )
    )
    await db.execute(
        update(Booking)
        .where(Booking.id.in_(live))
        .values(
            status=BookingStatus.CANCELLED,
            cancelled_at=now,
            cancelled_by="session",
        )
        .execution_options(**_QUIET)
    )
    await db.refresh(locked)
    for booking_id in live:
        await notify(db, await _fresh(db, booking_id), "cancelled")
    return locked


async def release_all(db: AsyncSession, bookings: Sequence[Booking]) -> None:
    """Release the seats of bookings about to be erased, each handed on to the first person
    waiting; the holders are not told (they are being erased)."""
    for booking in bookings:
        session = await _locked(db, booking.session_id)
        if session is not None:
            await _release(db, session, booking.id, "person", tell=False)
