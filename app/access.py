"""Who may use which route: the role × permission matrix, written once and read by one guard.

Every route handler names its permission in ``opt={"permission": ...}`` (usually on its
controller). The app-wide guard below reads the matrix; a route without a permission is
refused to everyone, so a forgotten declaration fails closed. The README shows this table
(tests/app/test_access_matrix.py keeps them equal and walks every route with every role).

One data rule comes on top of the matrix, for every feature (people, diagnostics, scans): a
professional whose role holds the « people » permission sees their own structure's people,
and nobody else does (:func:`person_for`). Anything else answers « not found », so that
another structure's records cannot even be detected.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any
from uuid import UUID

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models import Person, Role, User
from app.errors import Problem


class Permission(enum.StrEnum):
    PUBLIC = "public"
    ACCOUNT = "account"
    PEOPLE = "people"
    SCANS = "scans"
    FORMS = "forms"
    TRAINING = "training"
    OFFER = "offer"
    BADGES = "badges"
    BADGE_REVOCATION = "badge_revocation"
    STATISTICS = "statistics"
    ACCOUNTS_ADMIN = "accounts_admin"
    AUDIT = "audit"


# What each permission covers, for the README and the pages that explain a refusal.
DESCRIPTIONS: Mapping[Permission, str] = {
    Permission.PUBLIC: "residents' pages and their result as a PDF, the adaptive diagnostic, "
    "the referential, the API documentation (person-linked diagnostics answer 404 unless the "
    "people permission applies), a holder's wallet of badges (opened by its link only), the "
    "verification of badges (`/verifier`, `POST /api/v1/verify`)",
    Permission.ACCOUNT: "one's own account: password, second factor, API tokens",
    Permission.PEOPLE: "the people of one's structure: records, their diagnostics and "
    "corrections, paper forms typed in or printed for them, attestations, the link to their "
    "wallet of badges (given or cut), tasks observed with them and Pix results imported for "
    "them (and their badges), export, erasure",
    Permission.SCANS: "scanned paper forms of one's structure",
    Permission.FORMS: "blank paper forms to print (a PDF)",
    Permission.TRAINING: "the trainers' home page",
    Permission.OFFER: "the offer of one's structure: places, workshops, sessions and series, "
    "CSV imports, registrations, attendance and exit checks",
    Permission.BADGES: "the badges of one's structure: issue one from recorded evidence, list, "
    "read and download them (`/pro/badges`, `/api/v1/credentials`)",
    Permission.BADGE_REVOCATION: "revoke a badge one's structure issued, with a reason "
    "(`/pro/badges/{id}/revoquer`, `POST /api/v1/credentials/{id}/revoke`)",
    Permission.STATISTICS: "the territory's statistics (a coordinator's département or région, "
    "every territory for an administrator): dashboard, map of needs against the offer, white "
    "zones, their CSV; counts only, never a person",
    Permission.ACCOUNTS_ADMIN: "every account: create one (a first password shown once; a "
    "coordinator's département or région), change a coordinator's territory, password resets, "
    "second factors, API tokens",
    Permission.AUDIT: "the audit trail",
}

# French names of the roles, as pages show them (translated by the catalog).
ROLE_LABELS: Mapping[str, str] = {
    Role.MEDIATOR: "Médiateur ou médiatrice",
    Role.TRAINER: "Formateur ou formatrice",
    Role.COORDINATOR: "Coordinateur ou coordinatrice",
    Role.ADMIN: "Administrateur ou administratrice",
}

ANONYMOUS = None
ALL_ROLES = frozenset(Role)
MATRIX: Mapping[Permission, frozenset[Role | None]] = {
    Permission.PUBLIC: frozenset({ANONYMOUS, *ALL_ROLES}),
    Permission.ACCOUNT: ALL_ROLES,
    Permission.PEOPLE: frozenset({Role.MEDIATOR, Role.ADMIN}),
    Permission.SCANS: frozenset({Role.MEDIATOR, Role.ADMIN}),
    Permission.FORMS: frozenset({Role.MEDIATOR, Role.TRAINER, Role.ADMIN}),
    Permission.TRAINING: frozenset({Role.TRAINER}),
    Permission.OFFER: frozenset({Role.MEDIATOR, Role.TRAINER, Role.ADMIN}),
    Permission.BADGES: frozenset({Role.MEDIATOR, Role.TRAINER, Role.ADMIN}),
    Permission.BADGE_REVOCATION: frozenset({Role.TRAINER, Role.ADMIN}),
    Permission.STATISTICS: frozenset({Role.COORDINATOR, Role.ADMIN}),
    Permission.ACCOUNTS_ADMIN: frozenset({Role.ADMIN}),
    Permission.AUDIT: frozenset({Role.ADMIN}),
}

PERMISSION = "permission"
MSG_PERSON_NOT_FOUND = "Personne introuvable dans votre structure."


def allowed(user: User | None, permission: Permission) -> bool:
    return (None if user is None else user.role) in MATRIX[permission]


async def person_in_structure(
    db: AsyncSession, structure_id: UUID, person_id: UUID
) -> Person | None:
    """The person if they belong to the structure, else None."""
    person = await db.get(Person, person_id)
    return person if person is not None and person.structure_id == structure_id else None


async def person_for(db: AsyncSession, user: User | None, person_id: UUID) -> Person | None:
    """The person if ``user`` may see them, else None (callers answer 404)."""
    if user is None or not allowed(user, Permission.PEOPLE):
        return None
    return await person_in_structure(db, user.structure_id, person_id)


async def visible_person(db: AsyncSession, user: User | None, person_id: UUID) -> Person:
    """The person if ``user`` may see them, else a 404 that says nothing more."""
    person = await person_for(db, user, person_id)
    if person is None:
        raise Problem(404, MSG_PERSON_NOT_FOUND)
    return person


def permission_of(handler: BaseRouteHandler) -> Permission | None:
    value = handler.opt.get(PERMISSION)
    return value if isinstance(value, Permission) else None


class AccountSetupRequired(Problem):
    """Logged in, but the account must first get a new password or a second factor: pages
    go there (``path``), the API answers 403 saying so."""

    def __init__(self, path: str, detail: str) -> None:
        super().__init__(403, detail)
        self.path = path


PASSWORD_PAGE = "/pro/compte/mot-de-passe"
TOTP_PAGE = "/pro/compte/double-authentification"
MSG_NEW_PASSWORD = "Choisissez un nouveau mot de passe avant de continuer."
MSG_ADMIN_TOTP = "Un compte administrateur doit activer la double authentification."


def setup_required(user: User) -> AccountSetupRequired | None:
    """What this account must do before anything else: a new password after a reset, and a
    second factor for administrators."""
    if user.must_change_password:
        return AccountSetupRequired(PASSWORD_PAGE, MSG_NEW_PASSWORD)
    if user.role == Role.ADMIN and not user.has_totp:
        return AccountSetupRequired(TOTP_PAGE, MSG_ADMIN_TOTP)
    return None


def permission_guard(
    connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler
) -> None:
    """The app-wide guard: 401 for nobody where a login would help, 403 otherwise."""
    permission = permission_of(handler)
    user = connection.scope.get("user")
    user = user if isinstance(user, User) else None
    if permission is None:
        if is_automatic_options(handler):
            return
        raise PermissionDeniedException()
    if not allowed(user, permission):
        if user is None:
            raise NotAuthorizedException()
        raise PermissionDeniedException()
    if user is not None and permission not in (Permission.PUBLIC, Permission.ACCOUNT):
        pending = setup_required(user)
        if pending is not None:
            raise pending


TRAINER_HOME = "/pro/formation"
STATISTICS_HOME = "/pro/territoire"


def home_of(user: User) -> str:
    """The first page of the professional space this account may open."""
    if allowed(user, Permission.PEOPLE):
        return "/pro"
    if allowed(user, Permission.TRAINING):
        return TRAINER_HOME
    if allowed(user, Permission.STATISTICS):
        return STATISTICS_HOME
    return "/pro/compte"


def is_automatic_options(handler: BaseRouteHandler) -> bool:
    """The OPTIONS answer Litestar adds to every path: it only lists the allowed methods."""
    return getattr(handler, "http_methods", None) == {"OPTIONS"}


def needs(permission: Permission) -> dict[str, Any]:
    """The `opt` of a controller or handler under this permission."""
    return {PERMISSION: permission}
