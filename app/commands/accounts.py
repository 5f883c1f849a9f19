"""`parcours users create` and `parcours tokens create`."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from typing import TypeVar

import click
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.config import get_settings
from app.db.engine import make_engine
from app.db.models import Role
from app.features.accounts.security import generate_password
from app.features.accounts.service import AccountError, AccountService

T = TypeVar("T")


def run_in_db(work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    async def go() -> T:
        engine = make_engine(get_settings())
        try:
            async with async_sessionmaker(engine, expire_on_commit=False)() as db:
                return await work(db)
        finally:
            await engine.dispose()

    try:
        return asyncio.run(go())
    except AccountError as error:
        click.echo(f"erreur : {error}", err=True)
        sys.exit(2)


@click.group("users")
def users() -> None:
    """Comptes des professionnels."""


@users.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--structure", required=True, help="Nom de la structure (créée si besoin).")
def users_create(email: str, role: str, structure: str) -> None:
    """Crée un compte ; le mot de passe est lu sur l'entrée standard, ou généré et affiché."""
    typed = "" if sys.stdin.isatty() else sys.stdin.read().strip()
    password = typed or generate_password()
    run_in_db(lambda db: AccountService(db).create_user(email, password, Role(role), structure))
    click.echo(f"Compte créé : {email} ({role}, {structure})")
    if not typed:
        click.echo(f"Mot de passe : {password}")


@click.group("tokens")
def tokens() -> None:
    """Jetons d'accès à l'API."""


@tokens.command("create")
@click.argument("email")
@click.option("--label", default="", help="À quoi sert ce jeton.")
def tokens_create(email: str, label: str) -> None:
    """Crée un jeton et l'affiche (une seule fois : seule son empreinte est gardée)."""
    click.echo(run_in_db(lambda db: AccountService(db).create_token(email, label)))
