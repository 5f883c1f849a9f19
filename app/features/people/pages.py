"""The mediator's workspace under /pro: people of the structure, their record and timeline,
export and erasure (typing in a paper form is in the diagnostics feature).

Every page needs a logged-in mediator (or admin); someone not logged in is sent to the login
page and comes back here afterwards. Every page that names a person goes through
`app.access.visible_person`: another structure's person is « not found », as if it did not
exist.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery, QueryParameter
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from app.access import Permission, needs
from app.db.models import Channel, Person, User
from app.features.accounts import PAGE_ERRORS
from app.features.badges import person_badges, today_in_paris
from app.features.bookings import person_bookings
from app.features.diagnostics import DiagnosticService, read_commune
from app.features.people.consent import CONSENT_TEXT, CONSENT_VERSION
from app.features.people.dependencies import PERSON
from app.features.people.service import (
    OFFSET_MAX,
    PeopleError,
    PeopleService,
    birth_year_bands,
    known_context,
    new_person_problems,
)
from app.i18n import LANGUAGE_NAMES
from app.territories import as_typed, display_name
from app.web import (
    PARIS,
    Form,
    FormData,
    Msg,
    download,
    error_summary,
    field_labels,
    flash,
    localized_ref,
    one,
    page,
    see_other,
    slug,
)
from printables.texts import LANGUAGES
from referentiel import Referential, load_referential

PAGE_SIZE = 50
PAGE_MAX = OFFSET_MAX // PAGE_SIZE + 1


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
        bands=_bands(localized_ref(request)),
        commune_name=display_name,
        **ctx,
    )


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
        summary=error_summary(request, errors, field_labels(request, PERSON_FIELDS)),
        person=person,
        **(consent if person is None else {}),
    )


PERSON_FIELDS = {
    "alias": ("alias", "Prénom ou surnom"),
    "birth_year_band": ("birth_year_band", "Tranche d'âge"),
    "commune_insee": ("commune", "Commune"),
    "consent": ("consent-case", "Accord de la personne"),
}


def _person_values(data: FormData) -> dict[str, str]:
    return {
        "alias": one(data, "alias")[:200],
        "birth_year_band": one(data, "birth_year_band"),
        "commune": one(data, "commune")[:100],
        "consent": one(data, "consent"),
    }


def _values_of(person: Person) -> dict[str, str]:
    return {
        "alias": person.alias,
        "birth_year_band": person.birth_year_band or "",
        "commune": as_typed(person.commune_insee),
        "consent": "",
    }


class MediatorPages(Controller):
    path = "/pro"
    include_in_schema = False
    opt = needs(Permission.PEOPLE)
    exception_handlers = PAGE_ERRORS
    dependencies = PERSON

    @get("/")
    async def dashboard(
        self,
        *,
        user: NamedDependency[User],
        request: Request[Any, Any, Any],
        people: NamedDependency[PeopleService],
        q: FromQuery[str] = "",
        page_number: Annotated[int, QueryParameter(name="page", ge=1, le=PAGE_MAX)] = 1,
    ) -> Template:
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
        *,
        user: NamedDependency[User],
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
        person = await people.create(user, values["alias"], band, insee, consent=consent)
        flash(request, "Fiche de {alias} créée.", alias=person.alias)
        return see_other(f"/pro/personnes/{person.id}")

    # --- one person ---

    @get("/personnes/{person_id:uuid}")
    async def person_page(
        self,
        *,
        request: Request[Any, Any, Any],
        person: NamedDependency[Person],
        people: NamedDependency[PeopleService],
        db_session: NamedDependency[AsyncSession],
    ) -> Template:
        await people.record_read(person)
        timeline = await people.timeline(person)
        ref = localized_ref(request)
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
            languages_printed={code: LANGUAGE_NAMES[code] for code in LANGUAGES},
            bookings=await person_bookings(db_session, person),
            badges=await person_badges(db_session, person.id),
            task_today=today_in_paris().isoformat(),
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
        *,
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
        diagnostics: NamedDependency[DiagnosticService],
        person: NamedDependency[Person],
    ) -> Redirect:
        diagnostic = await diagnostics.start(
            Channel.ONLINE,
            person_id=person.id,
            structure_id=person.structure_id,
            context=known_context(person),
        )
        return see_other(f"/diagnostic/{diagnostic.id}/question")

    @get("/personnes/{person_id:uuid}/export.json")
    async def export_person(
        self,
        person: NamedDependency[Person],
        people: NamedDependency[PeopleService],
    ) -> Response[bytes]:
        data = await people.export(person)
        name = f"donnees-{slug(person.alias, 'personne')}-{datetime.now(PARIS):%Y-%m-%d}.json"
        return download(
            json.dumps(data, ensure_ascii=False, indent=2).encode(), "application/json", name
        )

    @get("/personnes/{person_id:uuid}/effacer")
    async def erase_confirm(
        self,
        *,
        request: Request[Any, Any, Any],
        person: NamedDependency[Person],
        people: NamedDependency[PeopleService],
    ) -> Template:
        diagnostics = await people.diagnostics(person)
        return _view(request, "people/erase.html", person=person, diagnostics=len(diagnostics))

    @post("/personnes/{person_id:uuid}/effacer")
    async def erase_person(
        self,
        *,
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
