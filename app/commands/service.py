"""`parcours serve` and `parcours db upgrade`: run the service the way a user would."""

from __future__ import annotations

import asyncio
import copy
import gc
import os
from typing import TYPE_CHECKING, Any

import click
import uvicorn

from app.access_log import LOGGER
from app.config import Settings, get_settings
from app.db.migrate import upgrade

if TYPE_CHECKING:
    from litestar import Litestar


def _settings(database_url: str | None) -> Settings:
    if database_url:
        os.environ["PARCOURS_DATABASE_URL"] = database_url
        get_settings.cache_clear()
    return get_settings()


def settle() -> None:
    """Load what requests read (the referential and its scorer, the recommender's rules, the
    communes and their indexes by name and postal code), then keep it, with all that startup
    built, out of garbage collection for the life of the process: under load, each full
    collection walked all of it and held every request in flight for tens of milliseconds
    (a search near a commune, its slowest hundredth)."""
    from app import territories
    from app.features.diagnostics import recommender_for
    from referentiel import load_referential
    from referentiel.scoring import score

    score(load_referential(), {})
    recommender_for(load_referential().version)
    territories.search("18000 Bourges")
    gc.collect()
    gc.freeze()


def serving_app() -> Litestar:
    """The app as `parcours serve` runs it, built in each worker process, then settled."""
    from app.asgi import create_app  # not at import: the other commands start faster

    app = create_app()
    settle()
    return app


def logging_config() -> dict[str, Any]:
    """uvicorn's own logging, plus the access log's JSON lines alone on standard output."""
    config = copy.deepcopy(uvicorn.config.LOGGING_CONFIG)
    config["formatters"]["json_line"] = {"format": "%(message)s"}
    config["handlers"]["json_line"] = {
        "class": "logging.StreamHandler",
        "formatter": "json_line",
        "stream": "ext://sys.stdout",
    }
    config["loggers"][LOGGER] = {"handlers": ["json_line"], "level": "INFO", "propagate": False}
    return config


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--database-url", default=None, help="Par défaut SQLite dans ./var/.")
@click.option("--demo/--no-demo", default=False, help="Données de démonstration (une fois).")
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Processus serveurs (en production : un par cœur).",
)
def serve(host: str, port: int, database_url: str | None, demo: bool, workers: int) -> None:
    """Met la base à jour puis sert le site et l'API."""
    settings = _settings(database_url)
    settings.secret()  # made now, not by each worker at once
    if settings.public_url_in_clear:
        click.echo(
            f"Attention : PARCOURS_PUBLIC_URL ({settings.public_url}) n'est pas en https. "
            "Aucun badge ne sera délivré : ses vérificateurs liraient en clair les clés et "
            "les révocations.",
            err=True,
        )
    upgrade(settings)
    if demo:
        from app.demo import load_demo

        for line in asyncio.run(load_demo(settings)):
            click.echo(line)
    click.echo(f"Service sur http://{host}:{port}  (base : {settings.database_url.split('@')[-1]})")
    uvicorn.run(
        f"{__name__}:serving_app",
        factory=True,
        workers=workers,
        host=host,
        port=port,
        log_level="warning",
        log_config=logging_config(),
        # uvicorn's access lines hold the real path and query (ids, searched names) and the
        # client's address: app/access_log.py writes its own.
        access_log=False,
        # The client's address (login throttling) and scheme come from X-Forwarded-* only
        # when the peer is one of FORWARDED_ALLOW_IPS (the proxy; loopback by default).
        proxy_headers=True,
    )


@click.group("db")
def db() -> None:
    """La base de données."""


@db.command("upgrade")
@click.option("--database-url", default=None)
def db_upgrade(database_url: str | None) -> None:
    """Applique les migrations."""
    upgrade(_settings(database_url))
    click.echo("Base de données à jour.")
