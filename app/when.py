"""Times of sessions: typed and shown in Paris time, stored in UTC, said the way people say
them (« mardi 8 décembre 2026, de 14 h à 16 h »). Every page, e-mail and invitation reads
them here."""

from __future__ import annotations

from datetime import UTC, datetime, time

from babel.dates import format_date, format_time

from app.db.types import as_utc
from app.web import PARIS

__all__ = [
    "PARIS",
    "from_paris",
    "in_paris",
    "said_clock",
    "said_date",
    "said_span",
    "said_time",
]


def from_paris(local: datetime) -> datetime:
    """A wall-clock time typed in Paris (naive) -> the UTC moment stored.

    At the autumn change an hour happens twice: the first (summer time) is meant. In the spring
    gap, a time that does not exist is read with the offset before the change (02:30 -> 03:30).
    """
    if local.tzinfo is not None:
        return local.astimezone(UTC)
    return local.replace(tzinfo=PARIS, fold=0).astimezone(UTC)


def in_paris(moment: datetime) -> datetime:
    """A stored moment as a Paris wall-clock time."""
    return as_utc(moment).astimezone(PARIS)


def said_date(moment: datetime, lang: str = "fr") -> str:
    """« mardi 8 décembre 2026 »."""
    return format_date(in_paris(moment), "EEEE d MMMM y", locale=lang)


def said_time(moment: datetime, lang: str = "fr") -> str:
    """« 14 h », « 9 h 30 » in French; « 2:00 PM » style elsewhere."""
    return said_clock(in_paris(moment).time(), lang)


def said_clock(clock: time, lang: str = "fr") -> str:
    """A time of day as :func:`said_time` says it (opening hours, say)."""
    if lang == "fr":
        return f"{clock.hour} h" + (f" {clock.minute:02d}" if clock.minute else "")
    return format_time(clock, "short", locale=lang)


def said_span(starts_at: datetime, ends_at: datetime, lang: str = "fr") -> str:
    """« mardi 8 décembre 2026, de 14 h à 16 h » (a session that ends another day says both
    dates)."""
    start, end = in_paris(starts_at), in_paris(ends_at)
    if lang == "fr":
        if start.date() == end.date():
            return f"{said_date(starts_at)}, de {said_time(starts_at)} à {said_time(ends_at)}"
        return (
            f"du {said_date(starts_at)} à {said_time(starts_at)} "
            f"au {said_date(ends_at)} à {said_time(ends_at)}"
        )
    if start.date() == end.date():
        return (
            f"{said_date(starts_at, lang)}, {said_time(starts_at, lang)} – "
            f"{said_time(ends_at, lang)}"
        )
    return (
        f"{said_date(starts_at, lang)} {said_time(starts_at, lang)} – "
        f"{said_date(ends_at, lang)} {said_time(ends_at, lang)}"
    )
