"""A diagnostic as a professional reads it: levels, needs and goals, every answer with its
question, and what the person said about themselves, in the page's language and in the
referential version it was taken with. The person's follow-up and the scanned sheets of a
structure show it the same way."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from litestar import Request

from app.db.models import Diagnostic, DiagnosticStatus
from app.features.diagnostics.service import DiagnosticService, referential_of, result_of
from app.i18n import gettext_for, request_language
from app.territories import display_name
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


async def diagnostic_reading(
    request: Request[Any, Any, Any], diagnostic: Diagnostic, service: DiagnosticService
) -> dict[str, Any]:
    """What `diagnostic/reading.html` shows of ``diagnostic``."""
    successor = await service.successor(diagnostic)
    lang = request_language(request)
    ref = localized(referential_of(diagnostic), lang)
    completed = diagnostic.status == DiagnosticStatus.COMPLETED
    return {
        "diagnostic": diagnostic,
        "ref": ref,
        "result": result_of(diagnostic) if completed else None,
        "answered": [item for item in ref.items if item.id in diagnostic.answers],
        "context_rows": context_rows(ref, diagnostic.context, gettext_for(lang)),
        "successor": successor,
        "correctable": successor is None and await service.correctable(diagnostic),
    }
