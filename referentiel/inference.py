"""What the short form does not ask a beginner, and takes as not yet acquired instead.

The rules are data (``inferences`` in the referential, each with an id): when every one of a
rule's items, the first questions of the first competences in the prerequisite order, is
answered 0 or 1 (not done alone), the harder competences behind them are not asked. They take
the level ``NOT_YET``, marked with the rule's id and its confidence, lower than one answer's,
so that every page can say « à vérifier avec un médiateur ». A competence with an answer on
the scale, or with evidence, is measured: a rule never overrides it.

``NOT_YET`` is 0, not 1: an inferred competence must not reach a need's « with someone » step
(level 1) as a real answer of 1 would; at 0 it holds a need back exactly as an unknown
competence does, so a higher answer that withdraws the inference lowers nothing.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from referentiel.answers import Answer
from referentiel.models import Inference, Referential
from referentiel.rules import ALONE

NOT_YET = 0


def holds(rule: Inference, answers: Mapping[str, Answer]) -> bool:
    """Every item of the rule is answered on the scale, below « alone »."""
    for item in rule.items:
        value = answers.get(item)
        if not isinstance(value, int) or value >= ALONE:
            return False
    return True


def inferred(
    ref: Referential, answers: Mapping[str, Answer], measured: Collection[str] = ()
) -> dict[str, Inference]:
    """Competence code -> the first rule that takes it as not yet acquired, leaving out the
    ``measured`` competences."""
    found: dict[str, Inference] = {}
    for rule in ref.inferences:
        if holds(rule, answers):
            for code in rule.competences:
                if code not in measured:
                    found.setdefault(code, rule)
    return found
