"""The resident's diagnostic: one question per screen, saved at every step, no JavaScript needed.

Every form posts and is answered by a redirect (POST-redirect-GET), so a refresh never sends an
answer twice, and every step is read back from the database, so a lost connection loses nothing.
"""

from __future__ import annotations

from datetime import timedelta
from functools import partial
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromQuery
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from app import preferences
from app.access import Permission, needs
from app.db.models import Diagnostic, DiagnosticStatus, FeedbackKind
from app.errors import Problem
from app.features.diagnostics.dependencies import (
    CURRENT,
    NotOnThisDeviceError,
    open_here,
    visible_diagnostic,
)
from app.features.diagnostics.printing import attestation_pdf, paper_facts
from app.features.diagnostics.service import (
    CompletedError,
    DiagnosticService,
    format_resume_code,
    referential_of,
    result_of,
    taken_back,
    walk_of,
)
from app.features.pathways import Words, change_goals, chosen_goals, propose, record_feedback
from app.i18n import decimal_mark, gettext_for, request_language
from app.pdf import PDF_LIMIT, draw
from app.sessions import rotate_session
from app.territories import Found, as_typed, pick
from app.throttle import Limit, client_address, per_address
from app.web import Msg, download, flash, page, see_other
from referentiel import load_referential
from referentiel.context import ContextValueError, read_context_value
from referentiel.explain import explain
from referentiel.goals import is_goal
from referentiel.i18n import localized
from referentiel.masks import AUTONOMY_ORDER
from referentiel.scoring import DiagnosticResult

FORM = Body(media_type=RequestEncodingType.URL_ENCODED)
MultiForm = Annotated[dict[str, Any], FORM]
# Failed resume codes per address: a person mistyping a few times is fine, guessing is not.
RESUME_TRIES = Limit("resume-code", attempts=10, window=timedelta(minutes=15))
# « Cette proposition vous convient-elle ? »: a few answers per need, not a flood of them.
FEEDBACK = Limit("proposal-feedback", attempts=30, window=timedelta(minutes=10))
MSG_NOT_HERE = (
    "Pour revoir ce diagnostic sur cet appareil, tapez son code : il est sur chaque question "
    "et sur le résultat."
)
MSG_ERASED = (
    "C'est fait : rien de votre diagnostic ne reste sur cet appareil. Votre code permet "
    "toujours de le retrouver."
)
MSG_SAVED_FOR_PERSON = (
    "Diagnostic terminé et enregistré dans la fiche. Ouvrez-le dans le suivi pour voir le "
    "résultat, les besoins et les objectifs, ou imprimer l'attestation."
)
# What « Terminer et effacer de cet appareil » asks the browser to forget.
CLEAR_SITE_DATA = '"cache", "cookies", "storage"'


def _values(data: dict[str, Any], key: str) -> list[str]:
    """A form field that may be sent several times (checkboxes)."""
    value = data.get(key)
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


class ResidentPages(Controller):
    include_in_schema = False
    opt = needs(Permission.PUBLIC)

    @get("/")
    async def home(
        self, request: Request[Any, Any, Any], efface: FromQuery[bool] = False
    ) -> Template:
        return page(
            request,
            "diagnostic/home.html",
            current=request.session.get(CURRENT),
            minutes=load_referential().forms.rapide.minutes,
            erased=Msg(MSG_ERASED) if efface else None,
        )

    @post("/appareil/effacer")
    async def forget_this_device(self, request: Request[Any, Any, Any]) -> Redirect:
        """The end of a visit on a shared PC: the session, its cookies, the preferences and
        the browser's cache for the service are gone."""
        rotate_session(request)
        request.clear_session()
        response = see_other("/?efface=1")
        response.headers["Clear-Site-Data"] = CLEAR_SITE_DATA
        preferences.forget(response, request)
        return response

    @post("/diagnostic")
    async def start(
        self, request: Request[Any, Any, Any], diagnostics: NamedDependency[DiagnosticService]
    ) -> Redirect:
        diagnostic = await diagnostics.start()
        open_here(request, diagnostic.id)
        return see_other(f"/diagnostic/{diagnostic.id}/question")

    @get("/reprendre")
    async def resume_form(
        self, request: Request[Any, Any, Any], appareil: FromQuery[bool] = False
    ) -> Template:
        notice = Msg(MSG_NOT_HERE) if appareil else None
        return page(request, "diagnostic/resume.html", error=None, code="", hint=notice)

    @post("/reprendre", guards=[per_address(RESUME_TRIES, count=False)])
    async def resume(
        self,
        *,
        diagnostics: NamedDependency[DiagnosticService],
        request: Request[Any, Any, Any],
        data: MultiForm,
        db_session: NamedDependency[AsyncSession],
    ) -> Template | Redirect:
        code = str(data.get("code", ""))[:40]
        settings = request.app.state.settings
        diagnostic = await diagnostics.by_resume_code(
            code,
            in_progress_for=timedelta(days=settings.resume_in_progress_days),
            result_for=timedelta(days=settings.resume_result_days),
        )
        if diagnostic is None:
            await request.app.state.throttles.hit(db_session, RESUME_TRIES, client_address(request))
            await db_session.commit()
            return page(
                request,
                "diagnostic/resume.html",
                status=404,
                code=code,
                error="Ce code ne correspond à aucun diagnostic. Vérifiez les 8 caractères.",
                hint=None,
            )
        open_here(request, diagnostic.id)
        return see_other(_next_step(diagnostic))


def _finished(request: Request[Any, Any, Any], diagnostic: Diagnostic) -> Redirect:
    """A resident sees their result; a diagnostic made with a person the mediator follows
    goes back to that person's page, where it heads the follow-up."""
    if diagnostic.person_id is None:
        return see_other(f"/diagnostic/{diagnostic.id}/resultat")
    flash(request, MSG_SAVED_FOR_PERSON)
    return see_other(f"/pro/personnes/{diagnostic.person_id}")


def _starting_out(result: DiagnosticResult) -> bool:
    """Every domain known is at 0: the result opens with what the person can do next."""
    known = [d.level for d in result.domains if d.level is not None]
    return bool(known) and not any(known)


def _next_step(diagnostic: Diagnostic) -> str:
    if diagnostic.status == DiagnosticStatus.COMPLETED:
        return f"/diagnostic/{diagnostic.id}/resultat"
    return f"/diagnostic/{diagnostic.id}/question"


class DiagnosticSteps(Controller):
    """Every step of one diagnostic; the diagnostic comes from its unguessable id."""

    path = "/diagnostic/{diagnostic_id:uuid}"
    include_in_schema = False
    opt = needs(Permission.PUBLIC)
    dependencies = {
        "diagnostic": visible_diagnostic(
            "Ce diagnostic n'existe pas ou a été effacé.", bound_to_session=True
        )
    }
    exception_handlers = {
        NotOnThisDeviceError: lambda _request, _exc: see_other("/reprendre?appareil=1"),
        CompletedError: lambda request, _exc: see_other(
            f"/diagnostic/{request.path_params['diagnostic_id']}/resultat"
        ),
    }

    @get("/question")
    async def question(
        self,
        request: Request[Any, Any, Any],
        diagnostic: NamedDependency[Diagnostic],
    ) -> Template | Redirect:
        if diagnostic.status == DiagnosticStatus.COMPLETED:
            return see_other(f"/diagnostic/{diagnostic.id}/resultat")
        state = walk_of(diagnostic)
        if state.upcoming is None:
            return see_other(f"/diagnostic/{diagnostic.id}/contexte")
        ref = localized(referential_of(diagnostic), request_language(request))
        return page(
            request,
            "diagnostic/question.html",
            diagnostic=diagnostic,
            item=ref.item(state.upcoming.id),
            previous=taken_back(diagnostic, state.upcoming.id),
            number=len(state.asked) + 1,
            left=state.left,
            resume_code=format_resume_code(diagnostic.resume_code or ""),
        )

    @post("/question")
    async def answer(
        self,
        diagnostics: NamedDependency[DiagnosticService],
        diagnostic: NamedDependency[Diagnostic],
        data: MultiForm,
    ) -> Redirect:
        raw = str(data.get("value", ""))
        value: int | str = int(raw) if raw.isdigit() else raw
        # A finished diagnostic goes to its result (the controller); a value off the scale is
        # a 422 (app.errors.domain_errors).
        await diagnostics.answer(diagnostic, str(data.get("item", "")), value)
        return see_other(f"/diagnostic/{diagnostic.id}/question")

    @post("/retour")
    async def back(
        self,
        diagnostics: NamedDependency[DiagnosticService],
        diagnostic: NamedDependency[Diagnostic],
    ) -> Redirect:
        await diagnostics.back(diagnostic)
        return see_other(f"/diagnostic/{diagnostic.id}/question")

    @get("/contexte")
    async def context_form(
        self,
        request: Request[Any, Any, Any],
        diagnostic: NamedDependency[Diagnostic],
    ) -> Template:
        return page(
            request,
            "diagnostic/context.html",
            diagnostic=diagnostic,
            values=diagnostic.context,
            commune_query=as_typed(diagnostic.context.get("commune")),
            found=Found(()),
            errors={},
        )

    @post("/contexte")
    async def save_context(
        self,
        *,
        diagnostics: NamedDependency[DiagnosticService],
        request: Request[Any, Any, Any],
        diagnostic: NamedDependency[Diagnostic],
        data: MultiForm,
    ) -> Template | Redirect:
        ref = referential_of(diagnostic)
        context: dict[str, Any] = {}
        for question in ref.context_questions:
            if question.kind == "commune" or question.id == "needs":
                continue  # the commune is found below; the needs have their own page
            try:
                value = read_context_value(question, _values(data, question.id))
            except ContextValueError as error:
                raise Problem(
                    400, "Réponse non enregistrée.", [f"{question.id} : {error}"]
                ) from None
            if value is not None:
                context[question.id] = value
        errors: dict[str, str] = {}
        query = str(data.get("commune_query", "")).strip()[:100]
        picked = pick(query, str(data.get("commune", "")))
        found = picked.found
        if picked.commune is not None:
            context["commune"] = picked.commune.insee
        elif not query:
            context["commune"] = None  # the field was emptied
        elif picked.problem is not None:  # never picked for the person: they choose under it
            errors["commune"] = picked.problem
        if errors:
            return page(
                request,
                "diagnostic/context.html",
                status=400,
                diagnostic=diagnostic,
                values=context,
                commune_query=query,
                found=found,
                errors=errors,
            )
        await diagnostics.save_context(diagnostic, context)
        return see_other(f"/diagnostic/{diagnostic.id}/besoins")

    @get("/besoins")
    async def needs_form(
        self,
        request: Request[Any, Any, Any],
        diagnostic: NamedDependency[Diagnostic],
    ) -> Template:
        return page(
            request,
            "diagnostic/needs.html",
            diagnostic=diagnostic,
            chosen=diagnostic.context.get("needs", []),
        )

    @post("/besoins")
    async def save_needs(
        self,
        diagnostics: NamedDependency[DiagnosticService],
        diagnostic: NamedDependency[Diagnostic],
        data: MultiForm,
    ) -> Redirect:
        known = {n.code for n in referential_of(diagnostic).needs}
        needs = [n for n in _values(data, "needs") if n in known]
        await diagnostics.save_context(diagnostic, {"needs": needs})
        target = "objectifs" if needs else "terminer"
        return see_other(f"/diagnostic/{diagnostic.id}/{target}")

    @get("/objectifs")
    async def goals_form(
        self,
        *,
        diagnostics: NamedDependency[DiagnosticService],
        request: Request[Any, Any, Any],
        diagnostic: NamedDependency[Diagnostic],
        db_session: NamedDependency[AsyncSession],
    ) -> Template:
        """Before the result, and from it: a goal changed on a finished diagnostic goes to
        its pathway."""
        result = await diagnostics.preview(diagnostic)
        return page(
            request,
            "diagnostic/goals.html",
            diagnostic=diagnostic,
            needs=diagnostic.context.get("needs", []),
            goals=await chosen_goals(db_session, diagnostic),
            current={a.need: a.level for a in result.autonomy},
            levels=AUTONOMY_ORDER,
        )

    @post("/objectifs")
    async def save_goals(
        self,
        *,
        diagnostics: NamedDependency[DiagnosticService],
        request: Request[Any, Any, Any],
        diagnostic: NamedDependency[Diagnostic],
        db_session: NamedDependency[AsyncSession],
        data: MultiForm,
    ) -> Redirect:
        goals = {
            need: str(data[f"goal_{need}"])
            for need in diagnostic.context.get("needs", [])
            if is_goal(data.get(f"goal_{need}"))
        }
        if diagnostic.status == DiagnosticStatus.COMPLETED:
            await change_goals(db_session, diagnostic, goals, request_language(request))
            return see_other(f"/diagnostic/{diagnostic.id}/resultat")
        await diagnostics.save_goals(diagnostic, goals)
        if await diagnostics.settling_items(diagnostic):
            return see_other(f"/diagnostic/{diagnostic.id}/precision")
        await diagnostics.finish(diagnostic)
        return _finished(request, diagnostic)

    @get("/precision")
    async def settling_question(
        self,
        *,
        diagnostics: NamedDependency[DiagnosticService],
        request: Request[Any, Any, Any],
        diagnostic: NamedDependency[Diagnostic],
    ) -> Template:
        """One or two more questions, on a competence the chosen needs rest on and that the
        short form left unassessed; then the person ends as without goals."""
        upcoming = await diagnostics.settling_items(diagnostic)
        if not upcoming:
            return page(request, "diagnostic/finish.html", diagnostic=diagnostic)
        ref = localized(referential_of(diagnostic), request_language(request))
        return page(
            request,
            "diagnostic/question.html",
            diagnostic=diagnostic,
            item=ref.item(upcoming[0]),
            previous=None,
            number=len(diagnostic.answers) + 1,
            left=len(upcoming),
            resume_code=format_resume_code(diagnostic.resume_code or ""),
            settling=True,
        )

    @post("/precision")
    async def settle(
        self,
        *,
        diagnostics: NamedDependency[DiagnosticService],
        diagnostic: NamedDependency[Diagnostic],
        data: MultiForm,
    ) -> Redirect:
        item = str(data.get("item", ""))
        if item in await diagnostics.settling_items(diagnostic):
            raw = str(data.get("value", ""))
            await diagnostics.answer(diagnostic, item, int(raw) if raw.isdigit() else raw)
        return see_other(f"/diagnostic/{diagnostic.id}/precision")

    @get("/terminer")
    async def finish_without_goals(
        self,
        request: Request[Any, Any, Any],
        diagnostic: NamedDependency[Diagnostic],
    ) -> Template:
        return page(request, "diagnostic/finish.html", diagnostic=diagnostic)

    @post("/terminer")
    async def finish(
        self,
        *,
        diagnostics: NamedDependency[DiagnosticService],
        request: Request[Any, Any, Any],
        diagnostic: NamedDependency[Diagnostic],
    ) -> Redirect:
        await diagnostics.finish(diagnostic)
        return _finished(request, diagnostic)

    @get("/resultat")
    async def result(
        self,
        *,
        request: Request[Any, Any, Any],
        diagnostic: NamedDependency[Diagnostic],
        db_session: NamedDependency[AsyncSession],
        impression: FromQuery[bool] = False,
    ) -> Template | Redirect:
        if diagnostic.status != DiagnosticStatus.COMPLETED:
            return see_other(_next_step(diagnostic))
        lang = request_language(request)
        shown = localized(referential_of(diagnostic), lang)
        result = result_of(diagnostic)
        proposal = await propose(db_session, diagnostic, lang)
        return page(
            request,
            "diagnostic/result.html",
            diagnostic=diagnostic,
            result=result,
            ref=shown,
            explanation=explain(shown, result, gettext_for(lang), decimal_mark=decimal_mark(lang)),
            starting_out=_starting_out(result),
            printing=impression,
            facts=await paper_facts(db_session, diagnostic, request.app.state.settings),
            proposal=proposal,
            words=Words(lang),
            feedback=request.query_params.get("avis"),
        )

    @post("/proposition/avis", guards=[per_address(FEEDBACK)])
    async def proposal_feedback(
        self,
        *,
        db_session: NamedDependency[AsyncSession],
        diagnostic: NamedDependency[Diagnostic],
        data: MultiForm,
    ) -> Redirect:
        """« Cette proposition vous convient-elle ? »: yes or no for one need, kept with the
        proposal shown (a need the person did not choose is ignored)."""
        need, fits = str(data.get("need", "")), data.get("fits")
        chosen = need in diagnostic.context.get("needs", [])
        if diagnostic.status == DiagnosticStatus.COMPLETED and chosen and fits in ("oui", "non"):
            value = {"fits": fits == "oui"}
            await record_feedback(db_session, diagnostic, need, FeedbackKind.RESIDENT, value)
            return see_other(f"/diagnostic/{diagnostic.id}/resultat?avis={need}#avis-{need}")
        return see_other(f"/diagnostic/{diagnostic.id}/resultat")

    @get("/resultat.pdf", guards=[PDF_LIMIT])
    async def result_pdf(
        self,
        *,
        request: Request[Any, Any, Any],
        diagnostic: NamedDependency[Diagnostic],
        db_session: NamedDependency[AsyncSession],
    ) -> Response[bytes] | Redirect:
        """The attestation of the result, to download or print: opened by whoever may open
        the result page (the browser that made it, or the person's structure)."""
        if diagnostic.status != DiagnosticStatus.COMPLETED:
            return see_other(_next_step(diagnostic))
        facts = await paper_facts(db_session, diagnostic, request.app.state.settings)
        pdf = await draw(partial(attestation_pdf, diagnostic, facts, request_language(request)))
        return download(pdf, "application/pdf", f"resultat-{facts.day:%Y-%m-%d}.pdf")
