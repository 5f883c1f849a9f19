"""What a diagnostic payload may contain, and the plain-language problems when it does not."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic_core import ErrorDetails

from referentiel.context import context_problem
from referentiel.models import UNKNOWN, Referential

__all__ = [
    "UNKNOWN",  # the « ? » answer, defined with the scale that offers it
    "Answer",
    "Evidence",
    "answer_problems",
    "context_problems",
    "evidence_problems",
    "is_answer",
]

Answer = int | Literal["?"]


class Evidence(BaseModel):
    """Something observed rather than declared: it outranks self-report for a competence.

    Either names one of our competences, or a CRCN/Pix competence code that maps onto ours.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["observed_task", "pix"]
    competence: str | None = None
    pix_competence: str | None = None
    passed: bool | None = None
    pix_level: int | None = Field(default=None, ge=0, le=8)
    source: str = ""


def answer_problems(ref: Referential, answers: Any) -> list[str]:
    """One line per problem in an answers mapping; empty when every answer can be scored."""
    if not isinstance(answers, Mapping):
        return ["answers : un objet {identifiant d'item: réponse} est attendu"]
    known = {i.id for i in ref.items}
    problems = []
    for item_id, value in answers.items():
        if item_id not in known:
            problems.append(f"answers.{item_id} : item inconnu dans la version {ref.version}")
        elif not is_answer(value):
            problems.append(
                f"answers.{item_id} : réponse {value!r} hors de l'échelle (0, 1, 2, 3, 4 ou « ? »)"
            )
    return problems


def context_problems(ref: Referential, context: Any) -> list[str]:
    """One line per context answer that does not fit its question (see ``context_questions``)."""
    if not isinstance(context, Mapping):
        return ["context : un objet est attendu"]
    questions = {q.id: q for q in ref.context_questions}
    problems = []
    for key, value in context.items():
        question = questions.get(key)
        if question is None:
            problems.append(f"context.{key} : question inconnue")
        elif value is not None and (expected := context_problem(question, value)) is not None:
            problems.append(f"context.{key} : {expected}")
    return problems


def is_answer(value: object) -> bool:
    # bool is an int subclass: True must not pass for 1.
    return value == UNKNOWN or (type(value) is int and 0 <= value <= 4)


# What the model says of a field that does not fit, in the words of the other problems.
_ERRORS = {
    "missing": "champ obligatoire",
    "extra_forbidden": "champ inconnu",
    "bool_type": "true ou false est attendu",
    "bool_parsing": "true ou false est attendu",
    "int_type": "un nombre entier est attendu",
    "int_parsing": "un nombre entier est attendu",
    "int_from_float": "un nombre entier est attendu",
    "string_type": "un texte est attendu",
    "model_type": "un objet est attendu",
    "dict_type": "un objet est attendu",
    "greater_than_equal": "au moins {ge}",
    "less_than_equal": "au plus {le}",
    "literal_error": "une de ces valeurs : {expected}",
}


def in_french(error: ErrorDetails) -> str:
    """A validation error in plain French; one the table does not know in general words."""
    ctx = {k: str(v).replace("' or '", "', '") for k, v in (error.get("ctx") or {}).items()}
    try:
        return _ERRORS[error["type"]].format(**ctx)
    except KeyError:
        return "cette valeur ne convient pas"


def evidence_problems(ref: Referential, evidence: Any) -> tuple[list[Evidence], list[str]]:
    """Parsed evidence and one line per unusable entry."""
    if not isinstance(evidence, list):
        return [], ["evidence : une liste est attendue"]
    parsed: list[Evidence] = []
    problems: list[str] = []
    competences = {c.code for c in ref.competences}
    crcn = {c.code for c in ref.frameworks.crcn_competences}
    for index, raw in enumerate(evidence):
        where = f"evidence[{index}]"
        try:
            item = Evidence.model_validate(raw)
        except ValidationError as error:
            problems.extend(
                f"{'.'.join([where, *(str(p) for p in e['loc'])])} : {in_french(e)}"
                for e in error.errors()
            )
            continue
        if (item.competence is None) == (item.pix_competence is None):
            problems.append(f"{where} : indiquer soit competence, soit pix_competence")
        elif item.competence is not None and item.competence not in competences:
            problems.append(f"{where} : compétence inconnue {item.competence}")
        elif item.pix_competence is not None and item.pix_competence not in crcn:
            problems.append(f"{where} : compétence Pix inconnue {item.pix_competence}")
        elif item.kind == "observed_task" and item.passed is None:
            problems.append(
                f"{where} : passed (true/false) est obligatoire pour une mise en situation"
            )
        elif item.kind == "pix" and item.pix_level is None:
            problems.append(f"{where} : pix_level est obligatoire pour un résultat Pix")
        else:
            parsed.append(item)
    return parsed, problems
