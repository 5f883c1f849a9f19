"""The offer's pages under /pro/offre: the structure's places and workshops, with their forms
(new, change, archive), for mediators, trainers and admins. Sessions are at
/pro/offre/sessions.

Every form works without JavaScript: the page posts, the same rules as the API check it
(:mod:`place_rules`, :mod:`workshop_rules`), and a refused form comes back with an error
summary and each message next to its field. A place or a workshop of another structure is
« not found ».
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from app.access import Permission, needs
from app.config import get_settings
from app.db.engine import settings_of
from app.db.models import Modality, Place, User, Workshop
from app.features.accounts import PAGE_ERRORS
from app.features.catalogue.dependencies import PLACE, WORKSHOP, WRITES
from app.features.catalogue.phone import display_phone
from app.features.catalogue.place_rules import LIST_COLUMNS, READERS
from app.features.catalogue.problems import CatalogueError, Said
from app.features.catalogue.service import (
    create_place,
    create_workshop,
    set_archived,
    structure_places,
    structure_workshops,
    update_place,
    update_workshop,
)
from app.features.catalogue.vocabulary import (
    LANGUAGES,
    MODALITY_LABELS,
    N_,
    PLACE_VOCABULARIES,
    PLACE_VOCABULARY_TITLES,
    TYPOLOGIES,
    fee_labels,
    place_vocabulary,
    public_labels,
    theme_groups,
)
from app.features.catalogue.workshop_rules import (
    CHECKLIST,
    OBSERVED_TASK,
    plain_language_advice,
)
from app.i18n import gettext_for, request_language
from app.territories import communes, display_name
from app.throttle import per_user
from app.web import (
    Form,
    FormData,
    error_summary,
    field_labels,
    flash,
    localized_ref,
    many,
    one,
    page,
    see_other,
)

HOME: Final = "/pro/offre"
PLACES: Final = f"{HOME}/lieux"
WORKSHOPS: Final = f"{HOME}/ateliers"
SESSIONS: Final = f"{HOME}/sessions"

# --- places ---------------------------------------------------------------------------------

TEXT_COLUMNS: Final = tuple(c for c in READERS if c not in LIST_COLUMNS)
PLACE_LABELS: Final[Mapping[str, tuple[str, str]]] = {
    "name": ("name", N_("Nom du lieu")),
    "typologies": ("typologies-1", N_("Genre de lieu")),
    "address": ("address", N_("Adresse")),
    "address_complement": ("address_complement", N_("Complément d'adresse")),
    "postal_code": ("postal_code", N_("Code postal")),
    "commune_name": ("commune_name", N_("Commune")),
    "commune_insee": ("postal_code", N_("Commune")),
    "commune": ("commune_name", N_("Commune")),
    "phone": ("phone", N_("Téléphone")),
    "email": ("email", N_("Adresse e-mail")),
    "website": ("website", N_("Site web")),
    "booking_url": ("booking_url", N_("Prise de rendez-vous en ligne")),
    "opening_hours": ("opening_hours", N_("Horaires d'ouverture")),
    "summary": ("summary", N_("Présentation en une phrase")),
    "description": ("description", N_("Présentation détaillée")),
    "directions": ("directions", N_("Comment venir")),
    "accessibility": ("accessibility", N_("Accessibilité")),
    "accessibility_url": ("accessibility_url", N_("Fiche Acceslibre")),
    "pivot": ("pivot", N_("SIRET ou RNA")),
    **{column: (f"{column}-1", title) for column, title in PLACE_VOCABULARY_TITLES.items()},
    "latitude": ("latitude", N_("Latitude")),
    "longitude": ("longitude", N_("Longitude")),
}


def _ordered(errors: Mapping[str, Said], labels: Mapping[str, Any]) -> dict[str, Said]:
    """The errors in the order of the form's fields, for the summary."""
    return {key: errors[key] for key in (*labels, *errors) if key in errors}


def place_values(data: FormData) -> dict[str, Any]:
    """What the place form posted, as the rules read it and the form shows it again."""
    values: dict[str, Any] = {column: one(data, column) for column in TEXT_COLUMNS}
    values |= {column: many(data, column) for column in LIST_COLUMNS}
    values |= {key: one(data, key) for key in ("postal_code", "commune_name")}
    return values | {key: one(data, key) for key in ("latitude", "longitude")}


def values_of_place(place: Place) -> dict[str, Any]:
    """A place as its form shows it; the position stays blank while it is the commune's
    centre, so that a change of commune moves it too."""
    values: dict[str, Any] = {column: getattr(place, column) or "" for column in TEXT_COLUMNS}
    values |= {column: list(getattr(place, column)) for column in LIST_COLUMNS}
    if place.phone:
        values["phone"] = display_phone(place.phone)
    commune = communes().get(place.commune_insee)
    values |= {"postal_code": place.postal_code, "commune_name": commune.name if commune else ""}
    centre = (commune.lat, commune.lon) if commune else (None, None)
    at = (place.latitude, place.longitude)
    shown = ("", "") if at == centre or None in at else tuple(str(v) for v in at)
    return values | {"latitude": shown[0], "longitude": shown[1]}


def _place_form(
    request: Request[Any, Any, Any],
    values: Mapping[str, Any],
    place: Place | None,
    errors: Mapping[str, Said] | None = None,
) -> Template:
    errors = _ordered(errors or {}, PLACE_LABELS)
    _ = gettext_for(request_language(request))
    # The standard's labels are its values: shown as published, in French.
    vocabularies = {
        column: (PLACE_VOCABULARY_TITLES[column], [(v, v) for v in place_vocabulary(column)])
        for column in PLACE_VOCABULARIES
    }
    return page(
        request,
        "offer/place_form.html",
        status=422 if errors else 200,
        values=values,
        errors=errors,
        summary=error_summary(request, errors, field_labels(request, PLACE_LABELS)),
        place=place,
        typologies=[(code, _(label)) for code, label in TYPOLOGIES.items()],
        vocabularies=vocabularies,
    )


# --- workshops ------------------------------------------------------------------------------

WORKSHOP_FIELDS: Final = (
    "title",
    "description",
    "modality",
    "duration_minutes",
    "price",
    "price_detail",
    "accessibility",
    "language",
)
WORKSHOP_LABELS: Final[Mapping[str, tuple[str, str]]] = {
    "title": ("title", N_("Titre")),
    "description": ("description", N_("Description")),
    "competences": ("competences", N_("Compétences")),
    "themes": ("themes-1", N_("Thèmes")),
    "modality": ("modality-individual", N_("Comment l'atelier se passe")),
    "duration_minutes": ("duration_minutes", N_("Durée")),
    "publics": ("publics-1", N_("Publics")),
    "price": ("price-1", N_("Prix")),
    "price_detail": ("price_detail", N_("Prix en détail")),
    "accessibility": ("accessibility", N_("Accessibilité")),
    "language": ("language", N_("Langue")),
    "exit_check": ("exit_kind-observed_task", N_("Validation de fin d'atelier")),
}


def workshop_values(data: FormData, codes: Sequence[str]) -> dict[str, Any]:
    """What the workshop form posted, as the form shows it again."""
    values: dict[str, Any] = {name: one(data, name) for name in WORKSHOP_FIELDS}
    values |= {"themes": many(data, "themes"), "publics": many(data, "publics")}
    values["levels"] = {
        code: (one(data, f"entry-{code}"), one(data, f"exit-{code}")) for code in codes
    }
    return values | {
        "exit_kind": one(data, "exit_kind"),
        "exit_item": one(data, "exit_item"),
        "exit_points": one(data, "exit_points"),
    }


def workshop_given(values: Mapping[str, Any]) -> dict[str, Any]:
    """The form's values as the rules read them: a competence is chosen when one of its
    levels is."""
    given = {name: values[name] for name in (*WORKSHOP_FIELDS, "themes", "publics")}
    given["competences"] = [
        {"competence": code, "entry": entry, "exit": exit_}
        for code, (entry, exit_) in values["levels"].items()
        if entry or exit_
    ]
    kind = values["exit_kind"]
    given["exit_check"] = (
        {"kind": kind, "item": values["exit_item"]}
        if kind == OBSERVED_TASK
        else {"kind": kind, "points": values["exit_points"]}
        if kind == CHECKLIST
        else None
    )
    return given


def values_of_workshop(workshop: Workshop, codes: Sequence[str]) -> dict[str, Any]:
    levels = {c["competence"]: (str(c["entry"]), str(c["exit"])) for c in workshop.competences}
    check = workshop.exit_check
    return {
        "title": workshop.title,
        "description": workshop.description,
        "modality": workshop.modality.value,
        "duration_minutes": str(workshop.duration_minutes),
        "price": workshop.price,
        "price_detail": workshop.price_detail or "",
        "accessibility": workshop.accessibility or "",
        "language": workshop.language,
        "themes": list(workshop.themes),
        "publics": list(workshop.publics),
        "levels": {code: levels.get(code, ("", "")) for code in codes},
        "exit_kind": check.get("kind", ""),
        "exit_item": check.get("item", ""),
        "exit_points": "\n".join(check.get("points", [])),
    }


def _workshop_form(
    request: Request[Any, Any, Any],
    values: Mapping[str, Any],
    workshop: Workshop | None,
    errors: Mapping[str, Said] | None = None,
) -> Template:
    errors = _ordered(errors or {}, WORKSHOP_LABELS)
    ref = localized_ref(request)
    general, administrative = theme_groups(ref)
    return page(
        request,
        "offer/workshop_form.html",
        status=422 if errors else 200,
        values=values,
        errors=errors,
        summary=error_summary(request, errors, field_labels(request, WORKSHOP_LABELS)),
        workshop=workshop,
        competences=ref.competences,
        tubes={c.code: ref.tube(c.code) for c in ref.competences},
        scale=ref.scale.values,
        general_themes=general,
        administrative_themes=administrative,
        modalities=MODALITY_LABELS,
        public_options=[(label, label) for label in public_labels()],
        fee_options=[(label, label) for label in fee_labels()],
        workshop_languages=LANGUAGES,
        advice=[] if errors else plain_language_advice(values),
    )


# What archiving a place or a workshop, or bringing it back, says.
PLACE_ARCHIVED: Final = N_("Lieu « {name} » archivé : il n'est plus proposé.")
PLACE_BACK: Final = N_("Lieu « {name} » remis dans l'offre.")
WORKSHOP_ARCHIVED: Final = N_("Atelier « {title} » archivé : il n'est plus proposé.")
WORKSHOP_BACK: Final = N_("Atelier « {title} » remis dans l'offre.")


async def _archive(
    request: Request[Any, Any, Any],
    db: AsyncSession,
    record: Place | Workshop,
    data: FormData,
    *,
    said: tuple[str, str],
    back: str,
    **params: Any,
) -> Redirect:
    """Archive the place or workshop (« archived » is anything but « non ») or bring it back,
    then back to its list with the notice ``said`` gives for each."""
    archived = one(data, "archived") != "non"
    await set_archived(db, record, archived)
    await db.commit()
    flash(request, said[0] if archived else said[1], **params)
    return see_other(back)


def _codes(request: Request[Any, Any, Any]) -> list[str]:
    return [c.code for c in localized_ref(request).competences]


class OfferPages(Controller):
    path = HOME
    include_in_schema = False
    opt = needs(Permission.OFFER)
    exception_handlers = PAGE_ERRORS
    dependencies = {**PLACE, **WORKSHOP}

    @get("/")
    async def home(
        self,
        *,
        request: Request[Any, Any, Any],
        user: NamedDependency[User],
        db_session: NamedDependency[AsyncSession],
    ) -> Template:
        ref = localized_ref(request)
        return page(
            request,
            "offer/home.html",
            structure=user.structure.name,
            # the structure's public calendar of sessions, whole address for a calendar app
            feed=(settings_of(db_session) or get_settings()).address(
                f"/offre/structures/{user.structure_id}/sessions.ics"
            ),
            places=await structure_places(db_session, user.structure_id),
            workshops=await structure_workshops(db_session, user.structure_id),
            commune_name=display_name,
            display_phone=display_phone,
            modalities=MODALITY_LABELS,
            competence_labels={c.code: c.label for c in ref.competences},
        )

    # --- places ---

    @get("/lieux")
    async def places(
        self,
        *,
        request: Request[Any, Any, Any],
        user: NamedDependency[User],
        db_session: NamedDependency[AsyncSession],
    ) -> Template:
        return page(
            request,
            "offer/places.html",
            places=await structure_places(db_session, user.structure_id),
            archived=await structure_places(db_session, user.structure_id, archived=True),
            commune_name=display_name,
            display_phone=display_phone,
        )

    @get("/lieux/nouveau")
    async def new_place(self, request: Request[Any, Any, Any]) -> Template:
        return _place_form(request, place_values({}), None)

    @post("/lieux/nouveau", guards=[per_user(WRITES)])
    async def create_place(
        self,
        *,
        request: Request[Any, Any, Any],
        user: NamedDependency[User],
        db_session: NamedDependency[AsyncSession],
        data: Form,
    ) -> Template | Redirect:
        values = place_values(data)
        try:
            place = await create_place(db_session, user.structure_id, **values)
        except CatalogueError as error:
            return _place_form(request, values, None, error.problems)
        await db_session.commit()  # before the session's own write (SQLite: one writer)
        flash(request, "Lieu « {name} » ajouté.", name=place.name)
        return see_other(PLACES)

    @get("/lieux/{place_id:uuid}/modifier")
    async def edit_place(
        self, request: Request[Any, Any, Any], place: NamedDependency[Place]
    ) -> Template:
        return _place_form(request, values_of_place(place), place)

    @post("/lieux/{place_id:uuid}/modifier", guards=[per_user(WRITES)])
    async def update_place(
        self,
        *,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        place: NamedDependency[Place],
        data: Form,
    ) -> Template | Redirect:
        values = place_values(data)
        try:
            await update_place(db_session, place, values)
        except CatalogueError as error:
            return _place_form(request, values, place, error.problems)
        await db_session.commit()
        flash(request, "Lieu « {name} » mis à jour.", name=place.name)
        return see_other(PLACES)

    @post("/lieux/{place_id:uuid}/archiver", guards=[per_user(WRITES)])
    async def archive_place(
        self,
        *,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        place: NamedDependency[Place],
        data: Form,
    ) -> Redirect:
        said = PLACE_ARCHIVED, PLACE_BACK
        return await _archive(
            request, db_session, place, data, said=said, back=PLACES, name=place.name
        )

    # --- workshops ---

    @get("/ateliers")
    async def workshops(
        self,
        *,
        request: Request[Any, Any, Any],
        user: NamedDependency[User],
        db_session: NamedDependency[AsyncSession],
    ) -> Template:
        ref = localized_ref(request)
        return page(
            request,
            "offer/workshops.html",
            workshops=await structure_workshops(db_session, user.structure_id),
            archived=await structure_workshops(db_session, user.structure_id, archived=True),
            modalities=MODALITY_LABELS,
            competence_labels={c.code: c.label for c in ref.competences},
        )

    @get("/ateliers/nouveau")
    async def new_workshop(self, request: Request[Any, Any, Any]) -> Template:
        values = workshop_values({}, _codes(request))
        values |= {"modality": Modality.COLLECTIVE.value, "price": fee_labels()[0]}
        return _workshop_form(request, values | {"language": "fr"}, None)

    @post("/ateliers/nouveau", guards=[per_user(WRITES)])
    async def create_workshop(
        self,
        *,
        request: Request[Any, Any, Any],
        user: NamedDependency[User],
        db_session: NamedDependency[AsyncSession],
        data: Form,
    ) -> Template | Redirect:
        values = workshop_values(data, _codes(request))
        try:
            workshop = await create_workshop(
                db_session, user.structure_id, **workshop_given(values)
            )
        except CatalogueError as error:
            return _workshop_form(request, values, None, error.problems)
        await db_session.commit()
        return self._saved(request, workshop, new=True)

    @get("/ateliers/{workshop_id:uuid}/modifier")
    async def edit_workshop(
        self, request: Request[Any, Any, Any], workshop: NamedDependency[Workshop]
    ) -> Template:
        return _workshop_form(request, values_of_workshop(workshop, _codes(request)), workshop)

    @post("/ateliers/{workshop_id:uuid}/modifier", guards=[per_user(WRITES)])
    async def update_workshop(
        self,
        *,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        workshop: NamedDependency[Workshop],
        data: Form,
    ) -> Template | Redirect:
        values = workshop_values(data, _codes(request))
        try:
            await update_workshop(db_session, workshop, workshop_given(values))
        except CatalogueError as error:
            return _workshop_form(request, values, workshop, error.problems)
        await db_session.commit()
        return self._saved(request, workshop, new=False)

    @staticmethod
    def _saved(request: Request[Any, Any, Any], workshop: Workshop, *, new: bool) -> Redirect:
        """Back to the list, or to the form when the description has words to reread."""
        advice = plain_language_advice(
            {"title": workshop.title, "description": workshop.description}
        )
        if advice:
            flash(
                request,
                "Atelier « {title} » enregistré. Relisez sa description : certains mots "
                "peuvent gêner les habitants (voir plus bas).",
                title=workshop.title,
            )
            return see_other(f"{WORKSHOPS}/{workshop.id}/modifier")
        if new:
            flash(request, "Atelier « {title} » ajouté.", title=workshop.title)
        else:
            flash(request, "Atelier « {title} » mis à jour.", title=workshop.title)
        return see_other(WORKSHOPS)

    @post("/ateliers/{workshop_id:uuid}/archiver", guards=[per_user(WRITES)])
    async def archive_workshop(
        self,
        *,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        workshop: NamedDependency[Workshop],
        data: Form,
    ) -> Redirect:
        said = WORKSHOP_ARCHIVED, WORKSHOP_BACK
        return await _archive(
            request, db_session, workshop, data, said=said, back=WORKSHOPS, title=workshop.title
        )
