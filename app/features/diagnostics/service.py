"""Use cases of a diagnostic; the pages and the API call these and nothing else."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any
from uuid import UUID, uuid4

import msgspec
from sqlalchemy import Row, bindparam, delete, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from app.access import person_for
from app.audit import Auditor
from app.db.engine import one_statement
from app.db.group_commit import group_commit
from app.db.models import Channel, Diagnostic, DiagnosticStatus, User
from app.db.types import as_utc
from app.features.bookings import observed_evidence
from pathways.models import Context
from pathways.recommend import Recommender
from pathways.rules import load_rules
from referentiel import Referential, load_referential, load_version
from referentiel.adaptive import Walk, walk
from referentiel.answers import UNKNOWN, Answer, Evidence, is_answer
from referentiel.scoring import RESULT_ADAPTER, DiagnosticResult, score
from referentiel.submission import Submission

# No 0/O, 1/I/L: a code read aloud or copied from paper must not be misread.
RESUME_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
RESUME_LENGTH = 8
MSG_COMPLETED = "ce diagnostic est terminé : il ne change plus (une correction en crée un nouveau)"
MSG_NOTHING_SCORED = "answers : au moins une réponse de 0 à 4 est nécessaire"
MSG_ALREADY_CORRECTED = "ce diagnostic a déjà été corrigé : corrigez sa dernière version"


class DiagnosticError(ValueError):
    """A change the diagnostic cannot take, with the problems in plain French."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


class NotVisibleError(LookupError):
    """The diagnostic does not exist, or belongs to a person this caller may not see: both
    answer the same, so that a person-linked diagnostic cannot even be detected."""


class CompletedError(DiagnosticError):
    """A completed diagnostic never changes; a mediator corrects it with a new version."""

    def __init__(self) -> None:
        super().__init__([MSG_COMPLETED])


class AlreadyCorrectedError(DiagnosticError):
    """A version is corrected once: the next correction is of the latest version."""

    def __init__(self) -> None:
        super().__init__([MSG_ALREADY_CORRECTED])


class IdempotencyConflictError(ValueError):
    """The Idempotency-Key was already used for a different request."""


@dataclass(frozen=True)
class Recorded:
    """A stored complete diagnostic; ``created`` is False when a retried request found it."""

    id: UUID
    result: dict[str, Any]
    created: bool


def new_resume_code() -> str:
    return "".join(secrets.choice(RESUME_ALPHABET) for _ in range(RESUME_LENGTH))


def format_resume_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


def normalise_resume_code(typed: str) -> str:
    return "".join(c for c in typed.upper() if c.isalnum()).replace("O", "0").replace("I", "1")


def request_fingerprint(payload: Mapping[str, Any]) -> str:
    """The same request gives the same hash whatever its key order or spacing."""
    return hashlib.sha256(msgspec.json.encode(payload, order="sorted")).hexdigest()


def scoped_key(caller: str, key: str) -> str:
    """An Idempotency-Key as stored: bound to its caller (an account, or an address), so that
    nobody else replaying the same key and body gets the caller's diagnostic."""
    return hashlib.sha256(f"{caller}\n{key}".encode()).hexdigest()


def nothing_scored(answers: Mapping[str, Any]) -> bool:
    """True when no answer is on the scale (only « ? », or none): nothing to measure."""
    return all(value == UNKNOWN for value in answers.values())


def referential_of(diagnostic: Diagnostic) -> Referential:
    return load_version(diagnostic.referential_version)


def walk_of(diagnostic: Diagnostic) -> Walk:
    """Where the short form stands: what was asked, the next question, how many are left."""
    return walk(referential_of(diagnostic), diagnostic.answers)


def taken_back(diagnostic: Diagnostic, item_id: str) -> Answer | None:
    """The answer « back » took away from this question, to show it selected again."""
    value: Answer | None = (diagnostic.taken_back or {}).get(item_id)
    return value


@cache
def recommender_for(version: str) -> Recommender:
    """The rules alone: enough to know which competences are left unknown."""
    return Recommender(load_version(version), load_rules())


def result_of(diagnostic: Diagnostic) -> DiagnosticResult:
    """The scored result, re-read with the referential version it was taken with."""
    return RESULT_ADAPTER.validate_python(
        {**(diagnostic.result or {}), "answers": diagnostic.answers}
    )


@dataclass
class DiagnosticService:
    db: AsyncSession

    async def start(
        self,
        channel: Channel = Channel.ONLINE,
        person_id: UUID | None = None,
        structure_id: UUID | None = None,
        context: Mapping[str, Any] | None = None,
    ) -> Diagnostic:
        """A diagnostic in progress; ``context`` holds the answers already known (a person's
        record gives their age band and commune)."""
        for _ in range(5):
            diagnostic = Diagnostic(
                channel=channel,
                status=DiagnosticStatus.IN_PROGRESS,
                referential_version=load_referential().version,
                answers={},
                asked=[],
                context=dict(context or {}),
                goals={},
                resume_code=new_resume_code(),
                person_id=person_id,
                structure_id=structure_id,
            )
            self.db.add(diagnostic)
            try:
                await self.db.commit()
            except IntegrityError:  # the rare resume-code collision: draw again
                await self.db.rollback()
                continue
            return diagnostic
        raise RuntimeError("could not draw a free resume code")

    async def get(self, diagnostic_id: UUID) -> Diagnostic | None:
        return await self.db.get(Diagnostic, diagnostic_id)

    async def correctable(self, diagnostic: Diagnostic) -> bool:
        """A mediator corrects a completed paper or scanned form in its latest version, typed
        on today's referential (the form a correction is typed on)."""
        return (
            diagnostic.status == DiagnosticStatus.COMPLETED
            and diagnostic.channel != Channel.ONLINE
            and diagnostic.referential_version == load_referential().version
            and await self.successor(diagnostic) is None
        )

    async def delete(self, diagnostic: Diagnostic, auditor: Auditor) -> None:
        """Delete one diagnostic (a paper form typed by mistake): the row is gone."""
        await self.db.execute(delete(Diagnostic).where(Diagnostic.id == diagnostic.id))
        auditor.record(self.db, "diagnostic.delete", "diagnostic", diagnostic.id)
        await self.db.commit()

    async def visible(self, diagnostic_id: UUID, user: User | None) -> Diagnostic:
        """The one access rule: an anonymous diagnostic is reached by its unguessable id; a
        person's diagnostic only by their structure (`person_for`)."""
        diagnostic = await self.get(diagnostic_id)
        if diagnostic is None:
            raise NotVisibleError()
        if (
            diagnostic.person_id is not None
            and await person_for(self.db, user, diagnostic.person_id) is None
        ):
            raise NotVisibleError()
        return diagnostic

    async def by_resume_code(
        self, typed: str, in_progress_for: timedelta, result_for: timedelta
    ) -> Diagnostic | None:
        """The anonymous diagnostic a code opens: an unfinished one within ``in_progress_for``
        of its last answer, a finished one within ``result_for`` of its end (README)."""
        code = normalise_resume_code(typed)
        if len(code) != RESUME_LENGTH:
            return None
        found = await self.db.scalar(
            select(Diagnostic).where(Diagnostic.resume_code == code, Diagnostic.person_id.is_(None))
        )
        if found is None:
            return None
        now = datetime.now(UTC)
        if found.status == DiagnosticStatus.COMPLETED:
            fresh = as_utc(found.completed_at or found.updated_at) > now - result_for
        else:
            fresh = as_utc(found.updated_at) > now - in_progress_for
        return found if fresh else None

    async def answer(self, diagnostic: Diagnostic, item_id: str, value: Any) -> None:
        ref = referential_of(diagnostic)
        problems = []
        if item_id not in {i.id for i in ref.items}:
            problems.append(f"question inconnue : {item_id}")
        if not is_answer(value):
            problems.append("réponse hors de l'échelle (0, 1, 2, 3, 4 ou « ? »)")
        if diagnostic.status != DiagnosticStatus.IN_PROGRESS:
            raise CompletedError()
        if problems:
            raise DiagnosticError(problems)
        diagnostic.answers = {**diagnostic.answers, item_id: value}
        diagnostic.asked = [*(i for i in diagnostic.asked if i != item_id), item_id]
        kept = {k: v for k, v in (diagnostic.taken_back or {}).items() if k != item_id}
        diagnostic.taken_back = kept or None
        await self.db.commit()

    async def back(self, diagnostic: Diagnostic) -> str | None:
        """Take the last answer away, to ask its question again with that answer selected
        (:func:`taken_back`); returns its item id."""
        if not diagnostic.asked or diagnostic.status != DiagnosticStatus.IN_PROGRESS:
            return None
        *kept, last = diagnostic.asked
        diagnostic.asked = kept
        if last in diagnostic.answers:
            diagnostic.taken_back = {
                **(diagnostic.taken_back or {}),
                last: diagnostic.answers[last],
            }
        diagnostic.answers = {k: v for k, v in diagnostic.answers.items() if k != last}
        await self.db.commit()
        return last

    async def save_context(self, diagnostic: Diagnostic, context: Mapping[str, Any]) -> None:
        _unfinished(diagnostic)
        diagnostic.context = {**diagnostic.context, **context}
        await self.db.commit()

    async def preview(self, diagnostic: Diagnostic) -> DiagnosticResult:
        """The result so far, to propose goals before the diagnostic is closed; a person's
        result takes in what was observed of them (their passed exit checks)."""
        observed: tuple[Evidence, ...] = ()
        if diagnostic.person_id is not None:
            observed = await observed_evidence(self.db, diagnostic.person_id)
        return score(
            referential_of(diagnostic),
            diagnostic.answers,
            observed,
            knows_help=diagnostic.context.get("knows_help"),
        )

    async def save_goals(self, diagnostic: Diagnostic, goals: Mapping[str, str]) -> None:
        """Keep the goals chosen (checked by the caller) while questions remain to settle."""
        _unfinished(diagnostic)
        diagnostic.goals = dict(goals)
        await self.db.commit()

    async def settling_items(self, diagnostic: Diagnostic) -> tuple[str, ...]:
        """The questions still to ask after the goals, so that the proposal rests on answers
        rather than on a competence never assessed: at most the rules' ``resolve_items`` in
        all, counting those already asked (the short form's own questions do not count)."""
        ref = referential_of(diagnostic)
        rules = load_rules()
        if rules.referential != ref.version:
            return ()  # rules are written for one referential; an older diagnostic ends here
        walked = {i.id for i in walk_of(diagnostic).asked}
        room = rules.guardrails.resolve_items - sum(
            1 for i in diagnostic.answers if i not in walked
        )
        if room <= 0:
            return ()
        context = Context.of_diagnostic(diagnostic.context, diagnostic.goals)
        result = await self.preview(diagnostic)
        return recommender_for(ref.version).resolving_items(result, context, room)

    async def finish(
        self,
        diagnostic: Diagnostic,
        context: Mapping[str, Any] | None = None,
        goals: Mapping[str, str] | None = None,
    ) -> DiagnosticResult:
        """Keep the last context answers and the goals (checked by the caller), score, and
        close the diagnostic, in one commit; from then on it never changes (CompletedError)."""
        _unfinished(diagnostic)
        if context:
            diagnostic.context = {**diagnostic.context, **context}
        if goals is not None:
            diagnostic.goals = dict(goals)
        result = await self.preview(diagnostic)
        diagnostic.result = stored_result(result)
        diagnostic.status = DiagnosticStatus.COMPLETED
        diagnostic.completed_at = datetime.now(UTC)
        diagnostic.taken_back = None
        await self.db.commit()
        return result

    async def successor(self, diagnostic: Diagnostic) -> UUID | None:
        """The correction that replaced this diagnostic, if any."""
        found: UUID | None = await self.db.scalar(
            select(Diagnostic.id).where(Diagnostic.supersedes_id == diagnostic.id).limit(1)
        )
        return found


def _unfinished(diagnostic: Diagnostic) -> None:
    if diagnostic.status != DiagnosticStatus.IN_PROGRESS:
        raise CompletedError()


@dataclass(frozen=True)
class Provenance:
    """Where a complete diagnostic comes from, and whom it belongs to."""

    channel: Channel
    person_id: UUID | None = None
    structure_id: UUID | None = None
    sheet_serial: str | None = None
    taken_at: datetime | None = None  # when the sheet was filled in, if not now
    supersedes_id: UUID | None = None

    @classmethod
    def correcting(cls, diagnostic: Diagnostic) -> Provenance:
        """A new version of ``diagnostic``: the same person, structure, channel and date (a
        corrected typo does not move the day the form was filled in)."""
        return cls(
            channel=diagnostic.channel,
            person_id=diagnostic.person_id,
            structure_id=diagnostic.structure_id,
            taken_at=diagnostic.completed_at,
            supersedes_id=diagnostic.id,
        )


@dataclass(frozen=True)
class Idempotency:
    """A request that may be sent twice: its key (`scoped_key`) and what it asked for
    (`request_fingerprint`)."""

    key: str
    fingerprint: str


@dataclass(frozen=True)
class AuditEntry:
    """Who records a person's diagnostic (or a correction), for the audit trail."""

    auditor: Auditor
    action: str


def diagnostic_row(
    submission: Submission,
    provenance: Provenance,
    idempotency: Idempotency | None = None,
    observed: Sequence[Evidence] = (),
) -> dict[str, Any]:
    """The row of a complete diagnostic, scored (with ``observed``, what was observed of the
    person: `person_row` reads it); DiagnosticError when no answer is on the scale. Nothing
    is written: `insert_diagnostic` or `add_diagnostic` does."""
    if nothing_scored(submission.answers):
        raise DiagnosticError([MSG_NOTHING_SCORED])
    if observed:
        submission = replace(submission, evidence=(*submission.evidence, *observed))
    now = datetime.now(UTC)
    return {
        "id": uuid4(),
        "channel": provenance.channel,
        "status": DiagnosticStatus.COMPLETED,
        "referential_version": submission.ref.version,
        "answers": dict(submission.answers),
        "asked": list(submission.answers),
        "context": dict(submission.context),
        "goals": dict(submission.goals),
        "result": stored_result(submission.score()),
        "person_id": provenance.person_id,
        "structure_id": provenance.structure_id,
        "idempotency_key": None if idempotency is None else idempotency.key,
        "request_hash": None if idempotency is None else idempotency.fingerprint,
        "sheet_serial": provenance.sheet_serial,
        "completed_at": provenance.taken_at or now,
        "created_at": provenance.taken_at or now,
        "updated_at": now,
        "supersedes_id": provenance.supersedes_id,
    }


async def person_row(
    db: AsyncSession,
    submission: Submission,
    provenance: Provenance,
    idempotency: Idempotency | None = None,
) -> dict[str, Any]:
    """`diagnostic_row`, and for a person's diagnostic, scored with what was observed of them
    (their passed exit checks) up to the day it was taken: a correction of an old form keeps
    that day's result."""
    observed: tuple[Evidence, ...] = ()
    if provenance.person_id is not None:
        observed = await observed_evidence(db, provenance.person_id, until=provenance.taken_at)
    return diagnostic_row(submission, provenance, idempotency, observed)


async def insert_diagnostic(engine: AsyncEngine, row: dict[str, Any]) -> Recorded:
    """Write the row in a transaction of its own, shared with other requests' rows.

    This is the API's hot path, so it needs no ORM session: a Core INSERT (an ORM flush costs
    ten times more) committed with concurrent requests' rows (`app.db.group_commit`). With an
    idempotency key already used for the same request, the first diagnostic is returned and
    nothing is created; with a different request, IdempotencyConflictError.
    """
    try:
        await group_commit(engine, _INSERT).insert(row)
    except IntegrityError:
        if row["idempotency_key"] is None:
            raise
        async with engine.connect() as connection:
            first = (await connection.execute(_BY_KEY, {"key": row["idempotency_key"]})).first()
        if first is None:  # the conflict was on another unique column (a sheet serial)
            raise
        return _replayed(row, first)
    return Recorded(row["id"], row["result"], created=True)


async def add_diagnostic(
    db: AsyncSession, row: dict[str, Any], audit: AuditEntry | None = None
) -> Recorded:
    """Write the row, and its audit event, in the caller's transaction: the caller commits.

    A refused row leaves that transaction usable: the idempotency key of an earlier request
    gives its diagnostic back (or IdempotencyConflictError), a version corrected already
    gives DiagnosticError, and any other unique value taken (a sheet serial) raises
    IntegrityError.
    """
    key = row["idempotency_key"]
    if key is not None and (first := await _first_with_key(db, key)) is not None:
        return _replayed(row, first)  # a request sent again (a double click) writes nothing
    try:
        async with one_statement(db):
            await db.execute(_INSERT, row)
    except IntegrityError:
        if key is not None and (first := await _first_with_key(db, key)) is not None:
            return _replayed(row, first)  # the same request, sent at the same moment
        if row["supersedes_id"] is not None:
            # supersedes_id is unique: a version is corrected once, even by two at once.
            raise AlreadyCorrectedError() from None
        raise
    if audit is not None:
        audit.auditor.record(
            db,
            audit.action,
            "diagnostic",
            row["id"],
            structure_id=row["structure_id"],
            channel=str(row["channel"]),
        )
    return Recorded(row["id"], row["result"], created=True)


async def _first_with_key(db: AsyncSession, key: str) -> Row[Any] | None:
    return (await db.execute(_BY_KEY, {"key": key})).first()


def _replayed(row: dict[str, Any], first: Row[Any]) -> Recorded:
    """The diagnostic first recorded with this row's idempotency key, if it is the same
    request."""
    if first.request_hash != row["request_hash"]:
        raise IdempotencyConflictError(row["idempotency_key"])
    return Recorded(first.id, first.result or {}, created=False)


# A plain INSERT, compiled once and cached by SQLAlchemy (the dialects' ON CONFLICT variants
# are not cacheable, and recompiling costs more than the insert itself).
_INSERT = insert(Diagnostic)
_BY_KEY = select(Diagnostic.id, Diagnostic.result, Diagnostic.request_hash).where(
    Diagnostic.idempotency_key == bindparam("key")
)


def stored_result(result: DiagnosticResult) -> dict[str, Any]:
    """The result as JSON, without the answers (they have their own column)."""
    data: dict[str, Any] = RESULT_ADAPTER.dump_python(result, mode="json", exclude={"answers"})
    return data
