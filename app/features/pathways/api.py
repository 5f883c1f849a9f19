"""``POST /api/v1/recommendations``, a person's pathway (read, and a mediator's decisions) and
the yes or no on a diagnostic's proposal."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID

from litestar import Controller, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from sqlalchemy.ext.asyncio import AsyncSession

from app.access import Permission, needs, visible_person
from app.audit import Auditor
from app.db.models import Diagnostic, DiagnosticStatus, FeedbackKind, Person, User
from app.errors import Problem
from app.features.diagnostics import (
    DiagnosticService,
    NotVisibleError,
    checked_submission,
    referential_of,
    result_of,
)
from app.features.pathways.schemas import (
    FeedbackIn,
    FeedbackOut,
    PathwayIn,
    PathwayNeedOut,
    PathwayOut,
    PathwayStepOut,
    RecommendationIn,
    RecommendationOut,
    recommendation_out,
)
from app.features.pathways.service import (
    Decision,
    DecisionError,
    chosen_goals,
    decide,
    latest_finished,
    pathways_of,
    propose,
    recommend,
    record_feedback,
    steps_of,
)
from app.openapi import BEARER_OPTIONAL, BEARER_REQUIRED, problems
from app.throttle import Limit, per_address
from pathways.models import Context, Step
from pathways.rules import load_rules
from referentiel import load_referential

# Each recommendation runs a few searches: plenty for an application, not for a flood.
RECOMMENDATIONS = Limit("recommendations", attempts=120, window=timedelta(minutes=5))
FEEDBACK = Limit("recommendation-feedback", attempts=60, window=timedelta(minutes=10))
DECISIONS = Limit("pathway-decisions", attempts=120, window=timedelta(minutes=10))
BOTH = "Donnez `diagnostic_id` ou `answers`, pas les deux."
NEITHER = "Donnez `diagnostic_id` (un diagnostic enregistré) ou `answers` (un diagnostic entier)."
UNFINISHED = "Ce diagnostic n'est pas terminé : la proposition vient avec son résultat."
NOT_FOUND = "Diagnostic introuvable."
NO_DIAGNOSTIC = "Cette personne n'a pas encore de diagnostic terminé."
NOT_CHOSEN = "« {need} » n'est pas un besoin choisi dans ce diagnostic."
INVALID = "Les décisions contiennent des valeurs à corriger."
WHEN_DIAGNOSTIC = {
    404: "Diagnostic inconnu, ou lié à une personne que l'appelant ne suit pas.",
    409: "Le diagnostic n'est pas terminé.",
}


async def _visible(db: AsyncSession, user: User | None, diagnostic_id: UUID) -> Diagnostic:
    try:
        diagnostic = await DiagnosticService(db).visible(diagnostic_id, user)
    except NotVisibleError:
        raise Problem(404, NOT_FOUND) from None
    if diagnostic.status != DiagnosticStatus.COMPLETED:
        raise Problem(409, UNFINISHED)
    return diagnostic


def _pathway_out(person: Person, diagnostic: Diagnostic | None, found: Any) -> PathwayOut:
    pathways, steps = found
    return PathwayOut(
        person_id=person.id,
        diagnostic_id=None if diagnostic is None else diagnostic.id,
        needs=[
            PathwayNeedOut(
                need=p.need,
                current=p.current,
                proposed_goal=p.proposed_goal,
                goal=p.goal,
                modality=p.modality,
                decided_by=p.decided_by,
                decided_at=p.decided_at,
                steps=[
                    PathwayStepOut(
                        position=s.position,
                        competence=s.competence,
                        from_=s.from_level,
                        to=s.to_level,
                        kind=s.kind,
                        modality=s.modality,
                        status=s.status.value,
                        origin=s.origin.value,
                        booking_id=s.booking_id,
                    )
                    for s in steps[p.id]
                ],
            )
            for p in sorted(pathways.values(), key=lambda p: p.need)
        ],
    )


async def _pathway(db: AsyncSession, diagnostic: Diagnostic | None) -> Any:
    if diagnostic is None:
        return {}, {}
    pathways = await pathways_of(db, diagnostic.id)
    if not pathways:  # never shown yet: the proposal makes it
        await propose(db, diagnostic, "fr")
        pathways = await pathways_of(db, diagnostic.id)
    return pathways, await steps_of(db, [p.id for p in pathways.values()])


def _kind_for(competence: str) -> str:
    rules = load_rules()
    return next((t.kind for t in rules.triggers if t.competence == competence), rules.kinds[0].id)


def _decisions(
    data: PathwayIn, diagnostic: Diagnostic, modalities: dict[str, str]
) -> list[Decision]:
    known = {c.code for c in load_referential().competences}
    chosen = set(diagnostic.context.get("needs", []))
    problems = [NOT_CHOSEN.format(need=d.need) for d in data.needs if d.need not in chosen]
    decisions = []
    for d in data.needs:
        for step in d.steps or []:
            if step.competence not in known:
                problems.append(f"Compétence inconnue : « {step.competence} ».")
            if step.from_ >= step.to:
                problems.append(f"{step.competence} : « to » doit dépasser « from ».")
        modality = d.modality or modalities.get(d.need, "individual")
        steps = None
        if d.steps is not None:
            steps = [
                Step(
                    s.competence,
                    s.from_,
                    s.to,
                    s.kind or _kind_for(s.competence),
                    s.modality or modality,  # type: ignore[arg-type]
                )
                for s in d.steps
            ]
        decisions.append(Decision(d.need, FeedbackKind(d.decision), d.goal, d.modality, steps))
    if problems:
        raise Problem(422, INVALID, problems)
    return decisions


class RecommendationApi(Controller):
    path = "/api/v1"
    tags = ("pathways",)

    @post(
        "/recommendations",
        summary="Proposer un parcours : objectif, modalité et étapes par besoin",
        description="Pour un diagnostic enregistré (`diagnostic_id`, vu comme `GET "
        "/api/v1/diagnostics/{id}` le voit) ou donné en entier comme `POST "
        "/api/v1/diagnostics` le prend. Par besoin : l'autonomie d'aujourd'hui, l'objectif "
        "proposé et celui choisi, la modalité, au plus 3 étapes, chacune avec au plus 3 "
        "séances proches aux places libres (ou des ressources et des lieux), et le pourquoi "
        "de chaque élément (`why` : la règle citée et les réponses lues). La proposition "
        "d'un diagnostic enregistré est gardée (`recommendation_id`).",
        opt=needs(Permission.PUBLIC),
        security=BEARER_OPTIONAL,
        guards=[per_address(RECOMMENDATIONS)],
        status_code=200,
        responses=problems(
            404,
            409,
            413,
            422,
            429,
            when=WHEN_DIAGNOSTIC
            | {
                422: "Ni `diagnostic_id` ni `answers`, ou les deux ; des valeurs à corriger "
                "(`problems`), comme pour `POST /api/v1/diagnostics`.",
            },
        ),
    )
    async def recommend(
        self,
        *,
        data: JSONBody[RecommendationIn],
        db_session: NamedDependency[AsyncSession],
        current_user: NamedDependency[User | None],
    ) -> RecommendationOut:
        if (data.diagnostic_id is None) == (data.answers is None):
            raise Problem(422, BOTH if data.answers is not None else NEITHER)
        extra: dict[str, Any] = {"preference": data.preference, "max_km": data.max_km}
        if data.diagnostic_id is not None:
            diagnostic = await _visible(db_session, current_user, data.diagnostic_id)
            if data.preference is None and data.max_km is None:
                shown = await propose(db_session, diagnostic, data.lang)
                return recommendation_out(
                    shown.found.recommendation, shown.recommendation_id, diagnostic.id
                )
            # what the diagnostic does not ask changes only this answer: nothing is kept
            goals = await chosen_goals(db_session, diagnostic)
            context = Context.of_diagnostic(diagnostic.context, goals, language=data.lang, **extra)
            found = await recommend(
                db_session, referential_of(diagnostic), result_of(diagnostic), context
            )
            return recommendation_out(found.recommendation, None, diagnostic.id)
        raw: dict[str, Any] = {
            "answers": data.answers,
            "context": data.context,
            "evidence": data.evidence,
            "goals": data.goals,
        }
        if data.version is not None:
            raw["version"] = data.version
        submission = checked_submission(raw, scored=True)
        context = Context.of_diagnostic(
            submission.context, submission.goals, language=data.lang, **extra
        )
        found = await recommend(db_session, submission.ref, submission.score(), context)
        return recommendation_out(found.recommendation, None, None)

    @post(
        "/diagnostics/{diagnostic_id:uuid}/feedback",
        summary="« Cette proposition vous convient-elle ? » : oui ou non, pour un besoin",
        description="Gardé avec la dernière proposition faite pour ce diagnostic (donnée "
        "d'apprentissage : quoi, quand ; jamais qui, pour un habitant sans fiche).",
        opt=needs(Permission.PUBLIC),
        security=BEARER_OPTIONAL,
        guards=[per_address(FEEDBACK)],
        responses=problems(
            404,
            409,
            422,
            429,
            when=WHEN_DIAGNOSTIC
            | {
                422: "Un besoin que le diagnostic n'a pas choisi.",
            },
        ),
    )
    async def feedback(
        self,
        *,
        diagnostic_id: FromPath[UUID],
        data: JSONBody[FeedbackIn],
        db_session: NamedDependency[AsyncSession],
        current_user: NamedDependency[User | None],
    ) -> FeedbackOut:
        diagnostic = await _visible(db_session, current_user, diagnostic_id)
        if data.need not in diagnostic.context.get("needs", []):
            raise Problem(422, NOT_CHOSEN.format(need=data.need))
        by = None if current_user is None else current_user.id
        row = await record_feedback(
            db_session, diagnostic, data.need, FeedbackKind.RESIDENT, {"fits": data.fits}, by=by
        )
        return FeedbackOut(row.id, row.need, data.fits, row.recommendation_id, row.at)


class PersonPathwayApi(Controller):
    path = "/api/v1/people/{person_id:uuid}/pathway"
    tags = ("pathways",)
    opt = needs(Permission.PEOPLE)
    security = BEARER_REQUIRED

    @get(
        "/",
        summary="Le parcours d'une personne : par besoin, l'objectif, la modalité, les étapes",
        description="Celui de son dernier diagnostic terminé ; chaque étape a son statut "
        "(`proposed`, `booked`, `done`, `dropped`) et son origine (proposée, ou décidée par un "
        "médiateur).",
        responses=problems(401, 403, 404),
    )
    async def read(
        self,
        *,
        person_id: FromPath[UUID],
        db_session: NamedDependency[AsyncSession],
        current_user: NamedDependency[User | None],
        auditor: NamedDependency[Auditor],
    ) -> PathwayOut:
        person = await visible_person(db_session, current_user, person_id)
        diagnostic = await latest_finished(db_session, person.id)
        found = await _pathway(db_session, diagnostic)
        auditor.record(db_session, "pathway.read", "person", person.id)
        await db_session.commit()
        return _pathway_out(person, diagnostic, found)

    @put(
        "/",
        summary="Les décisions d'un médiateur : accepter, modifier ou remplacer les étapes",
        description="Par besoin : `accepted` garde la proposition, `edited` change "
        "l'objectif ou la modalité (et les étapes si elles sont données), `replaced` met ses "
        "étapes (3 au plus) à la place des étapes proposées. Les étapes réservées ou faites "
        "restent. Chaque décision est gardée avec son auteur et sa date. Rend le parcours.",
        guards=[per_address(DECISIONS)],
        responses=problems(
            401,
            403,
            404,
            409,
            422,
            429,
            when={
                404: "Personne inconnue dans la structure de l'appelant, ou diagnostic qui "
                "n'est pas le sien.",
                409: "Le diagnostic n'est pas terminé, ou la personne n'en a pas.",
                422: "Un besoin qui n'est pas dans le parcours, une compétence inconnue, une "
                "étape qui ne monte pas (`problems`).",
            },
        ),
    )
    async def decide(
        self,
        *,
        person_id: FromPath[UUID],
        data: JSONBody[PathwayIn],
        db_session: NamedDependency[AsyncSession],
        current_user: NamedDependency[User | None],
        auditor: NamedDependency[Auditor],
    ) -> PathwayOut:
        person = await visible_person(db_session, current_user, person_id)
        assert current_user is not None  # the people permission needs an account
        if data.diagnostic_id is None:
            diagnostic = await latest_finished(db_session, person.id)
            if diagnostic is None:
                raise Problem(409, NO_DIAGNOSTIC)
        else:
            diagnostic = await _visible(db_session, current_user, data.diagnostic_id)
            if diagnostic.person_id != person.id:
                raise Problem(404, NOT_FOUND)
        pathways, _steps = await _pathway(db_session, diagnostic)
        modalities = {need: p.modality for need, p in pathways.items()}
        decisions = _decisions(data, diagnostic, modalities)
        try:
            await decide(db_session, diagnostic, decisions, current_user.id)
        except DecisionError as error:
            raise Problem(422, INVALID, error.problems) from None
        auditor.record(db_session, "pathway.decide", "person", person.id)
        await db_session.commit()
        return _pathway_out(person, diagnostic, await _pathway(db_session, diagnostic))
