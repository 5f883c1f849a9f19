"""Repeated sessions: the plain choices a trainer makes (« le mardi et le jeudi, toutes les
deux semaines, 6 fois » or « jusqu'au 31 janvier »), the RFC 5545 rule stored for them, and
their occurrences in Paris wall-clock time (a 14 h session stays at 14 h when the clocks
change), computed by ``dateutil.rrule``.

Only weekly rules are taken, with a count or an end date: every rule read here ends, and none
can describe a pattern that never happens (a loop over years looking for it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from dateutil.rrule import rrulestr

from app.web import Msg

WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
MAX_INTERVAL = 4  # « toutes les 4 semaines » at most
MAX_OCCURRENCES = 104  # two a week for a year


@dataclass(frozen=True)
class Repeat:
    """Every ``interval`` weeks, on ``weekdays`` (0 = Monday), ``count`` times in all or until
    ``until`` (a day, included)."""

    weekdays: frozenset[int]
    interval: int = 1
    count: int | None = None
    until: date | None = None

    def rule(self) -> str:
        """The RFC 5545 RRULE. UNTIL is a floating time, like the series' start it goes with
        (both are Paris wall-clock times)."""
        parts = [
            "FREQ=WEEKLY",
            f"INTERVAL={self.interval}",
            "BYDAY=" + ",".join(WEEKDAY_CODES[d] for d in sorted(self.weekdays)),
        ]
        if self.count is not None:
            parts.append(f"COUNT={self.count}")
        if self.until is not None:
            parts.append(f"UNTIL={self.until:%Y%m%d}T235959")
        return ";".join(parts)


def repeat_problems(repeat: Repeat) -> dict[str, Msg]:
    """What is wrong with the choices, field by field (empty when they make a series)."""
    problems: dict[str, Msg] = {}
    if not repeat.weekdays or not repeat.weekdays <= set(range(7)):
        problems["weekdays"] = Msg("Cochez au moins un jour de la semaine.")
    if not 1 <= repeat.interval <= MAX_INTERVAL:
        problems["interval"] = Msg(
            "Choisissez une séance chaque semaine, ou toutes les 2, 3 ou 4 semaines."
        )
    if (repeat.count is None) == (repeat.until is None):
        problems["count"] = Msg(
            "Donnez soit un nombre de séances, soit une date de fin, mais pas les deux."
        )
    elif repeat.count is not None and not 1 <= repeat.count <= MAX_OCCURRENCES:
        problems["count"] = Msg("Le nombre de séances va de 1 à {max}.", {"max": MAX_OCCURRENCES})
    return problems


def occurrences(first_start: datetime, repeat: Repeat) -> list[datetime]:
    """The local starts (naive, Paris wall-clock) of a series whose choices are valid: the
    chosen weekdays on or after ``first_start``'s day, each at its time. At most
    ``MAX_OCCURRENCES + 1``: one more than allowed says there are too many."""
    rule = rrulestr(repeat.rule(), dtstart=first_start)
    found: list[datetime] = []
    for moment in rule:
        found.append(moment)
        if len(found) > MAX_OCCURRENCES:
            break
    return found


class RuleError(ValueError):
    """A rule this service does not take, said in French."""


def parse_rule(text: str) -> Repeat:
    """An RRULE (with or without its ``RRULE:`` prefix) as the choices it stands for.
    Refused: anything but FREQ=WEEKLY with BYDAY, and COUNT or UNTIL (a date)."""
    body = text.strip().removeprefix("RRULE:")
    fields: dict[str, str] = {}
    for part in body.split(";"):
        key, sep, value = part.partition("=")
        key = key.strip().upper()
        if not sep or not key or key in fields:
            raise RuleError("chaque partie s'écrit NOM=valeur, une seule fois")
        fields[key] = value.strip().upper()
    unknown = set(fields) - {"FREQ", "INTERVAL", "BYDAY", "COUNT", "UNTIL", "WKST"}
    if unknown:
        raise RuleError("seuls FREQ, INTERVAL, BYDAY, COUNT et UNTIL sont pris en compte")
    if fields.get("FREQ") != "WEEKLY":
        raise RuleError("seule FREQ=WEEKLY est prise en compte (une ou plusieurs fois par semaine)")
    days = [d.strip() for d in fields.get("BYDAY", "").split(",") if d.strip()]
    if not days or any(d not in WEEKDAY_CODES for d in days):
        raise RuleError("BYDAY liste les jours : MO, TU, WE, TH, FR, SA, SU")
    return Repeat(
        weekdays=frozenset(WEEKDAY_CODES.index(d) for d in days),
        interval=_number(fields.get("INTERVAL", "1"), "INTERVAL"),
        count=_number(fields["COUNT"], "COUNT") if "COUNT" in fields else None,
        until=_until(fields["UNTIL"]) if "UNTIL" in fields else None,
    )


def _number(value: str, name: str) -> int:
    if not value.isascii() or not value.isdigit() or len(value) > 4:
        raise RuleError(f"{name} est un nombre entier")
    return int(value)


def _until(value: str) -> date:
    try:
        return datetime.strptime(value[:8], "%Y%m%d").date()
    except ValueError:
        raise RuleError("UNTIL est une date AAAAMMJJ") from None
