"""The sender against a real SMTP server on loopback: what arrives, and what happens when
the server is down, refuses, or the process stops between sending and marking."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from uuid import UUID

import pytest
from icalendar import Calendar
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from app.config import Settings
from app.db.models import Booking, BookingStatus, OutboxMessage, OutboxStatus
from app.features.notifications import notify
from app.features.notifications.mail import as_email, smtp_client
from app.features.notifications.worker import LEASE, MAX_ATTEMPTS, OutboxWorker, Report
from app.housekeeping import run_chores
from tests.app.conftest import Backend
from tests.app.features.notifications.offer import booking_in, session_at
from tests.app.smtp import Mailer, free_port

Makers = async_sessionmaker[AsyncSession]


@contextlib.asynccontextmanager
async def a_worker(settings: Settings) -> AsyncIterator[tuple[OutboxWorker, Makers]]:
    """A sender as one process of the service has it, with its own connections."""
    engine = create_async_engine(settings.database_url)
    makers = async_sessionmaker(engine, expire_on_commit=False)
    try:
        yield OutboxWorker(makers, settings), makers
    finally:
        await engine.dispose()


async def _drain(
    settings: Settings, now: datetime | None = None, *, remind: bool = False
) -> Report:
    """Steps of one worker until nothing more is due, as the running service would."""
    async with a_worker(settings) as (worker, _):
        total = Report()
        while True:
            report = await worker.run_once(remind=remind, now=now)
            remind = False
            total.sent += report.sent
            total.retried += report.retried
            total.failed += report.failed
            total.reminders += report.reminders
            total.unreachable |= report.unreachable
            if report.unreachable or not (report.sent or report.retried or report.failed):
                return total


def drain(settings: Settings, now: datetime | None = None, *, remind: bool = False) -> Report:
    return asyncio.run(_drain(settings, now, remind=remind))


def book(backend: Backend, settings: Settings, address: str, kind: str = "booked") -> UUID:
    async def go(db: AsyncSession) -> UUID:
        session = await session_at(db)
        booking = await booking_in(db, session, email=address)
        message = await notify(db, booking, kind, settings=settings)
        await db.commit()
        assert message is not None
        return message.id

    return backend.run(go)


def row(backend: Backend, message_id: UUID) -> OutboxMessage:
    async def go(db: AsyncSession) -> OutboxMessage:
        found = await db.get(OutboxMessage, message_id)
        assert found is not None
        return found

    return backend.run(go)


def _calendar_parts(message: EmailMessage) -> tuple[Calendar, Calendar]:
    inline = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    assert inline.get_param("method") == "REQUEST"
    attached = next(p for p in message.iter_attachments() if p.get_filename() == "invitation.ics")
    return (
        Calendar.from_ical(inline.get_content()),
        Calendar.from_ical(attached.get_content()),
    )


def test_the_booking_email_arrives_in_french_with_place_time_cancel_link_and_invitation(
    backend: Backend, mailer: Mailer
) -> None:
    message_id = book(backend, mailer.settings, "arrive@example.org")
    assert drain(mailer.settings).sent >= 1
    (received,) = mailer.inbox.to("arrive@example.org")
    assert received["Subject"] == "Votre place est réservée : Premiers pas avec son téléphone"
    assert received["From"] == "ateliers@parcours.example"
    text = received.get_body(preferencelist=("plain",))
    assert text is not None
    body = text.get_content()
    assert "Quand : mardi 9 mars 2027, de 14 h à 16 h" in body
    assert "Médiathèque des Gibjoncs, 2 rue Louis Mallet, 18000 Bourges" in body
    assert f"{mailer.settings.public_url}/reservations/" in body
    inline, attached = _calendar_parts(received)
    (event,) = attached.events
    assert str(event["UID"]).startswith("booking-")
    assert event.start.isoformat() == "2027-03-09T14:00:00+01:00"
    assert str(event.start.tzinfo) == "Europe/Paris"
    assert [tz.tz_name for tz in attached.timezones] == ["Europe/Paris"]
    assert inline.events[0]["UID"] == event["UID"]
    sent = row(backend, message_id)
    assert sent.status == OutboxStatus.SENT
    assert sent.sent_at is not None
    assert sent.attempts == 1


def test_a_server_that_is_down_loses_nothing_and_the_message_leaves_once_it_is_back(
    backend: Backend, mailer: Mailer
) -> None:
    message_id = book(backend, mailer.settings, "down@example.org")
    down = mailer.settings.model_copy(update={"smtp_port": free_port()})
    assert drain(down).unreachable
    waiting = row(backend, message_id)
    assert waiting.status == OutboxStatus.PENDING
    assert waiting.attempts == 0  # an outage uses no attempt
    assert waiting.last_error == "SMTPConnectError"
    drain(mailer.settings)
    assert len(mailer.inbox.to("down@example.org")) == 1
    assert row(backend, message_id).status == OutboxStatus.SENT


def test_a_temporary_refusal_is_retried_later_and_a_permanent_one_is_given_up(
    backend: Backend, mailer: Mailer
) -> None:
    later, never = "later@example.org", "never@example.org"
    mailer.inbox.refuse = {later: "451 4.3.0 Try again later", never: "550 5.1.1 No such user"}
    later_id = book(backend, mailer.settings, later)
    never_id = book(backend, mailer.settings, never)
    now = datetime.now(UTC)
    drain(mailer.settings, now)
    retried, refused = row(backend, later_id), row(backend, never_id)
    assert (retried.status, retried.attempts) == (OutboxStatus.PENDING, 1)
    assert retried.due_at > now
    assert retried.last_error == "SMTPRecipientsRefused 451"
    assert (refused.status, refused.last_error) == (
        OutboxStatus.FAILED,
        "SMTPRecipientsRefused 550",
    )
    drain(mailer.settings, now + timedelta(seconds=30))  # not due yet
    assert row(backend, later_id).attempts == 1
    mailer.inbox.refuse = {}
    drain(mailer.settings, now + timedelta(hours=1))
    assert row(backend, later_id).status == OutboxStatus.SENT
    assert len(mailer.inbox.to(later)) == 1
    assert mailer.inbox.to(never) == []


def test_a_message_refused_every_time_is_given_up_after_the_last_attempt(
    backend: Backend, mailer: Mailer
) -> None:
    address = "busy@example.org"
    mailer.inbox.refuse = {address: "452 4.2.2 Mailbox full"}
    message_id = book(backend, mailer.settings, address)
    moment = datetime.now(UTC)
    for _ in range(MAX_ATTEMPTS):
        drain(mailer.settings, moment)
        moment += timedelta(days=1)
    given_up = row(backend, message_id)
    assert (given_up.status, given_up.attempts) == (OutboxStatus.FAILED, MAX_ATTEMPTS)
    assert address not in (given_up.last_error or "")


def test_a_stop_between_sending_and_marking_sends_again_with_the_same_message_id(
    backend: Backend, mailer: Mailer
) -> None:
    """Delivery is at least once: the copy carries the same Message-ID."""
    message_id = book(backend, mailer.settings, "twice@example.org")
    now = datetime.now(UTC)

    async def send_then_stop() -> None:
        async with a_worker(mailer.settings) as (worker, makers), makers() as db:
            claimed = await worker.claim(db, now)
        smtp = smtp_client(mailer.settings)
        await smtp.connect()
        for message in claimed:
            await smtp.send_message(as_email(message, mailer.settings))
        await smtp.quit()  # and the process stops here, before marking them sent

    asyncio.run(send_then_stop())
    assert row(backend, message_id).status == OutboxStatus.PENDING
    drain(mailer.settings, now + LEASE / 2)  # another process: still under the lease
    assert len(mailer.inbox.to("twice@example.org")) == 1
    drain(mailer.settings, now + LEASE + timedelta(seconds=1))
    first, again = mailer.inbox.to("twice@example.org")
    assert first["Message-ID"] == again["Message-ID"]
    assert row(backend, message_id).status == OutboxStatus.SENT


def test_two_senders_at_once_send_each_message_once(backend: Backend, mailer: Mailer) -> None:
    addresses = [f"crowd{i}@example.org" for i in range(30)]
    for address in addresses:
        book(backend, mailer.settings, address)

    async def both() -> None:
        await asyncio.gather(_drain(mailer.settings), _drain(mailer.settings))

    asyncio.run(both())
    assert [len(mailer.inbox.to(a)) for a in addresses] == [1] * len(addresses)


def test_without_an_smtp_host_messages_wait_and_the_log_says_so_once(
    backend: Backend, caplog: pytest.LogCaptureFixture
) -> None:
    message_id = book(backend, backend.settings, "nohost@example.org")

    async def two_steps() -> None:
        async with a_worker(backend.settings) as (worker, _):
            await worker.run_once(remind=False)
            await worker.run_once(remind=False)

    with caplog.at_level(logging.WARNING):
        asyncio.run(two_steps())
    assert row(backend, message_id).status == OutboxStatus.PENDING
    said = [r for r in caplog.records if "PARCOURS_SMTP_HOST" in r.getMessage()]
    assert len(said) == 1


def test_text_messages_wait_without_a_provider_and_the_log_says_how_many(
    backend: Backend, mailer: Mailer, caplog: pytest.LogCaptureFixture
) -> None:
    async def by_phone(db: AsyncSession) -> UUID:
        session = await session_at(db)
        booking = await booking_in(db, session, phone="+33611223344")
        message = await notify(db, booking, "booked", settings=mailer.settings)
        await db.commit()
        assert message is not None
        return message.id

    message_id = backend.run(by_phone)
    with caplog.at_level(logging.WARNING):
        drain(mailer.settings)
    assert row(backend, message_id).status == OutboxStatus.PENDING
    assert any("no SMS provider" in r.getMessage() for r in caplog.records)


def test_the_reminder_of_the_day_before_is_written_once_and_arrives(
    backend: Backend, mailer: Mailer
) -> None:
    now = datetime.now(UTC)
    long_ago = now - timedelta(days=5)

    async def bookings(db: AsyncSession) -> dict[str, UUID]:
        tomorrow = await session_at(db, now + timedelta(hours=30))
        later = await session_at(db, now + timedelta(hours=60))
        made = {
            "seated": await booking_in(
                db, tomorrow, email="rappel@example.org", created_at=long_ago
            ),
            "fresh": await booking_in(db, tomorrow, email="fresh@example.org"),
            "waiting": await booking_in(
                db,
                tomorrow,
                email="wait-r@example.org",
                status=BookingStatus.WAITING,
                created_at=long_ago,
            ),
            "later": await booking_in(db, later, email="later-r@example.org", created_at=long_ago),
        }
        await db.commit()
        return {name: b.id for name, b in made.items()}

    ids = backend.run(bookings)
    drain(mailer.settings, now, remind=True)
    drain(mailer.settings, now + timedelta(minutes=20), remind=True)
    (reminder,) = mailer.inbox.to("rappel@example.org")
    assert reminder["Subject"] == "Rappel de votre atelier : Premiers pas avec son téléphone"
    for address in ("fresh@example.org", "wait-r@example.org", "later-r@example.org"):
        assert mailer.inbox.to(address) == []

    async def reminded(db: AsyncSession) -> datetime | None:
        booking = await db.get(Booking, ids["seated"])
        assert booking is not None
        return booking.reminded_at

    assert backend.run(reminded) is not None


def test_messages_are_deleted_after_their_retention(backend: Backend, mailer: Mailer) -> None:
    old_id = book(backend, mailer.settings, "old@example.org")
    new_id = book(backend, mailer.settings, "new@example.org")

    async def age(db: AsyncSession) -> None:
        old = await db.get(OutboxMessage, old_id)
        assert old is not None
        old.created_at = datetime.now(UTC) - timedelta(
            days=mailer.settings.outbox_retention_days + 1
        )
        await db.commit()

    backend.run(age)

    async def chores_then_left(db: AsyncSession) -> set[UUID]:
        await run_chores(db.bind, mailer.settings)  # type: ignore[arg-type]
        rows = await db.scalars(
            select(OutboxMessage.id).where(OutboxMessage.id.in_([old_id, new_id]))
        )
        return set(rows.all())

    assert backend.run(chores_then_left) == {new_id}


def test_a_message_whose_process_stops_at_every_attempt_is_given_up(
    backend: Backend, mailer: Mailer
) -> None:
    message_id = book(backend, mailer.settings, "crashes@example.org")
    moment = datetime.now(UTC)

    async def claims() -> None:
        async with a_worker(mailer.settings) as (worker, makers):
            at = moment
            for _ in range(MAX_ATTEMPTS):
                async with makers() as db:
                    await worker.claim(db, at)  # and the process stops before any outcome
                at += LEASE + timedelta(seconds=1)

    asyncio.run(claims())
    drain(mailer.settings, moment + (LEASE + timedelta(seconds=1)) * MAX_ATTEMPTS)
    given_up = row(backend, message_id)
    assert given_up.status == OutboxStatus.FAILED
    assert given_up.last_error == "no outcome after the last attempt"
    assert mailer.inbox.to("crashes@example.org") == []
