"""The one check of a workshop, for its pages and its API, every problem reported at once.

A workshop raises competences of the referential from an entry level to a higher exit level
(the referential's scale, 0 to 4), is about Coop themes (those of its competences when none is
named), and says how completion is proven: a task of the referential observed by the trainer
(an item, « Je sais… »), or the trainer's checklist of 1 to 8 short points.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final

from app.db.models import Modality, Workshop
from app.features.catalogue import fields
from app.features.catalogue.fields import FieldError
from app.features.catalogue.problems import CatalogueError, Said, Sentences
from app.features.catalogue.vocabulary import (
    LANGUAGES,
    coop_themes,
    fee_labels,
    public_labels,
    suggested_themes,
)
from app.web import Msg
from referentiel import Referential, load_referential
from referentiel.plain_language import problems as plain_language_problems

OBSERVED_TASK, CHECKLIST = "observed_task", "checklist"
LEVEL_MIN, LEVEL_MAX = 0, 4
DURATION_MIN, DURATION_MAX = 5, 1440
CHECKLIST_MAX, POINT_MAX = 8, 150
DESCRIPTION_MIN = 20

MSG_DESCRIPTION_SHORT = Msg(
    "Décrivez l'atelier en une ou deux phrases ({min} caractères au moins) : ce que la "
    "personne y apprend à faire."
)
MSG_NO_COMPETENCE = Msg("Choisissez au moins une compétence que l'atelier fait progresser.")
MSG_COMPETENCE_SHAPE = Msg(
    "Chaque compétence se donne avec son code et ses niveaux, par exemple "
    '{{"competence": "E1", "entry": 0, "exit": 2}}.'
)
MSG_COMPETENCE_UNKNOWN = Msg("Compétence inconnue : {code}. Codes du référentiel : {codes}.")
MSG_COMPETENCE_TWICE = Msg("La compétence {code} est donnée deux fois.")
MSG_LEVELS_MISSING = Msg("{code} : choisissez le niveau d'entrée et le niveau de sortie.")
MSG_LEVEL_RANGE = Msg("{code} : un niveau va de 0 à 4.")
MSG_EXIT_ABOVE_ENTRY = Msg(
    "{code} : le niveau de sortie doit être plus haut que le niveau d'entrée (entrée {entry}, "
    "sortie {exit})."
)
MSG_THEMES_UNKNOWN = Msg("Thème inconnu : {unknown}.")
MSG_MODALITY = Msg(
    "Choisissez comment l'atelier se passe : individuel, collectif, en autonomie ou à distance."
)
MSG_DURATION = Msg("Une durée va de {min} à {max} minutes, par exemple 90 pour 1 h 30.")
MSG_PRICE = Msg("Choisissez : {labels}.")
MSG_LANGUAGE = Msg("Choisissez une langue de la liste.")
MSG_EXIT_KIND = Msg(
    "Choisissez comment la fin de l'atelier est validée : une tâche observée ou une liste de "
    "points à vérifier."
)
MSG_ITEM_UNKNOWN = Msg("Choisissez une tâche du référentiel dans la liste.")
MSG_ITEM_OFF_TOPIC = Msg(
    "Cette tâche porte sur la compétence {code}, que l'atelier ne fait pas progresser : "
    "choisissez une tâche d'une de ses compétences."
)
MSG_CHECKLIST_COUNT = Msg("Écrivez de 1 à {max} points à vérifier, un par ligne.")
MSG_POINT_TOO_LONG = Msg("Le point {number} fait plus de {max} caractères : raccourcissez-le.")

READ_FIELDS: Final = (
    "title",
    "description",
    "competences",
    "themes",
    "modality",
    "duration_minutes",
    "publics",
    "price",
    "price_detail",
    "accessibility",
    "language",
    "exit_check",
)


def current_values(workshop: Workshop) -> dict[str, Any]:
    return {column: getattr(workshop, column) for column in READ_FIELDS}


def _level(value: Any) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    raise ValueError(value)


def read_competences(value: Any, ref: Referential) -> list[dict[str, Any]]:
    """``[{"competence": "E1", "entry": 0, "exit": 2}, …]`` in the referential's order."""
    if not isinstance(value, list) or not value:
        raise FieldError(MSG_NO_COMPETENCE)
    known = [c.code for c in ref.competences]
    read: dict[str, dict[str, Any]] = {}
    said: list[Msg] = []
    for row in value:
        if not isinstance(row, Mapping) or not isinstance(row.get("competence"), str):
            raise FieldError(MSG_COMPETENCE_SHAPE)
        code = row["competence"].strip().upper()
        if code not in known:
            codes = ", ".join(known)
            said.append(Msg(MSG_COMPETENCE_UNKNOWN.text, {"code": code, "codes": codes}))
            continue
        if code in read:
            said.append(Msg(MSG_COMPETENCE_TWICE.text, {"code": code}))
            continue
        try:
            entry, exit_ = _level(row.get("entry")), _level(row.get("exit"))
        except ValueError:
            said.append(Msg(MSG_LEVEL_RANGE.text, {"code": code}))
            continue
        if entry is None or exit_ is None:
            said.append(Msg(MSG_LEVELS_MISSING.text, {"code": code}))
        elif not (LEVEL_MIN <= entry <= LEVEL_MAX and LEVEL_MIN <= exit_ <= LEVEL_MAX):
            said.append(Msg(MSG_LEVEL_RANGE.text, {"code": code}))
        elif exit_ <= entry:
            params = {"code": code, "entry": entry, "exit": exit_}
            said.append(Msg(MSG_EXIT_ABOVE_ENTRY.text, params))
        read[code] = {"competence": code, "entry": entry, "exit": exit_}
    if said:
        raise FieldError(said[0] if len(said) == 1 else Sentences(tuple(said)))
    return [read[code] for code in known if code in read]


def _themes(value: Any, ref: Referential) -> list[str]:
    themes = coop_themes(ref)
    if value is None or value in ("", []):
        return []
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise FieldError(fields.MSG_LIST)
    unknown = sorted({v for v in values if v not in themes})
    if unknown:
        raise FieldError(Msg(MSG_THEMES_UNKNOWN.text, {"unknown": ", ".join(unknown)}))
    return [code for code in themes if code in values]


def _modality(value: Any) -> Modality:
    try:
        return Modality(value)
    except ValueError:
        raise FieldError(MSG_MODALITY) from None


def _duration(value: Any) -> int:
    wrong = FieldError(Msg(MSG_DURATION.text, {"min": DURATION_MIN, "max": DURATION_MAX}))
    try:
        minutes = fields.whole(value)
    except FieldError:
        raise wrong from None
    if minutes is None or not DURATION_MIN <= minutes <= DURATION_MAX:
        raise wrong
    return minutes


def _price(value: Any) -> str:
    labels = fee_labels()
    if value is None or value == "":
        return labels[0]
    if value not in labels:
        shown = ", ".join(f"« {label} »" for label in labels)
        raise FieldError(Msg(MSG_PRICE.text, {"labels": shown}))
    return str(value)


def _language(value: Any) -> str:
    if value is None or value == "":
        return "fr"
    if value not in LANGUAGES:
        raise FieldError(MSG_LANGUAGE)
    return str(value)


def read_exit_check(value: Any, competences: list[str] | None, ref: Referential) -> dict[str, Any]:
    """``{"kind": "observed_task", "item": "E1.2"}`` or ``{"kind": "checklist", "points":
    […]}``; an observed task is an item of one of the workshop's competences (``None``: not
    known yet, because they are wrong)."""
    if not isinstance(value, Mapping) or value.get("kind") not in (OBSERVED_TASK, CHECKLIST):
        raise FieldError(MSG_EXIT_KIND)
    if value["kind"] == OBSERVED_TASK:
        items = {item.id: item for item in ref.items}
        chosen = value.get("item")
        item = items.get(chosen) if isinstance(chosen, str) else None
        if item is None:
            raise FieldError(MSG_ITEM_UNKNOWN)
        if competences is not None and item.competence not in competences:
            raise FieldError(Msg(MSG_ITEM_OFF_TOPIC.text, {"code": item.competence}))
        return {"kind": OBSERVED_TASK, "item": item.id}
    raw = value.get("points")
    if isinstance(raw, str):
        raw = raw.splitlines()
    if not isinstance(raw, list) or not all(isinstance(p, str) for p in raw):
        raise FieldError(Msg(MSG_CHECKLIST_COUNT.text, {"max": CHECKLIST_MAX}))
    points = [" ".join(p.split()) for p in raw if p.strip()]
    if not 1 <= len(points) <= CHECKLIST_MAX:
        raise FieldError(Msg(MSG_CHECKLIST_COUNT.text, {"max": CHECKLIST_MAX}))
    for number, point in enumerate(points, 1):
        if len(point) > POINT_MAX:
            params = {"number": number, "max": POINT_MAX}
            raise FieldError(Msg(MSG_POINT_TOO_LONG.text, params))
    return {"kind": CHECKLIST, "points": points}


def _description(value: Any) -> str | None:
    found = fields.text(value, 5_000, required=True)
    if found is not None and len(found) < DESCRIPTION_MIN:
        raise FieldError(Msg(MSG_DESCRIPTION_SHORT.text, {"min": DESCRIPTION_MIN}))
    return found


def _readers(ref: Referential) -> dict[str, Callable[[Any], Any]]:
    return {
        "title": lambda v: fields.line(v, 150, required=True),
        "description": _description,
        "competences": lambda v: read_competences(v, ref),
        "themes": lambda v: _themes(v, ref),
        "modality": _modality,
        "duration_minutes": _duration,
        "publics": lambda v: fields.labels(v, public_labels()),
        "price": _price,
        "price_detail": lambda v: fields.line(v, 200),
        "accessibility": lambda v: fields.text(v, 500),
        "language": _language,
    }


def read_workshop(given: Mapping[str, Any], current: Workshop | None = None) -> dict[str, Any]:
    """The columns to store for a new workshop (``current`` None) or a change to ``current``
    (fields not given keep their value); raises :class:`CatalogueError` with every problem.
    Without themes, a workshop takes those the referential gives its competences."""
    ref = load_referential()
    before = {} if current is None else current_values(current)
    problems: dict[str, Said] = {}
    values: dict[str, Any] = {}
    for column, reader in _readers(ref).items():
        try:
            values[column] = reader(given[column] if column in given else before.get(column))
        except FieldError as problem:
            problems[column] = problem.said
    codes = [c["competence"] for c in values["competences"]] if "competences" in values else None
    exit_check = given["exit_check"] if "exit_check" in given else before.get("exit_check")
    try:
        values["exit_check"] = read_exit_check(exit_check, codes, ref)
    except FieldError as problem:
        problems["exit_check"] = problem.said
    if problems:
        raise CatalogueError(problems)
    if not values["themes"]:
        values["themes"] = suggested_themes(codes or (), ref)
    return values


def plain_language_advice(values: Mapping[str, Any]) -> list[str]:
    """What a resident may stumble on in the title and description (no point médian, no
    jargon without a plain word and an example): advice shown to the author, not a refusal."""
    text = f"{values.get('title') or ''}\n{values.get('description') or ''}"
    return plain_language_problems(text, "fr")
