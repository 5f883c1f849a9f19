"""`parcours stats refresh|export`: the territorial statistics, brought up to date and
published as open data (Licence Ouverte 2.0)."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import click
from sqlalchemy.ext.asyncio import AsyncSession

from app.commands.pathways import with_db
from app.config import get_settings
from app.features.statistics import Level, PeriodError, period, periods, refresh
from app.features.statistics.open_data import LICENCE, csv_text, data_package, open_data_rows

T = TypeVar("T")
USAGE_ERROR = 2
NOTHING = 1
MSG_NO_PERIOD = "aucune statistique publiée : lancez « parcours stats refresh »."


@click.group("stats")
def stats_group() -> None:
    """Les statistiques territoriales (sans aucune case de moins de 11 personnes)."""


def _run(work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    return asyncio.run(with_db(get_settings(), work))


@stats_group.command("refresh")
@click.option("--full", is_flag=True, help="Tout recompter (après des effacements, chaque nuit).")
def stats_refresh(full: bool) -> None:
    """Met à jour les statistiques publiées avec ce qui a changé depuis la dernière fois."""
    done = _run(lambda db: refresh(db, full=full))
    click.echo(
        f"{done.subjects} personne(s) recomptée(s), {done.badge_holders} avec des badges, "
        f"{done.departements} département(s), "
        f"années : {', '.join(map(str, done.periods)) or 'aucune'}."
    )


@stats_group.command("export")
@click.option(
    "--level",
    type=click.Choice(["commune", "epci", "departement", "region"]),
    required=True,
    help="Une ligne par commune, EPCI, département ou région.",
)
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True
)
@click.option(
    "--period", "year", default=None, help="L'année, par exemple 2026 (la dernière sinon)."
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Fichier à écrire (sans lui : la sortie standard).",
)
def stats_export(level: str, fmt: str, year: str | None, output: Path | None) -> None:
    """Écrit les statistiques publiées, en données ouvertes (Licence Ouverte 2.0)."""
    try:
        asked = None if year is None else period(year)
    except PeriodError as error:
        click.echo(f"erreur : {error}", err=True)
        sys.exit(USAGE_ERROR)

    async def work(db: AsyncSession) -> str | None:
        chosen = asked
        if chosen is None:
            known = await periods(db)
            if not known:
                return None
            chosen = known[0]
        rows = await open_data_rows(db, Level(level), chosen)
        if fmt == "csv":
            return csv_text(rows)
        return data_package(rows, Level(level), chosen)

    text = _run(work)
    if text is None:
        click.echo(f"erreur : {MSG_NO_PERIOD}", err=True)
        sys.exit(NOTHING)
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
    click.echo(f"Licence : {LICENCE['title']}, {LICENCE['path']}", err=True)
