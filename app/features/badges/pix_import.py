"""Pix Orga results turned into evidence and badges, for structures that already test with Pix.

A mediator sends a campaign's CSV export, matches each participant to a person of the
structure (a suggestion by name, which the mediator confirms), then one evidence record per
competence is written with the level Pix proves, and its badge issued.

Pix names are personal data of people who may not be ours: the file is read in memory and
dropped; between the two steps the participants travel in the page itself, signed so that
levels cannot be changed on the way, and nothing is ever written about a participant who is
not matched.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

from rapidfuzz import fuzz, process, utils
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.db.models import EvidenceRecord, Person
from app.features.badges.issuing import IssuingError, issue_for_evidence
from app.features.badges.keys import derived_key
from app.throttle import Limit
from app.web import Msg
from badges.pix import PixImport, PixImportError, by_our_competence, read_pix_export
from referentiel import load_referential
from referentiel.rules import pix_floor

PIX = "pix"
MAX_UPLOAD_BYTES = 2_000_000
MAX_PARTICIPANTS = 500
CANDIDATES = 20
SUGGEST_FROM = 85
FRESH_FOR = timedelta(hours=2)
# Reading a file, matching and issuing badges: often in a day, but not without end.
IMPORTS = Limit("pix.import", 60, timedelta(hours=1))


@dataclass(frozen=True)
class Proven:
    """One of our competences at the level a Pix result proves."""

    competence: str
    level: int
    pix_level: int


@dataclass(frozen=True)
class Participant:
    """A line of the export as the matching page shows it."""

    line: int
    first_name: str
    last_name: str
    shared_on: date | None
    proven: tuple[Proven, ...]

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


@dataclass(frozen=True)
class Candidate:
    person: Person
    score: int


@dataclass
class Matching:
    """For each participant who proved something, the likely people, and the one suggested."""

    candidates: dict[int, list[Candidate]] = field(default_factory=dict)
    suggested: dict[int, str] = field(default_factory=dict)


class PixPageError(ValueError):
    """What the mediator must fix, in French (lines of the file, or the matching)."""

    def __init__(self, problems: list[Msg]) -> None:
        super().__init__("; ".join(problem.text for problem in problems))
        self.problems = problems


def proven(levels: dict[str, int]) -> tuple[Proven, ...]:
    """What Pix levels (by CRCN code) prove of our competences: the best Pix level that bears
    on each, on our scale; a competence Pix proves nothing of (below Pix 2) is left out."""
    found = []
    for code, by_crcn in sorted(by_our_competence(load_referential(), levels).items()):
        best = max(by_crcn.values())
        level = pix_floor(best)
        if level is not None:
            found.append(Proven(code, level, best))
    return tuple(found)


def participants_of(export: PixImport) -> tuple[Participant, ...]:
    return tuple(
        Participant(
            line=p.line,
            first_name=p.first_name,
            last_name=p.last_name,
            shared_on=p.shared_on,
            proven=proven(p.levels),
        )
        for p in export.participants
    )


# --- the signed list carried by the page between reading and confirming ---------------------


def _signature(settings: Settings, body: bytes) -> str:
    key = derived_key(settings, b"parcours pix import pages")
    return hmac.new(key, body, hashlib.sha256).hexdigest()


def seal(
    settings: Settings, user_id: UUID, campaign: str | None, people: tuple[Participant, ...]
) -> str:
    """The participants for the confirmation, bound to the mediator and to this hour."""
    payload = {
        "user": str(user_id),
        "at": int(time.time()),
        "campaign": campaign,
        "participants": [
            [
                p.line,
                p.first_name,
                p.last_name,
                p.shared_on.isoformat() if p.shared_on else None,
                [[x.competence, x.level, x.pix_level] for x in p.proven],
            ]
            for p in people
        ],
    }
    body = base64.urlsafe_b64encode(json.dumps(payload, ensure_ascii=False).encode())
    return f"{body.decode('ascii')}.{_signature(settings, body)}"


EXPIRED = Msg(
    "Cette liste a plus de deux heures ou ne vient pas d'ici : envoyez le fichier de nouveau."
)


def unseal(
    settings: Settings, user_id: UUID, token: str
) -> tuple[str | None, tuple[Participant, ...]]:
    """What ``seal`` wrote, or ``PixPageError`` when it is altered, another's, or too old."""
    body, _, signature = token.strip().partition(".")
    if not hmac.compare_digest(_signature(settings, body.encode("ascii", "replace")), signature):
        raise PixPageError([EXPIRED])
    try:
        payload: dict[str, Any] = json.loads(base64.urlsafe_b64decode(body))
    except (ValueError, binascii.Error):
        raise PixPageError([EXPIRED]) from None
    age = time.time() - payload["at"]
    if payload["user"] != str(user_id) or not 0 <= age <= FRESH_FOR.total_seconds():
        raise PixPageError([EXPIRED])
    people = tuple(
        Participant(
            line=line,
            first_name=first,
            last_name=last,
            shared_on=date.fromisoformat(shared) if shared else None,
            proven=tuple(Proven(code, level, pix) for code, level, pix in found),
        )
        for line, first, last, shared, found in payload["participants"]
    )
    return payload["campaign"], people


# --- reading and matching ---------------------------------------------------------------------


def read_file(data: bytes) -> PixImport:
    """The export, or ``PixPageError`` with each problem of the file."""
    try:
        export = read_pix_export(data, load_referential())
    except PixImportError as error:
        raise PixPageError(
            [Msg("{problem}", {"problem": problem}) for problem in error.problems]
        ) from None
    if len(export.participants) > MAX_PARTICIPANTS:
        raise PixPageError(
            [
                Msg(
                    "Plus de {limit} participants : envoyez la campagne en plusieurs fichiers.",
                    {"limit": MAX_PARTICIPANTS},
                )
            ]
        )
    return export


async def people_of(db: AsyncSession, structure_id: UUID) -> list[Person]:
    found = await db.scalars(
        select(Person).where(Person.structure_id == structure_id).order_by(Person.alias)
    )
    return list(found)


def match(participants: tuple[Participant, ...], people: list[Person]) -> Matching:
    """For each participant who proved something, the people whose name is nearest, and the
    one to suggest when a single person stands out."""
    reading = Matching()
    names = {person.id: person.alias for person in people}
    by_id = {person.id: person for person in people}
    for participant in participants:
        if not participant.proven:
            continue
        found = process.extract(
            participant.name,
            names,
            scorer=fuzz.WRatio,
            processor=utils.default_process,
            limit=CANDIDATES,
        )
        candidates = [Candidate(by_id[key], round(score)) for _, score, key in found]
        reading.candidates[participant.line] = candidates
        if (
            candidates
            and candidates[0].score >= SUGGEST_FROM
            and (len(candidates) == 1 or candidates[1].score < candidates[0].score)
        ):
            reading.suggested[participant.line] = str(candidates[0].person.id)
    return reading


# --- confirming ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    people: int
    records: int
    badges: int


def _chosen(participants: tuple[Participant, ...], choices: dict[int, str]) -> dict[int, UUID]:
    chosen: dict[int, UUID] = {}
    problems = []
    for participant in participants:
        value = choices.get(participant.line, "")
        if not value or not participant.proven:
            continue
        try:
            chosen[participant.line] = UUID(value)
        except ValueError:
            problems.append(
                Msg(
                    "Ligne {line} : choisissez une personne de la liste.",
                    {"line": participant.line},
                )
            )
    seen: dict[UUID, int] = {}
    for line, person_id in chosen.items():
        if person_id in seen:
            problems.append(
                Msg(
                    "Lignes {first} et {second} : la même personne est choisie deux fois.",
                    {"first": seen[person_id], "second": line},
                )
            )
        seen.setdefault(person_id, line)
    if problems:
        raise PixPageError(problems)
    return chosen


def observed(campaign: str | None, participant: Participant, found: Proven) -> str:
    """The evidence in plain words: the Pix level and where it comes from, no name."""
    label = load_referential().competence(found.competence).label
    parts = [f"Niveau Pix {found.pix_level} sur 8 pour « {label} »"]
    if campaign:
        parts.append(f"campagne Pix {campaign}")
    if participant.shared_on:
        parts.append(f"profil envoyé le {participant.shared_on:%d/%m/%Y}")
    return ", ".join(parts)


async def confirm(
    db: AsyncSession,
    *,
    structure_id: UUID,
    recorded_by: UUID,
    campaign: str | None,
    participants: tuple[Participant, ...],
    choices: dict[int, str],
) -> Outcome:
    """Evidence for each matched participant, one record per competence, then its badge; the
    caller commits. ``LookupError`` when a chosen person is not one of the structure's."""
    chosen = _chosen(participants, choices)
    mine = set(
        await db.scalars(
            select(Person.id).where(
                Person.structure_id == structure_id, Person.id.in_(set(chosen.values()))
            )
        )
    )
    if mine != set(chosen.values()):
        raise LookupError("a chosen person is not of the structure")
    now = datetime.now(UTC)
    records = badges = 0
    for participant in participants:
        person_id = chosen.get(participant.line)
        if person_id is None:
            continue
        for found in participant.proven:
            words = observed(campaign, participant, found)[:1000]
            already = await db.scalar(
                select(EvidenceRecord.id).where(
                    EvidenceRecord.person_id == person_id,
                    EvidenceRecord.kind == PIX,
                    EvidenceRecord.competence == found.competence,
                    EvidenceRecord.observed == words,
                )
            )
            if already is not None:
                continue  # the same file imported again
            record = EvidenceRecord(
                person_id=person_id,
                structure_id=structure_id,
                kind=PIX,
                competence=found.competence,
                level=found.level,
                pix_level=found.pix_level,
                passed=True,
                observed=words,
                recorded_by=recorded_by,
                recorded_at=now,
            )
            db.add(record)
            await db.flush()
            records += 1
            try:
                await issue_for_evidence(db, record, issued_by=recorded_by)
            except IssuingError:
                continue  # a level no badge names: the evidence still counts for results
            badges += 1
    return Outcome(people=len(chosen), records=records, badges=badges)
