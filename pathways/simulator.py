"""A seeded simulator of residents, to train and test the model before real outcomes exist.

Each simulated person has a true level per competence, answers the diagnostic with the bias
people really show, and sometimes is observed, imports a Pix result, books sessions, comes or
not, and passes the exit check or not. The same seed gives the same people.

Priors (what is sourced, and what is the project's assumption):

* **Self-report bias.** P(answer « je le fais sans aide » or more | the person cannot) = 0.65,
  inside the 0.6-0.7 that the published gaps suggest: in Austria 94 % rated their skills
  average to very good and 39 % reached a matching test result (ICDL, 2016); in Switzerland
  more than two thirds over-estimated (ECDL, about 500 people tested). Someone who can already
  rates one step too high with P = 0.25 (assumption).
* **Who over-reports** (Palczyńska & Rynko 2021, *Quality & Quantity* 55:917-943,
  doi 10.1007/s11135-020-01031-4, Eurostat self-reports against PIAAC-style tests): more with
  education (+0.35 log-odds per step of none < secondary < bac < higher), less with age
  (-0.25 per decade from 50), less for women (-0.4). The sizes are assumptions; the directions
  are the paper's. Sex shapes the answers here but is no feature of the model: the forms do
  not ask it, and a correction by sex would treat people by a trait rather than by what was
  seen of them; its share of the bias stays as noise. ICDL's « Perception & Reality » found no
  skill advantage for the young, so age lowers the true level only mildly here.
* **Domains differ** (assumption, in ICDL's direction that confidence and skill part most where
  mistakes are not seen at once): security (P) +0.5, information (I) +0.3, communication (C) 0,
  writing documents (R) -0.2, using a device (E) -0.4.
* **True levels** come from one latent ability per person (education, frequency of use, a
  computer at home raise it; age and having no device lower it), minus each competence's rank
  in the referential's prerequisite order, plus noise: earlier competences are mostly held
  first, loosely.
* **Evidence.** 35 % of people are observed on 1-3 competences: the task is passed when the
  true level is >= 2, with 5 % noise either way. 12 % bring Pix results, on the CRCN
  competences that map onto one of ours, one Pix level off with P = 0.2.
* **Sessions** (assumptions, in the directions the workshop offer's staff report): people
  come less when it is far (-0.55 per unit of log(1 + km)), when the modality is not the one
  they prefer (-0.7, +0.7 when it is), when it is remote and they have no device or no
  connection at home (-1.2), and later dates see more no-shows (-0.02 per day); people over 60
  come a little more (+0.25). Who comes gains 0, 1 or 2 levels (P 0.25, 0.55, 0.2) when the
  session's entry level is within their true level, else 0 or 1 (P 0.75, 0.25); they pass the
  exit check when their level then reaches the session's exit level.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal, TypeVar, get_args

import numpy as np

from pathways.model import AGE_YEARS
from pathways.models import Context, Preference
from pathways.records import (
    LevelRecord,
    OutcomeRecord,
    Records,
    SessionFacts,
    SessionModality,
    observations_from_evidence,
    self_reports,
    targets_of,
)
from pathways.rules import Rules, load_rules
from referentiel.answers import UNKNOWN, Answer, Evidence
from referentiel.masks import AutonomyCode
from referentiel.models import Referential

T = TypeVar("T", bound=str)
Education = Literal["none", "secondary", "bac", "higher"]
EDUCATIONS: tuple[Education, ...] = get_args(Education)


@dataclass(frozen=True)
class Priors:
    """The simulator's knobs; the defaults are the priors of the module's docstring."""

    cannot_says_can: float = 0.65
    can_says_more: float = 0.25
    education: float = 0.35
    age: float = -0.25
    female: float = -0.4
    domain: dict[str, float] = field(
        default_factory=lambda: {"E": -0.4, "I": 0.3, "C": 0.0, "P": 0.5, "R": -0.2}
    )
    observed_share: float = 0.35
    task_noise: float = 0.05
    pix_share: float = 0.12
    booking_share: float = 0.45
    unknown_answer: float = 0.03

    def unbiased(self) -> Priors:
        """The same world where people rate themselves without a planted bias."""
        return Priors(
            cannot_says_can=0.05,
            can_says_more=0.05,
            education=0.0,
            age=0.0,
            female=0.0,
            domain=dict.fromkeys(self.domain, 0.0),
        )


@dataclass(frozen=True, slots=True)
class SimulatedBooking:
    id: str
    session: SessionFacts
    attended: bool
    passed: bool


@dataclass(frozen=True, slots=True)
class SimulatedPerson:
    """One resident: who they are, what they truly can do, and what they said and did."""

    id: str
    context: Context
    female: bool
    truth: dict[str, int]
    answers: dict[str, Answer]
    evidence: tuple[Evidence, ...]
    bookings: tuple[SimulatedBooking, ...]


# Shares of the public of digital mediation (assumption: older than the population).
_AGE_BANDS = (
    ("douze_dix_huit", 0.02),
    ("dix_huit_vingt_quatre", 0.08),
    ("vingt_cinq_trente_neuf", 0.18),
    ("quarante_cinquante_neuf", 0.25),
    ("soixante_soixante_neuf", 0.2),
    ("soixante_dix_plus", 0.24),
    ("non_communique", 0.03),
)
_AGE_YEARS = {**AGE_YEARS, "non_communique": 55}
_FREQUENCIES = ("jamais", "rarement", "chaque_semaine", "chaque_jour")
_GOALS: tuple[tuple[AutonomyCode, float], ...] = (
    ("A0", 0.05),
    ("A1", 0.1),
    ("A2", 0.25),
    ("A3", 0.45),
    ("A4", 0.15),
)
_MODALITIES: tuple[tuple[SessionModality, float], ...] = (
    ("individual", 0.3),
    ("collective", 0.5),
    ("remote", 0.1),
    ("self_study", 0.1),
)


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def _logit(p: float) -> float:
    return math.log(p / (1 - p))


def _choice(rng: np.random.Generator, options: Sequence[tuple[T, float]]) -> T:
    weights = np.array([w for _, w in options])
    return options[int(rng.choice(len(options), p=weights / weights.sum()))][0]


class Simulator:
    """People for one referential; ``communes`` are the INSEE codes people live in."""

    def __init__(
        self,
        ref: Referential,
        communes: Sequence[str] = ("18033",),
        priors: Priors | None = None,
    ) -> None:
        self.ref = ref
        self.communes = tuple(communes)
        self.priors = priors or Priors()
        order = ref.prerequisite_order
        self.rank = {code: order.index(code) / max(1, len(order) - 1) for code in order}
        self.domain = {c.code: c.domain for c in ref.competences}
        self.tubes = {c.code: ref.tube(c.code) for c in ref.competences}
        self.paper = {i.id for i in ref.form_items("papier")}
        self.pix = {
            crcn.code: mapped[0]
            for crcn in ref.frameworks.crcn_competences
            if len(mapped := [c.code for c in ref.competences if crcn.code in c.mappings.crcn]) == 1
        }

    def people(self, n: int, seed: int) -> list[SimulatedPerson]:
        rng = np.random.default_rng(seed)
        return [self._person(rng, f"sim-{seed}-{index}") for index in range(n)]

    # -- one person ---------------------------------------------------------------------------

    def _person(self, rng: np.random.Generator, person_id: str) -> SimulatedPerson:
        age_band = _choice(rng, _AGE_BANDS)
        decades = (_AGE_YEARS[age_band] - 50) / 10
        education = EDUCATIONS[int(np.clip(round(1.4 - 0.35 * decades + rng.normal(0, 0.9)), 0, 3))]
        school = EDUCATIONS.index(education) - 1.5
        female = bool(rng.random() < 0.55)
        frequency = _FREQUENCIES[
            int(np.clip(round(2.2 - 0.35 * decades + 0.3 * school + rng.normal(0, 0.8)), 0, 3))
        ]
        often = _FREQUENCIES.index(frequency) - 1.5
        equipment = self._equipment(rng, decades, school)
        no_device = equipment == ("aucun",)
        computer = "ordinateur" in equipment
        ability = (
            0.3 * school
            + 0.5 * often
            + 0.3 * computer
            - 0.1 * decades
            - 0.6 * no_device
            + rng.normal(0, 0.8)
        )
        truth = {
            code: int(
                np.clip(round(2.3 + ability - 2.0 * self.rank[code] + rng.normal(0, 0.5)), 0, 4)
            )
            for code in self.rank
        }
        bias = (
            self.priors.education * school + self.priors.age * decades + self.priors.female * female
        )
        answers = self._answers(rng, truth, bias)
        needs = tuple(
            str(n)
            for n in rng.choice(
                [need.code for need in self.ref.needs], size=int(rng.integers(1, 4)), replace=False
            )
        )
        goals: dict[str, AutonomyCode] = {n: _choice(rng, _GOALS) for n in needs}
        preference: Preference | None = (
            None if rng.random() < 0.3 else ("individual" if rng.random() < 0.45 else "collective")
        )
        context = Context(
            needs=needs,
            goals=goals,
            equipment=equipment,
            age_band=age_band,
            frequency=frequency,
            commune=self.communes[int(rng.integers(len(self.communes)))],
            knows_help=bool(rng.random() < 0.4),
            preference=preference,
            education=education,
        )
        evidence = self._evidence(rng, truth)
        bookings = self._bookings(rng, person_id, context, truth=truth, answers=answers)
        return SimulatedPerson(person_id, context, female, truth, answers, evidence, bookings)

    def _equipment(
        self, rng: np.random.Generator, decades: float, school: float
    ) -> tuple[str, ...]:
        owned = []
        if rng.random() < _sigmoid(2.0 - 0.5 * decades):
            owned.append("smartphone")
        if rng.random() < 0.25:
            owned.append("tablette")
        if rng.random() < _sigmoid(0.2 + 0.6 * school - 0.2 * decades):
            owned.append("ordinateur")
        if owned and rng.random() < 0.75:
            owned.append("connexion_domicile")
        return tuple(owned) or ("aucun",)

    def _answers(
        self, rng: np.random.Generator, truth: dict[str, int], bias: float
    ) -> dict[str, Answer]:
        form = rng.random()
        answers: dict[str, Answer] = {}
        for code, tube in self.tubes.items():
            shift = bias + self.priors.domain.get(self.domain[code], 0.0)
            says_can = _sigmoid(_logit(self.priors.cannot_says_can) + shift)
            says_more = _sigmoid(_logit(self.priors.can_says_more) + shift)
            mean_difficulty = sum(i.difficulty for i in tube) / len(tube)
            if form < 0.35:  # the complete form
                asked = tube
            elif form < 0.75:  # the paper form
                asked = tuple(i for i in tube if i.id in self.paper)
            elif rng.random() < 0.8:  # the short form: at most two items, some competences skipped
                asked = tube[len(tube) // 2 - 1 : len(tube) // 2 + 1]
            else:
                asked = ()
            for item in asked:
                if rng.random() < self.priors.unknown_answer:
                    answers[item.id] = UNKNOWN
                    continue
                can = int(
                    np.clip(
                        round(
                            truth[code]
                            + 0.6 * (mean_difficulty - item.difficulty)
                            + rng.normal(0, 0.4)
                        ),
                        0,
                        4,
                    )
                )
                if can < 2 and rng.random() < says_can:
                    said = 3 if rng.random() < 0.2 else 2
                elif can >= 2 and rng.random() < says_more:
                    said = min(4, can + 1)
                else:
                    said = can
                answers[item.id] = said
        return answers

    def _evidence(self, rng: np.random.Generator, truth: dict[str, int]) -> tuple[Evidence, ...]:
        evidence = []
        if rng.random() < self.priors.observed_share:
            codes = list(truth)
            for index in rng.choice(len(codes), size=int(rng.integers(1, 4)), replace=False):
                code = codes[int(index)]
                passed = (truth[code] >= 2) != bool(rng.random() < self.priors.task_noise)
                evidence.append(
                    Evidence(
                        kind="observed_task", competence=code, passed=passed, source="simulation"
                    )
                )
        if rng.random() < self.priors.pix_share:
            for crcn, code in self.pix.items():
                if rng.random() < 0.6:
                    pix = (0, 1, 2, 4, 6)[truth[code]] + int(
                        rng.random() < 0.5 * (truth[code] in (2, 3))
                    )
                    if rng.random() < 0.2:
                        pix += 1 if rng.random() < 0.5 else -1
                    evidence.append(
                        Evidence(
                            kind="pix",
                            pix_competence=crcn,
                            pix_level=int(np.clip(pix, 0, 8)),
                            source="simulation",
                        )
                    )
        return tuple(evidence)

    def outcome(
        self, rng: np.random.Generator, context: Context, truth: int, facts: SessionFacts
    ) -> tuple[bool, bool]:
        """Whether someone of ``context`` whose true level is ``truth`` comes to such a session,
        and passes its exit check (the docstring's priors)."""
        equipment = context.equipment or ()
        offline = "aucun" in equipment or "connexion_domicile" not in equipment
        decades = (_AGE_YEARS.get(context.age_band or "non_communique", 55) - 50) / 10
        distance = facts.distance_km
        fits = facts.modality in ("individual", "collective") and context.preference is not None
        come = (
            1.6
            - (0.0 if distance is None else 0.55 * math.log1p(distance))
            + (0.7 if fits and facts.modality == context.preference else 0.0)
            - (0.7 if fits and facts.modality != context.preference else 0.0)
            - (1.2 if facts.modality == "remote" and offline else 0.0)
            - 0.02 * facts.days_ahead
            + (0.25 if decades >= 1.5 else 0.0)
        )
        attended = bool(rng.random() < _sigmoid(come))
        ready = truth >= facts.entry
        gain = int(rng.choice(3, p=[0.25, 0.55, 0.2])) if ready else int(rng.random() < 0.25)
        return attended, attended and min(4, truth + gain) >= facts.exit

    def _bookings(
        self,
        rng: np.random.Generator,
        person_id: str,
        context: Context,
        *,
        truth: dict[str, int],
        answers: dict[str, Answer],
    ) -> tuple[SimulatedBooking, ...]:
        if rng.random() >= self.priors.booking_share:
            return ()
        reports = self_reports(self.ref, answers)
        targets = targets_of(self.ref, context, goal_levels(load_rules()))
        wanted = [c for c, t in targets.items() if c in reports and reports[c].level < t]
        bookings = []
        for number, code in enumerate(wanted[:2]):
            from_level = reports[code].level
            entry = max(0, from_level - int(rng.random() < 0.35))
            exit_level = min(4, from_level + 1 + int(rng.random() < 0.3))
            if exit_level <= entry:
                continue
            modality = _choice(rng, _MODALITIES)
            distance = (
                None
                if modality in ("remote", "self_study")
                else float(np.round(np.exp(rng.normal(math.log(8), 0.8)), 1))
            )
            days = int(rng.integers(1, 46))
            facts = SessionFacts(code, modality, entry, exit_level, from_level, distance, days)
            attended, passed = self.outcome(rng, context, truth[code], facts)
            bookings.append(SimulatedBooking(f"{person_id}-b{number}", facts, attended, passed))
        return tuple(bookings)


def goal_levels(rules: Rules) -> dict[str, int | None]:
    """What each goal asks of a need's competences, from the rules (None: the need's own
    minimum); goals without a rule (A0, A1) ask none."""
    return {g.goal: None if g.level == "besoin" else g.level for g in rules.goal_levels}


def records_of(ref: Referential, people: Sequence[SimulatedPerson]) -> Records:
    """The training records the service would have kept about these people, with the truth."""
    levels = []
    outcomes = []
    for person in people:
        reports = self_reports(ref, person.answers)
        observed = observations_from_evidence(ref, person.evidence)
        targets = targets_of(ref, person.context, goal_levels(load_rules()))
        for code, report in reports.items():
            levels.append(
                LevelRecord(
                    person.id,
                    person.context,
                    report,
                    observed.get(code, ()),
                    targets.get(code),
                    person.truth[code],
                )
            )
        for booking in person.bookings:
            booked = reports.get(booking.session.competence)
            if booked is not None:
                outcomes.append(
                    OutcomeRecord(
                        person.id,
                        booking.id,
                        person.context,
                        booked,
                        booking.session,
                        booking.passed,
                        booking.attended,
                    )
                )
    return Records(tuple(levels), tuple(outcomes), source="simulation")
