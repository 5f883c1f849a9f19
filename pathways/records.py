"""What the model learns from: one record per fact the service can check afterwards.

The simulator (:mod:`pathways.simulator`) writes them, and the app writes the same from its
database, so training and evaluation never know where the records came from.

* A :class:`LevelRecord` is one competence of one diagnostic: what the person said (the rules'
  level from the answers alone, and the plain mean of the answers), who they are, and what was
  observed. Observations are *censored* labels: each says whether « true level >= k » held for
  one threshold k, because that is all a check shows. A mediator's observed task tests k = 2
  (« seul quand tout se passe bien »): passed means true >= 2, failed means true <= 1. A Pix
  level gives the level itself (:func:`pix_to_level`), so it answers every threshold. A trainer's
  exit check at level e tests k = e of the level *at the check*: it labels a diagnostic taken
  after the check, never the one before (the workshop may have taught the level).
* An :class:`OutcomeRecord` is one booking: the person, the session as it was proposed, and
  whether they came and passed the exit check.

Only outcome-independent tests enter a threshold's training set: a passed task says nothing of
k = 1 that a failed one would have said too, so it is not used for k = 1 (using it would keep
only the people who passed, and bias that threshold upwards).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from pydantic import TypeAdapter

from pathways.models import Context
from referentiel.answers import Answer, Evidence
from referentiel.models import Referential
from referentiel.rules import round_half_down
from referentiel.scoring import score

THRESHOLDS = (1, 2, 3, 4)
TASK_THRESHOLD = 2  # an observed task checks « seul quand tout se passe bien »
SessionModality = Literal["individual", "collective", "self_study", "remote"]

# Pix levels (0..8, CRCN) on our scale: 1 « novice », 2-3 « seul », 4-5 « indépendant »,
# 6 and above « avancé, peut aider »; the referential's scoring floors agree (Pix >= 2 -> 2,
# Pix >= 4 -> 3).
_PIX_TO_LEVEL = (0, 1, 2, 2, 3, 3, 4, 4, 4)


def pix_to_level(pix_level: int) -> int:
    return _PIX_TO_LEVEL[max(0, min(pix_level, len(_PIX_TO_LEVEL) - 1))]


@dataclass(frozen=True, slots=True)
class Observation:
    """« true level >= threshold » was checked and ``passed`` (or not), by ``source``."""

    threshold: int
    passed: bool
    source: Literal["observed_task", "pix", "exit_check", "mediator"]


def observations_of_level(
    level: int, source: Literal["pix", "mediator"]
) -> tuple[Observation, ...]:
    """A known level answers every threshold."""
    return tuple(Observation(k, level >= k, source) for k in THRESHOLDS)


@dataclass(frozen=True, slots=True)
class SelfReport:
    """One competence as the scorer read the answers alone (no evidence): its level, how many
    items were answered, the scorer's confidence, and the plain mean of the answers (``mean``,
    and rounded, ``raw_level``: what the person said, before any rule)."""

    competence: str
    domain: str
    level: int
    items: int
    confidence: float
    mean: float
    raw_level: int


@dataclass(frozen=True, slots=True)
class LevelRecord:
    """One competence of one diagnostic, with what was observed of it.

    ``target`` is the level the person's own goals ask of this competence (None when no goal
    needs it): a step is proposed when an estimate is below it. ``truth`` exists only for
    simulated people.
    """

    person: str
    context: Context
    report: SelfReport
    observations: tuple[Observation, ...] = ()
    target: int | None = None
    truth: int | None = None

    def label(self, threshold: int) -> bool | None:
        """Whether true >= ``threshold``, when a test of that threshold says so (the last one)."""
        found = None
        for observation in self.observations:
            if observation.threshold == threshold:
                found = observation.passed
        return found

    @property
    def bounds(self) -> tuple[int, int]:
        """The narrowest interval of levels the observations allow (0..4 when none)."""
        low, high = 0, 4
        for observation in self.observations:
            if observation.passed:
                low = max(low, observation.threshold)
            else:
                high = min(high, observation.threshold - 1)
        return low, max(low, high)


@dataclass(frozen=True, slots=True)
class SessionFacts:
    """A booked session as it was proposed: where, how, and for which step."""

    competence: str
    modality: SessionModality
    entry: int
    exit: int
    from_level: int
    distance_km: float | None = None
    days_ahead: int = 0


@dataclass(frozen=True, slots=True)
class OutcomeRecord:
    """One booking: did the person come and pass the exit check (``succeeded``)?"""

    person: str
    booking: str
    context: Context
    report: SelfReport
    session: SessionFacts
    succeeded: bool
    attended: bool = False


@dataclass(frozen=True, slots=True)
class Records:
    levels: tuple[LevelRecord, ...] = ()
    outcomes: tuple[OutcomeRecord, ...] = ()
    source: str = field(default="database")


RECORDS_ADAPTER: TypeAdapter[Records] = TypeAdapter(Records)


def data_hash(records: Records) -> str:
    """SHA-256 of the records in a canonical form (sorted keys and order, no truth): the same
    facts give the same hash whatever order the database returned them in."""
    payload = RECORDS_ADAPTER.dump_python(records, mode="json")
    for level in payload["levels"]:
        level.pop("truth")
    payload["levels"].sort(key=lambda r: (r["person"], r["report"]["competence"]))
    payload["outcomes"].sort(key=lambda r: (r["person"], r["booking"]))
    payload.pop("source")
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _pix_competences(ref: Referential) -> dict[str, tuple[str, ...]]:
    return {
        crcn.code: tuple(c.code for c in ref.competences if crcn.code in c.mappings.crcn)
        for crcn in ref.frameworks.crcn_competences
    }


def observations_from_evidence(
    ref: Referential, evidence: Sequence[Evidence]
) -> dict[str, tuple[Observation, ...]]:
    """Per competence, what a diagnostic's evidence observed: a task tests k = 2; a Pix level,
    on every competence its CRCN code maps to, gives the level."""
    pix = _pix_competences(ref)
    found: dict[str, list[Observation]] = {}
    for item in evidence:
        if item.kind == "observed_task" and item.competence is not None and item.passed is not None:
            found.setdefault(item.competence, []).append(
                Observation(TASK_THRESHOLD, item.passed, "observed_task")
            )
        elif item.kind == "pix" and item.pix_level is not None:
            codes = (
                (item.competence,) if item.competence else pix.get(item.pix_competence or "", ())
            )
            for code in codes:
                if code is not None:
                    found.setdefault(code, []).extend(
                        observations_of_level(pix_to_level(item.pix_level), "pix")
                    )
    return {code: tuple(seen) for code, seen in found.items()}


def self_reports(ref: Referential, answers: Mapping[str, Answer]) -> dict[str, SelfReport]:
    """Each assessed competence as the answers alone put it (evidence left out: it is the label)."""
    result = score(ref, answers)
    domain = {c.code: c.domain for c in ref.competences}
    reports = {}
    for competence in result.competences:
        if competence.level is None or competence.inferred:
            continue
        values = [
            v for item in ref.tube(competence.code) if isinstance(v := answers.get(item.id), int)
        ]
        mean = sum(values) / len(values) if values else float(competence.level)
        raw = round_half_down(sum(values), len(values)) if values else competence.level
        reports[competence.code] = SelfReport(
            competence.code,
            domain[competence.code],
            competence.level,
            competence.items,
            competence.confidence,
            round(mean, 4),
            raw,
        )
    return reports


def targets_of(
    ref: Referential, context: Context, goal_level: Mapping[str, int | None]
) -> dict[str, int]:
    """The level each competence must reach for the person's goals: for each need with a goal,
    ``goal_level`` maps the goal to a level (None: the need's own minimum, from the referential;
    an absent goal asks nothing); the highest wins."""
    targets: dict[str, int] = {}
    for need in ref.needs:
        goal = context.goals.get(need.code)
        if goal is None or goal not in goal_level:
            continue
        fixed = goal_level[goal]
        for code, minimum in need.requires.items():
            level = minimum if fixed is None else fixed
            targets[code] = max(targets.get(code, 0), level)
    return targets
