"""`parcours serve` and `parcours db upgrade`: run the service the way a user would."""

from __future__ import annotations

import asyncio
import os

import click
import uvicorn

from app.config import Settings, get_settings
from app.db.migrate import upgrade


def _settings(database_url: str | None) -> Settings:
    if database_url:
        os.environ["PARCOURS_DATABASE_URL"] = database_url
        get_settings.cache_clear()
    return get_settings()


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--database-url", default=None, help="Par défaut SQLite dans ./var/.")
@click.option("--demo/--no-demo", default=False, help="Données de démonstration (une fois).")
def serve(host: str, port: int, database_url: str | None, demo: bool) -> None:
    """Met la base à jour puis sert le site et l'API."""
    settings = _settings(database_url)
    upgrade(settings)
    if demo:
        from app.demo import load_demo

        for line in asyncio.run(load_demo(settings)):
            click.echo(line)
    click.echo(f"Service sur http://{host}:{port}  (base : {settings.database_url.split('@')[-1]})")
    uvicorn.run(
        "app.asgi:create_app",
        factory=True,
        host=host,
        port=port,
        log_level="warning",
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
