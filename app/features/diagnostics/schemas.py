"""What the diagnostics API takes and gives, as /schema shows it.

Request bodies are decoded loosely where the referential checks them (`app.openapi.documented`):
the schema shows the strict shapes, drawn from the referential in force.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

import msgspec
from litestar.openapi.spec import Example, Reference, Schema
from litestar.openapi.spec.enums import OpenAPIType
from litestar.params import Body

from app.db.models import Channel, DiagnosticStatus
from app.features.diagnostics.service import stored_result
from app.openapi import documented, shape
from referentiel import Referential, load_referential
from referentiel.answers import UNKNOWN, Evidence
from referentiel.context import INSEE_PATTERN
from referentiel.load import known_versions
from referentiel.masks import AUTONOMY_ORDER, ProfileCode
from referentiel.models import Item
from referentiel.scoring import CompetenceScore, DomainScore, NeedAutonomy
from referentiel.submission import read_submission

AnswerValue = Annotated[int, msgspec.Meta(ge=0, le=4)] | Literal["?"]
NULL = OpenAPIType.NULL


def _answers(ref: Referential) -> Schema:
    return Schema(
        type=OpenAPIType.OBJECT,
        property_names=Schema(type=OpenAPIType.STRING, enum=[i.id for i in ref.items]),
        additional_properties=Schema(enum=[*(v.value for v in ref.scale.values), UNKNOWN]),
    )


def _context(ref: Referential) -> Schema:
    """One property per context question; ``null`` leaves a question unanswered."""
    properties: dict[str, Schema | Reference] = {}
    for question in ref.context_questions:
        codes = [o.code for o in question.options]
        if question.kind == "yes_no":
            schema = Schema(type=[OpenAPIType.BOOLEAN, NULL])
        elif question.kind == "single":
            schema = Schema(enum=[*codes, None])
        elif question.kind == "multiple":
            schema = Schema(type=[OpenAPIType.ARRAY, NULL], items=Schema(enum=codes))
        else:
            schema = Schema(type=[OpenAPIType.STRING, NULL], pattern=f"^{INSEE_PATTERN}$")
        properties[question.id] = Schema(description=question.label, **shape(schema))
    return Schema(type=OpenAPIType.OBJECT, properties=properties, additional_properties=False)


def _goals(ref: Referential) -> Schema:
    return Schema(
        type=OpenAPIType.OBJECT,
        property_names=Schema(type=OpenAPIType.STRING, enum=[n.code for n in ref.needs]),
        additional_properties=Schema(type=OpenAPIType.STRING, enum=list(AUTONOMY_ORDER)),
    )


def _evidence() -> Schema:
    return Schema(type=OpenAPIType.ARRAY, items=Evidence.model_json_schema())  # type: ignore[arg-type]


REF = load_referential()
ANSWERS = documented(_answers(REF), "Identifiant d'item → réponse : 0 à 4, ou « ? ».")
CONTEXT = documented(_context(REF), "Les réponses aux questions de contexte.")
GOALS = documented(_goals(REF), "Besoin → objectif d'autonomie choisi (A0 à A4).")
EVIDENCE = documented(
    _evidence(),
    "Preuves observées (mise en situation, résultat Pix) : elles priment sur l'auto-évaluation.",
)


class DiagnosticIn(msgspec.Struct, forbid_unknown_fields=True):
    """A complete diagnostic, scored and stored at once."""

    answers: Annotated[dict[str, Any], ANSWERS]
    context: Annotated[dict[str, Any], CONTEXT] = msgspec.field(default_factory=dict)
    channel: Channel = Channel.ONLINE
    person_id: UUID | None = None
    evidence: Annotated[list[Any], EVIDENCE] = msgspec.field(default_factory=list)
    version: Annotated[str | None, msgspec.Meta(examples=list(known_versions()))] = None
    goals: Annotated[dict[str, str], GOALS] = msgspec.field(default_factory=dict)


class CorrectionIn(msgspec.Struct, forbid_unknown_fields=True):
    """A mediator's correction: the whole diagnostic as it should have been recorded, in the
    referential version of the diagnostic it corrects."""

    answers: Annotated[dict[str, Any], ANSWERS]
    context: Annotated[dict[str, Any], CONTEXT] = msgspec.field(default_factory=dict)
    evidence: Annotated[list[Any], EVIDENCE] = msgspec.field(default_factory=list)
    goals: Annotated[dict[str, str], GOALS] = msgspec.field(default_factory=dict)


class AnswerIn(msgspec.Struct, forbid_unknown_fields=True):
    value: Annotated[Any, documented(Schema(enum=[0, 1, 2, 3, 4, UNKNOWN]), "0 à 4, ou « ? ».")]


class FinishIn(msgspec.Struct, forbid_unknown_fields=True):
    context: Annotated[dict[str, Any], CONTEXT] = msgspec.field(default_factory=dict)
    goals: Annotated[dict[str, str], GOALS] = msgspec.field(default_factory=dict)


class DiagnosticResultOut(msgspec.Struct):
    """A scored diagnostic as stored (`referentiel.scoring.DiagnosticResult` without the
    answers): a level 0–4 per competence and per domain (``null``: nothing to score), the
    profile, the current autonomy per need.

    A competence with ``inferred`` (the id of a rule of the referential's ``inferences``) was
    not asked: first answers show it not yet acquired, at level 0 with a low confidence, to
    check with a mediator; a domain with ``inferred`` includes one. ``profile`` is ``null``
    (« à compléter ») until every core competence has a level: ``to_complete`` lists the
    missing ones."""

    version: str
    competences: list[CompetenceScore]
    domains: list[DomainScore]
    profile: ProfileCode | None
    autonomy: list[NeedAutonomy]
    evidence: list[Evidence] = msgspec.field(default_factory=list)
    knows_help: bool | None = None
    to_complete: list[str] = msgspec.field(default_factory=list)


class ScoredDiagnosticOut(msgspec.Struct):
    id: UUID
    result: DiagnosticResultOut


class CorrectedOut(msgspec.Struct):
    """The new version; the corrected one (``supersedes_id``) is kept as it was."""

    id: UUID
    supersedes_id: UUID
    result: DiagnosticResultOut


class DiagnosticOut(msgspec.Struct):
    """A diagnostic as stored; ``result`` is ``null`` until it is completed;
    ``supersedes_id`` names the diagnostic this one corrects."""

    id: UUID
    status: DiagnosticStatus
    channel: Channel
    referential_version: str
    person_id: UUID | None
    answers: dict[str, AnswerValue]
    context: dict[str, Any]
    goals: Annotated[dict[str, str], GOALS]
    result: DiagnosticResultOut | None
    created_at: datetime
    completed_at: datetime | None
    supersedes_id: UUID | None = None


class ProgressOut(msgspec.Struct):
    """Questions answered, and at most how many remain (the next one included): this never
    grows, and shrinks faster when first answers spare harder questions."""

    asked: int
    left_at_most: int


class AdaptiveOut(msgspec.Struct):
    """A diagnostic taken one question at a time: the next question (``null`` once every
    competence is placed), the answer it had before « back » (``previous_answer``, to show
    selected), the competences not asked because first answers show them not yet acquired
    (``not_asked``: competence → rule id), and the code to resume it on another device."""

    id: UUID
    status: DiagnosticStatus
    resume_code: Annotated[str, msgspec.Meta(examples=["K7MQ-2XRA"])] | None
    referential_version: str
    answers: dict[str, AnswerValue]
    next_item: Item | None
    previous_answer: AnswerValue | None
    progress: ProgressOut
    not_asked: dict[str, str]


def result_out(stored: Mapping[str, Any]) -> DiagnosticResultOut:
    """The stored result (JSON) read back into its documented shape."""
    return msgspec.convert(stored, DiagnosticResultOut, dec_hook=_evidence_of)


def _evidence_of(kind: type, value: Any) -> Any:
    if kind is Evidence:
        return Evidence.model_validate(value)
    raise NotImplementedError(kind)


EXAMPLE_IN: dict[str, Any] = {
    "answers": {item.id: (2 if n % 5 else UNKNOWN) for n, item in enumerate(REF.items[:24])},
    "context": {"knows_help": True, "needs": ["caf"], "frequency": "chaque_semaine"},
    "goals": {"caf": "A3"},
    "channel": "online",
}
SCORED_EXAMPLE = {
    "id": "0b7c6c3e-4f0e-4c51-9d43-6f1a2b3c4d5e",
    "result": stored_result(
        read_submission({k: EXAMPLE_IN[k] for k in ("answers", "context")}).score()
    ),
}
EXAMPLE_BODY = Body(
    title="Diagnostic complet",
    examples=[Example(summary="Un diagnostic en ligne, sans personne liée", value=EXAMPLE_IN)],
)
