"""The person named by the path (`person_for`, or 404) and the people service, for the pages
and the API."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Request
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit import Auditor
from app.db.models import Channel, Diagnostic, DiagnosticStatus, Person
from app.errors import Problem
from app.features.accounts.guards import current_user
from app.features.diagnostics.service import DiagnosticService
from app.features.people.access import person_for
from app.features.people.service import PeopleService
from referentiel import load_referential

NOT_FOUND = "Personne introuvable dans votre structure."
NOT_CORRECTABLE = (
    "Ce diagnostic ne se corrige pas ici : seule la dernière version d'un formulaire papier "
    "ou scanné se corrige."
)


async def provide_person(
    request: Request[Any, Any, Any],
    person_id: FromPath[UUID],
    db_session: NamedDependency[AsyncSession],
) -> Person:
    """Only a person of the caller's structure; anyone else is « not found »."""
    person = await person_for(db_session, current_user(request), person_id)
    if person is None:
        raise Problem(404, NOT_FOUND)
    return person


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
        or diagnostic.status != DiagnosticStatus.COMPLETED
        or diagnostic.channel == Channel.ONLINE
        or diagnostic.referential_version != load_referential().version
        or await DiagnosticService(db_session).successor(diagnostic) is not None
    ):
        raise Problem(404, NOT_CORRECTABLE)
    return diagnostic


def provide_people(
    db_session: NamedDependency[AsyncSession], auditor: NamedDependency[Auditor]
) -> PeopleService:
    return PeopleService(db_session, auditor)


PERSON = {
    "person": Provide(provide_person),
    "people": Provide(provide_people, sync_to_thread=False),
}
