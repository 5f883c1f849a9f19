"""The demo's workshop offer (app/data/demo-offer.yaml): structures of the Cher, their places
and workshops, weekly series over the next six weeks, bookings that fill some sessions and put
people on a waiting list, and a workshop of last week whose exit check a person passed.

Everything goes through the features' own services, so the demo obeys the same rules as a
trainer typing it in. Two things a person cannot do are done here on purpose and say so: the
demo's bookings are not announced to anybody (their messages are removed from the outbox),
and last week's workshop is created as an upcoming one, booked, then moved back in time,
since the service rightly refuses to create or book a session in the past.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from importlib import resources
from typing import Any
from uuid import UUID

import yaml
from sqlalchemy import delete, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models import Attendance, OutboxMessage, Person, Session, Structure
from app.features.bookings import Mark, book, record_attendance
from app.features.catalogue import create_place, create_workshop
from app.features.schedule import Repeat, create_series, create_session
from app.when import in_paris

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
DEMO_STRUCTURE = "Médiathèque de démonstration (Bourges)"


def demo_offer() -> dict[str, Any]:
    text = resources.files("app").joinpath("data", "demo-offer.yaml").read_text("utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def first_day(after: date, weekday: str) -> date:
    """The first such weekday after ``after`` (never ``after`` itself: a session of today
    may be over already)."""
    ahead = (WEEKDAYS.index(weekday) - after.weekday() - 1) % 7 + 1
    return after + timedelta(days=ahead)


async def load_offer(
    db: AsyncSession, structures: Mapping[str, Structure], people: Sequence[Person]
) -> None:
    """Places, workshops, series and bookings of the demo offer; ``structures`` by name (made
    before, with their accounts), ``people``: the demo structure's people, who get seats."""
    data = demo_offer()
    places: dict[str, UUID] = {}
    for entry in data["structures"]:
        structure = structures[entry["name"]]
        for fields in entry["places"]:
            key = fields["key"]
            given = {k: v for k, v in fields.items() if k != "key"}
            places[key] = (await create_place(db, structure.id, **given)).id
    workshops: dict[str, tuple[UUID, UUID]] = {}
    for fields in data["workshops"]:
        structure = structures[fields["structure"]]
        given = {k: v for k, v in fields.items() if k not in ("key", "structure")}
        workshop = await create_workshop(db, structure.id, **given)
        workshops[fields["key"]] = (structure.id, workshop.id)
    today = in_paris(datetime.now(UTC)).date()
    contacts = iter(range(1, 10_000))
    for plan in data["sessions"]:
        structure_id, workshop_id = workshops[plan["workshop"]]
        hour, minute = map(int, plan["time"].split(":"))
        weekday = WEEKDAYS.index(plan["weekday"])
        start = datetime.combine(first_day(today, plan["weekday"]), time(hour, minute))
        _, sessions = await create_series(
            db,
            structure_id,
            workshop_id,
            starts_at=start,
            repeat=Repeat(weekdays=frozenset({weekday}), count=plan["weeks"]),
            capacity=plan["capacity"],
            place_id=places.get(plan.get("place", "")),
            remote_url=plan.get("remote_url"),
        )
        await db.flush()
        for _ in range(plan.get("booked", 0)):
            await book(db, sessions[0].id, email=f"demo.{next(contacts)}@example.org")
    await _last_week(db, structures[DEMO_STRUCTURE], workshops, places, people)
    await db.execute(delete(OutboxMessage))  # the demo's bookings are announced to nobody


async def _last_week(
    db: AsyncSession,
    structure: Structure,
    workshops: Mapping[str, tuple[UUID, UUID]],
    places: Mapping[str, UUID],
    people: Sequence[Person],
) -> None:
    """« Premiers pas avec mon téléphone », a week ago: the first of the demo's people came and
    passed the exit check (her next result shows it), the second did not come. She had passed
    the internet and e-mail workshops before: each exit check gave her a badge."""
    seen, away = (Attendance.SEEN, True), (Attendance.NOSHOW, None)
    place = places["mediatheque"]
    await _past(db, structure, workshops["emails"][1], place, 22, marks={people[0]: seen})
    await _past(db, structure, workshops["internet"][1], place, 15, marks={people[0]: seen})
    await _past(
        db,
        structure,
        workshops["telephone"][1],
        place,
        8,
        marks={people[0]: seen, people[1]: away},
    )


async def _past(
    db: AsyncSession,
    structure: Structure,
    workshop_id: UUID,
    place_id: UUID,
    days: int,
    *,
    marks: Mapping[Person, tuple[Attendance, bool | None]],
) -> None:
    """A séance ``days`` ago (booked while it was ahead), and who came and passed its check."""
    start = datetime.combine(in_paris(datetime.now(UTC)).date() + timedelta(days=1), time(14, 0))
    session = await create_session(
        db, structure.id, workshop_id, starts_at=start, capacity=6, place_id=place_id
    )
    await db.flush()
    seats = {person: await book(db, session.id, person=person) for person in marks}
    moved = timedelta(days=days)
    await db.execute(
        update(Session)
        .where(Session.id == session.id)
        .values(starts_at=session.starts_at - moved, ends_at=session.ends_at - moved)
    )
    await db.refresh(session)
    await record_attendance(
        db,
        session,
        [Mark(seats[person].id, *mark) for person, mark in marks.items()],
        by=None,
    )
