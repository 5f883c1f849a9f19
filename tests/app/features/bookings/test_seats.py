"""The seat rules, on SQLite and PostgreSQL: never oversold under concurrency, one live
booking per holder, and every released seat goes to the first person waiting, who is told."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest

from app.db.models import BookingStatus, Session
from app.features.bookings import (
    AlreadyBookedError,
    CapacityError,
    NoContactError,
    RegistrationClosedError,
    SessionCancelledError,
    SessionStartedError,
    book,
    cancel_booking,
    cancel_session,
    change_capacity,
    waiting_position,
)
from app.features.bookings.contacts import ContactError
from tests.app.features.bookings.offer import (
    bookings_of,
    in_transaction,
    new_session,
    opened,
    told,
    waiting_list,
)

SIMULTANEOUS, SEATS = 50, 12


def test_fifty_simultaneous_bookings_fill_twelve_seats_and_queue_the_rest_in_order(backend):
    async def go() -> None:
        async with opened(backend.settings.database_url, SIMULTANEOUS) as engine:
            session = await in_transaction(engine, lambda db: new_session(db, capacity=SEATS))

            async def one(i: int) -> Any:
                return await in_transaction(
                    engine, lambda db: book(db, session.id, email=f"personne{i}@exemple.fr")
                )

            booked = await asyncio.gather(*(one(i) for i in range(SIMULTANEOUS)))
            statuses = [b.status for b in booked]
            assert statuses.count(BookingStatus.CONFIRMED) == SEATS
            assert statuses.count(BookingStatus.WAITING) == SIMULTANEOUS - SEATS

            async def check(db: Any) -> None:
                stored = await db.get(Session, session.id, populate_existing=True)
                assert (stored.confirmed_count, stored.waiting_count) == (SEATS, 38)
                everyone = await bookings_of(db, session.id)
                assert len({b.queued for b in everyone}) == SIMULTANEOUS  # one place each
                waiting = await waiting_list(db, session.id)
                positions = [await waiting_position(db, b) for b in waiting]
                assert positions == list(range(1, 39))
                # the first 12 to join the queue hold the seats
                assert all(b.status == BookingStatus.CONFIRMED for b in everyone[:SEATS])

            await in_transaction(engine, check)

    asyncio.run(go())


def with_queue(backend: Any, capacity: int = 1, waiting: int = 2) -> tuple[Any, list[Any]]:
    """A session full with ``capacity`` people and ``waiting`` more on its list."""

    async def go(db: Any) -> tuple[Any, list[Any]]:
        session = await new_session(db, capacity=capacity)
        booked = []
        for i in range(capacity + waiting):
            booked.append(await book(db, session.id, email=f"p{i}@exemple.fr"))
            await db.commit()
        return session, booked

    return backend.run(go)


def after(backend: Any, session: Any, booked: list[Any]) -> dict[str, Any]:
    async def go(db: Any) -> dict[str, Any]:
        stored = await db.get(Session, session.id, populate_existing=True)
        everyone = {b.id: b for b in await bookings_of(db, session.id)}
        return {
            "session": stored,
            "status": [everyone[b.id].status for b in booked],
            "told": [await told(db, b.id) for b in booked],
            "positions": [await waiting_position(db, everyone[b.id]) for b in booked],
        }

    return backend.run(go)


@pytest.mark.parametrize("by", ["person", "mediator", "trainer"])
def test_a_cancelled_seat_goes_to_the_first_waiting_who_is_told(backend, by):
    session, booked = with_queue(backend)

    async def cancel(db: Any) -> None:
        await cancel_booking(db, booked[0], by=by)
        await db.commit()

    backend.run(cancel)
    state = after(backend, session, booked)
    assert state["status"] == [
        BookingStatus.CANCELLED,
        BookingStatus.CONFIRMED,
        BookingStatus.WAITING,
    ]
    assert state["told"] == [["booked", "cancelled"], ["waiting", "promoted"], ["waiting"]]
    assert state["positions"] == [None, None, 1]
    assert (state["session"].confirmed_count, state["session"].waiting_count) == (1, 1)


def test_cancelling_twice_releases_one_seat(backend):
    session, booked = with_queue(backend, capacity=1, waiting=2)

    async def twice(db: Any) -> None:
        await cancel_booking(db, booked[0], by="person")
        await cancel_booking(db, booked[0], by="mediator")
        await db.commit()

    backend.run(twice)
    state = after(backend, session, booked)
    assert state["status"][1:] == [BookingStatus.CONFIRMED, BookingStatus.WAITING]


def test_leaving_the_waiting_list_moves_the_others_up(backend):
    session, booked = with_queue(backend, capacity=1, waiting=3)

    async def leave(db: Any) -> None:
        await cancel_booking(db, booked[1], by="person")
        await db.commit()

    backend.run(leave)
    state = after(backend, session, booked)
    assert state["positions"] == [None, None, 1, 2]
    assert state["told"][2] == ["waiting"]
    assert (state["session"].confirmed_count, state["session"].waiting_count) == (1, 2)


def test_more_seats_go_to_the_first_waiting_in_order(backend):
    session, booked = with_queue(backend, capacity=1, waiting=3)

    async def raise_capacity(db: Any) -> None:
        await change_capacity(db, session, 3)
        await db.commit()

    backend.run(raise_capacity)
    state = after(backend, session, booked)
    assert state["status"] == [BookingStatus.CONFIRMED] * 3 + [BookingStatus.WAITING]
    assert [t[-1] for t in state["told"]] == ["booked", "promoted", "promoted", "waiting"]
    assert (state["session"].capacity, state["session"].confirmed_count) == (3, 3)


def test_capacity_never_goes_below_the_people_confirmed(backend):
    session, _ = with_queue(backend, capacity=2, waiting=0)

    async def shrink(db: Any) -> None:
        with pytest.raises(CapacityError) as refused:
            await change_capacity(db, session, 1)
        assert refused.value.problems == ["capacité : au moins 2"]
        assert "déjà inscrites" in str(refused.value)

    backend.run(shrink)


def test_a_cancelled_session_cancels_everyone_promotes_nobody_and_tells_all(backend):
    session, booked = with_queue(backend, capacity=1, waiting=2)

    async def cancel(db: Any) -> None:
        await cancel_session(db, session, "La salle est inondée.")
        await db.commit()

    backend.run(cancel)
    state = after(backend, session, booked)
    assert state["status"] == [BookingStatus.CANCELLED] * 3
    assert [t[-1] for t in state["told"]] == ["cancelled"] * 3
    assert not any("promoted" in kinds for kinds in state["told"])
    stored = state["session"]
    assert (stored.confirmed_count, stored.waiting_count) == (0, 0)
    assert stored.cancel_reason == "La salle est inondée." and stored.is_cancelled


@pytest.mark.parametrize(
    ("fields", "refusal"),
    [
        ({"registration_open": False}, RegistrationClosedError),
        ({"starts_in": timedelta(minutes=-5)}, SessionStartedError),
    ],
)
def test_a_closed_or_started_session_takes_nobody(backend, fields, refusal):
    async def go(db: Any) -> None:
        session = await new_session(db, **fields)
        with pytest.raises(refusal):
            await book(db, session.id, email="a@exemple.fr")
        assert await bookings_of(db, session.id) == []

    backend.run(go)


def test_a_cancelled_session_takes_nobody(backend):
    async def go(db: Any) -> None:
        session = await new_session(db)
        await cancel_session(db, session, "Formatrice malade")
        await db.commit()
        with pytest.raises(SessionCancelledError):
            await book(db, session.id, phone="06 12 34 56 78")

    backend.run(go)


def test_one_live_booking_per_holder_whatever_the_way_it_is_written(backend):
    async def go(db: Any) -> None:
        session = await new_session(db, capacity=1)
        first = await book(db, session.id, email="Marie.Curie@Exemple.fr")
        phone = await book(db, session.id, phone="06 12 34 56 78")
        await db.commit()
        assert (first.holder, phone.holder) == (
            "email:marie.curie@exemple.fr",
            "phone:+33612345678",
        )
        for again in ({"email": " marie.curie@EXEMPLE.FR "}, {"phone": "+33 6 12 34 56 78"}):
            with pytest.raises(AlreadyBookedError) as refused:
                await book(db, session.id, **again)
            assert "déjà inscrite" in str(refused.value)
        await db.commit()  # the refusals left the transaction usable and wrote nothing
        stored = await db.get(Session, session.id, populate_existing=True)
        assert (stored.confirmed_count, stored.waiting_count) == (1, 1)
        # once cancelled, the same person may book again
        await cancel_booking(db, first, by="person")
        again = await book(db, session.id, email="marie.curie@exemple.fr")
        assert again.status == BookingStatus.WAITING  # the seat went to the one waiting
        await db.commit()

    backend.run(go)


def test_a_resident_gives_an_email_or_a_phone_that_works(backend):
    async def go(db: Any) -> None:
        session = await new_session(db)
        with pytest.raises(NoContactError):
            await book(db, session.id)
        with pytest.raises(NoContactError):
            await book(db, session.id, email="  ", phone="")
        with pytest.raises(ContactError) as wrong:
            await book(db, session.id, email="pas-une-adresse", phone="12 34")
        assert len(wrong.value.problems) == 2
        assert await bookings_of(db, session.id) == []

    backend.run(go)
