"""JSON API for diagnostics: complete submissions, and the adaptive steps the pages use."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from uuid import UUID

import msgspec
from litestar import Controller, Request, Response, delete, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, HeaderParameter, JSONBody
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from app.access import Permission, needs
from app.db.models import Channel, Diagnostic, DiagnosticStatus
from app.errors import Problem
from app.features.accounts.guards import current_user
from app.features.diagnostics.dependencies import visible_diagnostic
from app.features.diagnostics.service import (
    AUTONOMY_GOALS,
    DiagnosticError,
    DiagnosticService,
    IdempotencyConflictError,
    format_resume_code,
    record_diagnostic,
    referential_of,
    request_fingerprint,
)
from app.features.people.access import person_for
from referentiel import load_referential
from referentiel.adaptive import progress
from referentiel.answers import context_problems
from referentiel.i18n import LANGUAGES, localized
from referentiel.submission import Submission, SubmissionError, read_submission

MAX_IDEMPOTENCY_KEY = 200
INVALID = "Le diagnostic contient des valeurs à corriger."


class DiagnosticIn(msgspec.Struct, forbid_unknown_fields=True):
    """A complete diagnostic. ``answers``: item id -> 0..4 or "?"; ``goals``: need -> A0..A4."""

    answers: dict[str, Any]
    context: dict[str, Any] = msgspec.field(default_factory=dict)
    channel: Literal["online", "paper", "scan"] = "online"
    person_id: UUID | None = None
    evidence: list[Any] = msgspec.field(default_factory=list)
    version: str | None = None
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


def _submission(data: DiagnosticIn) -> Submission:
    raw = {"answers": data.answers, "context": data.context, "evidence": data.evidence}
    if data.version is not None:
        raw["version"] = data.version
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
    dependencies = {
        "diagnostic": visible_diagnostic(
            "Diagnostic introuvable.", "Ce diagnostic est lié à une personne : connectez-vous."
        )
    }

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
        idempotency_key: Annotated[str | None, HeaderParameter(name="Idempotency-Key")] = None,
    ) -> Response[dict[str, Any]]:
        # The busiest route: it takes the engine, not a session, and opens one only to check
        # a linked person (a session costs more than the insert itself).
        if idempotency_key is not None and not 0 < len(idempotency_key) <= MAX_IDEMPOTENCY_KEY:
            raise Problem(400, "L'en-tête Idempotency-Key doit faire de 1 à 200 caractères.")
        submission = _submission(data)
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
                idempotency_key=idempotency_key,
                fingerprint=request_fingerprint(msgspec.to_builtins(data)),
                goals=data.goals,
            )
        except IdempotencyConflictError:
            raise Problem(
                422, "Cette clé Idempotency-Key a déjà servi pour un autre diagnostic."
            ) from None
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
    ) -> dict[str, Any]:
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
        }

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
        ref = referential_of(diagnostic)
        problems = goal_problems(data.goals, {n.code for n in ref.needs})
        problems.extend(context_problems(ref, data.context))
        if problems:
            raise Problem(422, INVALID, problems)
        service = DiagnosticService(db_session)
        await service.save_context(diagnostic, data.context)
        await service.save_goals(diagnostic, data.goals)
        await service.finish(diagnostic)
        return Response({"id": str(diagnostic.id), "result": diagnostic.result}, status_code=200)


__all__ = ["DiagnosticApi", "DiagnosticStatus"]
