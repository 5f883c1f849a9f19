"""The trained model at run time: plain JSON in, numpy arithmetic out (no scikit-learn).

Two logistic models, trained by :mod:`pathways.training`:

* **Level correction**, ordinal (Frank & Hall): one logistic per threshold k = 1..4 gives
  P(true level >= k) from the self-reported level and who the person is; the four are made
  monotone (each at most the one below). ``expected_levels`` is their sum; ``placement`` is the
  highest k still reached with probability >= ``cautious`` (0.9): the level a step can start
  from without going over the person's head more than once in ten. A competence with
  evidence (an observed task, a Pix result) keeps the scorer's level: the model corrects what
  people say, not what was seen.
* **Session chances**: P(the person comes and passes the exit check) for one session.

Cost: per call, a memo keyed by the context's answers and by each competence's score object
gives the levels; a miss costs one 4×F matrix-vector product (F ≈ 26), and the memo fills after
a few hundred people. Warm, ``placement`` takes about 0.4 of the time scoring the same diagnostic
takes (7 µs against 17 µs on a loaded 2-core machine). ``session_chances`` is one n×F product
for n sessions.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from pathways.models import Context, SessionOption
from pathways.records import THRESHOLDS, SelfReport, SessionFacts
from referentiel.load import load_referential
from referentiel.models import Referential
from referentiel.scoring import CompetenceScore, DiagnosticResult

FORMAT: Literal["parcours-pathways-model/1"] = "parcours-pathways-model/1"
CAUTIOUS = 0.9
Vector = npt.NDArray[np.float64]

# Ordinal answers as numbers, centred, so that a coefficient reads « per step ».
AGE_YEARS = {
    "moins_de_douze": 10,
    "douze_dix_huit": 15,
    "dix_huit_vingt_quatre": 21,
    "vingt_cinq_trente_neuf": 32,
    "quarante_cinquante_neuf": 50,
    "soixante_soixante_neuf": 65,
    "soixante_dix_plus": 77,
}
EDUCATION = {"none": 0, "secondary": 1, "bac": 2, "higher": 3}
FREQUENCY = {"jamais": 0, "rarement": 1, "chaque_semaine": 2, "chaque_jour": 3}
SESSION_MODALITIES = ("individual", "collective", "self_study", "remote")

PERSON_FEATURES = (
    "age",  # decades from 50
    "age_unknown",
    "education",  # steps from the middle of none < secondary < bac < higher
    "education_unknown",
    "frequency",  # steps from the middle of jamais < rarement < chaque semaine < chaque jour
    "frequency_unknown",
    "no_device",
    "computer",
    "home_internet",
)
REPORT_FEATURES = (
    "level_0",
    "level_1",
    "level_2",
    "level_3",
    "level_4",
    "mean_answer",  # the plain mean of the answers, 0..4
    "items",
    "confidence",
)
SESSION_FEATURES = (
    "distance",  # log(1 + km)
    "distance_unknown",
    *(f"modality_{m}" for m in SESSION_MODALITIES),
    "preference_match",
    "preference_mismatch",
    "readiness",  # the model's expected level minus the session's entry level
    "gap",  # the step's from-level minus the entry level
    "stretch",  # the exit level minus the step's from-level
)

ContextKey = tuple[str | None, str | None, str | None, tuple[str, ...] | None]
ReportKey = tuple[str, int, int, float, float]  # competence, level, items, confidence, mean


class ModelError(ValueError):
    """A model file that cannot be used, with every reason in plain words."""


def level_features(ref: Referential) -> tuple[str, ...]:
    return (*REPORT_FEATURES, *(f"domain_{d.code}" for d in ref.domains), *PERSON_FEATURES)


def session_features() -> tuple[str, ...]:
    return (*SESSION_FEATURES, *PERSON_FEATURES)


def person_vector(context: Context) -> list[float]:
    age = AGE_YEARS.get(context.age_band or "")
    education = EDUCATION.get(context.education or "")
    frequency = FREQUENCY.get(context.frequency or "")
    equipment = context.equipment or ()
    return [
        0.0 if age is None else (age - 50) / 10,
        float(age is None),
        0.0 if education is None else education - 1.5,
        float(education is None),
        0.0 if frequency is None else frequency - 1.5,
        float(frequency is None),
        float(context.equipment is not None and (not equipment or "aucun" in equipment)),
        float("ordinateur" in equipment),
        float("connexion_domicile" in equipment),
    ]


def report_key(report: SelfReport) -> ReportKey:
    return (report.competence, report.level, report.items, report.confidence, report.mean)


def report_vector(domains: Sequence[str], domain: str, key: ReportKey) -> list[float]:
    _, level, items, confidence, mean = key
    one_hot = [0.0] * 5
    one_hot[level] = 1.0
    return [
        *one_hot,
        mean,
        items / 4,
        confidence,
        *(float(d == domain) for d in domains),
    ]


def session_vector(
    context: Context, facts: SessionFacts, expected: float, person: Sequence[float]
) -> list[float]:
    preferred = context.preference
    fits = facts.modality in ("individual", "collective") and preferred is not None
    return [
        0.0 if facts.distance_km is None else math.log1p(facts.distance_km),
        float(facts.distance_km is None),
        *(float(facts.modality == m) for m in SESSION_MODALITIES),
        float(fits and facts.modality == preferred),
        float(fits and facts.modality != preferred),
        expected - facts.entry,
        float(facts.from_level - facts.entry),
        float(facts.exit - facts.from_level),
        *person,
    ]


def context_key(context: Context) -> ContextKey:
    return (context.age_band, context.education, context.frequency, context.equipment)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class LevelPart(_Frozen):
    features: tuple[str, ...]
    thresholds: tuple[int, ...] = THRESHOLDS
    coefficients: tuple[tuple[float, ...], ...]
    intercepts: tuple[float, ...]
    cautious: float = Field(default=CAUTIOUS, gt=0.5, lt=1)


class SessionPart(_Frozen):
    features: tuple[str, ...]
    coefficients: tuple[float, ...]
    intercept: float


Metric = float | int | bool | str | None


class ModelBody(_Frozen):
    """The JSON file: everything needed to predict, and what it was trained on."""

    format: Literal["parcours-pathways-model/1"] = FORMAT
    version: str = Field(min_length=1, max_length=40)
    referential: str
    rules_version: str = Field(max_length=20)
    data_hash: str = Field(pattern=r"^[0-9a-f]{64}$")
    level: LevelPart
    sessions: SessionPart | None = None
    metrics: dict[str, Metric] = Field(default_factory=dict)


def _shape_problems(body: ModelBody, ref: Referential) -> list[str]:
    problems = []
    level = body.level
    if body.referential != ref.version:
        problems.append(
            f"référentiel {body.referential} : ce modèle a été appris pour une autre version "
            f"que {ref.version}"
        )
    if level.features != level_features(ref):
        problems.append("level.features : pas les caractéristiques que ce programme calcule")
    if tuple(level.thresholds) != THRESHOLDS:
        problems.append("level.thresholds : 1, 2, 3, 4 attendus")
    if len(level.coefficients) != len(THRESHOLDS) or len(level.intercepts) != len(THRESHOLDS):
        problems.append("level : un jeu de coefficients et une constante par seuil attendus")
    problems += [
        f"level.coefficients[{i}] : {len(row)} nombres pour {len(level.features)} caractéristiques"
        for i, row in enumerate(level.coefficients)
        if len(row) != len(level.features)
    ]
    if body.sessions is not None:
        if body.sessions.features != session_features():
            problems.append("sessions.features : pas les caractéristiques que ce programme calcule")
        if len(body.sessions.coefficients) != len(body.sessions.features):
            problems.append("sessions.coefficients : un nombre par caractéristique attendu")
    return problems


def read_body(raw: Any, ref: Referential | None = None) -> ModelBody:
    """A validated model body from parsed JSON; :class:`ModelError` lists what is wrong."""
    ref = ref or load_referential()
    try:
        body = ModelBody.model_validate(raw)
    except ValidationError as error:
        raise ModelError(
            "modèle illisible : "
            + " ; ".join(
                f"{'.'.join(str(p) for p in e['loc']) or 'fichier'} : {e['msg']}"
                for e in error.errors()
            )
        ) from None
    problems = _shape_problems(body, ref)
    if problems:
        raise ModelError("modèle inutilisable : " + " ; ".join(problems))
    return body


class PathwayModel:
    """A trained model, ready to predict; build it with :meth:`from_json`."""

    _MEMO_LIMIT = 50_000  # entries, about 10 MB; then it starts afresh

    def __init__(self, body: ModelBody, ref: Referential | None = None) -> None:
        self.body = body
        self.version = body.version
        self.rules_version = body.rules_version
        self.data_hash = body.data_hash
        self.ref = ref or load_referential()
        self._domains = tuple(d.code for d in self.ref.domains)
        self._domain_of = {c.code: c.domain for c in self.ref.competences}
        self._tubes = {
            c.code: tuple(i.id for i in self.ref.tube(c.code)) for c in self.ref.competences
        }
        self._level_w: Vector = np.array(body.level.coefficients, dtype=np.float64)
        self._level_b: Vector = np.array(body.level.intercepts, dtype=np.float64)
        if body.sessions is None:
            self._session_w: Vector | None = None
            self._session_b = 0.0
        else:
            self._session_w = np.array(body.sessions.coefficients, dtype=np.float64)
            self._session_b = body.sessions.intercept
        self._memo: dict[ContextKey, dict[int, tuple[CompetenceScore, tuple[int, float, int]]]] = {}
        self._people: dict[ContextKey, list[float]] = {}
        self._size = 0

    @classmethod
    def from_json(cls, raw: Any, ref: Referential | None = None) -> PathwayModel:
        ref = ref or load_referential()
        return cls(read_body(raw, ref), ref)

    def to_json(self) -> dict[str, Any]:
        return self.body.model_dump(mode="json")

    @property
    def metrics(self) -> Mapping[str, Metric]:
        return self.body.metrics

    # -- levels ------------------------------------------------------------------------------

    def level_probabilities(self, context: Context, key: ReportKey) -> Vector:
        """Monotone P(true >= k) for k = 1..4, for one self-reported competence."""
        x = np.array(
            report_vector(self._domains, self._domain_of[key[0]], key) + self._person(context),
            dtype=np.float64,
        )
        logits = self._level_w @ x + self._level_b
        return np.minimum.accumulate(1.0 / (1.0 + np.exp(-logits)))

    def _levels(self, context: Context, key: ReportKey) -> tuple[int, float, int]:
        """(placement, expected level, median level) for one self-reported competence."""
        p = self.level_probabilities(context, key)
        return (
            int(np.argmin(np.append(p >= self.body.level.cautious, False))),
            float(p.sum()),
            int(np.argmin(np.append(p >= 0.5, False))),  # the median
        )

    def _person(self, context: Context) -> list[float]:
        key = context_key(context)
        found = self._people.get(key)
        if found is None:
            found = self._people[key] = person_vector(context)
        return found

    def report_levels(self, context: Context, report: SelfReport) -> tuple[int, float, int]:
        """(placement, expected, median) for a training record's self-report."""
        return self._levels(context, report_key(report))

    def _competence_levels(
        self, context: Context, score: CompetenceScore, answers: Mapping[str, object]
    ) -> tuple[int, float, int]:
        assert score.level is not None
        values = [v for item in self._tubes[score.code] if type(v := answers.get(item)) is int]
        mean = round(sum(values) / len(values), 4) if values else float(score.level)
        return self._levels(context, (score.code, score.level, score.items, score.confidence, mean))

    def _memo_for(
        self, context: Context
    ) -> dict[int, tuple[CompetenceScore, tuple[int, float, int]]]:
        if self._size > self._MEMO_LIMIT:
            self._memo.clear()
            self._size = 0
        key = context_key(context)
        memo = self._memo.get(key)
        if memo is None:
            memo = self._memo[key] = {}
        return memo

    def _all_levels(
        self, result: DiagnosticResult, context: Context
    ) -> list[tuple[str, tuple[int, float, int]]]:
        """(placement, expected, median) per assessed competence, memoised by the context and
        the competence's score object: the scorer builds one per state of a competence's answers
        and keeps it, so the object stands for the answers (the memo holds it, so its id cannot
        be reused by another)."""
        memo = self._memo_for(context)
        answers = result.answers
        out = []
        for s in result.competences:
            level = s.level
            if level is None:
                continue
            if s.evidence or s.inferred:
                out.append((s.code, (level, float(level), level)))
                continue
            found = memo.get(id(s))
            if found is None or found[0] is not s:
                found = memo[id(s)] = (s, self._competence_levels(context, s, answers))
                self._size += 1
            out.append((s.code, found[1]))
        return out

    def placement(self, result: DiagnosticResult, context: Context) -> dict[str, int]:
        """Per assessed competence, the highest level reached with probability >= 0.9."""
        return {code: int(levels[0]) for code, levels in self._all_levels(result, context)}

    def expected_levels(self, result: DiagnosticResult, context: Context) -> dict[str, float]:
        """Per assessed competence, the expected true level (sum of P(true >= k))."""
        return {code: levels[1] for code, levels in self._all_levels(result, context)}

    # -- sessions ----------------------------------------------------------------------------

    def chances(
        self, context: Context, expected: float, facts: Sequence[SessionFacts]
    ) -> list[float]:
        """P(comes and passes the exit check) per session, for a person whose expected level in
        the sessions' competence is ``expected``."""
        if self._session_w is None or not facts:
            return [0.5] * len(facts)  # no outcome was learnt yet: no session is preferred
        person = self._person(context)
        x = np.array(
            [session_vector(context, f, expected, person) for f in facts], dtype=np.float64
        )
        return [float(v) for v in 1.0 / (1.0 + np.exp(-(x @ self._session_w + self._session_b)))]

    def session_chances(
        self,
        result: DiagnosticResult,
        context: Context,
        competence: str,
        from_level: int,
        sessions: Sequence[SessionOption],
    ) -> list[float]:
        """The chance that the person comes to each session and passes its exit check."""
        expected = self.expected_levels(result, context).get(competence, float(from_level))
        facts = [
            SessionFacts(
                competence=competence,
                modality=s.modality,
                entry=s.entry,
                exit=s.exit,
                from_level=from_level,
                distance_km=s.distance_km,
            )
            for s in sessions
        ]
        return self.chances(context, expected, facts)
