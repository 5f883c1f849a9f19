"""`parcours demo --synthetic N`: simulated residents of a département's real communes
(:mod:`pathways.simulator`), so that the model can be trained and evaluated, and the
territories' pages filled, before real outcomes exist.

People live in the département's real communes, drawn in proportion to their population.
Each person gets a record in the structure « Habitants simulés » (alias ``sim-<seed>-<n>``), a
diagnostic scored by the real scorer with what was observed of them, and, when the database has
a workshop offer (`make run`'s demo offer), bookings on sessions of the workshops that teach
what they lack. Whether they came and passed the exit check is drawn by the simulator from the
real session: the distance from their commune to the place, the workshop's modality and levels.

Everything goes through the service's own functions (booking, attendance, exit checks) except
what a person cannot do, said here as the demo offer says it: the sessions are created as
upcoming ones, booked, then moved back in time, and each booking's date is set to when the
simulated person booked. The same seed adds nobody twice.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any

import numpy as np
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models import Attendance, Booking, Channel, Consent, Person, Place, Session, Workshop
from app.features.accounts import AccountService
from app.features.bookings import Mark, book, record_attendance
from app.features.diagnostics import Provenance, add_diagnostic, diagnostic_row
from app.features.people.consent import CONSENT_VERSION
from app.features.schedule import create_session
from app.territories import communes, distance_km
from app.when import in_paris
from pathways.records import SessionFacts
from pathways.simulator import SimulatedPerson, Simulator
from referentiel import load_referential
from referentiel.submission import read_submission

STRUCTURE = "Habitants simulés"
PER_SESSION = 10
REMOTE_URL = "https://visio.example.org/demo"
DIAGNOSED_DAYS_AGO = 120
BATCH = 200

Progress = Callable[[int, int], None]


class UnknownDepartementError(ValueError):
    def __init__(self, code: str) -> None:
        super().__init__(f"département inconnu : « {code} » (un code comme 18 ou 2A)")


@dataclass(frozen=True)
class Filled:
    added: int
    already: int  # people of this seed the database had already
    bookings: int


@dataclass(frozen=True)
class _Offer:
    workshop: Workshop
    entry: int
    exit: int
    place: Place | None


@dataclass(frozen=True)
class _Planned:
    person: Person
    simulated: SimulatedPerson
    offer: _Offer
    facts: SessionFacts


def _context(simulated: SimulatedPerson) -> dict[str, Any]:
    """The answers to the referential's context questions (education is not one of them)."""
    context = simulated.context
    return {
        "needs": list(context.needs),
        "equipment": list(context.equipment or ()),
        "age_band": context.age_band,
        "frequency": context.frequency,
        "commune": context.commune,
        "knows_help": context.knows_help,
    }


async def _offer(db: AsyncSession) -> dict[str, list[_Offer]]:
    """Per competence, the workshops that teach it, each with a place of its structure."""
    places: dict[Any, Place] = {}
    for place in await db.scalars(
        select(Place).where(Place.archived.is_(False)).order_by(Place.created_at, Place.id)
    ):
        places.setdefault(place.structure_id, place)
    found: dict[str, list[_Offer]] = {}
    for workshop in await db.scalars(
        select(Workshop)
        .where(Workshop.archived.is_(False))
        .order_by(Workshop.created_at, Workshop.id)
    ):
        home = places.get(workshop.structure_id)
        if home is None and workshop.modality.value != "remote":
            continue
        for taught in workshop.competences:
            found.setdefault(taught["competence"], []).append(
                _Offer(workshop, int(taught["entry"]), int(taught["exit"]), home)
            )
    return found


PEOPLE_PER_DRAW = 200  # a commune is drawn in proportion to its population, by steps of 200


def _code(commune: Any) -> str:
    return str(commune.insee)


def _by_population(inside: Sequence[Any]) -> list[str]:
    """Each commune as many times as it has steps of inhabitants (at least once), so that a
    town has more simulated residents than a hamlet, as it has more people to help."""
    return [c.insee for c in inside for _ in range(max(1, round(c.population / PEOPLE_PER_DRAW)))]


async def fill_synthetic(
    db: AsyncSession,
    n: int,
    seed: int,
    departement: str,
    progress: Progress | None = None,
) -> Filled:
    tick = progress or (lambda done, total: None)
    known = communes()
    inside = sorted((c for c in known.values() if c.departement == departement), key=_code)
    if not inside:
        raise UnknownDepartementError(departement)
    ref = load_referential()
    simulator = Simulator(ref, _by_population(inside))
    people = simulator.people(n, seed)
    structure = await AccountService(db).structure(STRUCTURE)
    there = set(
        await db.scalars(
            select(Person.alias).where(
                Person.structure_id == structure.id, Person.alias.like(f"sim-{seed}-%")
            )
        )
    )
    offer = await _offer(db)
    rng = np.random.default_rng([seed, 1])  # its own stream: the people stay those of the seed
    now = datetime.now(UTC)
    planned: list[_Planned] = []
    added = 0
    for done, simulated in enumerate(people, 1):
        tick(done, n)
        if simulated.id in there:
            continue
        person = Person(
            structure_id=structure.id,
            alias=simulated.id,
            commune_insee=simulated.context.commune,
            birth_year_band=simulated.context.age_band,
        )
        person.consents.append(Consent(text_version=CONSENT_VERSION, given_at=now))
        db.add(person)
        await db.flush()
        submission = read_submission(
            {
                "answers": simulated.answers,
                "context": _context(simulated),
                "evidence": [e.model_dump(exclude_none=True) for e in simulated.evidence],
                "goals": dict(simulated.context.goals),
            }
        )
        taken_at = now - timedelta(days=DIAGNOSED_DAYS_AGO)
        provenance = Provenance(Channel.PAPER, person.id, structure.id, taken_at=taken_at)
        await add_diagnostic(db, diagnostic_row(submission, provenance))
        planned += _plan(rng, person, simulated, offer, known)
        added += 1
        if added % BATCH == 0:
            await db.commit()
    await db.commit()
    booked = await _book(db, simulator, rng, planned)
    return Filled(added, len(there), booked)


def _plan(
    rng: np.random.Generator,
    person: Person,
    simulated: SimulatedPerson,
    offer: dict[str, list[_Offer]],
    known: dict[str, Any],
) -> list[_Planned]:
    """The simulated bookings, on workshops of the offer that the person could enter."""
    planned = []
    home = known.get(simulated.context.commune or "")
    for booking in simulated.bookings:
        wanted = booking.session
        fitting = [
            o for o in offer.get(wanted.competence, ()) if o.entry <= wanted.from_level < o.exit
        ]
        if not fitting:
            continue
        chosen = fitting[int(rng.integers(len(fitting)))]
        there = None if chosen.place is None else known.get(chosen.place.commune_insee)
        facts = SessionFacts(
            competence=wanted.competence,
            modality=chosen.workshop.modality.value,
            entry=chosen.entry,
            exit=chosen.exit,
            from_level=wanted.from_level,
            distance_km=None if home is None or there is None else distance_km(home, there),
            days_ahead=wanted.days_ahead,
        )
        planned.append(_Planned(person, simulated, chosen, facts))
    return planned


async def _book(
    db: AsyncSession, simulator: Simulator, rng: np.random.Generator, planned: Sequence[_Planned]
) -> int:
    """Past sessions of at most ``PER_SESSION`` people per workshop, booked and marked."""
    by_workshop: dict[Any, list[_Planned]] = {}
    for plan in planned:
        by_workshop.setdefault(plan.offer.workshop.id, []).append(plan)
    tomorrow = in_paris(datetime.now(UTC)).date() + timedelta(days=1)
    count = 0
    for plans in by_workshop.values():
        for first in range(0, len(plans), PER_SESSION):
            group = plans[first : first + PER_SESSION]
            offer = group[0].offer
            remote = offer.workshop.modality.value == "remote"
            session = await create_session(
                db,
                offer.workshop.structure_id,
                offer.workshop.id,
                starts_at=datetime.combine(tomorrow, time(9, 0)),
                capacity=len(group),
                place_id=None if remote or offer.place is None else offer.place.id,
                remote_url=REMOTE_URL if remote else None,
            )
            await db.flush()
            seats = [await book(db, session.id, person=plan.person) for plan in group]
            back = timedelta(days=14 + first // PER_SESSION)
            await db.execute(
                update(Session)
                .where(Session.id == session.id)
                .values(starts_at=session.starts_at - back, ends_at=session.ends_at - back)
            )
            await db.refresh(session)
            marks = []
            for seat, plan in zip(seats, group, strict=True):
                truth = plan.simulated.truth[plan.facts.competence]
                came, passed = simulator.outcome(rng, plan.simulated.context, truth, plan.facts)
                await db.execute(
                    update(Booking)
                    .where(Booking.id == seat.id)
                    .values(created_at=session.starts_at - timedelta(days=plan.facts.days_ahead))
                )
                marks.append(
                    Mark(
                        seat.id,
                        Attendance.SEEN if came else Attendance.NOSHOW,
                        exit_check_passed=passed if came else None,
                    )
                )
            await record_attendance(db, session, marks, by=None)
            await db.commit()
            count += len(group)
    return count
