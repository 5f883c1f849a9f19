"""One diagnostic of a person, as their mediator reads it: levels, needs and goals, every
answer, what the person said about themselves, and what to do next (correct, print).

Reached from a row of the person's follow-up; another structure's person, or a diagnostic
that is not theirs, is « not found ». Each reading is written in the audit trail.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from litestar import Controller, Request, get
from litestar.di import NamedDependency, Provide
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from app.access import Permission, needs
from app.audit import Auditor
from app.db.models import Diagnostic, DiagnosticStatus, Person
from app.features.accounts import PAGE_ERRORS
from app.features.diagnostics.dependencies import person_diagnostic
from app.features.diagnostics.service import DiagnosticService, referential_of, result_of
from app.features.people import PERSON
from app.i18n import gettext_for, request_language
from app.territories import display_name
from app.web import page
from referentiel.context import as_text
from referentiel.i18n import localized
from referentiel.models import ContextQuestion, Referential


def context_rows(
    ref: Referential, context: Mapping[str, Any], gettext: Callable[[str], str]
) -> list[tuple[str, str]]:
    """(question, answer in words) for each context question answered, in the form's order;
    the needs have their own table."""
    rows = []
    for question in ref.context_questions:
        texts = as_text(context.get(question.id))
        if question.id == "needs" or not texts:
            continue
        rows.append((question.falc, ", ".join(_words(question, texts, gettext))))
    return rows


def _words(question: ContextQuestion, texts: list[str], gettext: Callable[[str], str]) -> list[str]:
    if question.kind == "yes_no":
        return [gettext("Oui") if text == "oui" else gettext("Non") for text in texts]
    if question.kind == "commune":
        return [display_name(text) or text for text in texts]
    labels = {option.code: option.label for option in question.options}
    return [labels.get(text, text) for text in texts]


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
        successor = await diagnostics.successor(diagnostic)
        correctable = successor is None and await diagnostics.correctable(diagnostic)
        auditor.record(db_session, "diagnostic.read", "diagnostic", diagnostic.id)
        await db_session.commit()
        lang = request_language(request)
        ref = localized(referential_of(diagnostic), lang)
        completed = diagnostic.status == DiagnosticStatus.COMPLETED
        return page(
            request,
            "diagnostic/person_diagnostic.html",
            person=person,
            diagnostic=diagnostic,
            ref=ref,
            result=result_of(diagnostic) if completed else None,
            answered=[item for item in ref.items if item.id in diagnostic.answers],
            context_rows=context_rows(ref, diagnostic.context, gettext_for(lang)),
            successor=successor,
            correctable=correctable,
        )
