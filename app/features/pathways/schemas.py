"""What the pathways API takes and answers (OpenAPI), and the conversion of the
recommender's output to it (``from``/``to`` in the API, ``from_level``/``to_level`` in code)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

import msgspec

from app.features.diagnostics import ANSWERS, CONTEXT, EVIDENCE, GOALS
from pathways.models import RECOMMENDATION_ADAPTER
from pathways.models import Recommendation as Proposed

Autonomy = Literal["A0", "A1", "A2", "A3", "A4"]
Modality = Literal[
    "delegation", "orientation", "individual", "collective", "self_study", "peer_training"
]
Level = Annotated[int, msgspec.Meta(ge=0, le=4)]


class RecommendationIn(msgspec.Struct, forbid_unknown_fields=True):
    """A stored diagnostic (``diagnostic_id``), or one given inline as ``POST
    /api/v1/diagnostics`` takes it (``answers``, ``context``, ``goals``…), never both.
    ``preference`` and ``max_km`` add what the diagnostic does not ask."""

    diagnostic_id: UUID | None = None
    answers: Annotated[dict[str, Any] | None, ANSWERS] = None
    context: Annotated[dict[str, Any], CONTEXT] = msgspec.field(default_factory=dict)
    goals: Annotated[dict[str, str], GOALS] = msgspec.field(default_factory=dict)
    evidence: Annotated[list[Any], EVIDENCE] = msgspec.field(default_factory=list)
    version: str | None = None
    preference: Literal["individual", "collective"] | None = None
    max_km: Annotated[int, msgspec.Meta(ge=1, le=200)] | None = None
    lang: Literal["fr", "en"] = "fr"


class WhyOut(msgspec.Struct):
    """One reason in plain words, the rule id it cites and the answers (item ids) it read."""

    rule: str
    text: str
    answers: list[str]


class SessionOut(msgspec.Struct):
    id: str
    workshop_id: str
    title: str
    starts_at: datetime
    ends_at: datetime
    modality: str
    competence: str
    entry: int
    exit: int
    free_seats: int
    distance_km: float | None
    place: str | None
    commune: str | None
    score: float | None


class PlaceOut(msgspec.Struct):
    id: str
    name: str
    address: str
    commune: str
    distance_km: float | None
    services: list[str]


class ResourceOut(msgspec.Struct):
    title: str
    url: str


class StepOut(msgspec.Struct):
    competence: str
    from_: int = msgspec.field(name="from")
    to: int = 0
    kind: str = ""
    modality: str = ""
    status: str = "proposed"
    sessions: list[SessionOut] = msgspec.field(default_factory=list)
    resources: list[ResourceOut] = msgspec.field(default_factory=list)
    places: list[PlaceOut] = msgspec.field(default_factory=list)
    why: list[WhyOut] = msgspec.field(default_factory=list)


class NeedOut(msgspec.Struct):
    need: str
    current: str
    proposed_goal: str
    goal: str
    modality: str
    warning: str | None
    steps: list[StepOut]
    places: list[PlaceOut]
    unresolved: list[str]
    why: list[WhyOut]


class RecommendationOut(msgspec.Struct):
    """The proposal per need. ``recommendation_id`` names what was kept of it (a stored
    diagnostic's proposal; ``null`` for one given inline, which is not kept)."""

    rules_version: str
    model_version: str | None
    needs: list[NeedOut]
    recommendation_id: UUID | None = None
    diagnostic_id: UUID | None = None


def api_body(body: dict[str, Any]) -> dict[str, Any]:
    """A stored body (the recommender's field names) with the API's: ``from`` and ``to``."""
    needs = []
    for need in body.get("needs", []):
        steps = [
            {
                **{k: v for k, v in step.items() if k not in ("from_level", "to_level")},
                "from": step["from_level"],
                "to": step["to_level"],
            }
            for step in need.get("steps", [])
        ]
        needs.append({**need, "steps": steps})
    return {**body, "needs": needs}


def recommendation_out(
    recommendation: Proposed, recommendation_id: UUID | None, diagnostic_id: UUID | None
) -> RecommendationOut:
    body = RECOMMENDATION_ADAPTER.dump_python(recommendation, mode="json")
    out = msgspec.convert(api_body(body), RecommendationOut, strict=False)
    out.recommendation_id, out.diagnostic_id = recommendation_id, diagnostic_id
    return out


class PathwayStepOut(msgspec.Struct):
    position: int
    competence: str
    from_: int = msgspec.field(name="from")
    to: int = 0
    kind: str = ""
    modality: str = ""
    status: Literal["proposed", "booked", "done", "dropped"] = "proposed"
    origin: Literal["proposed", "mediator"] = "proposed"
    booking_id: UUID | None = None


class PathwayNeedOut(msgspec.Struct):
    """The plan for one need: ``decided_by`` is the mediator who decided (``null`` while it
    is the proposal, or when the person changed the goal: ``decided_at`` then says when)."""

    need: str
    current: str
    proposed_goal: str
    goal: str
    modality: str
    decided_by: UUID | None
    decided_at: datetime | None
    steps: list[PathwayStepOut]


class PathwayOut(msgspec.Struct):
    """The pathway of the person's latest finished diagnostic (``diagnostic_id`` ``null``
    when they have none)."""

    person_id: UUID
    diagnostic_id: UUID | None
    needs: list[PathwayNeedOut]


class StepIn(msgspec.Struct, forbid_unknown_fields=True):
    competence: str
    from_: Level = msgspec.field(name="from")
    to: Level = 2
    kind: str | None = None
    modality: Modality | None = None


class DecisionIn(msgspec.Struct, forbid_unknown_fields=True):
    """A mediator's decision for one need: ``accepted`` keeps the proposal; ``edited``
    changes the goal or the modality (and the steps if given); ``replaced`` gives the steps
    (at most 3) in place of the proposed ones. Steps already booked or done stay."""

    need: str
    decision: Literal["accepted", "edited", "replaced"]
    goal: Autonomy | None = None
    modality: Modality | None = None
    steps: Annotated[list[StepIn], msgspec.Meta(max_length=3)] | None = None


class PathwayIn(msgspec.Struct, forbid_unknown_fields=True):
    diagnostic_id: UUID | None = None  # the latest finished diagnostic when not given
    needs: Annotated[list[DecisionIn], msgspec.Meta(min_length=1, max_length=20)] = msgspec.field(
        default_factory=list
    )


class FeedbackIn(msgspec.Struct, forbid_unknown_fields=True):
    """« Cette proposition vous convient-elle ? » for one need."""

    need: str
    fits: bool


class FeedbackOut(msgspec.Struct):
    id: UUID
    need: str
    fits: bool
    recommendation_id: UUID | None
    at: datetime
