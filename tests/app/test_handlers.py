"""Handlers are thin: they are given their service and the caller (dependency injection), and
domain errors are answered by one table (app.errors.domain_errors), not by each handler."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.errors import Problem, as_problem, domain_errors
from app.features.diagnostics import (
    AlreadyCorrectedError,
    CompletedError,
    DiagnosticError,
    IdempotencyConflictError,
)
from app.features.people import PeopleError
from app.features.scans import ScanError
from referentiel.submission import SubmissionError

FEATURES = Path(__file__).resolve().parents[2] / "app" / "features"
BY_HAND = re.compile(r"\w+Service\(db_session\)|logged_in_user\(request\)|current_user\(request\)")


def test_no_handler_builds_its_service_or_reads_the_caller_by_hand():
    found = [
        f"{path.relative_to(FEATURES)}:{number}: {line.strip()}"
        for path in FEATURES.rglob("*.py")
        if path.name != "dependencies.py"
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if BY_HAND.search(line)
    ]
    assert not found, found


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (CompletedError(), 409),
        (AlreadyCorrectedError(), 409),
        (DiagnosticError(["question inconnue : X"]), 422),
        (SubmissionError(["answers : champ obligatoire"]), 422),
        (IdempotencyConflictError("k"), 422),
        (PeopleError({"alias": "trop long"}), 422),
        (ScanError("Cette ligne n'est plus à vérifier."), 409),
    ],
)
def test_each_domain_error_has_one_answer(error, status):
    problem = as_problem(error)
    assert isinstance(problem, Problem)
    assert problem.status_code == status
    assert problem.detail
    if isinstance(error, (DiagnosticError, SubmissionError)) and status == 422:
        assert problem.extra["problems"] == error.problems
    if isinstance(error, PeopleError):
        assert problem.extra["problems"] == error.lines()


def test_the_table_covers_the_errors_the_handlers_no_longer_catch():
    assert set(domain_errors()) >= {DiagnosticError, SubmissionError, PeopleError, ScanError}
    assert as_problem(KeyError("x")).__class__ is KeyError  # anything else stays a 500
