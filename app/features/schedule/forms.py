"""The session forms of the pages, read into what the service takes: one session, a series,
a whole-series change, a cancellation. Each reader keeps what was typed (to show it again)
and says what could not be read, by field."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time
from typing import Any
from uuid import UUID

from app.db.models import Session
from app.features.schedule.reading import (
    DATE_UNREADABLE,
    NUMBER_UNREADABLE,
    TIME_UNREADABLE,
    local_moment,
    read_date,
    read_number,
    read_time,
)
from app.features.schedule.series import Repeat
from app.web import FormData, Msg, many, one, parse_uuid
from app.when import in_paris

DEFAULT_CAPACITY = "12"
YES = "oui"
# Where each of the service's fields is shown on the forms.
FIELD_ANCHORS = {
    "workshop_id": "workshop",
    "starts_at": "day",
    "ends_at": "end",
    "place_id": "place",
    "remote_url": "remote_url",
    "capacity": "capacity",
    "note": "note",
    "weekdays": "weekdays",
    "interval": "interval",
    "count": "count",
    "until": "until",
    "reason": "reason",
}


@dataclass
class Typed:
    """What a form said: its values as typed, what they mean, and what could not be read
    (by anchor)."""

    values: dict[str, Any]
    given: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, Msg] = field(default_factory=dict)

    def add(self, problems: dict[str, Msg]) -> None:
        """The service's problems, each at its field (one read earlier stays)."""
        for key, message in problems.items():
            self.errors.setdefault(FIELD_ANCHORS.get(key, key), message)


TEXT_FIELDS = ("workshop", "day", "start", "end", "place", "remote_url", "capacity", "note")


def blank_session(workshop: str = "", place: str = "") -> dict[str, Any]:
    values: dict[str, Any] = dict.fromkeys(TEXT_FIELDS, "")
    values.update(workshop=workshop, place=place, capacity=DEFAULT_CAPACITY, open=YES)
    values.update(weekdays=[], interval="1", ends="count", count="6", until="")
    return values


def values_of(session: Session) -> dict[str, Any]:
    """A session as its form shows it."""
    start, end = in_paris(session.starts_at), in_paris(session.ends_at)
    return {
        "workshop": str(session.workshop_id),
        "day": start.date().isoformat(),
        "start": start.strftime("%H:%M"),
        "end": end.strftime("%H:%M"),
        "place": str(session.place_id or ""),
        "remote_url": session.remote_url or "",
        "capacity": str(session.capacity),
        "note": session.note or "",
        "open": YES if session.registration_open else "",
    }


def _texts(data: FormData) -> dict[str, Any]:
    values: dict[str, Any] = {name: one(data, name)[:600] for name in TEXT_FIELDS}
    values["open"] = one(data, "open")
    return values


def _where_and_seats(typed: Typed) -> None:
    """Place or link, seats, registrations and note: the same on every form."""
    values = typed.values
    place = parse_uuid(values["place"]) if values["place"] else None
    if values["place"] and place is None:
        typed.errors["place"] = Msg("Choisissez un lieu de la liste.")
    capacity = read_number(values["capacity"])
    if capacity is None:
        typed.errors["capacity"] = NUMBER_UNREADABLE
    typed.given.update(
        place_id=place,
        remote_url=values["remote_url"] or None,
        capacity=capacity,
        registration_open=values["open"] == YES,
        note=values["note"] or None,
    )


def _times(typed: Typed) -> tuple[time | None, time | None]:
    start_text, end_text = typed.values["start"], typed.values["end"]
    start = read_time(start_text)
    if start is None:
        typed.errors["start"] = TIME_UNREADABLE if start_text else Msg("Donnez l'heure de début.")
    end = read_time(end_text) if end_text else None
    if end_text and end is None:
        typed.errors["end"] = TIME_UNREADABLE
    return start, end


def read_session(data: FormData, *, workshop_fixed: UUID | None = None) -> Typed:
    """A session form: workshop (unless fixed), day, start, end (empty: the workshop's
    length), place or link, seats, registrations, note."""
    typed = Typed(_texts(data))
    if workshop_fixed is not None:
        typed.values["workshop"] = str(workshop_fixed)
    workshop = parse_uuid(typed.values["workshop"])
    if workshop is None:
        typed.errors["workshop"] = Msg("Choisissez l'atelier.")
    day_text = typed.values["day"]
    day = read_date(day_text)
    if day is None:
        typed.errors["day"] = DATE_UNREADABLE if day_text else Msg("Donnez la date.")
    start, end = _times(typed)
    begin = local_moment(day, start)
    finish = local_moment(day, end)
    if begin is not None and finish is not None and finish <= begin:
        finish = None
        typed.errors["end"] = Msg("La fin doit venir après le début.")
    typed.given.update(workshop_id=workshop, starts_at=begin, ends_at=finish)
    _where_and_seats(typed)
    return typed


def read_series(data: FormData) -> tuple[Typed, Repeat | None]:
    """A new series: a session form, and how it repeats."""
    typed = read_session(data)
    values = typed.values
    values.update(
        weekdays=many(data, "weekdays"),
        interval=one(data, "interval") or "1",
        ends=one(data, "ends") or "count",
        count=one(data, "count")[:10],
        until=one(data, "until")[:20],
    )
    days = {int(d) for d in values["weekdays"] if d in {"0", "1", "2", "3", "4", "5", "6"}}
    interval = read_number(values["interval"]) or 0
    count = until = None
    if values["ends"] == "until":
        until = read_date(values["until"])
        if until is None:
            typed.errors["until"] = (
                DATE_UNREADABLE
                if values["until"]
                else Msg("Donnez la date de la dernière séance possible.")
            )
    else:
        count = read_number(values["count"])
        if count is None:
            typed.errors["count"] = NUMBER_UNREADABLE
    if typed.errors.keys() & {"until", "count"}:
        return typed, None
    return typed, Repeat(frozenset(days), interval, count=count, until=until)


def read_whole_series(data: FormData) -> Typed:
    """A change of every session to come of a series: new times, place, seats, note."""
    typed = Typed(_texts(data))
    start, end = _times(typed)
    typed.given.update(start=start, end=end)
    _where_and_seats(typed)
    return typed
