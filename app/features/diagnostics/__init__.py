"""Diagnostics: the resident's online form, paper entry, the API, and their results."""

from app.features.diagnostics.api import checked_submission
from app.features.diagnostics.dependencies import opened_here
from app.features.diagnostics.paper import read_commune
from app.features.diagnostics.reading import diagnostic_reading
from app.features.diagnostics.schemas import ANSWERS, CONTEXT, EVIDENCE, GOALS
from app.features.diagnostics.service import (
    AlreadyCorrectedError,
    CompletedError,
    DiagnosticError,
    DiagnosticService,
    IdempotencyConflictError,
    NotVisibleError,
    Provenance,
    add_diagnostic,
    diagnostic_row,
    person_row,
    recommender_for,
    referential_of,
    result_of,
)

__all__ = [
    "ANSWERS",
    "CONTEXT",
    "EVIDENCE",
    "GOALS",
    "AlreadyCorrectedError",
    "CompletedError",
    "DiagnosticError",
    "DiagnosticService",
    "IdempotencyConflictError",
    "NotVisibleError",
    "Provenance",
    "add_diagnostic",
    "checked_submission",
    "diagnostic_reading",
    "diagnostic_row",
    "opened_here",
    "person_row",
    "read_commune",
    "recommender_for",
    "referential_of",
    "result_of",
]
