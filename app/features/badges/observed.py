"""A task a mediator saw the person do alone: noted as evidence of the item's competence, at the
level the referential gives a passed observed task, and turned into a badge at once.

What is noted is one of the referential's « Je sais… » items and the day it was seen; the
person's next result reads it as an observed task, like a workshop's exit check.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Final

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models import Credential, EvidenceRecord, Person, User
from app.features.badges.issuing import IssuingError, issue_for_evidence, live_for_evidence
from app.web import Msg
from app.when import PARIS, from_paris
from referentiel import load_referential
from referentiel.answers import Evidence
from referentiel.rules import level_with_evidence

OBSERVED_TASK: Final = "observed_task"
OLDEST_DAYS: Final = 366
"""How far back a task may be dated: an observation noted later than that is a memory."""
MSG_ITEM = "Choisissez la tâche que la personne a faite devant vous."
MSG_DATE = "Donnez le jour où la personne l'a faite, par exemple 14/03/2027."
MSG_FUTURE = "Ce jour n'est pas encore arrivé : donnez le jour où la personne l'a faite."
MSG_OLD = "Ce jour date de plus d'un an : notez seulement une tâche vue dans l'année."


def observed_task_words(task: str) -> str:
    """What evidence says of a task seen done: by a mediator, or as a workshop's exit check."""
    return f"Tâche observée : {task}"


def observed_level(competence: str) -> int:
    """The level a passed observed task proves, as the referential scores it."""
    level = level_with_evidence(
        None, (Evidence(kind=OBSERVED_TASK, competence=competence, passed=True),)
    )
    return level or 0


def read_day(text: str) -> date | None:
    """A day typed in a date field (2027-03-14) or by hand (14/03/2027)."""
    text = text.strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def today_in_paris() -> date:
    return datetime.now(UTC).astimezone(PARIS).date()


@dataclass(frozen=True)
class TaskForm:
    """What the form sent, read: the item and the day, or the problem with each."""

    item_id: str
    day: date | None
    problems: dict[str, Msg]


def read_task_form(item_id: str, day_text: str, today: date | None = None) -> TaskForm:
    known = {item.id for item in load_referential().items}
    problems: dict[str, Msg] = {}
    if item_id not in known:
        problems["item"] = Msg(MSG_ITEM)
    day = read_day(day_text)
    today = today or today_in_paris()
    if day is None:
        problems["day"] = Msg(MSG_DATE)
    elif day > today:
        problems["day"] = Msg(MSG_FUTURE)
    elif day < today - timedelta(days=OLDEST_DAYS):
        problems["day"] = Msg(MSG_OLD)
    return TaskForm(item_id, day, problems)


def _moment(day: date) -> datetime:
    """When the evidence is dated: now for today, else midday of that day in Paris."""
    if day == today_in_paris():
        return datetime.now(UTC)
    return from_paris(datetime.combine(day, time(12)))


@dataclass(frozen=True)
class Noted:
    evidence: EvidenceRecord
    badge: Credential | None
    new_badge: bool


async def note_observed_task(
    db: AsyncSession, person: Person, item_id: str, day: date, by: User
) -> Noted:
    """Write the evidence (once: the same task on the same day noted twice is one record) and
    issue its badge; the caller has checked the form (:func:`read_task_form`) and commits."""
    ref = load_referential()
    item = ref.item(item_id)
    words = observed_task_words(item.text)[:1000]
    start = from_paris(datetime.combine(day, time(0)))
    end = from_paris(datetime.combine(day + timedelta(days=1), time(0)))
    evidence = await db.scalar(
        select(EvidenceRecord)
        .where(
            EvidenceRecord.person_id == person.id,
            EvidenceRecord.structure_id == by.structure_id,
            EvidenceRecord.kind == OBSERVED_TASK,
            EvidenceRecord.observed == words,
            EvidenceRecord.recorded_at >= start,
            EvidenceRecord.recorded_at < end,
        )
        .limit(1)
    )
    if evidence is None:
        evidence = EvidenceRecord(
            person_id=person.id,
            structure_id=by.structure_id,
            kind=OBSERVED_TASK,
            competence=item.competence,
            level=observed_level(item.competence),
            passed=True,
            observed=words,
            recorded_by=by.id,
            recorded_at=_moment(day),
        )
        db.add(evidence)
        await db.flush()
    before = await live_for_evidence(db, evidence)
    try:
        badge: Credential | None = await issue_for_evidence(db, evidence, issued_by=by.id)
    except IssuingError:
        badge = None  # a level no badge names: the evidence still counts for results
    return Noted(evidence, badge, before is None and badge is not None)
