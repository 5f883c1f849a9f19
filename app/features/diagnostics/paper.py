"""The paper Numérimètre typed in by a mediator: what the form posts -> a checked submission,
or the problems per row and per field in plain French, with every typed value kept.

Each answer is one character, typed without looking at the screen: 0 to 4, or « ? » when the
box is empty or crossed out on the sheet. French AZERTY keyboards give « à & é " ' » on the
digit keys without Shift, and « , » on the « ? » key: those are read as the digit or « ? »
they stand for, and so is « . » (the numeric keypad's key next to 0). The referential's own
check (:func:`referentiel.submission.read_submission`) then runs, exactly as for an online
or API submission.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from app.territories import CommuneError, as_typed, resolve
from app.web import FormData, Msg, many, one
from referentiel.answers import UNKNOWN, Answer
from referentiel.context import ContextValueError, as_text, read_context_value
from referentiel.models import Item, Referential
from referentiel.submission import Submission, SubmissionError, read_submission

KEY_ALIASES = {"à": "0", "&": "1", "é": "2", '"': "3", "'": "4", ",": "?", ".": "?"}
ITEM_FIELD = "item-"
GOAL_FIELD = "goal-"
FORM_KEY_FIELD = "formulaire"
_FORM_KEY = re.compile(r"[A-Za-z0-9_-]{16,64}")

MSG_EMPTY_FORM = "Le formulaire est vide : tapez les réponses de la feuille, une par ligne."
MSG_CELL_EMPTY = "Case vide : tapez 0 à 4, ou ? si la personne n'a pas répondu."
MSG_CELL_BAD = "« {typed} » ne convient pas : tapez 0, 1, 2, 3, 4 ou ?."
MSG_CHOICE_UNKNOWN = "Ce choix n'existe pas : choisissez dans la liste."
MSG_GOAL_UNKNOWN = "Objectif inconnu : choisissez de A0 à A4."


def read_cell(typed: str) -> Answer | None:
    """The answer one typed character stands for, or None when it is not an answer."""
    value = KEY_ALIASES.get(typed, typed)
    if value == UNKNOWN:
        return UNKNOWN
    if len(value) == 1 and value in "01234":
        return int(value)
    return None


def read_commune(typed: str) -> tuple[str | None, Msg | None]:
    """A typed commune (postal code and name, name, INSEE code) -> its INSEE code, or the
    problem, which says what to type for each candidate."""
    try:
        commune = resolve(typed)
    except CommuneError as error:
        return None, Msg(error.message, error.params)
    return None if commune is None else commune.insee, None


def new_form_key() -> str:
    return secrets.token_urlsafe(18)


def row_anchor(item_id: str) -> str:
    """An id usable in a URL fragment and a CSS selector: E1.1 -> r-E1-1."""
    return "r-" + item_id.replace(".", "-")


@dataclass
class PaperEntry:
    """One paper form as typed (strings, as they must be shown again after an error)."""

    cells: dict[str, str]
    age_band: str = ""
    equipment: list[str] = field(default_factory=list)
    frequency: str = ""
    commune: str = ""
    knows_help: str = ""
    needs: list[str] = field(default_factory=list)
    goals: dict[str, str] = field(default_factory=dict)
    form_key: str = field(default_factory=new_form_key)

    @classmethod
    def blank(
        cls, ref: Referential, age_band: str | None = None, commune: str | None = None
    ) -> PaperEntry:
        """An empty form; a known person's age band and commune (as typed, `as_typed`) are
        filled in already."""
        bands = {o.code for q in ref.context_questions if q.id == "age_band" for o in q.options}
        return cls(
            cells={item.id: "" for item in ref.form_items("papier")},
            age_band=age_band if age_band in bands else "",
            commune=commune or "",
        )

    @classmethod
    def of(
        cls,
        ref: Referential,
        answers: Mapping[str, Any],
        context: Mapping[str, Any],
        goals: Mapping[str, str],
    ) -> PaperEntry:
        """A recorded paper diagnostic as it was typed, to correct it."""
        return cls(
            cells={item.id: str(answers.get(item.id, "")) for item in ref.form_items("papier")},
            age_band=str(context.get("age_band", "")),
            equipment=list(context.get("equipment", [])),
            frequency=str(context.get("frequency", "")),
            commune=as_typed(context.get("commune")),
            knows_help="".join(as_text(context.get("knows_help"))),
            needs=list(context.get("needs", [])),
            goals=dict(goals),
        )

    @classmethod
    def from_form(cls, ref: Referential, data: FormData) -> PaperEntry:
        key = one(data, FORM_KEY_FIELD)
        return cls(
            cells={
                item.id: one(data, ITEM_FIELD + item.id)[:8] for item in ref.form_items("papier")
            },
            age_band=one(data, "age_band"),
            equipment=many(data, "equipment"),
            frequency=one(data, "frequency"),
            commune=one(data, "commune")[:100],
            knows_help=one(data, "knows_help"),
            needs=many(data, "needs"),
            goals={
                need.code: goal for need in ref.needs if (goal := one(data, GOAL_FIELD + need.code))
            },
            form_key=key if _FORM_KEY.fullmatch(key) else new_form_key(),
        )

    def fingerprint_payload(self) -> dict[str, Any]:
        return {
            "cells": self.cells,
            "context": [
                self.age_band,
                self.equipment,
                self.frequency,
                self.commune,
                self.knows_help,
                self.needs,
            ],
            "goals": self.goals,
        }


@dataclass
class PaperCheck:
    """The outcome: a submission, or the problems by field key.

    Keys: an item id for a row, a context question id, ``goal-<need>`` for a goal, and ``""``
    for the form as a whole. Insertion order is the order of the form.
    """

    submission: Submission | None
    errors: dict[str, Msg]
    commune_insee: str | None = None


def check_paper(ref: Referential, entry: PaperEntry) -> PaperCheck:
    items: tuple[Item, ...] = ref.form_items("papier")
    errors: dict[str, Msg] = {}
    answers: dict[str, Answer] = {}
    if not any(entry.cells.get(item.id) for item in items):
        errors[""] = Msg(MSG_EMPTY_FORM)
    else:
        for item in items:
            typed = entry.cells.get(item.id, "")
            value = read_cell(typed)
            if not typed:
                errors[item.id] = Msg(MSG_CELL_EMPTY)
            elif value is None:
                errors[item.id] = Msg(MSG_CELL_BAD, {"typed": typed})
            else:
                answers[item.id] = value

    context: dict[str, Any] = {}
    questions = {q.id: q for q in ref.context_questions}
    # A goal written for a need names that need, even if its box was not ticked.
    fields = {
        "age_band": [entry.age_band],
        "equipment": entry.equipment,
        "frequency": [entry.frequency],
        "knows_help": [entry.knows_help],
        "needs": list(dict.fromkeys([*entry.needs, *entry.goals])),
    }
    for key, texts in fields.items():
        try:
            chosen = read_context_value(questions[key], texts)
        except ContextValueError:
            errors[key] = Msg(MSG_CHOICE_UNKNOWN)
            continue
        if chosen not in (None, []):
            context[key] = chosen
    commune_insee, commune_error = read_commune(entry.commune)
    if commune_insee is not None:
        context["commune"] = commune_insee
    if commune_error is not None:
        errors["commune"] = commune_error

    # The same check as an online or API submission; its findings go to their field.
    try:
        submission = read_submission({"answers": answers, "context": context, "goals": entry.goals})
    except SubmissionError as error:
        submission = None
        for line in error.problems:
            where, _, _message = line.partition(" : ")
            section, _, key = where.partition(".")
            key = key or where
            if section == "goals":
                errors.setdefault(GOAL_FIELD + key, Msg(MSG_GOAL_UNKNOWN))
            else:
                errors.setdefault(key, Msg(MSG_CHOICE_UNKNOWN if key in context else line))
    if errors:
        return PaperCheck(None, _ordered(ref, errors), commune_insee)
    return PaperCheck(submission, {}, commune_insee)


def _ordered(ref: Referential, errors: dict[str, Msg]) -> dict[str, Msg]:
    """Errors in the order of the form: the whole form, rows, context questions, goals."""
    order = [
        "",
        *(i.id for i in ref.form_items("papier")),
        *ref.forms.papier.context,
        *(GOAL_FIELD + n.code for n in ref.needs),
    ]
    rank = {key: index for index, key in enumerate(order)}
    return dict(sorted(errors.items(), key=lambda kv: rank.get(kv[0], len(order))))
