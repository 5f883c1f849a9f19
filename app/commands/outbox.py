"""`parcours outbox`: the messages to people, for operations (send what is due from cron,
see what waits)."""

from __future__ import annotations

import asyncio
import sys

import click
from sqlalchemy import func, select

from app.commands.service import _settings
from app.config import Settings
from app.db.engine import make_engine, session_maker
from app.db.models import OutboxMessage

SENT_ALL = 0
SOME_NOT_SENT = 1


@click.group("outbox")
def outbox_group() -> None:
    """Les messages aux personnes (courriels, SMS) en attente d'envoi."""


async def _send(settings: Settings) -> tuple[int, list[str]]:
    from app.features.notifications.worker import OutboxWorker

    engine = make_engine(settings)
    try:
        worker = OutboxWorker(session_maker(settings, engine), settings)
        sent, problems, remind = 0, [], True
        while True:
            report = await worker.run_once(remind=remind)
            remind = False
            sent += report.sent
            problems += report.problems
            problems += [f"{report.failed} message(s) abandonné(s)"] if report.failed else []
            if report.unreachable or not (report.sent or report.retried or report.failed):
                return sent, problems
    finally:
        await engine.dispose()


@outbox_group.command("send")
@click.option("--database-url", default=None)
def outbox_send(database_url: str | None) -> None:
    """Écrit les rappels dus et envoie les courriels dus, une fois (pour cron).

    Code de sortie : 0 si tout ce qui était dû est parti, 1 sinon.
    """
    settings = _settings(database_url)
    if not settings.smtp_host:
        click.echo("PARCOURS_SMTP_HOST n'est pas réglé : rien n'est envoyé.", err=True)
        sys.exit(SOME_NOT_SENT)
    sent, problems = asyncio.run(_send(settings))
    click.echo(f"{sent} courriel(s) envoyé(s).")
    for problem in problems:
        click.echo(f"erreur : {problem}", err=True)
    sys.exit(SOME_NOT_SENT if problems else SENT_ALL)


async def _counts(settings: Settings) -> list[tuple[str, str, int]]:
    engine = make_engine(settings)
    try:
        async with session_maker(settings, engine)() as db:
            rows = await db.execute(
                select(OutboxMessage.channel, OutboxMessage.status, func.count())
                .group_by(OutboxMessage.channel, OutboxMessage.status)
                .order_by(OutboxMessage.channel, OutboxMessage.status)
            )
            return [(str(c), str(s), n) for c, s, n in rows.tuples().all()]
    finally:
        await engine.dispose()


@outbox_group.command("status")
@click.option("--database-url", default=None)
def outbox_status(database_url: str | None) -> None:
    """Compte les messages par canal et par état (les SMS attendent : pas de fournisseur)."""
    for channel, status, count in asyncio.run(_counts(_settings(database_url))):
        click.echo(f"{channel}\t{status}\t{count}")
