"""JSON API for diagnostics: complete submissions, and the adaptive steps the pages use."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from uuid import UUID

import msgspec
from litestar import Controller, Request, Response, delete, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, HeaderParameter, JSONBody
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from app.access import Permission, allowed, needs
from app.audit import Auditor
from app.db.models import Channel, Diagnostic, DiagnosticStatus
from app.errors import Problem
from app.features.accounts.guards import current_user
from app.features.diagnostics.dependencies import visible_diagnostic
from app.features.diagnostics.service import (
    AUTONOMY_GOALS,
    MSG_ALREADY_CORRECTED,
    MSG_NOTHING_SCORED,
    AuditEntry,
    CompletedError,
    DiagnosticError,
    DiagnosticService,
    IdempotencyConflictError,
    format_resume_code,
    nothing_scored,
    record_diagnostic,
    referential_of,
    request_fingerprint,
    scoped_key,
)
from app.features.people.access import person_for
from app.throttle import client_address
from referentiel import load_referential
from referentiel.adaptive import progress
from referentiel.answers import context_problems
from referentiel.i18n import LANGUAGES, localized
from referentiel.submission import Submission, SubmissionError, read_submission

MAX_IDEMPOTENCY_KEY = 200
INVALID = "Le diagnostic contient des valeurs à corriger."
PROFESSIONAL_CHANNELS = "Seuls les professionnels enregistrent des formulaires papier ou scannés."
COMPLETED = "Ce diagnostic est terminé : il ne change plus."
UNFINISHED = "Ce diagnostic n'est pas terminé : il se complète encore, sans correction."
NOT_CORRECTABLE = "Ce diagnostic ne peut pas être corrigé par votre structure."


class DiagnosticIn(msgspec.Struct, forbid_unknown_fields=True):
    """A complete diagnostic. ``answers``: item id -> 0..4 or "?"; ``goals``: need -> A0..A4."""

    answers: dict[str, Any]
    context: dict[str, Any] = msgspec.field(default_factory=dict)
    channel: Literal["online", "paper", "scan"] = "online"
    person_id: UUID | None = None
    evidence: list[Any] = msgspec.field(default_factory=list)
    version: str | None = None
    goals: dict[str, str] = msgspec.field(default_factory=dict)


class CorrectionIn(msgspec.Struct, forbid_unknown_fields=True):
    """A mediator's correction: the whole diagnostic as it should have been recorded."""

    answers: dict[str, Any]
    context: dict[str, Any] = msgspec.field(default_factory=dict)
    evidence: list[Any] = msgspec.field(default_factory=list)
    goals: dict[str, str] = msgspec.field(default_factory=dict)


class AnswerIn(msgspec.Struct, forbid_unknown_fields=True):
    value: int | str


class FinishIn(msgspec.Struct, forbid_unknown_fields=True):
    context: dict[str, Any] = msgspec.field(default_factory=dict)
    goals: dict[str, str] = msgspec.field(default_factory=dict)


def goal_problems(goals: dict[str, str], need_codes: set[str]) -> list[str]:
    return [
        f"goals.{need} : besoin inconnu"
        if need not in need_codes
        else f"goals.{need} : objectif {goal!r} inconnu (A0 à A4)"
        for need, goal in goals.items()
        if need not in need_codes or goal not in AUTONOMY_GOALS
    ]


def _submission(data: DiagnosticIn | CorrectionIn, version: str | None = None) -> Submission:
    raw = {"answers": data.answers, "context": data.context, "evidence": data.evidence}
    if version is not None:
        raw["version"] = version
    try:
        submission = read_submission(raw)
    except SubmissionError as error:
        raise Problem(422, INVALID, error.problems) from None
    problems = goal_problems(data.goals, {n.code for n in submission.ref.needs})
    if problems:
        raise Problem(422, INVALID, problems)
    return submission


async def _structure_of_person(
    request: Request[Any, Any, Any], engine: AsyncEngine, person_id: UUID
) -> UUID:
    user = current_user(request)
    if user is None:
        raise Problem(401, "Un jeton d'accès est nécessaire pour lier une personne.")
    async with AsyncSession(engine) as db:
        person = await person_for(db, user, person_id)
    if person is None:
        raise Problem(404, "Personne introuvable dans votre structure.")
    return person.structure_id


def _caller(request: Request[Any, Any, Any]) -> str:
    """Whose Idempotency-Keys these are: the account, or else the address."""
    user = current_user(request)
    return f"user:{user.id}" if user is not None else f"address:{client_address(request)}"


def _state(diagnostic: Diagnostic, service: DiagnosticService) -> dict[str, Any]:
    ref = referential_of(diagnostic)
    upcoming = service.next_question(diagnostic)
    done, total = progress(ref, diagnostic.answers)
    return {
        "id": str(diagnostic.id),
        "status": diagnostic.status.value,
        "resume_code": format_resume_code(diagnostic.resume_code or ""),
        "referential_version": diagnostic.referential_version,
        "answers": diagnostic.answers,
        "next_item": None if upcoming is None else upcoming.model_dump(),
        "progress": {"competences_done": done, "competences": total},
    }


class DiagnosticApi(Controller):
    path = "/api/v1"
    tags = ("diagnostics",)
    opt = needs(Permission.PUBLIC)
    dependencies = {"diagnostic": visible_diagnostic("Diagnostic introuvable.")}

    @get("/referentiel", summary="Le référentiel en vigueur (lang=fr|en)")
    async def referentiel(self, lang: FromQuery[str] = "fr") -> dict[str, Any]:
        if lang not in LANGUAGES:
            raise Problem(400, f"Langue inconnue : {lang!r} (fr ou en).")
        return localized(load_referential(), lang).model_dump(mode="json")

    @post("/diagnostics", summary="Enregistrer un diagnostic complet")
    async def create(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[DiagnosticIn],
        db_engine: NamedDependency[AsyncEngine],
        auditor: NamedDependency[Auditor],
        idempotency_key: Annotated[str | None, HeaderParameter(name="Idempotency-Key")] = None,
    ) -> Response[dict[str, Any]]:
        # The busiest route: it takes the engine, not a session, and opens one only to check
        # a linked person (a session costs more than the insert itself).
        if idempotency_key is not None and not 0 < len(idempotency_key) <= MAX_IDEMPOTENCY_KEY:
            raise Problem(400, "L'en-tête Idempotency-Key doit faire de 1 à 200 caractères.")
        if data.channel != "online" and not allowed(current_user(request), Permission.PEOPLE):
            raise Problem(403, PROFESSIONAL_CHANNELS)
        submission = _submission(data, data.version)
        structure_id = None
        if data.person_id is not None:
            structure_id = await _structure_of_person(request, db_engine, data.person_id)
        try:
            recorded = await record_diagnostic(
                db_engine,
                submission,
                Channel(data.channel),
                person_id=data.person_id,
                structure_id=structure_id,
                idempotency_key=None
                if idempotency_key is None
                else scoped_key(_caller(request), idempotency_key),
                fingerprint=request_fingerprint(msgspec.to_builtins(data)),
                goals=data.goals,
                audit=None if data.person_id is None else AuditEntry(auditor, "diagnostic.create"),
            )
        except IdempotencyConflictError:
            raise Problem(
                422, "Cette clé Idempotency-Key a déjà servi pour un autre diagnostic."
            ) from None
        except DiagnosticError as error:
            raise Problem(422, INVALID, error.problems) from None
        location = {"Location": f"/api/v1/diagnostics/{recorded.id}"}
        return Response(
            {"id": str(recorded.id), "result": recorded.result},
            status_code=201 if recorded.created else 200,
            headers=location if recorded.created else location | {"Idempotent-Replayed": "true"},
        )

    @get("/diagnostics/{diagnostic_id:uuid}", summary="Lire un diagnostic")
    async def read(
        self,
        diagnostic: NamedDependency[Diagnostic],
        db_session: NamedDependency[AsyncSession],
        auditor: NamedDependency[Auditor],
    ) -> dict[str, Any]:
        if diagnostic.person_id is not None:
            auditor.record(db_session, "diagnostic.read", "diagnostic", diagnostic.id)
            await db_session.commit()
        return {
            "id": str(diagnostic.id),
            "status": diagnostic.status.value,
            "channel": diagnostic.channel.value,
            "referential_version": diagnostic.referential_version,
            "person_id": None if diagnostic.person_id is None else str(diagnostic.person_id),
            "answers": diagnostic.answers,
            "context": diagnostic.context,
            "goals": diagnostic.goals,
            "result": diagnostic.result,
            "created_at": diagnostic.created_at.isoformat(),
            "completed_at": diagnostic.completed_at.isoformat()
            if diagnostic.completed_at
            else None,
            "supersedes_id": None
            if diagnostic.supersedes_id is None
            else str(diagnostic.supersedes_id),
        }

    @post(
        "/diagnostics/{diagnostic_id:uuid}/corrections",
        summary="Corriger un diagnostic terminé (une nouvelle version, liée à l'ancienne)",
        opt=needs(Permission.PEOPLE),
    )
    async def correct(
        self,
        request: Request[Any, Any, Any],
        diagnostic: NamedDependency[Diagnostic],
        data: JSONBody[CorrectionIn],
        db_session: NamedDependency[AsyncSession],
        auditor: NamedDependency[Auditor],
    ) -> Response[dict[str, Any]]:
        user = current_user(request)
        # The person's structure (the access rule already held), or the structure's own
        # unlinked paper and scanned forms; never a resident's own online diagnostic.
        own = diagnostic.person_id is not None or (
            user is not None
            and diagnostic.structure_id == user.structure_id
            and diagnostic.channel != Channel.ONLINE
        )
        if not own:
            raise Problem(404, NOT_CORRECTABLE)
        if diagnostic.status != DiagnosticStatus.COMPLETED:
            raise Problem(409, UNFINISHED)
        submission = _submission(data, diagnostic.referential_version)
        try:
            recorded = await record_diagnostic(
                db_session,
                submission,
                diagnostic.channel,
                person_id=diagnostic.person_id,
                structure_id=diagnostic.structure_id,
                goals=data.goals,
                supersedes=diagnostic,
                audit=AuditEntry(auditor, "diagnostic.correct"),
            )
        except DiagnosticError as error:
            status = 409 if MSG_ALREADY_CORRECTED in error.problems else 422
            raise Problem(status, INVALID, error.problems) from None
        return Response(
            {
                "id": str(recorded.id),
                "supersedes_id": str(diagnostic.id),
                "result": recorded.result,
            },
            status_code=201,
            headers={"Location": f"/api/v1/diagnostics/{recorded.id}"},
        )

    @post("/sessions", summary="Commencer un diagnostic adaptatif")
    async def start(self, db_session: NamedDependency[AsyncSession]) -> Response[dict[str, Any]]:
        service = DiagnosticService(db_session)
        diagnostic = await service.start()
        return Response(_state(diagnostic, service), status_code=201)

    @get("/sessions/{diagnostic_id:uuid}", summary="Où en est un diagnostic adaptatif")
    async def state(
        self,
        diagnostic: NamedDependency[Diagnostic],
        db_session: NamedDependency[AsyncSession],
    ) -> dict[str, Any]:
        return _state(diagnostic, DiagnosticService(db_session))

    @put("/sessions/{diagnostic_id:uuid}/answers/{item_id:str}", summary="Répondre à une question")
    async def answer(
        self,
        diagnostic: NamedDependency[Diagnostic],
        item_id: FromPath[str],
        data: JSONBody[AnswerIn],
        db_session: NamedDependency[AsyncSession],
    ) -> dict[str, Any]:
        service = DiagnosticService(db_session)
        try:
            await service.answer(diagnostic, item_id, data.value)
        except CompletedError:
            raise Problem(409, COMPLETED) from None
        except DiagnosticError as error:
            raise Problem(422, "Réponse refusée.", error.problems) from None
        return _state(diagnostic, service)

    @delete(
        "/sessions/{diagnostic_id:uuid}/answers/last",
        summary="Revenir à la question précédente",
        status_code=200,
    )
    async def back(
        self,
        diagnostic: NamedDependency[Diagnostic],
        db_session: NamedDependency[AsyncSession],
    ) -> dict[str, Any]:
        service = DiagnosticService(db_session)
        await service.back(diagnostic)
        return _state(diagnostic, service)

    @post("/sessions/{diagnostic_id:uuid}/finish", summary="Terminer et obtenir le résultat")
    async def finish(
        self,
        diagnostic: NamedDependency[Diagnostic],
        data: JSONBody[FinishIn],
        db_session: NamedDependency[AsyncSession],
    ) -> Response[dict[str, Any]]:
        if diagnostic.status == DiagnosticStatus.COMPLETED:
            raise Problem(409, COMPLETED)
        ref = referential_of(diagnostic)
        problems = goal_problems(data.goals, {n.code for n in ref.needs})
        problems.extend(context_problems(ref, data.context))
        if nothing_scored(diagnostic.answers):
            problems.append(MSG_NOTHING_SCORED)
        if problems:
            raise Problem(422, INVALID, problems)
        service = DiagnosticService(db_session)
        await service.save_context(diagnostic, data.context)
        await service.save_goals(diagnostic, data.goals)
        await service.finish(diagnostic)
        return Response({"id": str(diagnostic.id), "result": diagnostic.result}, status_code=200)


__all__ = ["DiagnosticApi", "DiagnosticStatus"]
