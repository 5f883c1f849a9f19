"""The sessions of a structure, in the professional pages (/pro/offre/sessions): the list of
what is coming with its free seats, a new session or series, a change of one session or of
the whole series, cancellation with a reason, registrations opened or closed, and the import
of a spreadsheet. Plain forms: no script is needed.

Every page that names a session goes through the structure's own sessions: another
structure's is « not found »."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import QueryParameter
from litestar.response import Redirect, Response, Template
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.access import Permission, needs
from app.db.models import Session as Dated  # see api.py: the plugin's `Session` would win
from app.db.models import SessionSeries, User
from app.db.types import as_utc
from app.errors import Problem
from app.features.accounts import PAGE_ERRORS
from app.features.schedule.dependencies import SESSION
from app.features.schedule.forms import (
    YES,
    Typed,
    blank_session,
    read_series,
    read_session,
    read_whole_series,
    values_of,
)
from app.features.schedule.importing import (
    COLUMNS,
    IMPORTS,
    MAX_BYTES,
    Report,
    import_sessions,
    template_csv,
)
from app.features.schedule.rules import Draft, ScheduleError, check
from app.features.schedule.service import (
    cancel,
    choices,
    create_series,
    create_session,
    set_registration,
    upcoming,
    update_series,
    update_session,
)
from app.i18n import gettext_for, request_language
from app.throttle import per_user
from app.web import Form, Msg, download, error_summary, flash, one, page, see_other
from app.when import from_paris, said_date, said_span, said_time

HOME = "/pro/offre/sessions"
SESSION_FORM = "schedule/session_form.html"
SERIES_FORM = "schedule/series_form.html"
WHOLE_SERIES_FORM = "schedule/whole_series_form.html"
PAGE_SIZE = 30
PAGE_MAX = 1000
FIELDS = {
    "workshop": "Atelier",
    "day": "Date",
    "start": "Heure de début",
    "end": "Heure de fin",
    "place": "Lieu",
    "remote_url": "Lien de la séance à distance",
    "capacity": "Nombre de places",
    "note": "Note pour les personnes inscrites",
    "weekdays": "Jours de la semaine",
    "interval": "Fréquence",
    "count": "Nombre de séances",
    "until": "Dernier jour",
    "reason": "Raison de l'annulation",
}


def _labels(request: Request[Any, Any, Any]) -> dict[str, tuple[str, str]]:
    _ = gettext_for(request_language(request))
    return {key: (key, _(label)) for key, label in FIELDS.items()}


def _said(request: Request[Any, Any, Any]) -> Any:
    lang = request_language(request)
    return lambda session: said_span(session.starts_at, session.ends_at, lang)


async def _form(
    request: Request[Any, Any, Any],
    db: AsyncSession,
    user: User,
    template: str,
    *,
    values: dict[str, Any],
    errors: dict[str, Msg] | None = None,
    **context: Any,
) -> Template:
    workshops, places = await choices(db, user.structure_id)
    errors = {k: errors[k] for k in FIELDS if k in errors} if errors else {}
    return page(
        request,
        template,
        status=422 if errors else 200,
        values=values,
        errors=errors,
        summary=error_summary(request, errors, _labels(request)),
        workshops=workshops,
        places=places,
        said=_said(request),
        **context,
    )


async def _saved(
    request: Request[Any, Any, Any],
    db: AsyncSession,
    user: User,
    template: str,
    typed: Typed,
    *,
    save: Callable[[], Awaitable[Msg]],
    rest_checked: bool = False,
    **context: Any,
) -> Template | Redirect:
    """Save what the form said when all of it was read, then go to the list with the notice
    ``save`` gives; otherwise (or when the rules refuse it) the form again, every problem
    shown, nothing saved. ``rest_checked``: when part of the form could not be read, what the
    rules say of the rest is shown with it (a new session or series)."""
    if typed.errors and rest_checked:
        await _unread_problems(db, user, typed)
    if not typed.errors:
        try:
            notice = await save()
        except ScheduleError as error:
            typed.add(error.problems)
        else:
            await db.commit()
            flash(request, notice.text, **notice.params)
            return see_other(HOME)
    return await _form(
        request, db, user, template, values=typed.values, errors=typed.errors, **context
    )


async def _unread_problems(db: AsyncSession, user: User, typed: Typed) -> None:
    """Beside what could not be read, what the rules say of the rest: every problem at once."""
    given = typed.given
    start, end = given.get("starts_at"), given.get("ends_at")
    draft = Draft(
        workshop_id=given.get("workshop_id"),
        starts_at=from_paris(start) if start else None,
        ends_at=from_paris(end) if end else None,
        capacity=given["capacity"],
        place_id=given["place_id"],
        remote_url=given["remote_url"],
        note=given["note"],
    )
    problems = (await check(db, user.structure_id, draft, datetime.now(UTC))).problems
    if end is None:
        problems.pop("ends_at", None)
    if {"day", "start"} & typed.errors.keys():
        problems.pop("starts_at", None)
    typed.add(problems)


class SchedulePages(Controller):
    path = HOME
    include_in_schema = False
    opt = needs(Permission.OFFER)
    exception_handlers = PAGE_ERRORS
    dependencies = SESSION

    @get("/")
    async def index(
        self,
        *,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        user: NamedDependency[User],
        page_number: Annotated[int, QueryParameter(name="page", ge=1, le=PAGE_MAX)] = 1,
    ) -> Template:
        found = await upcoming(
            db_session, user.structure_id, limit=PAGE_SIZE, offset=(page_number - 1) * PAGE_SIZE
        )
        workshops, _ = await choices(db_session, user.structure_id)
        return page(
            request,
            "schedule/sessions.html",
            found=found,
            # A séance that has begun changes no more: no link offers to.
            begun={s.id for s in found.sessions if as_utc(s.starts_at) <= datetime.now(UTC)},
            page_number=page_number,
            pages=max(1, -(-found.total // PAGE_SIZE)),
            said=_said(request),
            can_schedule=bool(workshops),
            structure=user.structure.name,
        )

    # --- one session ---

    @get(["/nouvelle", "/nouvelle-serie"])
    async def new(
        self,
        *,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        user: NamedDependency[User],
    ) -> Template:
        """The blank form of one session or of a series: the workshop and the place chosen
        already when there is only one."""
        series = request.url.path.endswith("/nouvelle-serie")
        template = SERIES_FORM if series else SESSION_FORM
        workshops, places = await choices(db_session, user.structure_id)
        values = blank_session(_only(workshops), _only(places))
        return await _form(request, db_session, user, template, values=values)

    @post("/nouvelle")
    async def create(
        self,
        *,
        request: Request[Any, Any, Any],
        data: Form,
        db_session: NamedDependency[AsyncSession],
        user: NamedDependency[User],
    ) -> Template | Redirect:
        typed = read_session(data)

        async def save() -> Msg:
            session = await create_session(db_session, user.structure_id, **typed.given)
            return Msg("Séance enregistrée : {when}.", {"when": _said(request)(session)})

        return await _saved(
            request, db_session, user, SESSION_FORM, typed, save=save, rest_checked=True
        )

    # --- a series ---

    @post("/nouvelle-serie")
    async def create_series(
        self,
        *,
        request: Request[Any, Any, Any],
        data: Form,
        db_session: NamedDependency[AsyncSession],
        user: NamedDependency[User],
    ) -> Template | Redirect:
        typed, repeat = read_series(data)

        async def save() -> Msg:
            assert repeat is not None  # read whenever nothing else was unreadable
            lang = request_language(request)
            _, sessions = await create_series(
                db_session, user.structure_id, repeat=repeat, **typed.given
            )
            return Msg(
                "Série enregistrée : {count} séances, du {first} au {last}, de {start} à {end}.",
                {
                    "count": len(sessions),
                    "first": said_date(sessions[0].starts_at, lang),
                    "last": said_date(sessions[-1].starts_at, lang),
                    "start": said_time(sessions[0].starts_at, lang),
                    "end": said_time(sessions[0].ends_at, lang),
                },
            )

        return await _saved(
            request, db_session, user, SERIES_FORM, typed, save=save, rest_checked=True
        )

    # --- changes ---

    @get(["/{session_id:uuid}/modifier", "/{session_id:uuid}/serie"])
    async def edit(
        self,
        *,
        request: Request[Any, Any, Any],
        offer_session: NamedDependency[Dated],
        db_session: NamedDependency[AsyncSession],
        user: NamedDependency[User],
    ) -> Template:
        """The form that changes this session alone, or every session to come of its series."""
        context: dict[str, Any] = {"session": offer_session}
        template = SESSION_FORM
        if request.url.path.endswith("/serie"):
            context["series"] = await _series_of(db_session, offer_session)
            template = WHOLE_SERIES_FORM
        values = values_of(offer_session)
        return await _form(request, db_session, user, template, values=values, **context)

    @post("/{session_id:uuid}/modifier")
    async def update(
        self,
        *,
        request: Request[Any, Any, Any],
        data: Form,
        offer_session: NamedDependency[Dated],
        db_session: NamedDependency[AsyncSession],
        user: NamedDependency[User],
    ) -> Template | Redirect:
        typed = read_session(data, workshop_fixed=offer_session.workshop_id)

        async def save() -> Msg:
            changes = {k: v for k, v in typed.given.items() if k != "workshop_id"}
            if changes["ends_at"] is None:
                changes.pop("ends_at")
            await update_session(db_session, offer_session, changes)
            return Msg("Séance modifiée : {when}.", {"when": _said(request)(offer_session)})

        return await _saved(
            request, db_session, user, SESSION_FORM, typed, save=save, session=offer_session
        )

    @post("/{session_id:uuid}/serie")
    async def update_whole_series(
        self,
        *,
        request: Request[Any, Any, Any],
        data: Form,
        offer_session: NamedDependency[Dated],
        db_session: NamedDependency[AsyncSession],
        user: NamedDependency[User],
    ) -> Template | Redirect:
        series = await _series_of(db_session, offer_session)
        typed = read_whole_series(data)

        async def save() -> Msg:
            given = dict(typed.given)
            start, end = given.pop("start"), given.pop("end")
            changed = await update_series(db_session, series, start=start, end=end, changes=given)
            return Msg("Série modifiée : {count} séances à venir.", {"count": len(changed)})

        return await _saved(
            request,
            db_session,
            user,
            WHOLE_SERIES_FORM,
            typed,
            save=save,
            session=offer_session,
            series=series,
        )

    @post("/{session_id:uuid}/ouverture")
    async def registrations(
        self,
        *,
        request: Request[Any, Any, Any],
        data: Form,
        offer_session: NamedDependency[Dated],
        db_session: NamedDependency[AsyncSession],
    ) -> Redirect:
        opened = one(data, "open") == YES
        await set_registration(db_session, offer_session, opened)
        await db_session.commit()
        said = _said(request)(offer_session)
        if opened:
            flash(request, "Inscriptions ouvertes : {when}.", when=said)
        else:
            flash(request, "Inscriptions fermées : {when}.", when=said)
        return see_other(HOME)

    # --- cancellation ---

    @get("/{session_id:uuid}/annuler")
    async def cancel_form(
        self,
        *,
        request: Request[Any, Any, Any],
        offer_session: NamedDependency[Dated],
    ) -> Template:
        return _cancel_page(request, offer_session, {"reason": "", "scope": "seule"})

    @post("/{session_id:uuid}/annuler")
    async def cancel(
        self,
        *,
        request: Request[Any, Any, Any],
        data: Form,
        offer_session: NamedDependency[Dated],
        db_session: NamedDependency[AsyncSession],
    ) -> Template | Redirect:
        values = {"reason": one(data, "reason")[:600], "scope": one(data, "scope")}
        try:
            done = await cancel(
                db_session,
                offer_session,
                values["reason"],
                rest_of_series=values["scope"] == "suite",
            )
        except ScheduleError as error:
            return _cancel_page(request, offer_session, values, error.problems)
        await db_session.commit()
        flash(
            request,
            "{count} séance(s) annulée(s). Les personnes inscrites sont prévenues.",
            count=len(done),
        )
        return see_other(HOME)

    # --- import ---

    @get("/import")
    async def import_form(self, request: Request[Any, Any, Any]) -> Template:
        return page(request, "schedule/import.html", columns=COLUMNS, report=None)

    @get("/import/modele.csv")
    async def import_template(self) -> Response[bytes]:
        return download(template_csv(), "text/csv; charset=utf-8", "modele-seances.csv")

    @post("/import", request_max_body_size=MAX_BYTES + 64_000, guards=[per_user(IMPORTS)])
    async def import_file(
        self,
        *,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        user: NamedDependency[User],
    ) -> Template | Redirect:
        form = await request.form()
        file = form.get("file")
        valid_lines = form.get("valid_lines") == YES
        if not isinstance(file, UploadFile) or not file.filename:
            report = Report(file_problem=Msg("Choisissez le fichier CSV à importer."))
        else:
            report = await import_sessions(
                db_session, user.structure_id, await file.read(), valid_lines=valid_lines
            )
        if report.created:
            try:
                await db_session.commit()
            except IntegrityError:
                await db_session.rollback()
                report = Report(file_problem=Msg("Ces séances viennent d'être importées."))
            else:
                if not report.problems:
                    flash(request, "{count} séance(s) importée(s).", count=len(report.created))
                    return see_other(HOME)
        else:
            await db_session.rollback()
        return page(
            request,
            "schedule/import.html",
            status=200 if report.created else 422,
            columns=COLUMNS,
            report=report,
            valid_lines=valid_lines,
        )


def _only(rows: list[Any]) -> str:
    return str(rows[0].id) if len(rows) == 1 else ""


async def _series_of(db: AsyncSession, session: Dated) -> SessionSeries:
    series = await db.get(SessionSeries, session.series_id) if session.series_id else None
    if series is None:
        raise Problem(404, "Cette séance ne fait pas partie d'une série.")
    return series


def _cancel_page(
    request: Request[Any, Any, Any],
    session: Dated,
    values: dict[str, str],
    errors: dict[str, Msg] | None = None,
) -> Template:
    errors = errors or {}
    return page(
        request,
        "schedule/cancel.html",
        status=422 if errors else 200,
        session=session,
        values=values,
        errors=errors,
        summary=error_summary(request, errors, _labels(request)),
        said=_said(request),
    )
