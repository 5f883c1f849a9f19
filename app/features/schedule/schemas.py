"""What the sessions API takes and gives, as /schema shows it. Times are given and returned
in Paris time: a time without an offset (« 2026-12-08T14:00:00 ») is a Paris wall-clock
time; answers carry the offset (« 2026-12-08T14:00:00+01:00 »)."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Annotated
from uuid import UUID

import msgspec
from litestar.openapi.spec import Schema
from litestar.openapi.spec.enums import OpenAPIType

from app.db.models import Session, SessionSeries
from app.features.schedule.rules import MAX_CAPACITY, NOTE_MAX, REASON_MAX, URL_MAX
from app.features.schedule.series import MAX_INTERVAL, MAX_OCCURRENCES, WEEKDAY_CODES
from app.openapi import documented
from app.when import from_paris, in_paris, said_span

CAPACITY = documented(
    Schema(type=OpenAPIType.INTEGER, minimum=1, maximum=MAX_CAPACITY),
    "Le nombre de places ; jamais moins que les personnes déjà confirmées.",
)
NOTE = documented(
    Schema(type=[OpenAPIType.STRING, OpenAPIType.NULL], max_length=NOTE_MAX),
    "Une remarque pour les personnes inscrites (« apportez votre téléphone »).",
)
REMOTE_URL = documented(
    Schema(type=[OpenAPIType.STRING, OpenAPIType.NULL], max_length=URL_MAX),
    "Le lien d'une séance à distance (https://…). Une séance a un lieu ou un lien, pas les "
    "deux ; ni l'un ni l'autre seulement pour un atelier en autonomie.",
)
STARTS = "Le début. Sans décalage horaire, c'est l'heure de Paris (2026-12-08T14:00:00)."
ENDS = "La fin ; absente, la durée de l'atelier la donne."
WEEKDAYS = documented(
    Schema(
        type=OpenAPIType.ARRAY,
        items=Schema(enum=list(WEEKDAY_CODES)),
        min_items=1,
        max_items=7,
    ),
    "Les jours : MO lundi, TU mardi, WE mercredi, TH jeudi, FR vendredi, SA samedi, SU dimanche.",
)


class RepeatIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """How a series repeats: chosen weekdays, every week or every few weeks, a number of
    sessions or an end date (one of the two). « Tous les mardis pendant 6 semaines » :
    `{"weekdays": ["TU"], "count": 6}`."""

    weekdays: Annotated[list[str], WEEKDAYS]
    every_weeks: Annotated[
        int,
        documented(
            Schema(type=OpenAPIType.INTEGER, minimum=1, maximum=MAX_INTERVAL),
            "1 : chaque semaine ; 2 : une semaine sur deux…",
        ),
    ] = 1
    count: Annotated[
        int | None,
        documented(
            Schema(
                type=[OpenAPIType.INTEGER, OpenAPIType.NULL], minimum=1, maximum=MAX_OCCURRENCES
            ),
            "Le nombre de séances en tout.",
        ),
    ] = None
    until: Annotated[
        date | None,
        msgspec.Meta(description="Le dernier jour possible (inclus)."),
    ] = None


class SessionIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A session, or a series when `repeat` (plain choices) or `rrule` (RFC 5545: FREQ=WEEKLY,
    BYDAY, INTERVAL, COUNT or UNTIL) is given; the first session is on the first chosen day
    on or after `starts_at`, and each is at the same Paris time whatever the season."""

    workshop_id: UUID
    starts_at: Annotated[datetime, msgspec.Meta(description=STARTS)]
    ends_at: Annotated[datetime | None, msgspec.Meta(description=ENDS)] = None
    capacity: Annotated[int, CAPACITY]
    place_id: UUID | None = None
    remote_url: Annotated[str | None, REMOTE_URL] = None
    registration_open: bool = True
    note: Annotated[str | None, NOTE] = None
    repeat: RepeatIn | None = None
    rrule: Annotated[
        str | None,
        documented(
            Schema(type=[OpenAPIType.STRING, OpenAPIType.NULL], max_length=200),
            "Une règle RFC 5545 à la place de `repeat`, par exemple "
            "FREQ=WEEKLY;BYDAY=MO,TH;UNTIL=20270131.",
        ),
    ] = None


class SessionPatch(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """What to change in one session (an occurrence changed alone leaves its series); an
    absent field stays as it is. A new time or place is sent to the people booked."""

    starts_at: Annotated[datetime, msgspec.Meta(description=STARTS)] | msgspec.UnsetType = (
        msgspec.UNSET
    )
    ends_at: Annotated[datetime, msgspec.Meta(description="La fin.")] | msgspec.UnsetType = (
        msgspec.UNSET
    )
    capacity: Annotated[int, CAPACITY] | msgspec.UnsetType = msgspec.UNSET
    place_id: UUID | msgspec.UnsetType | None = msgspec.UNSET
    remote_url: Annotated[str | None, REMOTE_URL] | msgspec.UnsetType = msgspec.UNSET
    registration_open: bool | msgspec.UnsetType = msgspec.UNSET
    note: Annotated[str | None, NOTE] | msgspec.UnsetType = msgspec.UNSET


class SeriesPatch(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """What to change in every session to come of a series, except those changed alone; past
    sessions never change. Times are Paris wall-clock times of day (« 14:00:00 »)."""

    start_time: time | msgspec.UnsetType = msgspec.UNSET
    end_time: time | msgspec.UnsetType = msgspec.UNSET
    capacity: Annotated[int, CAPACITY] | msgspec.UnsetType = msgspec.UNSET
    place_id: UUID | msgspec.UnsetType | None = msgspec.UNSET
    remote_url: Annotated[str | None, REMOTE_URL] | msgspec.UnsetType = msgspec.UNSET
    registration_open: bool | msgspec.UnsetType = msgspec.UNSET
    note: Annotated[str | None, NOTE] | msgspec.UnsetType = msgspec.UNSET


class CancelIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Why (said to the people booked), and for an occurrence of a series whether the later
    ones are cancelled too."""

    reason: Annotated[
        str,
        documented(
            Schema(type=OpenAPIType.STRING, min_length=1, max_length=REASON_MAX, pattern=r"\S"),
            "La raison, dite aux personnes inscrites.",
        ),
    ]
    rest_of_series: bool = False


class SessionOut(msgspec.Struct):
    id: UUID
    workshop_id: UUID
    workshop_title: str
    place_id: UUID | None
    place_name: str | None
    remote_url: str | None
    starts_at: datetime
    ends_at: datetime
    when: str  # « mardi 8 décembre 2026, de 14 h à 16 h »
    capacity: int
    confirmed: int
    waiting: int
    free_seats: int
    registration_open: bool
    cancelled_at: datetime | None
    cancel_reason: str | None
    note: str | None
    series_id: UUID | None
    detached: bool
    revision: int


class SeriesOut(msgspec.Struct):
    id: UUID
    workshop_id: UUID
    rrule: str
    first_start: datetime
    duration_minutes: int
    sessions: list[SessionOut]


class CreatedOut(msgspec.Struct):
    """One session (`series` null), or a series and its sessions."""

    series: SeriesOut | None
    sessions: list[SessionOut]


class ImportOut(msgspec.Struct):
    """Sessions created; with `valid_lines`, `problems` lists the lines left out."""

    created: int
    lines: int
    session_ids: list[UUID]
    problems: list[str]


def session_out(session: Session) -> SessionOut:
    return SessionOut(
        id=session.id,
        workshop_id=session.workshop_id,
        workshop_title=session.workshop.title,
        place_id=session.place_id,
        place_name=session.place.name if session.place is not None else None,
        remote_url=session.remote_url,
        starts_at=in_paris(session.starts_at),
        ends_at=in_paris(session.ends_at),
        when=said_span(session.starts_at, session.ends_at),
        capacity=session.capacity,
        confirmed=session.confirmed_count,
        waiting=session.waiting_count,
        free_seats=session.free_seats,
        registration_open=session.registration_open,
        cancelled_at=session.cancelled_at,
        cancel_reason=session.cancel_reason,
        note=session.note,
        series_id=session.series_id,
        detached=session.detached,
        revision=session.revision,
    )


def series_out(series: SessionSeries, sessions: list[Session]) -> SeriesOut:
    return SeriesOut(
        id=series.id,
        workshop_id=series.workshop_id,
        rrule=series.rrule,
        first_start=in_paris(from_paris(series.first_start_local)),
        duration_minutes=series.duration_minutes,
        sessions=[session_out(s) for s in sessions],
    )
