"""Context answers (equipment, age band, commune…): what fits each kind of question, and the
value a form's text stands for.

A context value is kept as JSON: a code for a ``single`` question, a list of codes for a
``multiple`` one, true or false for ``yes_no``, an INSEE code for ``commune``. Values arrive
typed (API) or as text (the resident's pages, paper entry, the scan review's buttons): both
ways go through this module, so each kind of question is described once.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from referentiel.models import ContextQuestion

INSEE_PATTERN = "[0-9][0-9AB][0-9]{3}"  # a commune's INSEE code (2A/2B: Corsica)
_INSEE = re.compile(INSEE_PATTERN)
# How a form says yes and no to a ``yes_no`` question.
YES, NO = "oui", "non"

ContextValue = str | bool | list[str]


class ContextValueError(ValueError):
    """A text that fits no choice of its question; the message says what is expected."""


def context_problem(question: ContextQuestion, value: object) -> str | None:
    """What ``question`` expects, when ``value`` does not fit it; None when it does."""
    codes = {o.code for o in question.options}
    if question.kind == "yes_no":
        ok = isinstance(value, bool)
        expected = "true ou false"
    elif question.kind == "single":
        ok = isinstance(value, str) and value in codes
        expected = "une de ces valeurs : " + ", ".join(sorted(codes))
    elif question.kind == "multiple":
        ok = isinstance(value, list) and all(isinstance(v, str) and v in codes for v in value)
        expected = "une liste parmi : " + ", ".join(sorted(codes))
    else:
        ok = isinstance(value, str) and _INSEE.fullmatch(value) is not None
        expected = "un code commune INSEE à 5 caractères"
    return None if ok else expected


def read_context_value(question: ContextQuestion, texts: Sequence[str]) -> ContextValue | None:
    """The value a form field's texts stand for (several for a ``multiple`` question).

    None when nothing was chosen (an empty ``multiple`` is the empty list: « none of these »);
    ContextValueError when a text fits no choice.
    """
    chosen = [t.strip() for t in texts if t.strip()]
    value: ContextValue
    if question.kind == "multiple":
        value = list(dict.fromkeys(chosen))
    elif not chosen:
        return None
    elif question.kind == "yes_no":
        if chosen[0] not in (YES, NO):
            raise ContextValueError(f"{YES} ou {NO}")
        value = chosen[0] == YES
    else:
        value = chosen[0]
    problem = context_problem(question, value)
    if problem is not None:
        raise ContextValueError(problem)
    return value


def as_text(value: object) -> list[str]:
    """A stored context value as the texts of its form field: the inverse of
    :func:`read_context_value`."""
    if value is None:
        return []
    if isinstance(value, bool):
        return [YES if value else NO]
    if isinstance(value, list):
        return [str(v) for v in value]
    return [str(value)]
