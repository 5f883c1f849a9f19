"""The public pages' forms, read without HTTP: the search (/ateliers), the help page's
question, and the booking form. Each gives what it reads as, or a problem per field (the page
puts each beside its field and in the summary at the top)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from app.features.finding.criteria import (
    DEFAULT_DISTANCE_KM,
    SearchCriteria,
    SearchError,
    check,
)
from app.territories import Picked, pick
from app.web import Msg

DISTANCES = (5, 10, 20, 30, 50, 100)
TYPED_MAX = 100
MSG_COMMUNE_EMPTY = "Tapez le nom de votre commune ou son code postal, par exemple 18000 Bourges."
MSG_DATE = "Tapez une date comme 08/12/2026."
MSG_CONSENT = "Cochez la case pour accepter que la structure vous contacte au sujet de cet atelier."
# Where the criteria's problems go on the page: field name on the page for each criterion.
FIELDS = {
    "commune": "commune",
    "competences": "apprendre",
    "theme": "apprendre",
    "modality": "apprendre",
    "dates": "du",
    "distance_km": "distance",
    "limit": "distance",
}

Query = Mapping[str, Sequence[str]]


def _first(query: Query, key: str, most: int = TYPED_MAX) -> str:
    values = query.get(key) or [""]
    return values[0].strip()[:most]


def read_commune(typed: str, chosen: str = "") -> tuple[Picked, Msg | None]:
    """A commune field (and the candidate picked under it) read by the service's one lookup,
    and its problem: nothing typed, none or several communes (the candidates, never a guess)."""
    picked = pick(typed, chosen)
    if picked.commune is None and picked.problem is None:
        return picked, Msg(MSG_COMMUNE_EMPTY)
    return picked, None if picked.problem is None else Msg(picked.problem)


def read_date(typed: str) -> date | None:
    """« 2026-12-08 » (a date field) or « 08/12/2026 » (typed where the browser has none)."""
    for shape in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(typed, shape).date()
        except ValueError:
            continue
    raise ValueError(typed)


@dataclass
class SearchForm:
    """The search as typed (shown again as it was) and what it reads as."""

    commune: str = ""
    choice: str = ""
    learn: list[str] = field(default_factory=list)
    date_from: str = ""
    date_to: str = ""
    distance: str = str(DEFAULT_DISTANCE_KM)
    full: bool = False

    @classmethod
    def of(cls, query: Query) -> SearchForm:
        return cls(
            commune=_first(query, "commune"),
            choice=_first(query, "choix", 5),
            learn=[v[:5] for v in (query.get("apprendre") or [])][:20],
            date_from=_first(query, "du", 10),
            date_to=_first(query, "au", 10),
            distance=_first(query, "distance", 3) or str(DEFAULT_DISTANCE_KM),
            full=_first(query, "complet") == "1",
        )


@dataclass(frozen=True)
class SearchRead:
    criteria: SearchCriteria | None
    commune: Picked
    errors: dict[str, Msg]


def read_search(form: SearchForm, now: datetime | None = None) -> SearchRead:
    """The criteria of a search typed on the page, or every problem at once, by field."""
    errors: dict[str, Msg] = {}
    commune, problem = read_commune(form.commune, form.choice)
    if problem is not None:
        errors["commune"] = problem
    dates: dict[str, date | None] = {}
    for name, typed in (("du", form.date_from), ("au", form.date_to)):
        try:
            dates[name] = read_date(typed) if typed else None
        except ValueError:
            errors[name] = Msg(MSG_DATE)
    distance = int(form.distance) if form.distance.isdigit() else 0
    criteria = SearchCriteria(
        commune=commune.commune.insee if commune.commune else None,
        competences=tuple(form.learn),
        date_from=dates.get("du"),
        date_to=dates.get("au"),
        distance_km=distance,
        include_full=form.full,
    )
    try:
        check(criteria, now)
    except SearchError as error:
        for name, message in error.problems.items():
            errors.setdefault(FIELDS.get(name, name), message)
    return SearchRead(None if errors else criteria, commune, errors)


_SPACES = re.compile(r"\s+")


@dataclass
class BookingForm:
    """The resident's booking form: an e-mail or a phone, and their consent."""

    email: str = ""
    phone: str = ""
    consent: bool = False

    @classmethod
    def of(cls, data: Mapping[str, str]) -> BookingForm:
        return cls(
            email=data.get("email", "").strip()[:320],
            phone=_SPACES.sub(" ", data.get("telephone", "")).strip()[:30],
            consent=data.get("consentement") == "oui",
        )

    def problems(self) -> dict[str, Msg]:
        """What the page checks itself; the contact's shape is the bookings' rule."""
        return {} if self.consent else {"consentement": Msg(MSG_CONSENT)}
