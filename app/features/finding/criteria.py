"""What a search for sessions asks, and every problem with it at once (in French, field by
field, so that a page puts each message beside its field and the API lists them).

The same rules serve the API (``GET /api/v1/sessions``) and the public pages (/ateliers,
/aide-pres-de-chez-moi): one home for « which dates », « how far » and « which codes exist ».
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Final

from app.db.models import Modality
from app.territories import Commune, communes
from app.web import Msg
from app.when import PARIS, from_paris
from referentiel import load_referential

DEFAULT_DAYS: Final = 30  # « the next 30 days » when no end is given
MAX_DAYS: Final = 366
DEFAULT_DISTANCE_KM: Final = 20
MIN_DISTANCE_KM: Final = 1
MAX_DISTANCE_KM: Final = 200
DEFAULT_LIMIT: Final = 50
MAX_LIMIT: Final = 200

MSG_COMMUNE = "Aucune commune n'a le code INSEE « {code} »."
MSG_COMPETENCE = "Compétence inconnue : « {code} ». Codes possibles : {known}."
MSG_THEME = "Thème inconnu : « {code} ». Les thèmes sont ceux de La Coop de la médiation numérique."
MSG_MODALITY = "Modalité inconnue : « {code} ». Modalités possibles : {known}."
MSG_DATES_ORDER = "La date de fin est avant la date de début."
MSG_DATES_PAST = "Ces dates sont passées : cherchez à partir d'aujourd'hui."
MSG_DATES_LONG = "Cherchez sur {days} jours au plus."
MSG_DISTANCE = "La distance va de {min} à {max} km."
MSG_LIMIT = "Le nombre de résultats va de 1 à {max}."


@dataclass(frozen=True)
class SearchCriteria:
    """A search for sessions. Codes are the referential's competences (a workshop matches when
    it raises one of them), a Coop theme code, a modality's value; dates are Paris days, both
    included (none: from now, for the next 30 days); the distance is counted from the centroid
    of the commune (its INSEE code)."""

    commune: str | None = None
    competences: tuple[str, ...] = ()
    theme: str | None = None
    modality: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    distance_km: int = DEFAULT_DISTANCE_KM
    include_full: bool = False
    limit: int = DEFAULT_LIMIT


@dataclass(frozen=True)
class Window:
    """The UTC moments a search covers: sessions starting in [start, end)."""

    start: datetime
    end: datetime


class SearchError(ValueError):
    """Criteria that cannot be searched: the problem of each field, in French."""

    def __init__(self, problems: dict[str, Msg]) -> None:
        self.problems = problems
        super().__init__("; ".join(self.lines()))

    def lines(self) -> list[str]:
        """« field : message », in French, one per field (the API's ``problems``)."""
        return [f"{name} : {message.render(str)}" for name, message in self.problems.items()]


@dataclass(frozen=True)
class Checked:
    """Criteria found searchable: the commune, the modality and the moments they name."""

    criteria: SearchCriteria
    origin: Commune | None
    modality: Modality | None
    window: Window


def competence_codes() -> tuple[str, ...]:
    return tuple(c.code for c in load_referential().competences)


def theme_codes() -> tuple[str, ...]:
    return tuple(t.code for t in load_referential().frameworks.coop_thematiques)


def _unknown(given: Iterable[str], known: Iterable[str]) -> list[str]:
    allowed = set(known)
    return [code for code in given if code not in allowed]


def window_of(criteria: SearchCriteria, now: datetime) -> Window:
    """From the start of the first day (never before now: a session begun is not offered)
    to the end of the last one, in Paris time."""
    start = now
    if criteria.date_from is not None:
        start = max(now, from_paris(datetime.combine(criteria.date_from, time())))
    if criteria.date_to is not None:
        end = from_paris(datetime.combine(criteria.date_to + timedelta(days=1), time()))
    else:
        end = start + timedelta(days=DEFAULT_DAYS)
    return Window(start, end)


def check(criteria: SearchCriteria, now: datetime | None = None) -> Checked:
    """The criteria ready to search, or :class:`SearchError` with every problem."""
    now = now or datetime.now(UTC)
    problems: dict[str, Msg] = {}
    origin = None
    if criteria.commune is not None:
        origin = communes().get(criteria.commune)
        if origin is None:
            problems["commune"] = Msg(MSG_COMMUNE, {"code": criteria.commune})
    unknown = _unknown(criteria.competences, competence_codes())
    if unknown:
        known = ", ".join(competence_codes())
        problems["competences"] = Msg(MSG_COMPETENCE, {"code": unknown[0], "known": known})
    if criteria.theme is not None and criteria.theme not in theme_codes():
        problems["theme"] = Msg(MSG_THEME, {"code": criteria.theme})
    modality = None
    if criteria.modality is not None:
        modality = next((m for m in Modality if m.value == criteria.modality), None)
        if modality is None:
            known = ", ".join(m.value for m in Modality)
            problems["modality"] = Msg(MSG_MODALITY, {"code": criteria.modality, "known": known})
    dates = _dates_problem(criteria, now)
    if dates:
        problems["dates"] = dates
    if not MIN_DISTANCE_KM <= criteria.distance_km <= MAX_DISTANCE_KM:
        bounds = {"min": MIN_DISTANCE_KM, "max": MAX_DISTANCE_KM}
        problems["distance_km"] = Msg(MSG_DISTANCE, bounds)
    if not 1 <= criteria.limit <= MAX_LIMIT:
        problems["limit"] = Msg(MSG_LIMIT, {"max": MAX_LIMIT})
    if problems:
        raise SearchError(problems)
    return Checked(criteria, origin, modality, window_of(criteria, now))


def _dates_problem(criteria: SearchCriteria, now: datetime) -> Msg | None:
    first, last = criteria.date_from, criteria.date_to
    today = now.astimezone(PARIS).date()
    if first is not None and last is not None and last < first:
        return Msg(MSG_DATES_ORDER)
    if last is not None and last < today:
        return Msg(MSG_DATES_PAST)
    if last is not None and (last - max(first or today, today)).days >= MAX_DAYS:
        return Msg(MSG_DATES_LONG, {"days": MAX_DAYS})
    return None
