"""Dates, times and numbers as trainers type them, on the pages and in a spreadsheet:
« 08/12/2026 » or « 2026-12-08 », « 14:00 », « 14:00:00 », « 14h », « 14 h 30 », « 12 »."""

from __future__ import annotations

import re
from datetime import date, datetime, time

from app.web import Msg

_DAY_FIRST = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})")
_YEAR_FIRST = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
# A time cell of a spreadsheet saved as CSV carries its seconds: « 14:00:00 ».
_TIME = re.compile(r"(\d{1,2})\s*(?:[:hH.]\s*(?:(\d{2})(?::(00))?)?)?")
_NUMBER = re.compile(r"\d{1,6}")

DATE_UNREADABLE = Msg("Date illisible : écrivez-la comme 08/12/2026.")
TIME_UNREADABLE = Msg("Heure illisible : écrivez-la comme 14:00 ou 14 h 30.")
NUMBER_UNREADABLE = Msg("Écrivez un nombre entier, par exemple 12.")


def read_date(text: str) -> date | None:
    """A day, or None when it cannot be read (or does not exist, as 31/02)."""
    text = text.strip()
    try:
        if found := _YEAR_FIRST.fullmatch(text):
            year, month, day = (int(g) for g in found.groups())
            return date(year, month, day)
        if found := _DAY_FIRST.fullmatch(text):
            day, month, year = (int(g) for g in found.groups())
            return date(year + 2000 if year < 100 else year, month, day)
    except ValueError:
        return None
    return None


def read_time(text: str) -> time | None:
    """A time of day, or None when it cannot be read."""
    found = _TIME.fullmatch(text.strip())
    if not found:
        return None
    hour, minute = int(found.group(1)), int(found.group(2) or 0)
    return time(hour, minute) if hour < 24 and minute < 60 else None


def read_number(text: str) -> int | None:
    text = text.strip()
    return int(text) if _NUMBER.fullmatch(text) else None


def local_moment(day: date | None, at: time | None) -> datetime | None:
    """A Paris wall-clock time (naive) from its day and time, when both were read."""
    return datetime.combine(day, at) if day is not None and at is not None else None
