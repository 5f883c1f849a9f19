"""`parcours badges verify FILE`: the verification page's verdict, offline, with our own
issuers' keys and revocation lists from the database (nothing fetched)."""

from __future__ import annotations

import asyncio
import sys
from datetime import UTC, datetime
from pathlib import Path

import click

from app.commands.service import _settings
from app.config import Settings
from app.db.engine import make_engine, session_maker
from app.features.verification import resolved
from badges.verify import Outcome, read, verify_resolved

VALID = 0
NOT_VALID = 1


@click.group("badges")
def badges_group() -> None:
    """Les Open Badges."""


async def _verify(settings: Settings, data: bytes) -> Outcome:
    reading = read(data)
    engine = make_engine(settings)
    try:
        async with session_maker(settings, engine)() as db:
            keys, lists = (
                ({}, {}) if reading.document is None else await resolved(db, reading.document)
            )
    finally:
        await engine.dispose()
    return verify_resolved(reading, keys, lists, datetime.now(UTC))


@badges_group.command("verify")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option("--database-url", default=None)
def badges_verify(file: str, database_url: str | None) -> None:
    """Vérifie un badge (JSON, image PNG ou SVG) : verdict et vérifications faites.

    Code de sortie : 0 si le badge est valide, 1 sinon.
    """
    data = sys.stdin.buffer.read() if file == "-" else Path(file).read_bytes()
    outcome = asyncio.run(_verify(_settings(database_url), data))
    click.echo(f"{outcome.verdict} ({outcome.reason})")
    for check in outcome.checks:
        mark = "ok" if check.passed else "ÉCHEC"
        click.echo(f"  {mark:5} {check.name}" + (f" : {check.detail}" if check.detail else ""))
    sys.exit(VALID if outcome.verdict == "valid" else NOT_VALID)
