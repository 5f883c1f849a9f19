"""`parcours badges rotate-key`: a structure's badge signing key, for operations."""

from __future__ import annotations

import asyncio
from uuid import UUID

import click
from sqlalchemy import or_, select

from app.commands.service import _settings
from app.config import Settings
from app.db.engine import make_engine, session_maker
from app.db.models import Structure

NOT_FOUND = 1


async def _rotate(settings: Settings, structure: str) -> str | None:
    from app.features.badges import rotate_key

    engine = make_engine(settings)
    try:
        async with session_maker(settings, engine)() as db:
            try:
                by_id = Structure.id == UUID(structure)
            except ValueError:
                by_id = None
            named = Structure.name == structure
            found = await db.scalar(
                select(Structure).where(named if by_id is None else or_(named, by_id))
            )
            if found is None:
                return None
            key = await rotate_key(db, found.id)
            await db.commit()
            return key.key_id
    finally:
        await engine.dispose()


@click.command("rotate-key")
@click.argument("structure")
@click.option("--database-url", default=None)
def rotate_key_command(structure: str, database_url: str | None) -> None:
    """Retire la clé de signature de STRUCTURE (son nom ou son identifiant) et en crée une
    nouvelle. Les badges déjà signés restent vérifiables : l'ancienne clé reste publiée."""
    key_id = asyncio.run(_rotate(_settings(database_url), structure))
    if key_id is None:
        click.echo(f"structure inconnue : {structure}", err=True)
        raise SystemExit(NOT_FOUND)
    click.echo(f"nouvelle clé : {key_id}")
