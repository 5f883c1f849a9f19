"""JSON API for diagnostics: complete submissions, and the adaptive steps the pages use."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, Request, Response, delete, get, post, put
from litestar.di import NamedDependency
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import Example
from litestar.params import FromPath, HeaderParameter, JSONBody, QueryParameter
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from app.access import Permission, allowed, needs, visible_person
from app.audit import Auditor
from app.db.models import Channel, Diagnostic, DiagnosticStatus, User
from app.errors import Problem
from app.features.diagnostics.dependencies import visible_diagnostic
from app.features.diagnostics.schemas import (
    EXAMPLE_BODY,
    SCORED_EXAMPLE,
    AdaptiveOut,
    AnswerIn,
    CorrectedOut,
    CorrectionIn,
    DiagnosticIn,
    DiagnosticOut,
    FinishIn,
    ProgressOut,
    ScoredDiagnosticOut,
    result_out,
)
from app.features.diagnostics.service import (
    MSG_NOTHING_SCORED,
    AuditEntry,
    DiagnosticError,
    DiagnosticService,
    Idempotency,
    Provenance,
    add_diagnostic,
    diagnostic_row,
    format_resume_code,
    insert_diagnostic,
    nothing_scored,
    person_row,
    request_fingerprint,
    scoped_key,
    stored_result,
    taken_back,
    walk_of,
)
from app.openapi import BEARER_OPTIONAL, BEARER_REQUIRED, problems
from app.territories import unknown_commune
from app.throttle import client_address
from referentiel import Referential, load_referential
from referentiel.i18n import LANGUAGES, localized
from referentiel.submission import Submission, SubmissionError, read_submission

INVALID = "Le diagnostic contient des valeurs à corriger."
PROFESSIONAL_CHANNELS = "Seuls les professionnels enregistrent des formulaires papier ou scannés."
COMPLETED = "Ce diagnostic est terminé : il ne change plus."
UNFINISHED = "Ce diagnostic n'est pas terminé : il se complète encore, sans correction."
NOT_CORRECTABLE = "Ce diagnostic ne peut pas être corrigé par votre structure."


def _submission(data: DiagnosticIn | CorrectionIn, version: str | None) -> Submission:
    raw: dict[str, Any] = {
        "answers": data.answers,
        "context": data.context,
        "evidence": data.evidence,
        "goals": data.goals,
    }
    if version is not None:
        raw["version"] = version
    return checked_submission(raw)


def checked_submission(raw: Mapping[str, Any], *, scored: bool = False) -> Submission:
    """A diagnostic given whole, with the checks of ``POST /api/v1/diagnostics`` (its
    SubmissionError, a commune unknown, and with ``scored`` no answer on the scale: 422)."""
    submission = read_submission(raw)  # SubmissionError: 422 (app.errors.domain_errors)
    problems = unknown_commune(submission.context)
    if problems:
        raise Problem(422, INVALID, problems)
    if scored and nothing_scored(submission.answers):
        raise DiagnosticError([MSG_NOTHING_SCORED])
    return submission


async def _structure_of_person(user: User | None, engine: AsyncEngine, person_id: UUID) -> UUID:
    if user is None:
        raise Problem(401, "Un jeton d'accès est nécessaire pour lier une personne.")
    async with AsyncSession(engine) as db:
        person = await visible_person(db, user, person_id)
    return person.structure_id


def _caller(request: Request[Any, Any, Any], user: User | None) -> str:
    """Whose Idempotency-Keys these are: the account, or else the address."""
    return f"user:{user.id}" if user is not None else f"address:{client_address(request)}"


def _adaptive(diagnostic: Diagnostic) -> AdaptiveOut:
    state = walk_of(diagnostic)
    upcoming = state.upcoming
    return AdaptiveOut(
        id=diagnostic.id,
        status=diagnostic.status,
        resume_code=format_resume_code(diagnostic.resume_code) if diagnostic.resume_code else None,
        referential_version=diagnostic.referential_version,
        answers=diagnostic.answers,
        next_item=upcoming,
        previous_answer=None if upcoming is None else taken_back(diagnostic, upcoming.id),
        progress=ProgressOut(asked=len(state.asked), left_at_most=state.left),
        not_asked={code: rule.id for code, rule in state.skipped.items()},
    )


def _scored(description: str) -> ResponseSpec:
    """The answer of the busiest route, built as a dict: this documents its shape."""
    return ResponseSpec(
        ScoredDiagnosticOut,
        description=description,
        generate_examples=False,
        examples=[Example(value=SCORED_EXAMPLE)],
    )


UNKNOWN_DIAGNOSTIC = {
    404: "Diagnostic inconnu, ou lié à une personne que l'appelant ne suit pas (sans jeton, "
    "un diagnostic lié à une personne répond toujours 404)."
}


class DiagnosticApi(Controller):
    path = "/api/v1"
    tags = ("diagnostics",)
    opt = needs(Permission.PUBLIC)
    security = BEARER_OPTIONAL  # a mediator's token links a diagnostic to a person they follow
    dependencies = {"diagnostic": visible_diagnostic("Diagnostic introuvable.")}

    @get("/referentiel", summary="Le référentiel en vigueur (lang=fr|en)", responses=problems())
    async def referentiel(
        self, lang: Annotated[str, QueryParameter(enum=list(LANGUAGES))] = "fr"
    ) -> Referential:
        if lang not in LANGUAGES:
            raise Problem(400, f"Langue inconnue : {lang!r} (fr ou en).")
        return localized(load_referential(), lang)

    @post(
        "/diagnostics",
        summary="Enregistrer un diagnostic complet",
        description="Noté et enregistré d'un coup. En-tête `Location` : son adresse. Avec "
        "`Idempotency-Key`, un nouvel envoi du même contenu rend le même diagnostic (200, "
        "`Idempotent-Replayed: true`) sans rien créer.",
        responses={
            201: _scored("Enregistré ; le résultat est celui qui est gardé."),
            200: _scored("Déjà enregistré avec cette Idempotency-Key : le même diagnostic."),
            **problems(
                401,
                403,
                404,
                413,
                422,
                when={
                    401: "`person_id` sans jeton valide.",
                    403: "Canal `paper` ou `scan` sans jeton de médiateur.",
                    404: "`person_id` inconnu dans la structure de l'appelant.",
                    422: "Des valeurs ne conviennent pas (`problems`), aucune réponse n'est "
                    "notée, ou l'Idempotency-Key a servi pour un autre contenu.",
                },
            ),
        },
    )
    async def create(
        self,
        *,
        current_user: NamedDependency[User | None],
        request: Request[Any, Any, Any],
        data: Annotated[DiagnosticIn, EXAMPLE_BODY],
        db_engine: NamedDependency[AsyncEngine],
        auditor: NamedDependency[Auditor],
        idempotency_key: Annotated[
            str | None,
            HeaderParameter(name="Idempotency-Key", min_length=1, max_length=200),
        ] = None,
    ) -> Response[dict[str, Any]]:
        # The busiest route: it takes the engine, not a session, and opens one only to check
        # a linked person (a session costs more than the insert itself). Its answer is built
        # as a dict from the stored result; ScoredDiagnosticOut documents it.
        if data.channel != Channel.ONLINE and not allowed(current_user, Permission.PEOPLE):
            raise Problem(403, PROFESSIONAL_CHANNELS)
        submission = _submission(data, data.version)
        structure_id = None
        if data.person_id is not None:
            structure_id = await _structure_of_person(current_user, db_engine, data.person_id)
        idempotency = None
        if idempotency_key is not None:
            idempotency = Idempotency(
                scoped_key(_caller(request, current_user), idempotency_key),
                request_fingerprint(msgspec.to_builtins(data)),
            )
        provenance = Provenance(data.channel, data.person_id, structure_id)
        if data.person_id is None:
            row = diagnostic_row(submission, provenance, idempotency)
            recorded = await insert_diagnostic(db_engine, row)
        else:
            async with AsyncSession(db_engine) as db:
                row = await person_row(db, submission, provenance, idempotency)
                recorded = await add_diagnostic(db, row, AuditEntry(auditor, "diagnostic.create"))
                await db.commit()
        location = {"Location": f"/api/v1/diagnostics/{recorded.id}"}
        return Response(
            {"id": str(recorded.id), "result": recorded.result},
            status_code=201 if recorded.created else 200,
            headers=location if recorded.created else location | {"Idempotent-Replayed": "true"},
        )

    @get(
        "/diagnostics/{diagnostic_id:uuid}",
        summary="Lire un diagnostic",
        responses=problems(404, when=UNKNOWN_DIAGNOSTIC),
    )
    async def read(
        self,
        diagnostic: NamedDependency[Diagnostic],
        db_session: NamedDependency[AsyncSession],
        auditor: NamedDependency[Auditor],
    ) -> DiagnosticOut:
        if diagnostic.person_id is not None:
            auditor.record(db_session, "diagnostic.read", "diagnostic", diagnostic.id)
            await db_session.commit()
        return DiagnosticOut(
            id=diagnostic.id,
            status=diagnostic.status,
            channel=diagnostic.channel,
            referential_version=diagnostic.referential_version,
            person_id=diagnostic.person_id,
            answers=diagnostic.answers,
            context=diagnostic.context,
            goals=diagnostic.goals,
            result=None if diagnostic.result is None else result_out(diagnostic.result),
            created_at=diagnostic.created_at,
            completed_at=diagnostic.completed_at,
            supersedes_id=diagnostic.supersedes_id,
        )

    @post(
        "/diagnostics/{diagnostic_id:uuid}/corrections",
        summary="Corriger un diagnostic terminé : une nouvelle version, liée à l'ancienne",
        description="Le diagnostic corrigé ne change pas ; la correction le remplace dans le "
        "suivi de la personne. En-tête `Location` : l'adresse de la nouvelle version.",
        opt=needs(Permission.PEOPLE),
        security=BEARER_REQUIRED,
        responses=problems(
            401,
            403,
            404,
            409,
            413,
            422,
            when={
                403: "Un diagnostic en ligne d'un habitant, ou un formulaire d'une autre "
                "structure : il ne se corrige pas ici.",
                404: UNKNOWN_DIAGNOSTIC[404],
                409: "Pas encore terminé, ou déjà corrigé : corriger sa dernière version.",
            },
        ),
    )
    async def correct(
        self,
        *,
        current_user: NamedDependency[User | None],
        diagnostic: NamedDependency[Diagnostic],
        data: JSONBody[CorrectionIn],
        db_session: NamedDependency[AsyncSession],
        auditor: NamedDependency[Auditor],
    ) -> Response[CorrectedOut]:
        user = current_user
        # The person's structure (the access rule already held), or the structure's own
        # unlinked paper and scanned forms; never a resident's own online diagnostic.
        own = diagnostic.person_id is not None or (
            user is not None
            and diagnostic.structure_id == user.structure_id
            and diagnostic.channel != Channel.ONLINE
        )
        if not own:  # visible to anyone with its id, but not this structure's to correct
            raise Problem(403, NOT_CORRECTABLE)
        if diagnostic.status != DiagnosticStatus.COMPLETED:
            raise Problem(409, UNFINISHED)
        submission = _submission(data, diagnostic.referential_version)
        recorded = await add_diagnostic(
            db_session,
            await person_row(db_session, submission, Provenance.correcting(diagnostic)),
            AuditEntry(auditor, "diagnostic.correct"),
        )
        return Response(
            CorrectedOut(recorded.id, diagnostic.id, result_out(recorded.result)),
            status_code=201,
            headers={"Location": f"/api/v1/diagnostics/{recorded.id}"},
        )

    @post(
        "/diagnostics/adaptive",
        summary="Commencer un diagnostic adaptatif",
        description="Une question à la fois : `next_item` est la suivante, `null` quand "
        "chaque compétence est placée.",
        responses=problems(),
    )
    async def start_adaptive(self, diagnostics: NamedDependency[DiagnosticService]) -> AdaptiveOut:
        return _adaptive(await diagnostics.start())

    @get(
        "/diagnostics/{diagnostic_id:uuid}/adaptive",
        summary="Où en est un diagnostic adaptatif",
        responses=problems(404, when=UNKNOWN_DIAGNOSTIC),
    )
    async def adaptive_state(self, diagnostic: NamedDependency[Diagnostic]) -> AdaptiveOut:
        return _adaptive(diagnostic)

    @put(
        "/diagnostics/{diagnostic_id:uuid}/answers/{item_id:str}",
        summary="Répondre à une question",
        responses=problems(
            404,
            409,
            413,
            422,
            when={
                404: UNKNOWN_DIAGNOSTIC[404],
                409: "Le diagnostic est terminé : il ne change plus.",
                422: "Question inconnue, ou réponse hors de l'échelle.",
            },
        ),
    )
    async def answer(
        self,
        diagnostics: NamedDependency[DiagnosticService],
        diagnostic: NamedDependency[Diagnostic],
        item_id: FromPath[str],
        data: JSONBody[AnswerIn],
    ) -> AdaptiveOut:
        await diagnostics.answer(diagnostic, item_id, data.value)
        return _adaptive(diagnostic)

    @delete(
        "/diagnostics/{diagnostic_id:uuid}/answers/last",
        summary="Revenir à la question précédente",
        status_code=200,
        responses=problems(404, when=UNKNOWN_DIAGNOSTIC),
    )
    async def back(
        self,
        diagnostics: NamedDependency[DiagnosticService],
        diagnostic: NamedDependency[Diagnostic],
    ) -> AdaptiveOut:
        await diagnostics.back(diagnostic)
        return _adaptive(diagnostic)

    @post(
        "/diagnostics/{diagnostic_id:uuid}/finish",
        summary="Terminer et obtenir le résultat",
        status_code=200,
        responses=problems(
            404,
            409,
            413,
            422,
            when={
                404: UNKNOWN_DIAGNOSTIC[404],
                409: "Le diagnostic est déjà terminé : un diagnostic terminé ne change plus.",
                422: "Contexte ou objectifs à corriger (`problems`), ou aucune réponse notée.",
            },
        ),
    )
    async def finish(
        self,
        diagnostics: NamedDependency[DiagnosticService],
        diagnostic: NamedDependency[Diagnostic],
        data: JSONBody[FinishIn],
    ) -> ScoredDiagnosticOut:
        if diagnostic.status == DiagnosticStatus.COMPLETED:
            raise Problem(409, COMPLETED)
        try:
            read_submission(
                {
                    "version": diagnostic.referential_version,
                    "answers": diagnostic.answers,
                    "context": data.context,
                    "goals": data.goals,
                }
            )
        except SubmissionError as error:
            problems = error.problems
        else:
            problems = unknown_commune(data.context)
        if nothing_scored(diagnostic.answers):
            problems.append(MSG_NOTHING_SCORED)
        if problems:
            raise Problem(422, INVALID, problems)
        result = await diagnostics.finish(diagnostic, data.context, data.goals)
        return ScoredDiagnosticOut(diagnostic.id, result_out(stored_result(result)))


__all__ = ["DiagnosticApi", "DiagnosticStatus"]
