"""The scoring rules, written for reading (research/referentiels.md §6.5, made monotone).

* Inside a competence the items form a tube ordered by difficulty. An unanswered item is
  imputed from the answered items of the nearest difficulty, then bounded Pix-style: a harder
  item done alone (>= 2) means this one is done at least as well; an easier item not done alone
  (<= 1) means this one is done no better.
* The competence level is the weighted mean of the tube (weights 1, 1.5, 2 for difficulties
  1, 2, 3), rounded to the nearest level, halves going down.
* Evidence outranks self-report: a failed observed task caps the level at 1; a passed one or a
  Pix level >= 2 raises it to at least 2 (Pix >= 4, « indépendant », to at least 3).
* A domain's level is the mean of its known competences, rounded the same way.
* The profile and the autonomy per need are in :mod:`referentiel.masks`.

Every rule is monotone: raising an answer can only raise what it feeds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from referentiel.answers import Evidence

WEIGHTS = {1: 2, 2: 3, 3: 4}  # 1, 1.5 and 2, doubled to stay in integers
ALONE = 2  # « Je le fais seul·e quand tout se passe bien »
MAX_LEVEL = 4
PIX_ALONE, PIX_INDEPENDENT = 2, 4


@dataclass(frozen=True, slots=True)
class Tube:
    """One competence's items, easiest first, as the scorer sees them."""

    code: str
    difficulties: tuple[int, ...]

    @property
    def weights(self) -> tuple[int, ...]:
        return tuple(WEIGHTS[d] for d in self.difficulties)


def round_half_down(numerator: int, denominator: int) -> int:
    """Nearest integer of a non-negative ratio, halves going down (the cautious side)."""
    whole, rest = divmod(numerator, denominator)
    return whole + 1 if 2 * rest > denominator else whole


def tube_values(tube: Tube, answers: Sequence[int | None]) -> list[Fraction]:
    """Each item's value, answered or imputed; empty when nothing was answered."""
    answered = [(d, v) for d, v in zip(tube.difficulties, answers, strict=True) if v is not None]
    if not answered:
        return []
    values = []
    for difficulty, value in zip(tube.difficulties, answers, strict=True):
        if value is not None:
            values.append(Fraction(value))
            continue
        nearest = min(abs(d - difficulty) for d, _ in answered)
        close = [(WEIGHTS[d], v) for d, v in answered if abs(d - difficulty) == nearest]
        base = Fraction(sum(w * v for w, v in close), sum(w for w, _ in close))
        floor = max((v for d, v in answered if d > difficulty and v >= ALONE), default=0)
        ceiling = min((v for d, v in answered if d < difficulty and v < ALONE), default=MAX_LEVEL)
        values.append(min(max(base, Fraction(floor)), Fraction(ceiling)))
    return values


def tube_level(tube: Tube, answers: Sequence[int | None]) -> int | None:
    values = tube_values(tube, answers)
    if not values:
        return None
    weights = tube.weights
    mean = sum((w * v for w, v in zip(weights, values, strict=True)), Fraction(0)) / sum(weights)
    return round_half_down(mean.numerator, mean.denominator)


def tube_confidence(tube: Tube, answers: Sequence[int | None]) -> float:
    """How much to trust a self-reported level: more answers, fewer contradictions.

    A contradiction is a harder item rated well above an easier one, which a tube says
    should not happen; it usually means a misread question.
    """
    answered = [(d, v) for d, v in zip(tube.difficulties, answers, strict=True) if v is not None]
    if not answered:
        return 0.0
    coverage = min(len(answered), 3) / 3
    worst = max(
        (max(0, vb - va - 1) for da, va in answered for db, vb in answered if db > da),
        default=0,
    )
    return round(coverage * (1 - worst / MAX_LEVEL), 2)


def level_with_evidence(level: int | None, evidence: Sequence[Evidence]) -> int | None:
    """Observed facts outrank self-report; floors first, then a failed task caps."""
    for item in evidence:
        floor = _evidence_floor(item)
        if floor is not None:
            level = max(level or 0, floor)
    if any(item.kind == "observed_task" and item.passed is False for item in evidence):
        level = min(level if level is not None else 1, 1)
    return level


def _evidence_floor(item: Evidence) -> int | None:
    if item.kind == "observed_task":
        return ALONE if item.passed else None
    return pix_floor(item.pix_level or 0)


def pix_floor(pix_level: int) -> int | None:
    """The level a Pix level proves on our scale (2 from Pix 2, 3 from Pix 4), or None."""
    if pix_level >= PIX_INDEPENDENT:
        return 3
    return ALONE if pix_level >= PIX_ALONE else None
