"""The diagnostic named by the path, for the pages and the API: the one access rule of
`DiagnosticService.visible`, answered as each side answers errors; and the paper or scanned
form of a person that a mediator corrects.

On the pages an anonymous diagnostic is also bound to the browser session that started or
resumed it: its address alone (in the history of a shared PC, say) does not reopen it; its
resume code does.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from uuid import UUID

from litestar import Request
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models import Diagnostic, Person, User
from app.errors import Problem
from app.features.diagnostics.service import DiagnosticService, NotVisibleError

CURRENT = "diagnostic_id"  # the anonymous diagnostic this browser works on
OPENED = "diagnostics"  # every anonymous diagnostic started or resumed in this browser
OPENED_MAX = 10
NOT_CORRECTABLE = (
    "Ce diagnostic ne se corrige pas ici : seule la dernière version d'un formulaire papier "
    "ou scanné se corrige."
)


def open_here(request: Request[Any, Any, Any], diagnostic_id: UUID) -> None:
    """This browser started or resumed the diagnostic: its pages open here from now on."""
    opened = [i for i in request.session.get(OPENED, []) if i != str(diagnostic_id)]
    request.set_session(
        {
            **request.session,
            CURRENT: str(diagnostic_id),
            OPENED: [*opened, str(diagnostic_id)][-OPENED_MAX:],
        }
    )


def opened_here(request: Request[Any, Any, Any], diagnostic_id: UUID) -> bool:
    """This browser started or resumed this anonymous diagnostic (its pages open here)."""
    return str(diagnostic_id) in request.session.get(OPENED, [])


def provide_diagnostics(db_session: NamedDependency[AsyncSession]) -> DiagnosticService:
    return DiagnosticService(db_session)


DEPENDENCIES = {"diagnostics": Provide(provide_diagnostics, sync_to_thread=False)}


class NotOnThisDeviceError(Exception):
    """An anonymous diagnostic opened from a browser that did not start or resume it."""


def visible_diagnostic(not_found: str, *, bound_to_session: bool = False) -> Provide:
    """A provider of the path's diagnostic: 404 with ``not_found`` when it may not be seen."""

    async def provide(
        request: Request[Any, Any, Any],
        diagnostic_id: FromPath[UUID],
        diagnostics: NamedDependency[DiagnosticService],
        current_user: NamedDependency[User | None],
    ) -> Diagnostic:
        try:
            diagnostic = await diagnostics.visible(diagnostic_id, current_user)
        except NotVisibleError:
            raise Problem(404, not_found) from None
        if (
            bound_to_session
            and diagnostic.person_id is None
            and str(diagnostic.id) not in request.session.get(OPENED, [])
        ):
            raise NotOnThisDeviceError()
        return diagnostic

    provider: Callable[..., Awaitable[Diagnostic]] = provide
    return Provide(provider)


MSG_NOT_THEIRS = "Ce diagnostic n'existe pas dans la fiche de cette personne."


async def person_diagnostic(
    person: NamedDependency[Person],
    diagnostic_id: FromPath[UUID],
    db_session: NamedDependency[AsyncSession],
) -> Diagnostic:
    """A diagnostic of the path's person (who is already one the caller may see); else 404."""
    diagnostic = await db_session.get(Diagnostic, diagnostic_id)
    if diagnostic is None or diagnostic.person_id != person.id:
        raise Problem(404, MSG_NOT_THEIRS)
    return diagnostic


async def correctable_paper_diagnostic(
    person: NamedDependency[Person],
    diagnostic_id: FromPath[UUID],
    db_session: NamedDependency[AsyncSession],
) -> Diagnostic:
    """A completed paper or scanned diagnostic of the path's person, in its latest version and
    in today's referential (the form a correction is typed on); else 404."""
    diagnostic = await db_session.get(Diagnostic, diagnostic_id)
    if (
        diagnostic is None
        or diagnostic.person_id != person.id
        or not await DiagnosticService(db_session).correctable(diagnostic)
    ):
        raise Problem(404, NOT_CORRECTABLE)
    return diagnostic
