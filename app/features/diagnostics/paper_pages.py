"""The paper Numérimètre typed in by a mediator, row by row: for a person, anonymous for the
structure, or a correction of a recorded paper or scanned form (a new version linked to it).

Every page that names a person goes through `app.access.visible_person`: another structure's
person is « not found », as if they did not exist.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency, Provide
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from app.access import Permission, needs, person_for
from app.audit import Auditor
from app.db.models import Channel, Diagnostic, Person, User
from app.features.accounts import PAGE_ERRORS
from app.features.diagnostics.dependencies import correctable_paper_diagnostic
from app.features.diagnostics.paper import (
    FORM_KEY_FIELD,
    GOAL_FIELD,
    ITEM_FIELD,
    PaperEntry,
    check_paper,
    row_anchor,
)
from app.features.diagnostics.service import (
    AlreadyCorrectedError,
    AuditEntry,
    DiagnosticError,
    DiagnosticService,
    Idempotency,
    IdempotencyConflictError,
    Provenance,
    add_diagnostic,
    person_row,
    request_fingerprint,
    scoped_key,
)
from app.features.people import PERSON
from app.i18n import gettext_for, request_language
from app.territories import as_typed
from app.web import (
    Form,
    FormData,
    Msg,
    error_summary,
    flash,
    localized_ref,
    page,
    parse_uuid,
    see_other,
)
from referentiel import load_referential

PAPER_COUNT = "paper_count"
PAPER_LAST = "paper_last"  # the last paper form saved in this session, which may be cancelled
MSG_CORRECTED = (
    "Ce diagnostic a déjà été corrigé : revenez à la fiche et corrigez sa dernière version."
)
MSG_NO_ANSWER = (
    "Aucune réponse de 0 à 4 sur cette feuille : il en faut au moins une pour enregistrer un "
    "diagnostic."
)
MSG_ALREADY_SAVED = (
    "Ce formulaire a déjà été enregistré avec d'autres réponses. Pour saisir une autre "
    "feuille, ouvrez un formulaire vide."
)


def _paper_labels(request: Request[Any, Any, Any]) -> dict[str, tuple[str, str]]:
    _ = gettext_for(request_language(request))
    ref = localized_ref(request)
    labels: dict[str, tuple[str, str]] = {"": ("reponses", _("Formulaire"))}
    for number, item in enumerate(ref.form_items("papier"), start=1):
        labels[item.id] = (
            row_anchor(item.id),
            _("Ligne {number} ({item})").format(number=number, item=item.id),
        )
    for question in ref.context_questions:
        labels[question.id] = ("ctx-" + question.id, question.falc)
    for need in ref.needs:
        labels[GOAL_FIELD + need.code] = (GOAL_FIELD + need.code, need.falc)
    return labels


def _paper_page(
    request: Request[Any, Any, Any],
    entry: PaperEntry,
    person: Person | None,
    errors: dict[str, Msg] | None = None,
    status: int = 200,
    *,
    correcting: Diagnostic | None = None,
) -> Template:
    errors = errors or {}
    if correcting is not None and person is not None:
        action = f"/pro/personnes/{person.id}/diagnostics/{correcting.id}/corriger"
    else:
        action = f"/pro/personnes/{person.id}/papier" if person else "/pro/papier"
    return page(
        request,
        "diagnostic/paper.html",
        status=status,
        entry=entry,
        person=person,
        errors=errors,
        summary=error_summary(request, errors, _paper_labels(request)),
        action=action,
        correcting=correcting,
        row_anchor=row_anchor,
        item_field=ITEM_FIELD,
        goal_field=GOAL_FIELD,
        form_key_field=FORM_KEY_FIELD,
        context_order=load_referential().forms.papier.context,
    )


class PaperPages(Controller):
    path = "/pro"
    include_in_schema = False
    opt = needs(Permission.PEOPLE)
    exception_handlers = PAGE_ERRORS
    dependencies = {**PERSON, "correcting": Provide(correctable_paper_diagnostic)}

    @get("/personnes/{person_id:uuid}/papier")
    async def person_paper_form(
        self,
        request: Request[Any, Any, Any],
        person: NamedDependency[Person],
    ) -> Template:
        entry = PaperEntry.blank(
            load_referential(), person.birth_year_band, as_typed(person.commune_insee)
        )
        return _paper_page(request, entry, person)

    @post("/personnes/{person_id:uuid}/papier")
    async def person_paper_save(
        self,
        *,
        request: Request[Any, Any, Any],
        person: NamedDependency[Person],
        data: Form,
        db_session: NamedDependency[AsyncSession],
        auditor: NamedDependency[Auditor],
        user: NamedDependency[User],
    ) -> Template | Redirect:
        return await self._save_paper(request, db_session, data, person, auditor, user=user)

    @get("/personnes/{person_id:uuid}/diagnostics/{diagnostic_id:uuid}/corriger")
    async def correction_form(
        self,
        *,
        request: Request[Any, Any, Any],
        person: NamedDependency[Person],
        correcting: NamedDependency[Diagnostic],
    ) -> Template:
        ref = load_referential()
        entry = PaperEntry.of(ref, correcting.answers, correcting.context, correcting.goals)
        return _paper_page(request, entry, person, correcting=correcting)

    @post("/personnes/{person_id:uuid}/diagnostics/{diagnostic_id:uuid}/corriger")
    async def correction_save(
        self,
        *,
        request: Request[Any, Any, Any],
        person: NamedDependency[Person],
        correcting: NamedDependency[Diagnostic],
        data: Form,
        db_session: NamedDependency[AsyncSession],
        auditor: NamedDependency[Auditor],
        user: NamedDependency[User],
    ) -> Template | Redirect:
        return await self._save_paper(
            request, db_session, data, person, auditor, user=user, correcting=correcting
        )

    @get("/papier")
    async def paper_form(self, request: Request[Any, Any, Any]) -> Template:
        return _paper_page(request, PaperEntry.blank(load_referential()), None)

    @post("/papier")
    async def paper_save(
        self,
        *,
        request: Request[Any, Any, Any],
        data: Form,
        db_session: NamedDependency[AsyncSession],
        auditor: NamedDependency[Auditor],
        user: NamedDependency[User],
    ) -> Template | Redirect:
        return await self._save_paper(request, db_session, data, None, auditor, user=user)

    @staticmethod
    async def _save_paper(
        request: Request[Any, Any, Any],
        db: AsyncSession,
        data: FormData,
        person: Person | None,
        auditor: Auditor,
        *,
        user: User,
        correcting: Diagnostic | None = None,
    ) -> Template | Redirect:
        ref = load_referential()
        entry = PaperEntry.from_form(ref, data)
        checked = check_paper(ref, entry)
        if checked.submission is None:
            return _paper_page(
                request, entry, person, checked.errors, status=422, correcting=correcting
            )
        action = "diagnostic.create" if correcting is None else "diagnostic.correct"
        # The form's own key makes a double click or a re-sent POST save one diagnostic only.
        provenance = Provenance(
            Channel.PAPER,
            person.id if person else None,
            person.structure_id if person else user.structure_id,
        )
        if correcting is not None:
            provenance = Provenance.correcting(correcting)
        idempotency = Idempotency(
            scoped_key(f"user:{user.id}", f"papier:{entry.form_key}"),
            request_fingerprint(
                {"person": str(person.id) if person else None, **entry.fingerprint_payload()}
            ),
        )
        try:
            recorded = await add_diagnostic(
                db,
                await person_row(db, checked.submission, provenance, idempotency),
                None if person is None else AuditEntry(auditor, action),
            )
            await db.commit()
        except (IdempotencyConflictError, DiagnosticError) as error:
            await db.rollback()  # before the page is sent: SQLite writes its session meanwhile
            if isinstance(error, IdempotencyConflictError):
                return _paper_page(
                    request, entry, person, {"": Msg(MSG_ALREADY_SAVED)}, 409, correcting=correcting
                )
            message = MSG_CORRECTED if isinstance(error, AlreadyCorrectedError) else MSG_NO_ANSWER
            errors = {"": Msg(message)}
            return _paper_page(request, entry, person, errors, 422, correcting=correcting)
        session = dict(request.session)
        if recorded.created:
            session[PAPER_LAST] = str(recorded.id)
        if person is None:
            count = session.get(PAPER_COUNT, 0)
            count = count if isinstance(count, int) else 0
            session[PAPER_COUNT] = count = count + 1 if recorded.created else count
        request.set_session(session)
        if person is not None and correcting is not None:
            flash(
                request,
                "Correction enregistrée pour {alias} : la version d'origine est gardée.",
                undo=True,
                alias=person.alias,
            )
            return see_other(f"/pro/personnes/{person.id}")
        if person is not None:
            flash(
                request, "Formulaire papier enregistré pour {alias}.", undo=True, alias=person.alias
            )
            return see_other(f"/pro/personnes/{person.id}")
        flash(request, "Formulaire n° {number} enregistré.", undo=True, number=count)
        return see_other("/pro/papier")

    @post("/papier/annuler")
    async def paper_cancel(
        self,
        *,
        user: NamedDependency[User],
        diagnostics: NamedDependency[DiagnosticService],
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        auditor: NamedDependency[Auditor],
    ) -> Redirect:
        """Cancel the last paper form saved in this session (a typing mistake seen too late)."""
        session = dict(request.session)
        last_id = parse_uuid(session.pop(PAPER_LAST, None))
        diagnostic = None if last_id is None else await diagnostics.get(last_id)
        person = None
        if diagnostic is not None and diagnostic.person_id is not None:
            person = await person_for(db_session, user, diagnostic.person_id)
        allowed = (
            diagnostic is not None
            and diagnostic.channel == Channel.PAPER
            and (
                person is not None
                if diagnostic.person_id is not None
                else diagnostic.structure_id == user.structure_id
            )
        )
        if diagnostic is None or not allowed:
            request.set_session(session)
            flash(request, "Rien à annuler : ce formulaire a déjà été annulé ou effacé.")
            return see_other("/pro/papier")
        await diagnostics.delete(diagnostic, auditor)
        if person is None:
            count = session.get(PAPER_COUNT, 0)
            session[PAPER_COUNT] = max(0, count - 1) if isinstance(count, int) else 0
        request.set_session(session)
        flash(
            request,
            "Formulaire annulé : rien n'en est gardé. Vous pouvez saisir la feuille à nouveau.",
        )
        return see_other(f"/pro/personnes/{person.id}/papier" if person else "/pro/papier")
