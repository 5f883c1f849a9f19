"""Random sequences of bookings, cancellations, capacity changes and « revoked » marks keep
the seat invariants: never more confirmed than seats, the counters equal to the bookings,
nobody waiting while a seat is free, and the queue in the order people joined it."""

from __future__ import annotations

import asyncio
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from app.db.models import Attendance, Booking, BookingStatus, Session
from app.features.bookings import CapacityError, book, cancel_booking, change_capacity
from app.features.bookings.attendance import Mark, record_attendance
from tests.app.features.bookings.offer import bookings_of, engine_for, in_transaction, new_session


def machine_for(url: str) -> type[RuleBasedStateMachine]:
    class Seats(RuleBasedStateMachine):
        """The model: the seats, who holds one, and the queue in order."""

        def __init__(self) -> None:
            super().__init__()
            self.loop = asyncio.new_event_loop()
            self.engine = engine_for(url, 2)
            self.capacity = 2
            self.session = self.run(lambda db: new_session(db, capacity=self.capacity))
            self.confirmed: set[str] = set()
            self.waiting: list[str] = []
            self.ids: dict[str, Any] = {}
            self.next = 0

        def run(self, work: Any) -> Any:
            return self.loop.run_until_complete(in_transaction(self.engine, work))

        def teardown(self) -> None:
            self.loop.run_until_complete(self.engine.dispose())
            self.loop.close()

        def fill(self) -> None:
            while self.waiting and len(self.confirmed) < self.capacity:
                self.confirmed.add(self.waiting.pop(0))

        @rule()
        def book_one(self) -> None:
            name = f"p{self.next}@exemple.fr"
            self.next += 1
            booking = self.run(lambda db: book(db, self.session.id, email=name))
            self.ids[name] = booking.id
            self.waiting.append(name)
            self.fill()
            expected = BookingStatus.CONFIRMED if name in self.confirmed else BookingStatus.WAITING
            assert booking.status == expected

        def release(self, name: str) -> None:
            self.confirmed.discard(name)
            if name in self.waiting:
                self.waiting.remove(name)
            self.fill()

        @precondition(lambda self: self.confirmed or self.waiting)
        @rule(data=st.data(), by=st.sampled_from(["person", "mediator", "trainer"]))
        def cancel(self, data: st.DataObject, by: str) -> None:
            name = data.draw(st.sampled_from(sorted(self.confirmed) + self.waiting))

            async def go(db: Any) -> None:
                booking = await db.get(Booking, self.ids[name])
                await cancel_booking(db, booking, by=by)  # type: ignore[arg-type]

            self.run(go)
            self.release(name)

        @precondition(lambda self: self.confirmed)
        @rule(data=st.data())
        def revoke(self, data: st.DataObject) -> None:
            name = data.draw(st.sampled_from(sorted(self.confirmed)))
            mark = Mark(self.ids[name], Attendance.REVOKED)
            self.run(lambda db: record_attendance(db, self.session, [mark], by=None))
            self.release(name)

        @rule(more=st.integers(min_value=0, max_value=3))
        def change(self, more: int) -> None:
            capacity = max(1, len(self.confirmed)) + more
            self.run(lambda db: change_capacity(db, self.session, capacity))
            self.capacity = capacity
            self.fill()

        @precondition(lambda self: len(self.confirmed) > 1)
        @rule()
        def shrink_below_the_confirmed(self) -> None:
            async def go(db: Any) -> None:
                try:
                    await change_capacity(db, self.session, len(self.confirmed) - 1)
                except CapacityError:
                    return
                raise AssertionError("a capacity below the people confirmed was accepted")

            self.run(go)

        @invariant()
        def seats_hold(self) -> None:
            async def read(db: Any) -> tuple[Any, list[Any]]:
                stored = await db.get(Session, self.session.id, populate_existing=True)
                return stored, await bookings_of(db, self.session.id)

            stored, everyone = self.run(read)
            confirmed = [b for b in everyone if b.status == BookingStatus.CONFIRMED]
            waiting = [b for b in everyone if b.status == BookingStatus.WAITING]  # by queue
            assert stored.confirmed_count == len(confirmed) <= stored.capacity
            assert stored.waiting_count == len(waiting)
            assert not waiting or len(confirmed) == stored.capacity, "waiting with a seat free"
            names = {v: k for k, v in self.ids.items()}
            assert [names[b.id] for b in waiting] == self.waiting, "queue order"
            assert {names[b.id] for b in confirmed} == self.confirmed

    return Seats


def test_random_sequences_keep_the_seat_invariants(backend):
    machine = machine_for(backend.settings.database_url)
    machine.TestCase.settings = settings(
        max_examples=12,
        stateful_step_count=15,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    machine.TestCase().runTest()
