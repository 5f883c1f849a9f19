"""What makes a session valid, checked in one place for the pages, the API, the CSV import
and the series: its workshop and place are the structure's own, it is at a place or remote
(not both; neither only for self-study), it starts in the future and ends after it starts,
and it has at least one seat.

Problems come field by field, all at once, as messages translated where they are shown."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol, TypeVar
from urllib.parse import urlsplit
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models import Modality, Place, Workshop
from app.web import Msg

MAX_CAPACITY = 500
NOTE_MAX = 500
URL_MAX = 500
REASON_MAX = 500
# Sessions are planned at most two years ahead and last at most a week: a typo in a year or a
# day is caught rather than published.
HORIZON = timedelta(days=731)
LONGEST = timedelta(days=7)


class ScheduleError(ValueError):
    """Values a session cannot take: field -> message (French, translated when shown)."""

    def __init__(self, problems: Mapping[str, Msg]) -> None:
        self.problems = dict(problems)
        super().__init__("; ".join(self.lines()))

    def lines(self) -> list[str]:
        return [f"{key} : {msg.render(str)}" for key, msg in self.problems.items()]


class SessionLockedError(ValueError):
    """A session that has begun, or was cancelled, no longer changes."""


@dataclass
class Draft:
    """A session as given: times in UTC (None when not given or unreadable)."""

    workshop_id: UUID | None
    starts_at: datetime | None
    ends_at: datetime | None
    capacity: int | None
    place_id: UUID | None = None
    remote_url: str | None = None
    registration_open: bool = True
    note: str | None = None


@dataclass(frozen=True)
class Checked:
    problems: dict[str, Msg]
    workshop: Workshop | None
    place: Place | None


class _Owned(Protocol):
    @property
    def structure_id(self) -> UUID: ...


Owned = TypeVar("Owned", bound=_Owned)


async def owned(
    db: AsyncSession, model: type[Owned], structure_id: UUID, row_id: UUID
) -> Owned | None:
    """The row if it belongs to the structure, else None: another structure's workshop,
    place or session is « not found », like one that does not exist."""
    row = await db.get(model, row_id)
    return row if row is not None and row.structure_id == structure_id else None


async def check(
    db: AsyncSession, structure_id: UUID, draft: Draft, now: datetime, *, new: bool = True
) -> Checked:
    """Every problem of ``draft`` for this structure. ``new``: an archived workshop or place
    takes no new session (an existing one keeps them)."""
    problems: dict[str, Msg] = {}
    workshop = None
    if draft.workshop_id is None:
        problems["workshop_id"] = Msg("Choisissez l'atelier.")
    else:
        workshop = await owned(db, Workshop, structure_id, draft.workshop_id)
        if workshop is None:
            problems["workshop_id"] = Msg("Atelier introuvable dans votre structure.")
        elif new and workshop.archived:
            problems["workshop_id"] = Msg("Cet atelier est archivé : il ne prend plus de séance.")
    place = None
    if draft.place_id is not None:
        place = await owned(db, Place, structure_id, draft.place_id)
        if place is None:
            problems["place_id"] = Msg("Lieu introuvable dans votre structure.")
        elif new and place.archived:
            problems["place_id"] = Msg("Ce lieu est archivé : il ne prend plus de séance.")
    problems.update(_where_problems(draft, workshop))
    times = time_problems(draft.starts_at, draft.ends_at, now)
    if draft.ends_at is None and "workshop_id" in problems:
        times.pop("ends_at", None)  # its length would have given the end
    problems.update(times)
    problems.update(capacity_problems(draft.capacity))
    if draft.note is not None and len(draft.note) > NOTE_MAX:
        problems["note"] = Msg("{max} caractères au plus.", {"max": NOTE_MAX})
    return Checked(problems, workshop, place)


def _where_problems(draft: Draft, workshop: Workshop | None) -> dict[str, Msg]:
    if draft.remote_url is not None:
        if not is_web_address(draft.remote_url):
            return {
                "remote_url": Msg(
                    "Le lien commence par https:// (par exemple https://visio.exemple.fr/atelier)."
                )
            }
        if draft.place_id is not None:
            return {
                "place_id": Msg(
                    "Choisissez un lieu ou un lien pour une séance à distance, pas les deux."
                )
            }
    elif draft.place_id is None and (workshop is None or workshop.modality != Modality.SELF_STUDY):
        return {"place_id": Msg("Choisissez un lieu, ou donnez le lien d'une séance à distance.")}
    return {}


def is_web_address(text: str) -> bool:
    parts = urlsplit(text) if len(text) <= URL_MAX and text.isprintable() else None
    return (
        parts is not None
        and parts.scheme in {"http", "https"}
        and bool(parts.hostname)
        and " " not in text
    )


def time_problems(
    starts_at: datetime | None, ends_at: datetime | None, now: datetime
) -> dict[str, Msg]:
    problems: dict[str, Msg] = {}
    if starts_at is None:
        problems["starts_at"] = Msg("Donnez la date et l'heure de début.")
    elif starts_at <= now:
        problems["starts_at"] = Msg("Cette date est passée : choisissez une date à venir.")
    elif starts_at > now + HORIZON:
        problems["starts_at"] = Msg("Une séance se programme au plus deux ans à l'avance.")
    if ends_at is None:
        problems["ends_at"] = Msg("Donnez l'heure de fin.")
    elif starts_at is not None and ends_at <= starts_at:
        problems["ends_at"] = Msg("La fin doit venir après le début.")
    elif starts_at is not None and ends_at - starts_at > LONGEST:
        problems["ends_at"] = Msg("Une séance dure au plus 7 jours.")
    return problems


def capacity_problems(capacity: int | None) -> dict[str, Msg]:
    if capacity is None:
        return {"capacity": Msg("Donnez le nombre de places.")}
    if capacity < 1:
        return {"capacity": Msg("Il faut au moins 1 place.")}
    if capacity > MAX_CAPACITY:
        return {"capacity": Msg("{max} places au plus.", {"max": MAX_CAPACITY})}
    return {}


def reason_problems(reason: str) -> dict[str, Msg]:
    """Cancelling says why, to the people booked."""
    if not reason.strip():
        return {"reason": Msg("Dites en quelques mots pourquoi la séance est annulée.")}
    if len(reason) > REASON_MAX:
        return {"reason": Msg("{max} caractères au plus.", {"max": REASON_MAX})}
    return {}
