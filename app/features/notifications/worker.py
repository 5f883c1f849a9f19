"""The sender: a background task in each process that sends the outbox's due e-mails over
SMTP, and writes the reminders of the day before.

A step claims a few due messages with one UPDATE that only one process can win for each row
(it moves their due time a lease ahead and counts the attempt), sends them on one SMTP
connection, and marks each sent. A message whose sending failed is due again later, each
time twice as late; after ``MAX_ATTEMPTS`` it is marked failed with the server's answer code
(never an address: logs and ``last_error`` hold no personal data). When the server cannot be
reached at all, the claimed messages are given back untouched and the worker waits longer
before trying again: an outage loses nothing and uses no attempt.

Delivery is at least once: a process stopped after the server took a message but before it
was marked sent sends it again when its lease ends, with the same Message-ID (mail clients
drop the copy). Text messages wait: there is no SMS provider yet.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import aiosmtplib
from advanced_alchemy.extensions.litestar import SQLAlchemyAsyncConfig
from litestar import Litestar
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.background import running
from app.config import Settings
from app.db.models import OutboxChannel, OutboxMessage, OutboxStatus
from app.features.notifications.mail import as_email, smtp_client
from app.features.notifications.service import write_reminders

log = logging.getLogger(__name__)
POLL_SECONDS = 5.0
REMIND_EVERY = timedelta(minutes=15)
BATCH = 20
MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(minutes=1)  # then 2, 4, 8… minutes: about 2 hours in all
# A claimed message is due again after this if its process stopped before marking it.
LEASE = timedelta(minutes=10)
# Kinds of message whose text is a key (the link that opens a person's wallet): once sent,
# the database keeps the fact, not the key.
KEYS_INSIDE = frozenset({"wallet"})
FORGOTTEN = "(Ce message portait un lien personnel : son texte n'est pas gardé après l'envoi.)"
# How long the worker waits after the server could not be reached, at most.
LONGEST_PAUSE = 600.0

SessionMaker = Callable[[], contextlib.AbstractAsyncContextManager[AsyncSession]]


def retry_after(attempts: int) -> timedelta:
    """The wait before the next attempt, after ``attempts`` failed ones."""
    factor: int = 2 ** max(0, attempts - 1)
    return FIRST_RETRY * factor


def _error_code(error: Exception) -> str:
    """What went wrong, without the address the server's text may repeat."""
    if isinstance(error, aiosmtplib.SMTPRecipientsRefused):
        codes = sorted({refused.code for refused in error.recipients})
        return f"{type(error).__name__} {','.join(map(str, codes))}"
    if isinstance(error, aiosmtplib.SMTPResponseException):
        return f"{type(error).__name__} {error.code}"
    return type(error).__name__


def _permanent(error: Exception) -> bool:
    """A 5xx answer about this message (a mailbox that does not exist): trying again is
    useless."""
    if isinstance(error, aiosmtplib.SMTPRecipientsRefused):
        return all(500 <= refused.code < 600 for refused in error.recipients)
    return isinstance(error, aiosmtplib.SMTPResponseException) and 500 <= error.code < 600


@dataclass
class Report:
    """What one step did, for the log and the `parcours outbox send` command."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    reminders: int = 0
    unreachable: bool = False
    problems: list[str] = field(default_factory=list)


class OutboxWorker:
    def __init__(self, session_maker: SessionMaker, settings: Settings) -> None:
        self.session_maker = session_maker
        self.settings = settings
        self._said_no_host = False
        self._sms_waiting_said = 0
        self._reminded_at: datetime | None = None

    async def run_forever(self) -> None:
        pause = POLL_SECONDS
        while True:
            try:
                report = await self.run_once(remind=self._reminders_due())
                pause = min(pause * 2, LONGEST_PAUSE) if report.unreachable else POLL_SECONDS
                if report.sent or report.retried or report.failed:
                    continue  # more may be due
            except Exception:  # keep serving: what was claimed is due again after its lease
                log.exception("outbox worker failed")
            await asyncio.sleep(pause)

    def _reminders_due(self) -> bool:
        now = datetime.now(UTC)
        if self._reminded_at is None or now - self._reminded_at >= REMIND_EVERY:
            self._reminded_at = now
            return True
        return False

    async def run_once(self, *, remind: bool = True, now: datetime | None = None) -> Report:
        """Write the reminders that are due (when asked), then send one batch of due e-mails."""
        now = now or datetime.now(UTC)
        report = Report()
        if remind:
            async with self.session_maker() as db:
                report.reminders = await write_reminders(db, settings=self.settings, now=now)
                await db.commit()
        await self._say_waiting_texts()
        if not self.settings.smtp_host:
            if not self._said_no_host:
                log.warning("PARCOURS_SMTP_HOST is not set: e-mails wait in the outbox")
                self._said_no_host = True
            return report
        async with self.session_maker() as db:
            claimed = await self.claim(db, now)
        if claimed:  # no connection is held while the SMTP server answers
            await self.send(claimed, now, report)
        return report

    async def claim(self, db: AsyncSession, now: datetime) -> list[OutboxMessage]:
        """Take up to ``BATCH`` due e-mails. The UPDATE re-checks each row: when two processes
        pick the same ones, PostgreSQL makes the second wait and then skip what the first moved
        out of reach; SQLite has one writer at a time."""
        due = (
            (OutboxMessage.status == OutboxStatus.PENDING)
            & (OutboxMessage.channel == OutboxChannel.EMAIL)
            & (OutboxMessage.due_at <= now)
        )
        # Claimed that often without an outcome (the process stopped each time): given up.
        await db.execute(
            update(OutboxMessage)
            .where(due, OutboxMessage.attempts >= MAX_ATTEMPTS)
            .values(status=OutboxStatus.FAILED, last_error="no outcome after the last attempt")
            .execution_options(synchronize_session=False)
        )
        oldest = select(OutboxMessage.id).where(due).order_by(OutboxMessage.due_at).limit(BATCH)
        rows = await db.scalars(
            update(OutboxMessage)
            .where(due, OutboxMessage.id.in_(oldest.scalar_subquery()))
            .values(due_at=now + LEASE, attempts=OutboxMessage.attempts + 1)
            .returning(OutboxMessage)
            .execution_options(synchronize_session=False)
        )
        claimed = list(rows.all())
        await db.commit()
        return claimed

    async def send(self, claimed: list[OutboxMessage], now: datetime, report: Report) -> None:
        try:
            smtp = smtp_client(self.settings)
            await smtp.connect()
        except (aiosmtplib.SMTPException, OSError) as error:
            code = _error_code(error)
            # The server was not reached: the messages are due again, their attempt not counted.
            await self._record(
                [row.id for row in claimed],
                due_at=now,
                attempts=OutboxMessage.attempts - 1,
                last_error=code,
            )
            report.unreachable = True
            report.problems.append(f"serveur SMTP injoignable : {code}")
            log.warning("SMTP server unreachable (%s): %d e-mails wait", code, len(claimed))
            return
        try:
            for row in claimed:
                try:
                    email = as_email(row, self.settings)
                except ValueError as error:  # a header no server would take: never sendable
                    await self._record(
                        [row.id], status=OutboxStatus.FAILED, last_error=_error_code(error)
                    )
                    report.failed += 1
                    continue
                try:
                    await smtp.send_message(email)
                except (aiosmtplib.SMTPException, OSError) as error:
                    await self._failed(row, now, error, report)
                else:
                    forget = {"body": FORGOTTEN} if row.kind in KEYS_INSIDE else {}
                    await self._record(
                        [row.id], status=OutboxStatus.SENT, sent_at=now, last_error=None, **forget
                    )
                    report.sent += 1
        finally:
            with contextlib.suppress(aiosmtplib.SMTPException, OSError):
                await smtp.quit()

    async def _record(self, ids: list[UUID], **values: Any) -> None:
        """What became of claimed messages, each in a short transaction of its own."""
        async with self.session_maker() as db:
            await db.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id.in_(ids))
                .values(**values)
                .execution_options(synchronize_session=False)
            )
            await db.commit()

    async def _failed(
        self, row: OutboxMessage, now: datetime, error: Exception, report: Report
    ) -> None:
        code = _error_code(error)
        give_up = _permanent(error) or row.attempts >= MAX_ATTEMPTS
        if give_up:
            await self._record([row.id], status=OutboxStatus.FAILED, last_error=code)
            report.failed += 1
        else:
            await self._record([row.id], due_at=now + retry_after(row.attempts), last_error=code)
            report.retried += 1
        log.warning(
            "outbox message %s not sent (%s), attempt %d: %s",
            row.id,
            code,
            row.attempts,
            "given up" if give_up else "will retry",
        )

    async def _say_waiting_texts(self) -> None:
        """Text messages have no provider yet: the log says how many wait, when it changes."""
        async with self.session_maker() as db:
            waiting = await db.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(
                    OutboxMessage.channel == OutboxChannel.SMS,
                    OutboxMessage.status == OutboxStatus.PENDING,
                )
            )
        if waiting and waiting != self._sms_waiting_said:
            log.warning("%d text messages wait in the outbox: no SMS provider is set up", waiting)
        self._sms_waiting_said = waiting or 0


def outbox_worker_lifespan(
    config: SQLAlchemyAsyncConfig, settings: Settings
) -> tuple[OutboxWorker, Callable[[Litestar], contextlib.AbstractAsyncContextManager[None]]]:
    worker = OutboxWorker(config.get_session, settings)

    @contextlib.asynccontextmanager
    async def lifespan(_: Litestar) -> AsyncIterator[None]:
        if not settings.send_messages:
            yield
            return
        async with running(worker.run_forever()):
            yield

    return worker, lifespan
