"""`parcours users …`, `parcours tokens …` and `parcours secret rotate`: accounts from the
command line, for the first administrator and for the server's operator. Each change is
written to the audit trail, as from the pages (with no account behind it)."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from typing import TypeVar
from uuid import UUID

import click
from sqlalchemy import select

from app.audit import Auditor, audit_keys
from app.config import get_settings
from app.db.engine import make_engine, session_maker
from app.db.models import Role, User
from app.features.accounts.security import generate_password
from app.features.accounts.service import TOKEN_DAYS, AccountError, AccountService
from app.features.accounts.totp import TotpBox
from app.web import local_date

T = TypeVar("T")


def run_in_db(work: Callable[[AccountService], Awaitable[T]]) -> T:
    async def go() -> T:
        settings = get_settings()
        engine = make_engine(settings)
        try:
            async with session_maker(settings, engine)() as db:
                auditor = Auditor(audit_keys(settings.secrets()), actor=None, address="cli")
                return await work(AccountService(db, auditor))
        finally:
            await engine.dispose()

    try:
        return asyncio.run(go())
    except AccountError as error:
        for problem in error.problems:
            click.echo(f"erreur : {problem}", err=True)
        sys.exit(2)


async def _account(accounts: AccountService, email: str) -> User:
    user = await accounts.by_email(email)
    if user is None:
        raise AccountError(f"aucun compte pour {email}")
    return user


@click.group("users")
def users() -> None:
    """Comptes des professionnels."""


@users.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--structure", required=True, help="Nom de la structure (créée si besoin).")
@click.option("--departement", help="Pour un coordinateur : le code du département suivi (18).")
@click.option("--region", help="Pour un coordinateur : le code de la région suivie (24).")
def users_create(
    email: str, role: str, structure: str, departement: str | None, region: str | None
) -> None:
    """Crée un compte ; le mot de passe est lu sur l'entrée standard, ou généré et affiché."""
    typed = "" if sys.stdin.isatty() else sys.stdin.read().strip()
    password = typed or generate_password()
    run_in_db(
        lambda a: a.create_user(
            email, password, Role(role), structure, departement=departement, region=region
        )
    )
    click.echo(f"Compte créé : {email} ({role}, {structure})")
    if not typed:
        click.echo(f"Mot de passe : {password}")
    if role == Role.ADMIN:
        click.echo("À la première connexion, la double authentification sera demandée.")


@users.command("reset-password")
@click.argument("email")
def users_reset_password(email: str) -> None:
    """Donne un mot de passe provisoire (affiché une fois), à changer à la connexion ;
    ferme les sessions du compte et révoque ses jetons."""

    async def reset(accounts: AccountService) -> str:
        return await accounts.reset_password(await _account(accounts, email))

    click.echo(f"Mot de passe provisoire de {email} : {run_in_db(reset)}")


@users.command("remove-totp")
@click.argument("email")
def users_remove_totp(email: str) -> None:
    """Retire la double authentification (téléphone perdu) ; un administrateur devra la
    réactiver à sa prochaine connexion."""

    async def remove(accounts: AccountService) -> None:
        await accounts.disable_totp(await _account(accounts, email), by_admin=True)

    run_in_db(remove)
    click.echo(f"Double authentification retirée pour {email}.")


@click.group("tokens")
def tokens() -> None:
    """Jetons d'accès à l'API."""


@tokens.command("create")
@click.argument("email")
@click.option("--label", default="", help="À quoi sert ce jeton.")
@click.option("--days", default=TOKEN_DAYS, show_default=True, type=int, help="Durée de validité.")
def tokens_create(email: str, label: str, days: int) -> None:
    """Crée un jeton et l'affiche (une seule fois : seule son empreinte est gardée)."""
    click.echo(run_in_db(lambda a: a.create_token(email, label, days)))


@tokens.command("list")
@click.argument("email", required=False)
def tokens_list(email: str | None) -> None:
    """Liste les jetons (d'un compte, ou de tous) : id, compte, nom, état, dernière utilisation."""

    async def rows(accounts: AccountService) -> list[str]:
        owner = None if email is None else await _account(accounts, email)
        lines = []
        for row in await accounts.tokens(owner):
            token = row.token
            if token.revoked_at is not None:
                state = f"révoqué le {local_date(token.revoked_at)}"
            elif row.active:
                state = f"valable jusqu'au {local_date(token.expires_at)}"
            else:
                state = f"expiré le {local_date(token.expires_at)}"
            used = local_date(token.last_used_at, True) or "jamais utilisé"
            label = token.label or "sans nom"
            lines.append(f"{token.id}  {token.user.email}  {label}  {state}  {used}")
        return lines

    for line in run_in_db(rows):
        click.echo(line)


@tokens.command("revoke")
@click.argument("token_id", type=click.UUID)
def tokens_revoke(token_id: UUID) -> None:
    """Révoque un jeton (son id est donné par `parcours tokens list`)."""

    async def revoke(accounts: AccountService) -> None:
        token = await accounts.token(token_id)
        if token is None:
            raise AccountError(f"aucun jeton {token_id}")
        await accounts.revoke_token(token)

    run_in_db(revoke)
    click.echo(f"Jeton {token_id} révoqué.")


@click.group("secret")
def secret() -> None:
    """La clé secrète du service."""


@secret.command("rotate")
def secret_rotate() -> None:
    """Après un changement de PARCOURS_SECRET_KEY (l'ancienne dans
    PARCOURS_PREVIOUS_SECRET_KEYS), chiffre à nouveau les secrets de double authentification
    avec la nouvelle clé ; ensuite l'ancienne clé peut être retirée."""

    async def rotate(accounts: AccountService) -> int:
        box = TotpBox(get_settings().secrets())
        found = (await accounts.db.scalars(select(User).where(User.totp_secret.is_not(None)))).all()
        for user in found:
            if box.open(user.totp_secret or "") is None:
                raise AccountError(
                    f"le secret de {user.email} ne s'ouvre avec aucune clé connue : "
                    "remettez l'ancienne clé dans PARCOURS_PREVIOUS_SECRET_KEYS"
                )
            user.totp_secret = box.reseal(user.totp_secret or "")
        await accounts.db.commit()
        return len(found)

    count = run_in_db(rotate)
    click.echo(f"{count} secret(s) de double authentification chiffré(s) avec la nouvelle clé.")
