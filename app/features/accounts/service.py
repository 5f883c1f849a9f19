"""Use cases of professional accounts: create one, change a coordinator's territory, change or
reset a password, turn the second factor on or off, create, list and revoke API tokens. The
pages and the CLI call these.

Every change of credentials moves `User.credentials_changed_at`, which ends the account's
other sessions. Every change is written to the audit trail in the same transaction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app import territories
from app.audit import Auditor
from app.db.models import ApiToken, Role, Structure, User
from app.db.types import as_utc
from app.email_address import is_email_address
from app.features.accounts.passwords import MSG_MISMATCH, password_problems
from app.features.accounts.security import (
    generate_password,
    hash_password_async,
    new_token,
    token_hash,
    verify_password_async,
)
from app.features.accounts.totp import TotpBox, accepted_step

TOKEN_DAYS = 90
TOKEN_DAYS_MAX = 366
LABEL_MAX = 100

MSG_WRONG_PASSWORD = "Le mot de passe actuel n'est pas le bon."
MSG_WRONG_CODE = (
    "Ce code ne convient pas. Tapez les 6 chiffres affichés en ce moment par l'application."
)
MSG_ADMIN_NEEDS_TOTP = "Un compte administrateur garde toujours sa double authentification."
MSG_EMAIL_INVALID = (
    "Cette adresse e-mail ne convient pas : écrivez-la en entier, par exemple "
    "prenom.nom@exemple.fr."
)
MSG_EMAIL_TAKEN = "Un compte existe déjà pour {email}."
MSG_STRUCTURE_NEEDED = "Donnez le nom de la structure de ce compte."
MSG_STRUCTURE_LONG = "Le nom de la structure fait au plus {max} caractères."
MSG_SCOPE_NEEDED = "Choisissez le département ou la région que suit ce coordinateur."
MSG_SCOPE_BOTH = "Un coordinateur suit un seul territoire : un département ou une région."
MSG_SCOPE_ONLY_COORDINATOR = "Seul un coordinateur suit un département ou une région."
MSG_UNKNOWN_DEPARTEMENT = "Aucun département n'a le code « {code} »."
MSG_UNKNOWN_REGION = "Aucune région n'a le code « {code} »."
MSG_TRY_AGAIN = "Un autre changement est arrivé en même temps : réessayez."

STRUCTURE_MAX = 200


@dataclass(frozen=True)
class AccountProblem:
    """One reason to refuse a change: the form field it is about (``email``, ``structure``,
    ``scope``, ``password``, or "" for the whole), a French text that is a catalog id, and its
    values. A page shows it in the reader's language, the command line as it is."""

    about: str
    text: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def render(self, gettext: Any) -> str:
        return str(gettext(self.text)).format(**self.params)

    def __str__(self) -> str:
        return self.text.format(**self.params)


class AccountError(ValueError):
    """A change an account cannot take, with the reasons in plain French."""

    def __init__(self, *problems: str | AccountProblem) -> None:
        self.reasons = [
            p if isinstance(p, AccountProblem) else AccountProblem("", p) for p in problems
        ]
        self.problems = [str(reason) for reason in self.reasons]
        super().__init__("; ".join(self.problems))


def _scope_problem(
    role: Role, departement: str | None, region: str | None
) -> AccountProblem | None:
    """A coordinator follows exactly one known département or région; nobody else has one."""
    text, params = MSG_SCOPE_ONLY_COORDINATOR, {}
    if role != Role.COORDINATOR:
        if departement is None and region is None:
            return None
    elif departement is None and region is None:
        text = MSG_SCOPE_NEEDED
    elif departement is not None and region is not None:
        text = MSG_SCOPE_BOTH
    elif departement is not None and departement not in territories.departements():
        text, params = MSG_UNKNOWN_DEPARTEMENT, {"code": departement[:10]}
    elif region is not None and region not in territories.regions():
        text, params = MSG_UNKNOWN_REGION, {"code": region[:10]}
    else:
        return None
    return AccountProblem("scope", text, params)


def _email(typed: str) -> str:
    """An account's e-mail as stored and looked up: no spaces around, in lower case."""
    return typed.strip().lower()


def _structure_name(typed: str) -> str:
    return " ".join(typed.split())


@dataclass(frozen=True)
class TokenRow:
    token: ApiToken

    @property
    def active(self) -> bool:
        return self.token.revoked_at is None and as_utc(self.token.expires_at) > datetime.now(UTC)


@dataclass
class AccountService:
    db: AsyncSession
    auditor: Auditor = field(default_factory=lambda: Auditor(keys=(b"",), actor=None))

    # --- accounts ---------------------------------------------------------------------------

    async def structure(self, name: str) -> Structure:
        """The structure of that name, created on first use."""
        found = await self.db.scalar(select(Structure).where(Structure.name == name))
        if found is None:
            found = Structure(name=name)
            self.db.add(found)
            await self.db.flush()
        return found

    async def create_user(
        self,
        email: str,
        password: str,
        role: Role,
        structure: str,
        *,
        departement: str | None = None,
        region: str | None = None,
        must_change_password: bool = False,
    ) -> User:
        """A new account; a coordinator names the one département or région they follow.
        Every problem is said at once, and nothing is written unless all is well."""
        email, structure = _email(email), _structure_name(structure)
        problems = await self.new_account_problems(email, role, structure, departement, region)
        problems += [AccountProblem("password", p) for p in password_problems(password, email)]
        if problems:
            raise AccountError(*problems)
        password_hash = await hash_password_async(self.db, password)  # commits: nothing before
        try:
            user = User(
                email=email,
                password_hash=password_hash,
                role=role,
                structure_id=(await self.structure(structure)).id,
                scope_departement=departement,
                scope_region=region,
                must_change_password=must_change_password,
            )
            self.db.add(user)
            await self.db.flush()
            self.auditor.record(
                self.db,
                "account.create",
                "user",
                user.id,
                structure_id=user.structure_id,
                role=role.value,
                departement=departement,
                region=region,
            )
            await self.db.commit()
        except IntegrityError:
            # The same e-mail (or structure) created by someone else since the checks above.
            await self.db.rollback()
            taken = await self.by_email(email) is not None
            raise AccountError(
                AccountProblem("email", MSG_EMAIL_TAKEN, {"email": email})
                if taken
                else AccountProblem("", MSG_TRY_AGAIN)
            ) from None
        await self.db.refresh(user)
        return user

    async def create_with_first_password(
        self,
        email: str,
        role: Role,
        structure: str,
        *,
        departement: str | None = None,
        region: str | None = None,
    ) -> tuple[User, str]:
        """An administrator's new account from the pages: a first password is generated, as
        `parcours users create` does, shown once, and must be changed at the first login, as
        after a reset (the administrator has seen it)."""
        password = generate_password()
        while password_problems(password, _email(email)):  # a random one almost never
            password = generate_password()
        user = await self.create_user(
            email,
            password,
            role,
            structure,
            departement=departement,
            region=region,
            must_change_password=True,
        )
        return user, password

    async def new_account_problems(
        self,
        email: str,
        role: Role | None,
        structure: str,
        departement: str | None = None,
        region: str | None = None,
    ) -> list[AccountProblem]:
        """Why a new account could not be created as given (its password aside), every reason
        at once; with no role yet, what does not depend on it."""
        email, structure = _email(email), _structure_name(structure)
        problems = []
        if not is_email_address(email):
            problems.append(AccountProblem("email", MSG_EMAIL_INVALID))
        elif await self.by_email(email) is not None:
            problems.append(AccountProblem("email", MSG_EMAIL_TAKEN, {"email": email}))
        if not structure:
            problems.append(AccountProblem("structure", MSG_STRUCTURE_NEEDED))
        elif len(structure) > STRUCTURE_MAX:
            problems.append(AccountProblem("structure", MSG_STRUCTURE_LONG, {"max": STRUCTURE_MAX}))
        scope_problem = None if role is None else _scope_problem(role, departement, region)
        if scope_problem:
            problems.append(scope_problem)
        return problems

    async def set_scope(self, user: User, departement: str | None, region: str | None) -> User:
        """What a coordinator follows from now on: their territory pages show it at their
        next click (the scope is read with the account on every request)."""
        user = await self._loaded(user)
        problem = _scope_problem(user.role, departement, region)
        if problem:
            raise AccountError(problem)
        before = (user.scope_departement, user.scope_region)
        if before == (departement, region):
            return user
        user.scope_departement, user.scope_region = departement, region
        self.auditor.record(
            self.db,
            "account.scope",
            "user",
            user.id,
            structure_id=user.structure_id,
            departement=departement,
            region=region,
            before_departement=before[0],
            before_region=before[1],
        )
        await self.db.commit()
        return user

    async def by_email(self, email: str) -> User | None:
        user: User | None = await self.db.scalar(
            select(User).where(func.lower(User.email) == email.strip().lower())
        )
        return user

    async def users(self) -> Sequence[User]:
        found = await self.db.scalars(select(User).order_by(User.email))
        return found.all()

    # --- passwords --------------------------------------------------------------------------

    async def confirm_password(self, user: User, typed: str) -> None:
        """A sensitive change asks for the password again: AccountError when it is wrong."""
        if not await verify_password_async(self.db, user.password_hash, typed):
            raise AccountError(MSG_WRONG_PASSWORD)

    async def change_password(self, user: User, current: str, new: str, again: str) -> User:
        """The user's own change: the current password, then the new one twice."""
        user = await self._loaded(user)
        await self.confirm_password(user, current)
        problems = password_problems(new, user.email)
        if new != again:
            problems.append(MSG_MISMATCH)
        if problems:
            raise AccountError(*problems)
        user.password_hash = await hash_password_async(self.db, new)
        user.must_change_password = False
        self._credentials_changed(user)
        self.auditor.record(self.db, "password.change", "user", user.id, actor=user)
        await self.db.commit()
        return user

    async def reset_password(self, user: User) -> str:
        """An administrator's reset: a temporary password, shown once, to change at the next
        login; the account's sessions and tokens stop working."""
        user = await self._loaded(user)
        temporary = generate_password()
        user.password_hash = await hash_password_async(self.db, temporary)
        user.must_change_password = True
        self._credentials_changed(user)
        await self._revoke_all_tokens(user)
        self.auditor.record(
            self.db, "password.reset", "user", user.id, structure_id=user.structure_id
        )
        await self.db.commit()
        return temporary

    async def _loaded(self, user: User) -> User:
        """The account as this session holds it (the request's user comes from another one)."""
        found = await self.db.get(User, user.id)
        if found is None:
            raise AccountError("ce compte n'existe plus")
        return found

    def _credentials_changed(self, user: User) -> None:
        # Sessions opened before this instant end; the caller renews its own session.
        user.credentials_changed_at = datetime.now(UTC)

    # --- second factor ----------------------------------------------------------------------

    async def enable_totp(self, user: User, box: TotpBox, secret: str, typed: str) -> None:
        """Turn the second factor on, once the app's first code proves the secret was saved."""
        user = await self._loaded(user)
        step = accepted_step(secret, typed, None)
        if step is None:
            raise AccountError(MSG_WRONG_CODE)
        user.totp_secret = box.seal(secret)
        user.totp_last_step = step
        self._credentials_changed(user)
        self.auditor.record(self.db, "totp.enable", "user", user.id, actor=user)
        await self.db.commit()

    async def disable_totp(self, user: User, *, by_admin: bool = False) -> None:
        """Turn it off: the user for themselves (not an administrator), or an administrator
        for someone who lost their phone."""
        user = await self._loaded(user)
        if user.role == Role.ADMIN and not by_admin:
            raise AccountError(MSG_ADMIN_NEEDS_TOTP)
        user.totp_secret = None
        user.totp_last_step = None
        self._credentials_changed(user)
        self.auditor.record(
            self.db, "totp.disable", "user", user.id, structure_id=user.structure_id
        )
        await self.db.commit()

    # --- API tokens -------------------------------------------------------------------------

    async def create_token(self, email: str, label: str = "", days: int = TOKEN_DAYS) -> str:
        """A new token for the account (shown once: only its hash is kept)."""
        user = await self.by_email(email)
        if user is None:
            raise AccountError(f"aucun compte pour {email}")
        if not 1 <= days <= TOKEN_DAYS_MAX:
            raise AccountError(f"durée de 1 à {TOKEN_DAYS_MAX} jours")
        token = new_token()
        row = ApiToken(
            user_id=user.id,
            token_hash=token_hash(token),
            label=" ".join(label.split())[:LABEL_MAX],
            expires_at=datetime.now(UTC) + timedelta(days=days),
        )
        self.db.add(row)
        await self.db.flush()
        self.auditor.record(
            self.db, "token.create", "token", row.id, structure_id=user.structure_id, days=days
        )
        await self.db.commit()
        return token

    async def tokens(self, user: User | None = None) -> list[TokenRow]:
        """The tokens of ``user``, or of everyone; newest first."""
        query = select(ApiToken).order_by(ApiToken.created_at.desc())
        if user is not None:
            query = query.where(ApiToken.user_id == user.id)
        return [TokenRow(t) for t in (await self.db.scalars(query)).all()]

    async def token(self, token_id: UUID, owner: User | None = None) -> ApiToken | None:
        """One token, if it exists and (when ``owner`` is given) belongs to them."""
        found = await self.db.get(ApiToken, token_id)
        if found is None or (owner is not None and found.user_id != owner.id):
            return None
        return found

    async def revoke_token(self, token: ApiToken) -> None:
        if token.revoked_at is None:
            token.revoked_at = datetime.now(UTC)
            self.auditor.record(
                self.db, "token.revoke", "token", token.id, structure_id=token.user.structure_id
            )
            await self.db.commit()

    async def _revoke_all_tokens(self, user: User) -> None:
        await self.db.execute(
            update(ApiToken)
            .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
            .values(revoked_at=datetime.now(UTC))
        )
