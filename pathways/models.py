"""What the recommender takes and returns, as typed data.

The recommender is pure: it reads a scored diagnostic (``referentiel.scoring``) and a
:class:`Context`, and the app brings the sessions and places it found near the person
(:class:`SessionOption`, :class:`PlaceOption`). Every proposal carries :class:`Why` lines:
the rule ids behind it and the answers they read, in plain French (or English).

The context is validated (it comes from outside); what the recommender builds are plain
slotted dataclasses, as the scorer's result is, because one is built per person on the hot
path (not frozen: that would double the cost of building them); treat them as read-only,
the recommender shares them between people. ``RECOMMENDATION_ADAPTER`` serialises a recommendation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from referentiel.masks import AUTONOMY_ORDER, AutonomyCode

Modality = Literal[
    "delegation",  # A0: someone does it for the person (an aidant, an Aidants Connect mandate)
    "orientation",  # A1: the right place near home
    "individual",  # A2: with a mediator at the person's side
    "collective",  # A3: a group workshop
    "self_study",  # A3: on one's own, with resources
    "peer_training",  # A4: learning to help others
]
Preference = Literal["individual", "collective"]
StepStatus = Literal["proposed", "booked", "done", "dropped"]
TriggerState = Literal["met", "not_met", "unknown"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Context(_Frozen):
    """What the recommender knows besides the scores; every field may be missing.

    ``goals`` is the autonomy the person wishes per need (kept as they chose it);
    ``max_km`` how far they can travel; ``education`` is asked nowhere yet and only sharpens
    the level correction when an API caller gives it.
    """

    needs: tuple[str, ...] = ()
    goals: dict[str, AutonomyCode] = Field(default_factory=dict)
    equipment: tuple[str, ...] | None = None
    age_band: str | None = None
    frequency: str | None = None
    commune: str | None = None
    knows_help: bool | None = None
    language: str = "fr"
    max_km: int | None = Field(default=None, ge=1, le=200)
    preference: Preference | None = None
    education: Literal["none", "secondary", "bac", "higher"] | None = None

    @classmethod
    def of_diagnostic(
        cls, answers: Mapping[str, Any], goals: Mapping[str, str], **more: Any
    ) -> Context:
        """The context of a diagnostic as it is stored (the referential's context answers
        and the goals chosen per need); ``more`` adds what the diagnostic does not hold
        (language, distance, preference). Values that do not fit are left out."""
        known = {
            "needs": tuple(v for v in answers.get("needs") or () if isinstance(v, str)),
            "goals": {k: v for k, v in goals.items() if v in AUTONOMY_ORDER},
        }
        equipment = answers.get("equipment")
        if isinstance(equipment, list):
            known["equipment"] = tuple(v for v in equipment if isinstance(v, str))
        for key in ("age_band", "frequency", "commune"):
            if isinstance(answers.get(key), str):
                known[key] = answers[key]
        if isinstance(answers.get("knows_help"), bool):
            known["knows_help"] = answers["knows_help"]
        return cls.model_validate({**known, **more})


@dataclass(slots=True)
class Why:
    """One reason, in the person's language, with the rule id and the answers it read."""

    rule: str
    text: str
    answers: tuple[str, ...] = ()


@dataclass(slots=True)
class SessionOption:
    """An upcoming session near the person with free seats, as the app's search found it.

    ``entry`` and ``exit`` are the workshop's levels for the step's competence.
    """

    id: str
    workshop_id: str
    title: str
    starts_at: datetime
    ends_at: datetime
    modality: Literal["individual", "collective", "self_study", "remote"]
    competence: str
    entry: int
    exit: int
    free_seats: int
    distance_km: float | None = None
    place: str | None = None
    commune: str | None = None
    score: float | None = None  # the model's chance of attending and passing, when it ranked


@dataclass(slots=True)
class PlaceOption:
    """A place near the person where help happens (orientation, delegation, fallback)."""

    id: str
    name: str
    address: str
    commune: str
    distance_km: float | None = None
    services: tuple[str, ...] = ()


@dataclass(slots=True)
class Resource:
    """Something to learn on one's own (self-study), from the rules file."""

    title: str
    url: str


@dataclass(slots=True)
class Step:
    """One competence to raise, from the level the person has to the level the goal needs."""

    competence: str
    from_level: int  # « from » and « to » in the API
    to_level: int
    kind: str
    modality: Modality
    sessions: tuple[SessionOption, ...] = ()
    resources: tuple[Resource, ...] = ()
    places: tuple[PlaceOption, ...] = ()
    status: StepStatus = "proposed"
    why: tuple[Why, ...] = ()


@dataclass(slots=True)
class NeedProposal:
    """For one need: where the person is, the goal, how, and the first steps."""

    need: str
    current: AutonomyCode
    proposed_goal: AutonomyCode
    goal: AutonomyCode
    modality: Modality
    warning: str | None = None
    steps: tuple[Step, ...] = ()
    places: tuple[PlaceOption, ...] = ()
    unresolved: tuple[str, ...] = ()  # competences whose triggers are unknown (not assessed)
    why: tuple[Why, ...] = ()


@dataclass(slots=True)
class Recommendation:
    rules_version: str
    model_version: str | None = None
    needs: tuple[NeedProposal, ...] = ()


RECOMMENDATION_ADAPTER: TypeAdapter[Recommendation] = TypeAdapter(Recommendation)
