"""The mediator's page of a person's pathway (``/pro/personnes/{id}/parcours``): the same
proposal as the person's result, what is kept of it per need (goal, modality, steps and their
status, who decided), forms to accept, edit or replace the steps, and the progress between
the last two diagnostics. Only the person's structure reaches it (anything else: 404)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from app.access import Permission, needs
from app.audit import Auditor
from app.db.models import FeedbackKind, Person, User
from app.features.accounts import PAGE_ERRORS
from app.features.diagnostics import recommender_for, referential_of, result_of
from app.features.pathways.service import (
    Decision,
    Words,
    decide,
    latest_finished,
    pathways_of,
    progress_of,
    propose,
    steps_of,
)
from app.features.people import PERSON
from app.i18n import request_language
from app.web import Form, FormData, flash, one, page, see_other
from pathways.models import Step
from pathways.recommend import Recommender
from referentiel.i18n import localized
from referentiel.masks import AUTONOMY_ORDER
from referentiel.scoring import DiagnosticResult

MODALITIES = (
    "delegation",
    "orientation",
    "individual",
    "collective",
    "self_study",
    "peer_training",
)
STEP_ROWS = 3


def _steps(
    data: FormData, modality: str, engine: Recommender, result: DiagnosticResult
) -> tuple[list[Step], int | None]:
    """The steps typed in the « replace » form (rows left blank are skipped), or the number
    of the first row that does not go up from one level to a higher one of a known
    competence. Each step's kind of workshop is the one the rules pick for this person."""
    levels = {c.code: c.level for c in result.competences}
    steps = []
    for n in range(1, STEP_ROWS + 1):
        code = one(data, f"step{n}_competence")
        if not code:
            continue
        low, high = one(data, f"step{n}_from"), one(data, f"step{n}_to")
        if code not in levels or not (
            low.isdigit() and high.isdigit() and int(low) < int(high) <= 4
        ):
            return [], n
        kind = engine.kind_for(code, int(low), int(high), levels)
        steps.append(Step(code, int(low), int(high), kind, modality))  # type: ignore[arg-type]
    return steps, None


class PersonPathwayPages(Controller):
    path = "/pro/personnes/{person_id:uuid}/parcours"
    include_in_schema = False
    opt = needs(Permission.PEOPLE)
    exception_handlers = PAGE_ERRORS
    dependencies = PERSON

    @get("/")
    async def show(
        self,
        *,
        request: Request[Any, Any, Any],
        person: NamedDependency[Person],
        db_session: NamedDependency[AsyncSession],
        auditor: NamedDependency[Auditor],
    ) -> Template:
        lang = request_language(request)
        diagnostic = await latest_finished(db_session, person.id)
        context: dict[str, Any] = {"person": person, "diagnostic": diagnostic, "words": Words(lang)}
        if diagnostic is not None:
            proposal = await propose(db_session, diagnostic, lang)
            pathways = await pathways_of(db_session, diagnostic.id)
            context |= {
                "proposal": replace(proposal, person_id=person.id),
                "ref": localized(referential_of(diagnostic), lang),
                "pathways": pathways,
                "steps": await steps_of(db_session, [p.id for p in pathways.values()]),
                "levels": AUTONOMY_ORDER,
                "modalities": MODALITIES,
                "rows": range(1, STEP_ROWS + 1),
            }
        context["progress"] = await progress_of(db_session, person.id)
        auditor.record(db_session, "pathway.read", "person", person.id)
        await db_session.commit()
        return page(request, "pathways/person.html", **context)

    @post("/decision")
    async def decision(
        self,
        *,
        request: Request[Any, Any, Any],
        person: NamedDependency[Person],
        user: NamedDependency[User],
        db_session: NamedDependency[AsyncSession],
        auditor: NamedDependency[Auditor],
        data: Form,
    ) -> Redirect:
        """Accept, edit (goal, modality) or replace the steps of one need; all or nothing,
        the reason said on the page when nothing could be kept."""
        here = f"/pro/personnes/{person.id}/parcours"
        diagnostic = await latest_finished(db_session, person.id)
        need, kind = one(data, "need"), one(data, "decision")
        pathways = {} if diagnostic is None else await pathways_of(db_session, diagnostic.id)
        if (
            diagnostic is None
            or need not in pathways
            or kind not in ("accepted", "edited", "replaced")
        ):
            flash(request, "Rien n'est enregistré : ce besoin n'est pas dans le parcours.")
            return see_other(here)
        goal, modality = one(data, "goal") or None, one(data, "modality") or None
        if (goal and goal not in AUTONOMY_ORDER) or (modality and modality not in MODALITIES):
            flash(request, "Rien n'est enregistré : objectif ou façon de faire inconnus.")
            return see_other(here)
        steps = None
        if kind == "replaced":
            engine = recommender_for(referential_of(diagnostic).version)
            chosen = modality or pathways[need].modality
            steps, wrong = _steps(data, chosen, engine, result_of(diagnostic))
            if wrong is not None:
                flash(
                    request,
                    "Rien n'est enregistré : l'étape {n} doit faire monter une compétence "
                    "d'un niveau à un niveau plus haut, de 0 à 4.",
                    n=wrong,
                )
                return see_other(here)
        decision = Decision(need, FeedbackKind(kind), goal, modality, steps)
        await decide(db_session, diagnostic, [decision], user.id)
        auditor.record(db_session, "pathway.decide", "person", person.id)
        await db_session.commit()
        flash(request, "Décision enregistrée pour « {need} ».", need=need)
        return see_other(here)
