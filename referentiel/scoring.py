"""Scoring a diagnostic: answers (and evidence) -> levels, profile, autonomy per need.

The rules live in :mod:`referentiel.rules` and :mod:`referentiel.masks`. This module applies
them fast: everything the referential fixes is computed once per referential, and each
competence's possible tube states (6 per item: absent or 0..4) are scored once and cached,
so scoring a diagnostic is a few table lookups and integer operations.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import dataclass

from pydantic import TypeAdapter

from referentiel.answers import UNKNOWN, Answer, Evidence
from referentiel.inference import NOT_YET, inferred
from referentiel.masks import (
    AUTONOMY_ORDER,
    COUNT_SHIFT,
    DOMAINS_AT,
    FIELD,
    FIELD_MASK,
    PROFILE_ORDER,
    AutonomyCode,
    ProfileCode,
    autonomy_levels,
    competence_bits,
    needs_allowed,
    profile_of,
)
from referentiel.models import Referential
from referentiel.rules import (
    ALONE,
    Tube,
    level_with_evidence,
    round_half_down,
    tube_confidence,
    tube_level,
)

__all__ = ["AUTONOMY_ORDER", "PROFILE_ORDER", "DiagnosticResult", "Scorer", "score"]

_STATES = 6  # per item: absent, then values 0..4
_NO_DOMAINS: frozenset[int] = frozenset()


@dataclass(frozen=True, slots=True)
class CompetenceScore:
    """One competence's level; ``inferred`` names the rule when it was not asked but taken as
    not yet acquired (:mod:`referentiel.inference`)."""

    code: str
    level: int | None
    items: int
    confidence: float
    evidence: tuple[Evidence, ...] = ()
    inferred: str | None = None


@dataclass(frozen=True, slots=True)
class DomainScore:
    """One domain's level; ``inferred`` when an inferred competence is part of it."""

    code: str
    level: int | None
    inferred: bool = False


@dataclass(frozen=True, slots=True)
class NeedAutonomy:
    need: str
    level: AutonomyCode


@dataclass(slots=True)
class DiagnosticResult:
    """A scored diagnostic; it keeps its inputs so that it can explain itself later.

    ``profile`` is None until every core competence is measured: ``to_complete`` lists the
    ones still without a level (« à compléter »).

    One is built per diagnostic on the hot path, hence a plain dataclass (not frozen, which
    costs a third of the scoring time); treat it as read-only. ``RESULT_ADAPTER`` serialises it.
    """

    version: str
    competences: tuple[CompetenceScore, ...]
    domains: tuple[DomainScore, ...]
    profile: ProfileCode | None
    autonomy: tuple[NeedAutonomy, ...]
    answers: Mapping[str, Answer]
    evidence: tuple[Evidence, ...] = ()
    knows_help: bool | None = None
    to_complete: tuple[str, ...] = ()

    def competence(self, code: str) -> CompetenceScore:
        return next(c for c in self.competences if c.code == code)

    def domain(self, code: str) -> DomainScore:
        return next(d for d in self.domains if d.code == code)

    def need(self, code: str) -> AutonomyCode:
        return next(a.level for a in self.autonomy if a.need == code)


RESULT_ADAPTER: TypeAdapter[DiagnosticResult] = TypeAdapter(DiagnosticResult)


class ScoringError(ValueError):
    """An answer the scale does not allow, or an item the referential does not have."""


def _decode(code: int, size: int) -> tuple[int | None, ...]:
    digits = []
    for _ in range(size):
        code, digit = divmod(code, _STATES)
        digits.append(None if digit == 0 else digit - 1)
    return tuple(digits)


class Scorer:
    """One referential's scoring, with everything the referential fixes computed once."""

    def __init__(self, ref: Referential) -> None:
        self.ref = ref
        domains = [d.code for d in ref.domains]
        self.tubes = [
            Tube(c.code, tuple(i.difficulty for i in ref.tube(c.code))) for c in ref.competences
        ]
        self._domain_of = [domains.index(c.domain) for c in ref.competences]
        # item id -> (competence index, what each answer adds to its tube's base-6 state)
        self._slot = {
            item.id: (index, {UNKNOWN: 0} | {v: (v + 1) * _STATES**place for v in range(5)})
            for index, comp in enumerate(ref.competences)
            for place, item in enumerate(ref.tube(comp.code))
        }
        self._tables: list[dict[int, tuple[CompetenceScore, int, int]]] = [{} for _ in self.tubes]
        self._domain_tables: list[dict[int, DomainScore]] = [{} for _ in domains]
        position = {c.code: i for i, c in enumerate(ref.competences)}
        self._core_bits = [(c, 1 << position[c]) for c in ref.core_competences]
        self._core = sum(bit for _, bit in self._core_bits)
        self._missing: dict[int, tuple[str, ...]] = {}
        self._basics = sum(1 << position[c] for c in ("E1", "E2") if c in position)
        self._requires = [n.requires for n in ref.needs]
        self._packed: dict[tuple[int, int | None], tuple[int, int]] = {}
        self._autonomy: dict[tuple[int, bool | None], tuple[NeedAutonomy, ...]] = {}
        # Each inference rule's items as (competence index, base-6 place value): a quick look
        # at the encoded answers tells when a rule may hold (rarely).
        places = {
            item.id: (index, _STATES**place)
            for index, comp in enumerate(ref.competences)
            for place, item in enumerate(ref.tube(comp.code))
        }
        self._gates = [tuple(places[item] for item in rule.items) for rule in ref.inferences]
        # (rule id, competence) -> where its inferred score goes, and that score
        self._guesses = {
            (rule.id, code): (
                position[code],
                CompetenceScore(code, NOT_YET, 0, rule.confidence, inferred=rule.id),
            )
            for rule in ref.inferences
            for code in rule.competences
        }
        self._crcn = {
            crcn: {c.code for c in ref.competences if crcn in c.mappings.crcn}
            for c in ref.competences
            for crcn in c.mappings.crcn
        }

    def score(
        self,
        answers: Mapping[str, Answer],
        evidence: Sequence[Evidence] = (),
        knows_help: bool | None = None,
    ) -> DiagnosticResult:
        scores = []
        packed = 0
        allowed = -1
        tables = self._tables
        states = self._encode(answers)
        for index, state in enumerate(states):
            score, bits, needs = tables[index].get(state) or self._fill(index, state)
            scores.append(score)
            packed += bits
            allowed &= needs
        if evidence:
            scores = [self._with_evidence(s, evidence) for s in scores]
            packed, allowed = self._pack(s.level for s in scores)
        # The profile reads measured levels only; inferred ones feed domains and needs.
        profile = profile_of(packed, self._core, self._basics)
        to_complete = () if profile is not None else self._unmeasured_core(packed)
        guessed: Set[int] = _NO_DOMAINS
        for gates in self._gates:
            for index, place in gates:
                if not 0 < states[index] // place % _STATES <= ALONE:  # answered 0 or 1
                    break
            else:
                guessed = self._inferred(answers, scores)
                break
        if guessed:
            packed, allowed = self._pack(s.level for s in scores)
        return DiagnosticResult(
            version=self.ref.version,
            competences=tuple(scores),
            domains=self._domains(packed >> DOMAINS_AT, guessed),
            profile=profile,
            autonomy=self._autonomy.get((allowed, knows_help))
            or self._autonomy_of(allowed, knows_help),
            answers=answers,
            evidence=tuple(evidence),
            knows_help=knows_help,
            to_complete=to_complete,
        )

    def _inferred(self, answers: Mapping[str, Answer], scores: list[CompetenceScore]) -> set[int]:
        """Put each competence an inference rule takes as not yet acquired in ``scores``; the
        indexes of the domains they belong to."""
        measured = {s.code for s in scores if s.level is not None or s.evidence}
        domains = set()
        for code, rule in inferred(self.ref, answers, measured).items():
            index, guess = self._guesses[rule.id, code]
            scores[index] = guess
            domains.add(self._domain_of[index])
        return domains

    def _unmeasured_core(self, packed: int) -> tuple[str, ...]:
        """The core competences without a level, from the known bits (field 0)."""
        missing = self._core & ~packed & FIELD_MASK
        found = self._missing.get(missing)
        if found is None:
            found = self._missing[missing] = tuple(
                code for code, bit in self._core_bits if missing & bit
            )
        return found

    def _encode(self, answers: Mapping[str, Answer]) -> list[int]:
        """Each competence's tube state as one base-6 number (digit 0 = not answered).

        Values are checked by equality with the scale (0..4, « ? »); payloads from outside are
        type-checked before, by :func:`referentiel.submission.read_submission`.
        """
        states = [0] * len(self.tubes)
        slot = self._slot
        for item_id, value in answers.items():
            try:
                index, adds = slot[item_id]
            except KeyError:
                raise ScoringError(f"item inconnu : {item_id}") from None
            try:
                states[index] += adds[value]
            except (KeyError, TypeError):
                raise ScoringError(
                    f"réponse {value!r} hors de l'échelle pour l'item {item_id}"
                ) from None
        return states

    def _fill(self, index: int, state: int) -> tuple[CompetenceScore, int, int]:
        tube = self.tubes[index]
        answers = _decode(state, len(tube.difficulties))
        score = CompetenceScore(
            tube.code,
            tube_level(tube, answers),
            items=sum(v is not None for v in answers),
            confidence=tube_confidence(tube, answers),
        )
        bits, allowed = self._pack_one(index, score.level)
        entry = self._tables[index][state] = (score, bits, allowed)
        return entry

    def _pack_one(self, index: int, level: int | None) -> tuple[int, int]:
        """What one competence at ``level`` adds, cached: inferred levels and evidence repack
        a whole diagnostic."""
        entry = self._packed.get((index, level))
        if entry is None:
            code = self.tubes[index].code
            entry = self._packed[index, level] = (
                competence_bits(index, self._domain_of[index], level),
                needs_allowed(self._requires, code, level),
            )
        return entry

    def _pack(self, levels: Iterable[int | None]) -> tuple[int, int]:
        packed, allowed = 0, -1
        for index, level in enumerate(levels):
            bits, needs = self._pack_one(index, level)
            packed += bits
            allowed &= needs
        return packed, allowed

    def _domains(self, totals: int, inferred: Set[int]) -> tuple[DomainScore, ...]:
        """Domain levels from the packed (sum, count) fields, one cached score per value."""
        out = []
        for index, table in enumerate(self._domain_tables):
            key = (totals >> (FIELD * index)) & FIELD_MASK
            score = table.get(key)
            if score is None:
                count, total = divmod(key, 1 << COUNT_SHIFT)
                level = round_half_down(total, count) if count else None
                score = table[key] = DomainScore(self.ref.domains[index].code, level)
            if index in inferred:
                score = DomainScore(score.code, score.level, inferred=True)
            out.append(score)
        return tuple(out)

    def _autonomy_of(self, allowed: int, knows_help: bool | None) -> tuple[NeedAutonomy, ...]:
        levels = autonomy_levels(allowed, len(self._requires), knows_help)
        result = tuple(
            NeedAutonomy(need.code, level)
            for need, level in zip(self.ref.needs, levels, strict=True)
        )
        self._autonomy[allowed, knows_help] = result
        return result

    def _with_evidence(
        self, score: CompetenceScore, evidence: Sequence[Evidence]
    ) -> CompetenceScore:
        mine = tuple(
            e
            for e in evidence
            if e.competence == score.code
            or (e.pix_competence is not None and score.code in self._crcn.get(e.pix_competence, ()))
        )
        if not mine:
            return score
        return CompetenceScore(
            score.code, level_with_evidence(score.level, mine), score.items, 1.0, mine
        )


_SCORERS: dict[int, tuple[Referential, Scorer]] = {}


def scorer_for(ref: Referential) -> Scorer:
    """One scorer per referential object (the referential holds dicts, so it is unhashable)."""
    entry = _SCORERS.get(id(ref))
    if entry is None or entry[0] is not ref:
        entry = _SCORERS[id(ref)] = (ref, Scorer(ref))
    return entry[1]


def score(
    ref: Referential,
    answers: Mapping[str, Answer],
    evidence: Sequence[Evidence] = (),
    knows_help: bool | None = None,
) -> DiagnosticResult:
    """Score one diagnostic against the referential it was taken with."""
    return scorer_for(ref).score(answers, evidence, knows_help)
