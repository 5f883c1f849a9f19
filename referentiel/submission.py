"""A diagnostic as submitted (CLI file or API body), checked before anything is scored."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from referentiel.answers import (
    Answer,
    Evidence,
    answer_problems,
    context_problems,
    evidence_problems,
)
from referentiel.goals import goal_problems
from referentiel.load import UnknownVersionError, load_referential, load_version
from referentiel.masks import AutonomyCode
from referentiel.models import Referential
from referentiel.scoring import DiagnosticResult, score


@dataclass(frozen=True)
class Submission:
    ref: Referential
    answers: Mapping[str, Answer]
    evidence: tuple[Evidence, ...] = ()
    knows_help: bool | None = None
    context: Mapping[str, Any] = field(default_factory=dict)
    goals: Mapping[str, AutonomyCode] = field(default_factory=dict)
    """Need -> the autonomy level the person chose to reach for it."""

    def score(self) -> DiagnosticResult:
        return score(self.ref, self.answers, self.evidence, self.knows_help)


class SubmissionError(ValueError):
    """Every problem found in a submission, one plain line each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def read_submission(raw: Any) -> Submission:
    """Check a ``{"version"?, "answers", "evidence"?, "context"?, "goals"?}`` object.

    Raises with every problem at once, so a caller can show them all.
    """
    if not isinstance(raw, Mapping):
        raise SubmissionError(["le contenu doit être un objet JSON"])
    problems: list[str] = []
    unexpected = sorted(set(raw) - {"version", "answers", "evidence", "context", "goals"})
    problems.extend(f"{key} : champ inconnu" for key in unexpected)
    try:
        ref = load_version(raw["version"]) if "version" in raw else load_referential()
    except UnknownVersionError as error:
        raise SubmissionError([*problems, f"version : {error}"]) from None
    except TypeError:
        raise SubmissionError([*problems, "version : une chaîne est attendue"]) from None
    answers = raw.get("answers")
    if answers is None:
        problems.append("answers : champ obligatoire")
    else:
        problems.extend(answer_problems(ref, answers))
    evidence, evidence_errors = evidence_problems(ref, raw.get("evidence", []))
    problems.extend(evidence_errors)
    context = raw.get("context", {})
    problems.extend(context_problems(ref, context))
    goals = raw.get("goals", {})
    problems.extend(goal_problems(ref, goals))
    if problems or not isinstance(answers, Mapping) or not isinstance(context, Mapping):
        raise SubmissionError(problems)
    knows_help = context.get("knows_help")
    return Submission(ref, dict(answers), tuple(evidence), knows_help, dict(context), dict(goals))
