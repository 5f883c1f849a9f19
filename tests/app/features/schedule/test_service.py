"""Sessions and series through the service, on SQLite and PostgreSQL: what is stored, what is
refused (all at once), and how one occurrence or a whole series changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from uuid import uuid4

import pytest
from sqlalchemy import select

from app.db.models import Booking, BookingStatus, OutboxMessage, Session, SessionSeries
from app.db.types import as_utc
from app.features.bookings import book
from app.features.schedule import Repeat, ScheduleError, create_series, create_session
from app.features.schedule.rules import SessionLockedError
from app.features.schedule.service import cancel, update_series, update_session
from app.when import in_paris
from tests.app.features.schedule.offer import seed_offer, soon

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def test_a_session_typed_in_paris_is_stored_in_utc_and_lasts_the_workshop(backend):
    async def go(db):
        offer = await seed_offer(db)
        session = await create_session(
            db,
            offer.structure_id,
            offer.workshop_id,
            starts_at=datetime(2026, 12, 8, 14, 0),
            place_id=offer.place_id,
            capacity=12,
            now=NOW,
        )
        await db.commit()
        stored = await db.get(Session, session.id, populate_existing=True)
        return as_utc(stored.starts_at), as_utc(stored.ends_at), stored.revision

    starts, ends, revision = backend.run(go)
    assert starts == datetime(2026, 12, 8, 13, 0, tzinfo=UTC)
    assert ends == datetime(2026, 12, 8, 15, 0, tzinfo=UTC)
    assert revision == 0


def test_every_problem_of_a_session_is_named_at_once_and_nothing_is_saved(backend):
    async def go(db):
        offer = await seed_offer(db)
        other = await seed_offer(db)
        with pytest.raises(ScheduleError) as refused:
            await create_session(
                db,
                offer.structure_id,
                other.workshop_id,
                starts_at=datetime(2026, 11, 30, 14, 0),
                ends_at=datetime(2026, 11, 30, 13, 0),
                place_id=other.place_id,
                capacity=0,
                now=NOW,
            )
        await db.rollback()
        count = await db.scalar(
            select(Session.id).where(Session.structure_id == offer.structure_id)
        )
        return refused.value.problems, count

    problems, saved = backend.run(go)
    assert {k: m.render(str) for k, m in problems.items()} == {
        "workshop_id": "Atelier introuvable dans votre structure.",
        "place_id": "Lieu introuvable dans votre structure.",
        "starts_at": "Cette date est passée : choisissez une date à venir.",
        "ends_at": "La fin doit venir après le début.",
        "capacity": "Il faut au moins 1 place.",
    }
    assert saved is None


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ({"place": True, "remote_url": "https://visio.example.org/a"}, "place_id"),
        ({}, "place_id"),
        ({"remote_url": "visio.example.org"}, "remote_url"),
        ({"remote_url": "javascript:alert(1)"}, "remote_url"),
        ({"remote_url": "https://visio.example.org/a"}, None),
        ({"place": True}, None),
    ],
)
def test_a_session_is_at_a_place_or_remote_not_both_not_neither(backend, where, expected):
    async def go(db):
        offer = await seed_offer(db)
        try:
            await create_session(
                db,
                offer.structure_id,
                offer.workshop_id,
                starts_at=datetime(2026, 12, 8, 14, 0),
                place_id=offer.place_id if where.get("place") else None,
                remote_url=where.get("remote_url"),
                capacity=8,
                now=NOW,
            )
        except ScheduleError as error:
            return set(error.problems)
        return set()

    assert backend.run(go) == ({expected} if expected else set())


def test_self_study_needs_neither_place_nor_link(backend):
    async def go(db):
        offer = await seed_offer(db)
        session = await create_session(
            db,
            offer.structure_id,
            offer.self_study_id,
            starts_at=datetime(2026, 12, 8, 9, 0),
            capacity=30,
            now=NOW,
        )
        await db.commit()
        return session.place_id, session.remote_url

    assert backend.run(go) == (None, None)


def test_every_tuesday_for_six_weeks_stays_at_14_h_across_the_spring_change(backend):
    async def go(db):
        offer = await seed_offer(db)
        series, _ = await create_series(
            db,
            offer.structure_id,
            offer.workshop_id,
            starts_at=datetime(2027, 3, 9, 14, 0),
            ends_at=datetime(2027, 3, 9, 16, 0),
            repeat=Repeat(frozenset({1}), count=6),
            place_id=offer.place_id,
            capacity=10,
            now=NOW,
        )
        await db.commit()
        stored = await db.scalars(
            select(Session).where(Session.series_id == series.id).order_by(Session.starts_at)
        )
        return series.rrule, [(in_paris(s.starts_at), in_paris(s.ends_at)) for s in stored]

    rule, spans = backend.run(go)
    assert rule == "FREQ=WEEKLY;INTERVAL=1;BYDAY=TU;COUNT=6"
    assert len(spans) == 6
    assert {(a.hour, b.hour) for a, b in spans} == {(14, 16)}
    assert {a.date().weekday() for a, _ in spans} == {1}
    assert spans[-1][0].date() == date(2027, 4, 13)


def test_a_series_that_would_reach_past_two_years_is_refused_with_the_date(backend):
    async def go(db):
        offer = await seed_offer(db)
        with pytest.raises(ScheduleError) as refused:
            await create_series(
                db,
                offer.structure_id,
                offer.workshop_id,
                starts_at=datetime(2028, 10, 2, 10, 0),
                repeat=Repeat(frozenset({0}), count=20),
                place_id=offer.place_id,
                capacity=10,
                now=NOW,
            )
        return {k: m.render(str) for k, m in refused.value.problems.items()}

    problems = backend.run(go)
    assert list(problems) == ["until"]
    assert "deux ans" in problems["until"] and "2029" in problems["until"]


async def _series(db, offer, **repeat):
    series, sessions = await create_series(
        db,
        offer.structure_id,
        offer.workshop_id,
        starts_at=datetime(2027, 1, 5, 14, 0),
        ends_at=datetime(2027, 1, 5, 16, 0),
        repeat=Repeat(frozenset({1}), **repeat),
        place_id=offer.place_id,
        capacity=10,
        now=NOW,
    )
    await db.commit()
    return series, sessions


def test_one_occurrence_changed_alone_is_left_out_of_whole_series_changes(backend):
    async def go(db):
        offer = await seed_offer(db)
        series, sessions = await _series(db, offer, count=4)
        second = sessions[1]
        await update_session(
            db,
            second,
            {"starts_at": datetime(2027, 1, 12, 10, 0), "ends_at": datetime(2027, 1, 12, 12, 0)},
            now=NOW,
        )
        # Two weeks later, the first occurrence is past: it never changes again.
        later = datetime(2027, 1, 6, 9, 0, tzinfo=UTC)
        changed = await update_series(
            db, series, start=time(15, 0), end=time(17, 30), changes={"capacity": 14}, now=later
        )
        await db.commit()
        rows = await db.scalars(
            select(Session).where(Session.series_id == series.id).order_by(Session.starts_at)
        )
        found = [
            (
                in_paris(s.starts_at).time(),
                in_paris(s.ends_at).time(),
                s.capacity,
                s.detached,
                s.revision,
            )
            for s in rows
        ]
        stored = await db.get(SessionSeries, series.id, populate_existing=True)
        return len(changed), found, stored.first_start_local, stored.duration_minutes

    changed, rows, first, minutes = backend.run(go)
    assert changed == 2
    assert rows == [
        (time(14), time(16), 10, False, 0),  # past
        (time(10), time(12), 10, True, 1),  # changed alone
        (time(15), time(17, 30), 14, False, 1),
        (time(15), time(17, 30), 14, False, 1),
    ]
    assert (first.time(), minutes) == (time(15), 150)


def test_a_session_begun_or_cancelled_no_longer_changes(backend):
    async def go(db):
        offer = await seed_offer(db)
        _, sessions = await _series(db, offer, count=2)
        begun = datetime(2027, 1, 5, 14, 30, tzinfo=UTC)
        with pytest.raises(SessionLockedError):
            await update_session(db, sessions[0], {"capacity": 3}, now=begun)
        await cancel(db, sessions[1], "Formatrice malade", now=NOW)
        with pytest.raises(SessionLockedError):
            await update_session(db, sessions[1], {"capacity": 3}, now=NOW)
        return sessions[1].cancel_reason, sessions[1].registration_open

    assert backend.run(go) == ("Formatrice malade", False)


def test_cancelling_the_rest_of_a_series_keeps_what_came_before(backend):
    async def go(db):
        offer = await seed_offer(db)
        series, sessions = await _series(db, offer, count=5)
        with pytest.raises(ScheduleError):
            await cancel(db, sessions[2], "  ", rest_of_series=True, now=NOW)
        cancelled = await cancel(db, sessions[2], "Salle en travaux", rest_of_series=True, now=NOW)
        await db.commit()
        rows = await db.scalars(
            select(Session).where(Session.series_id == series.id).order_by(Session.starts_at)
        )
        return len(cancelled), [s.cancel_reason for s in rows]

    count, reasons = backend.run(go)
    assert count == 3
    assert reasons == [None, None, "Salle en travaux", "Salle en travaux", "Salle en travaux"]


def test_capacity_cannot_go_below_the_people_already_confirmed(backend):
    async def go(db):
        offer = await seed_offer(db)
        _, sessions = await _series(db, offer, count=1)
        sessions[0].confirmed_count = 6
        await db.flush()
        with pytest.raises(ScheduleError) as refused:
            await update_session(db, sessions[0], {"capacity": 5}, now=NOW)
        return refused.value.problems["capacity"].render(str)

    assert "6 personnes" in backend.run(go)


def test_an_unknown_workshop_is_refused_without_guessing_its_length(backend):
    async def go(db):
        offer = await seed_offer(db)
        with pytest.raises(ScheduleError) as refused:
            await create_session(
                db,
                offer.structure_id,
                uuid4(),
                starts_at=datetime(2026, 12, 8, 14),
                place_id=offer.place_id,
                capacity=3,
                now=NOW,
            )
        return set(refused.value.problems)

    assert backend.run(go) == {"workshop_id"}


def test_people_booked_hear_of_a_new_time_and_of_a_cancellation(backend):
    """A change of time writes a « changed » message for each person booked, with their
    invitation revised; a raised capacity seats the first person waiting; a cancellation
    cancels every booking and tells each person."""

    async def go(db):
        offer = await seed_offer(db)
        session = await create_session(
            db,
            offer.structure_id,
            offer.workshop_id,
            starts_at=soon(days=20),
            place_id=offer.place_id,
            capacity=1,
        )
        await db.commit()
        seated = await book(db, session.id, email="ada@example.org")
        waiting = await book(db, session.id, email="bob@example.org")
        await db.commit()
        later = in_paris(session.starts_at).replace(tzinfo=None) + timedelta(hours=1)
        await update_session(
            db, session, {"starts_at": later, "ends_at": later + timedelta(hours=2)}
        )
        await update_session(db, session, {"capacity": 2})
        await db.commit()
        statuses = [
            (await db.get(Booking, b.id, populate_existing=True)).status for b in (seated, waiting)
        ]
        await cancel(db, session, "La salle est inondée")
        await db.commit()
        kinds = await db.scalars(
            select(OutboxMessage.kind)
            .where(OutboxMessage.booking_id == seated.id)
            .order_by(OutboxMessage.created_at)
        )
        return session.revision, statuses, list(kinds)

    revision, statuses, kinds = backend.run(go)
    assert statuses == [BookingStatus.CONFIRMED, BookingStatus.CONFIRMED]
    assert revision == 2  # moved once, cancelled once
    assert kinds == ["booked", "changed", "cancelled"]
