"""`parcours model train|evaluate` and `parcours demo --synthetic N`: the pathway model,
learnt from what the database holds and switched on only when it beats the rules."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, TypeVar

import click
from rich.console import Console
from rich.progress import Progress
from rich.table import Table
from sqlalchemy.ext.asyncio import AsyncSession

from app.commands.service import _settings
from app.config import Settings
from app.db.engine import make_engine, session_maker
from app.db.migrate import upgrade
from app.features.training_data import Stored, latest_model, read_records, store_model
from pathways.model import Metric, ModelError, PathwayModel
from pathways.records import Records
from pathways.rules import load_rules
from referentiel import load_referential

if TYPE_CHECKING:
    from pathways.training import Trained

T = TypeVar("T")
NO_DATA = 1
_ROWS = (
    ("Erreur de niveau (écart moyen, en niveaux)", "levels.mae"),
    ("Étapes trop difficiles (part des étapes proposées)", "over_placement"),
    ("Étapes mesurées", "steps"),
)
_SESSION_ROWS = (
    ("Séances : AUC (venir et réussir)", "sessions.auc"),
    ("Séances : perte logarithmique", "sessions.log_loss"),
)


async def with_db(settings: Settings, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    engine = make_engine(settings)
    try:
        async with session_maker(settings, engine)() as db:
            return await work(db)
    finally:
        await engine.dispose()


def _cell(value: Metric) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.4f}"
    return str(value)


def metrics_table(metrics: Mapping[str, Metric]) -> Table:
    """Self-report, the rules and the model side by side, on held-out people."""
    table = Table(
        title=(
            f"Sur {metrics.get('people.held_out', 0)} personnes mises de côté "
            f"(appris sur {metrics.get('people.train', 0)})"
        )
    )
    table.add_column("Mesure")
    table.add_column("Déclaré", justify="right")
    table.add_column("Règles", justify="right")
    table.add_column("Modèle", justify="right")
    for label, key in _ROWS:
        table.add_row(
            label,
            *(_cell(metrics.get(f"{key}.{who}")) for who in ("self_report", "rules", "model")),
        )
    for label, key in _SESSION_ROWS:
        table.add_row(
            label, "—", _cell(metrics.get(f"{key}.rules")), _cell(metrics.get(f"{key}.model"))
        )
    return table


def _records(settings: Settings, console: Console) -> Records:
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("Lecture des diagnostics et des séances", total=None)

        def tick(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        return asyncio.run(with_db(settings, lambda db: read_records(db, tick)))


@click.group("model")
def model_group() -> None:
    """Le modèle des parcours : correction des niveaux déclarés, choix des séances."""


@model_group.command("train")
@click.option("--database-url", default=None)
def model_train(database_url: str | None) -> None:
    """Apprend un modèle de ce que la base contient ; il n'est mis en service que s'il fait
    mieux que les règles sur des personnes mises de côté."""
    from pathways.training import train

    settings = _settings(database_url)
    console = Console(stderr=False)
    records = _records(settings, console)
    if not records.levels:
        click.echo("Aucun diagnostic terminé : rien à apprendre.", err=True)
        sys.exit(NO_DATA)
    ref = load_referential()
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("Apprentissage", total=3)
        trained = train(ref, records, load_rules().version, lambda _: progress.advance(task))
    stored = asyncio.run(_store(settings, trained))
    console.print(metrics_table(trained.model.metrics))
    click.echo(
        f"Modèle {trained.model.version} ({len(records.levels)} niveaux, "
        f"{len(records.outcomes)} inscriptions)"
        + ("" if stored.created else " : déjà appris de ces mêmes données")
    )
    if stored.active:
        click.echo("Il fait mieux que les règles : il est mis en service.")
    else:
        click.echo("Il ne fait pas mieux que les règles : il n'est pas mis en service.")


async def _store(settings: Settings, trained: Trained) -> Stored:
    async def work(db: AsyncSession) -> Stored:
        stored = await store_model(db, trained)
        await db.commit()
        return stored

    return await with_db(settings, work)


@model_group.command("evaluate")
@click.option("--database-url", default=None)
def model_evaluate(database_url: str | None) -> None:
    """Compare le modèle en service (sinon le dernier appris) aux règles, sur les personnes
    mises de côté des données actuelles."""
    from pathways.training import evaluate

    settings = _settings(database_url)
    console = Console()
    row = asyncio.run(with_db(settings, latest_model))
    if row is None:
        click.echo("Aucun modèle : lancez d'abord « parcours model train ».", err=True)
        sys.exit(NO_DATA)
    try:
        model = PathwayModel.from_json(row.body)
    except ModelError as error:
        click.echo(f"erreur : {error}", err=True)
        sys.exit(NO_DATA)
    records = _records(settings, console)
    metrics = evaluate(model, records)
    console.print(metrics_table(metrics))
    state = "en service" if row.active else "pas en service"
    click.echo(f"Modèle {model.version} ({state}), règles {model.rules_version}.")


@click.command("demo")
@click.option(
    "--synthetic",
    "count",
    type=click.IntRange(1, 1_000_000),
    required=True,
    help="Nombre d'habitants simulés à ajouter.",
)
@click.option(
    "--seed",
    default=2026,
    show_default=True,
    type=int,
    help="La même graine : les mêmes personnes.",
)
@click.option(
    "--departement", default="18", show_default=True, help="Leurs communes, par exemple 18."
)
@click.option("--database-url", default=None)
def demo(count: int, seed: int, departement: str, database_url: str | None) -> None:
    """Remplit la base d'habitants simulés : diagnostics, observations, inscriptions."""
    from app.demo_synthetic import UnknownDepartementError, fill_synthetic

    settings = _settings(database_url)
    upgrade(settings)
    with Progress(transient=True) as progress:
        task = progress.add_task("Habitants simulés", total=count)

        def tick(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        try:
            filled = asyncio.run(
                with_db(settings, lambda db: fill_synthetic(db, count, seed, departement, tick))
            )
        except UnknownDepartementError as error:
            click.echo(f"erreur : {error}", err=True)
            sys.exit(2)
    click.echo(
        f"{filled.added} habitant(s) ajouté(s), {filled.already} déjà là (graine {seed}), "
        f"{filled.bookings} inscription(s) à des séances passées."
    )
