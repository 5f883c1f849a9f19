"""`parcours offer export`: the published offer in a national format, on standard output or in
a file, as the API serves it; what is left out is said on standard error, one line each."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

import click

from app.config import get_settings
from app.db.engine import make_engine, session_maker
from app.features.exports import (
    Export,
    UnknownDepartementError,
    data_inclusion_services,
    data_inclusion_structures,
    lamednum_csv,
    lamednum_places,
)

USAGE_ERROR = 2
FORMATS = ("data-inclusion", "data-inclusion-structures", "lamednum")


@click.group("offer")
def offer_group() -> None:
    """L'offre d'ateliers : lieux, ateliers, séances."""


async def _export(fmt: str, departement: str | None) -> tuple[str, Export]:
    settings = get_settings()
    engine = make_engine(settings)
    try:
        async with session_maker(settings, engine)() as db:
            if fmt == "lamednum":
                export = await lamednum_places(db, departement)
                return lamednum_csv(export.records), export
            if fmt == "data-inclusion-structures":
                export = await data_inclusion_structures(db, departement)
            else:
                export = await data_inclusion_services(db, departement, settings.address)
            return json.dumps(export.records, ensure_ascii=False, indent=2) + "\n", export
    finally:
        await engine.dispose()


@offer_group.command("export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    required=True,
    help="data-inclusion : les services (JSON) ; data-inclusion-structures : les lieux "
    "(JSON) ; lamednum : les lieux au standard LaMednum 1.0.2 (CSV).",
)
@click.option("--departement", default=None, help="Code du département, par exemple 18.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Fichier à écrire (sans lui : la sortie standard).",
)
def offer_export(fmt: str, departement: str | None, output: Path | None) -> None:
    """Écrit l'offre publiée au format choisi."""
    try:
        text, export = asyncio.run(_export(fmt, departement))
    except UnknownDepartementError as error:
        click.echo(f"erreur : {error}", err=True)
        sys.exit(USAGE_ERROR)
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
    for left in export.left_out:
        click.echo(f"laissé de côté : {left.name} ({left.id}) : {left.reason}", err=True)
