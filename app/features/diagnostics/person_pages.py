"""One diagnostic of a person, as their mediator reads it: levels, needs and goals, every
answer, what the person said about themselves, and what to do next (correct, print).

Reached from a row of the person's follow-up; another structure's person, or a diagnostic
that is not theirs, is « not found ». Each reading is written in the audit trail.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.di import NamedDependency, Provide
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from app.access import Permission, needs
from app.audit import Auditor
from app.db.models import Diagnostic, Person
from app.features.accounts import PAGE_ERRORS
from app.features.diagnostics.dependencies import person_diagnostic
from app.features.diagnostics.reading import diagnostic_reading
from app.features.diagnostics.service import DiagnosticService
from app.features.people import PERSON
from app.web import page


class PersonDiagnosticPages(Controller):
    path = "/pro/personnes/{person_id:uuid}/diagnostics/{diagnostic_id:uuid}"
    include_in_schema = False
    opt = needs(Permission.PEOPLE)
    exception_handlers = PAGE_ERRORS
    dependencies = {**PERSON, "diagnostic": Provide(person_diagnostic)}

    @get("/")
    async def read(
        self,
        *,
        diagnostics: NamedDependency[DiagnosticService],
        request: Request[Any, Any, Any],
        person: NamedDependency[Person],
        diagnostic: NamedDependency[Diagnostic],
        db_session: NamedDependency[AsyncSession],
        auditor: NamedDependency[Auditor],
    ) -> Template:
        shown = await diagnostic_reading(request, diagnostic, diagnostics)
        auditor.record(db_session, "diagnostic.read", "diagnostic", diagnostic.id)
        await db_session.commit()
        return page(request, "diagnostic/reading.html", person=person, **shown)
