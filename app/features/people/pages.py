"""The mediator's workspace under /pro: people of the structure, their record and timeline,
the paper Numérimètre typed in row by row, export and erasure.

Every page needs a logged-in mediator (or admin); someone not logged in is sent to the login
page and comes back here afterwards. Every page that names a person goes through
:func:`person_for`: another structure's person is « not found », as if it did not exist.
"""

from __future__ import annotations

import json
import re
import unicodedata
from datetime import datetime
from typing import Annotated, Any
from urllib.parse import quote
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromQuery, QueryParameter, URLEncodedBody
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from app.access import Permission, needs
from app.audit import Auditor
from app.db.models import Channel, Diagnostic, Person
from app.features.accounts.guards import PAGE_ERRORS, logged_in_user
from app.features.diagnostics.service import (
    MSG_ALREADY_CORRECTED,
    AuditEntry,
    DiagnosticError,
    DiagnosticService,
    IdempotencyConflictError,
    record_diagnostic,
    request_fingerprint,
    scoped_key,
)
from app.features.people.access import person_for
from app.features.people.consent import CONSENT_TEXT, CONSENT_VERSION
from app.features.people.dependencies import PERSON, correctable_paper_diagnostic
from app.features.people.paper import (
    FORM_KEY_FIELD,
    GOAL_FIELD,
    ITEM_FIELD,
    PaperEntry,
    check_paper,
    read_commune,
    row_anchor,
)
from app.features.people.service import (
    OFFSET_MAX,
    PeopleError,
    PeopleService,
    birth_year_bands,
    new_person_problems,
)
from app.i18n import gettext_for, request_language
from app.territories import as_typed, display_name
from app.web import PARIS, Msg, flash, page, see_other
from referentiel import Referential, load_referential
from referentiel.i18n import localized

PAGE_SIZE = 50
PAGE_MAX = OFFSET_MAX // PAGE_SIZE + 1
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

Form = URLEncodedBody[dict[str, str | list[str]]]


# --- helpers -------------------------------------------------------------------------------


def _one(data: dict[str, str | list[str]], key: str) -> str:
    value = data.get(key, "")
    if isinstance(value, list):
        value = value[0] if value else ""
    return value.strip()


def _uuid(value: Any) -> UUID | None:
    try:
        return UUID(str(value))
    except ValueError:
        return None


def _slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")[:40] or "personne"


def _bands(ref: Referential) -> dict[str, str]:
    """Birth-year band code -> label in the page's language (the age bands of the referential)."""
    codes = dict(birth_year_bands())
    return {
        option.code: option.label
        for question in ref.context_questions
        if question.id == "age_band"
        for option in question.options
        if option.code in codes
    }


def _view(
    request: Request[Any, Any, Any], template: str, status: int = 200, **ctx: Any
) -> Template:
    return page(
        request,
        template,
        status=status,
        bands=_bands(_localized_ref(request)),
        commune_name=display_name,
        **ctx,
    )


def _summary(
    request: Request[Any, Any, Any], errors: dict[str, Msg], labels: dict[str, tuple[str, str]]
) -> list[tuple[str, str, str]]:
    """(anchor, label, message) per error, for the error summary at the top of a form."""
    _ = gettext_for(request_language(request))
    return [(*labels.get(key, ("", "")), msg.render(_)) for key, msg in errors.items()]


# --- the person form (new, edit) -----------------------------------------------------------


def _person_form(
    request: Request[Any, Any, Any],
    values: dict[str, str],
    person: Person | None,
    errors: dict[str, Msg] | None = None,
) -> Template:
    """The form of a new person (with the consent to ask) or of ``person``; 422 with errors,
    listed in the order of the fields."""
    errors = {k: errors[k] for k in PERSON_FIELDS if k in errors} if errors else {}
    consent = {"consent_text": CONSENT_TEXT, "consent_version": CONSENT_VERSION}
    return _view(
        request,
        "people/person_form.html",
        status=422 if errors else 200,
        values=values,
        errors=errors,
        summary=_summary(request, errors, _person_labels(request)),
        person=person,
        **(consent if person is None else {}),
    )


PERSON_FIELDS = {
    "alias": ("alias", "Prénom ou surnom"),
    "birth_year_band": ("birth_year_band", "Tranche d'âge"),
    "commune_insee": ("commune", "Commune"),
    "consent": ("consent-case", "Accord de la personne"),
}


def _person_labels(request: Request[Any, Any, Any]) -> dict[str, tuple[str, str]]:
    _ = gettext_for(request_language(request))
    return {key: (anchor, _(label)) for key, (anchor, label) in PERSON_FIELDS.items()}


def _person_values(data: dict[str, str | list[str]]) -> dict[str, str]:
    return {
        "alias": _one(data, "alias")[:200],
        "birth_year_band": _one(data, "birth_year_band"),
        "commune": _one(data, "commune")[:100],
        "consent": _one(data, "consent"),
    }


def _values_of(person: Person) -> dict[str, str]:
    return {
        "alias": person.alias,
        "birth_year_band": person.birth_year_band or "",
        "commune": as_typed(person.commune_insee),
        "consent": "",
    }


# --- the paper form --------------------------------------------------------------------------


def _paper_labels(request: Request[Any, Any, Any]) -> dict[str, tuple[str, str]]:
    _ = gettext_for(request_language(request))
    ref = _localized_ref(request)
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


def _localized_ref(request: Request[Any, Any, Any]) -> Referential:
    return localized(load_referential(), request_language(request))


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
    labels = _paper_labels(request)
    if correcting is not None and person is not None:
        action = f"/pro/personnes/{person.id}/diagnostics/{correcting.id}/corriger"
    else:
        action = f"/pro/personnes/{person.id}/papier" if person else "/pro/papier"
    return _view(
        request,
        "people/paper.html",
        status=status,
        entry=entry,
        person=person,
        errors=errors,
        summary=_summary(request, errors, labels),
        action=action,
        correcting=correcting,
        row_anchor=row_anchor,
        item_field=ITEM_FIELD,
        goal_field=GOAL_FIELD,
        form_key_field=FORM_KEY_FIELD,
        context_order=load_referential().forms.papier.context,
    )


class MediatorPages(Controller):
    path = "/pro"
    include_in_schema = False
    opt = needs(Permission.PEOPLE)
    exception_handlers = PAGE_ERRORS
    dependencies = {**PERSON, "correcting": Provide(correctable_paper_diagnostic)}

    @get("/")
    async def dashboard(
        self,
        request: Request[Any, Any, Any],
        people: NamedDependency[PeopleService],
        q: FromQuery[str] = "",
        page_number: Annotated[int, QueryParameter(name="page", ge=1, le=PAGE_MAX)] = 1,
    ) -> Template:
        user = logged_in_user(request)
        found = await people.listing(
            user.structure_id, q[:80], PAGE_SIZE, (page_number - 1) * PAGE_SIZE
        )
        pages = max(1, -(-found.total // PAGE_SIZE))
        return _view(
            request,
            "people/dashboard.html",
            found=found,
            q=q[:80],
            page_number=page_number,
            pages=pages,
            structure=user.structure.name,
        )

    # --- a new record ---

    @get("/personnes/nouvelle")
    async def new_person(self, request: Request[Any, Any, Any]) -> Template:
        blank = {"alias": "", "birth_year_band": "", "commune": "", "consent": ""}
        return _person_form(request, blank, None)

    @post("/personnes/nouvelle")
    async def create_person(
        self,
        request: Request[Any, Any, Any],
        data: Form,
        people: NamedDependency[PeopleService],
    ) -> Template | Redirect:
        values = _person_values(data)
        insee, commune_error = read_commune(values["commune"])
        band = values["birth_year_band"] or None
        consent = values["consent"] == "oui"
        errors = {
            key: Msg(message)
            for key, message in new_person_problems(
                values["alias"], band, insee, consent=consent
            ).items()
        }
        if commune_error is not None:
            errors["commune_insee"] = commune_error
        if errors:
            return _person_form(request, values, None, errors)
        person = await people.create(
            logged_in_user(request), values["alias"], band, insee, consent=consent
        )
        flash(request, "Fiche de {alias} créée.", alias=person.alias)
        return see_other(f"/pro/personnes/{person.id}")

    # --- one person ---

    @get("/personnes/{person_id:uuid}")
    async def person_page(
        self,
        request: Request[Any, Any, Any],
        person: NamedDependency[Person],
        people: NamedDependency[PeopleService],
    ) -> Template:
        await people.record_read(person)
        timeline = await people.timeline(person)
        ref = _localized_ref(request)
        known = {d.code: d for d in ref.domains}
        codes = next(
            (tuple(s.code for s in e.domains) for e in reversed(timeline) if e.domains),
            tuple(known),
        )
        return _view(
            request,
            "people/person.html",
            person=person,
            timeline=timeline,
            domain_codes=codes,
            domain_labels={c: known[c].label if c in known else c for c in codes},
            profiles={p.code: p.label for p in ref.profiles},
            consent_version=CONSENT_VERSION,
            current_version=load_referential().version,
        )

    @get("/personnes/{person_id:uuid}/modifier")
    async def edit_person(
        self,
        request: Request[Any, Any, Any],
        person: NamedDependency[Person],
    ) -> Template:
        return _person_form(request, _values_of(person), person)

    @post("/personnes/{person_id:uuid}/modifier")
    async def update_person(
        self,
        request: Request[Any, Any, Any],
        person: NamedDependency[Person],
        data: Form,
        people: NamedDependency[PeopleService],
    ) -> Template | Redirect:
        values = _person_values(data)
        insee, commune_error = read_commune(values["commune"])
        errors: dict[str, Msg] = {}
        if commune_error is not None:
            errors["commune_insee"] = commune_error
        else:
            try:
                await people.update(
                    person,
                    {
                        "alias": values["alias"],
                        "birth_year_band": values["birth_year_band"] or None,
                        "commune_insee": insee,
                    },
                )
            except PeopleError as error:
                errors = {key: Msg(message) for key, message in error.problems.items()}
        if errors:  # the service checks everything before changing anything
            return _person_form(request, values, person, errors)
        flash(request, "Fiche de {alias} mise à jour.", alias=person.alias)
        return see_other(f"/pro/personnes/{person.id}")

    @post("/personnes/{person_id:uuid}/diagnostic")
    async def start_online(
        self,
        person: NamedDependency[Person],
        db_session: NamedDependency[AsyncSession],
    ) -> Redirect:
        diagnostic = await DiagnosticService(db_session).start(
            Channel.ONLINE, person_id=person.id, structure_id=person.structure_id
        )
        return see_other(f"/diagnostic/{diagnostic.id}/question")

    @get("/personnes/{person_id:uuid}/export.json")
    async def export_person(
        self,
        person: NamedDependency[Person],
        people: NamedDependency[PeopleService],
    ) -> Response[bytes]:
        data = await people.export(person)
        name = f"donnees-{_slug(person.alias)}-{datetime.now(PARIS):%Y-%m-%d}.json"
        return Response(
            json.dumps(data, ensure_ascii=False, indent=2).encode(),
            media_type="application/json",
            headers={
                "Content-Disposition": f'attachment; filename="{name}"; '
                f"filename*=UTF-8''{quote(name)}"
            },
        )

    @get("/personnes/{person_id:uuid}/effacer")
    async def erase_confirm(
        self,
        request: Request[Any, Any, Any],
        person: NamedDependency[Person],
        people: NamedDependency[PeopleService],
    ) -> Template:
        diagnostics = await people.diagnostics(person)
        return _view(request, "people/erase.html", person=person, diagnostics=len(diagnostics))

    @post("/personnes/{person_id:uuid}/effacer")
    async def erase_person(
        self,
        request: Request[Any, Any, Any],
        person: NamedDependency[Person],
        people: NamedDependency[PeopleService],
    ) -> Redirect:
        erased = await people.erase(person)
        flash(
            request,
            "La fiche, ses consentements et ses {count} diagnostic(s) ont été effacés "
            "définitivement.",
            count=erased["diagnostics"],
        )
        return see_other("/pro")

    # --- paper forms ---

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
        request: Request[Any, Any, Any],
        person: NamedDependency[Person],
        data: Form,
        db_session: NamedDependency[AsyncSession],
        auditor: NamedDependency[Auditor],
    ) -> Template | Redirect:
        return await self._save_paper(request, db_session, data, person, auditor)

    @get("/personnes/{person_id:uuid}/diagnostics/{diagnostic_id:uuid}/corriger")
    async def correction_form(
        self,
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
        request: Request[Any, Any, Any],
        person: NamedDependency[Person],
        correcting: NamedDependency[Diagnostic],
        data: Form,
        people: NamedDependency[PeopleService],
    ) -> Template | Redirect:
        return await self._save_paper(
            request, people.db, data, person, people.auditor, correcting=correcting
        )

    @get("/papier")
    async def paper_form(self, request: Request[Any, Any, Any]) -> Template:
        return _paper_page(request, PaperEntry.blank(load_referential()), None)

    @post("/papier")
    async def paper_save(
        self,
        request: Request[Any, Any, Any],
        data: Form,
        db_session: NamedDependency[AsyncSession],
        auditor: NamedDependency[Auditor],
    ) -> Template | Redirect:
        return await self._save_paper(request, db_session, data, None, auditor)

    @staticmethod
    async def _save_paper(
        request: Request[Any, Any, Any],
        db: AsyncSession,
        data: dict[str, str | list[str]],
        person: Person | None,
        auditor: Auditor,
        *,
        correcting: Diagnostic | None = None,
    ) -> Template | Redirect:
        ref = load_referential()
        entry = PaperEntry.from_form(ref, data)
        checked = check_paper(ref, entry)
        if checked.submission is None:
            return _paper_page(
                request, entry, person, checked.errors, status=422, correcting=correcting
            )
        user = logged_in_user(request)
        action = "diagnostic.create" if correcting is None else "diagnostic.correct"
        # The form's own key makes a double click or a re-sent POST save one diagnostic only.
        try:
            recorded = await record_diagnostic(
                db,
                checked.submission,
                Channel.PAPER if correcting is None else correcting.channel,
                person_id=person.id if person else None,
                structure_id=person.structure_id if person else user.structure_id,
                idempotency_key=scoped_key(f"user:{user.id}", f"papier:{entry.form_key}"),
                fingerprint=request_fingerprint(
                    {"person": str(person.id) if person else None, **entry.fingerprint_payload()}
                ),
                goals=checked.goals,
                taken_at=None if correcting is None else correcting.completed_at,
                supersedes=correcting,
                audit=None if person is None else AuditEntry(auditor, action),
            )
        except IdempotencyConflictError:
            errors = {"": Msg(MSG_ALREADY_SAVED)}
            return _paper_page(request, entry, person, errors, 409, correcting=correcting)
        except DiagnosticError as error:
            message = MSG_CORRECTED if MSG_ALREADY_CORRECTED in error.problems else MSG_NO_ANSWER
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
        request: Request[Any, Any, Any],
        people: NamedDependency[PeopleService],
        db_session: NamedDependency[AsyncSession],
    ) -> Redirect:
        """Cancel the last paper form saved in this session (a typing mistake seen too late)."""
        user = logged_in_user(request)
        session = dict(request.session)
        last = session.pop(PAPER_LAST, None)
        last_id = _uuid(last)
        diagnostic = None if last_id is None else await DiagnosticService(db_session).get(last_id)
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
        await people.delete_diagnostic(diagnostic)
        if person is None:
            count = session.get(PAPER_COUNT, 0)
            session[PAPER_COUNT] = max(0, count - 1) if isinstance(count, int) else 0
        request.set_session(session)
        flash(
            request,
            "Formulaire annulé : rien n'en est gardé. Vous pouvez saisir la feuille à nouveau.",
        )
        return see_other(f"/pro/personnes/{person.id}/papier" if person else "/pro/papier")
