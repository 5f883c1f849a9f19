"""JSON API of sessions and series: create one session or a series, read a session (JSON, or
its calendar invitation at `{id}.ics`), change one session or a whole series, cancel, import
from CSV. Writes need the offer permission and reach only the caller's structure (anything
else answers 404); reading a session is public, like the offer it belongs to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import msgspec
from litestar import Controller, Request, Response, get, patch, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.openapi.spec import (
    OpenAPIFormat,
    OpenAPIMediaType,
    OpenAPIType,
    Operation,
    RequestBody,
    Schema,
)
from litestar.params import FromPath, FromQuery, JSONBody
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.access import Permission, needs

# Aliased: handlers' annotations are resolved where the database plugin's `Session` (an
# SQLAlchemy session) would win over ours.
from app.db.engine import settings_of
from app.db.models import Session as Dated
from app.db.models import SessionSeries, User
from app.errors import Problem
from app.features.notifications import CALENDAR, session_invitation
from app.features.schedule.dependencies import SERIES, SESSION, own_session
from app.features.schedule.importing import IMPORTS, MAX_BYTES, import_sessions
from app.features.schedule.rules import ScheduleError
from app.features.schedule.schemas import (
    CancelIn,
    CreatedOut,
    ImportOut,
    SeriesOut,
    SeriesPatch,
    SessionIn,
    SessionOut,
    SessionPatch,
    series_out,
    session_out,
)
from app.features.schedule.series import WEEKDAY_CODES, Repeat, RuleError, parse_rule
from app.features.schedule.service import (
    SessionFields,
    cancel,
    create_series,
    create_session,
    fresh,
    series_to_come,
    update_series,
    update_session,
)
from app.openapi import BEARER_REQUIRED, problems
from app.throttle import per_user
from app.web import Msg

ACCESS = (401, 403)
ICS = ".ics"


def _given(data: msgspec.Struct) -> dict[str, Any]:
    """The fields the client sent (an absent field is left alone)."""
    return {
        name: value
        for name in data.__struct_fields__
        if (value := getattr(data, name)) is not msgspec.UNSET
    }


def _repeat(data: SessionIn) -> Repeat | None:
    """The series asked for, if any; its problems as a ScheduleError."""
    if data.repeat is not None and data.rrule is not None:
        raise ScheduleError({"rrule": Msg("Donnez `repeat` ou `rrule`, pas les deux.")})
    if data.rrule is not None:
        try:
            return parse_rule(data.rrule)
        except RuleError as error:
            raise ScheduleError({"rrule": Msg(str(error))}) from None
    if data.repeat is None:
        return None
    unknown = [d for d in data.repeat.weekdays if d not in WEEKDAY_CODES]
    if unknown:
        raise ScheduleError({"weekdays": Msg("Jours : MO, TU, WE, TH, FR, SA ou SU.")})
    return Repeat(
        weekdays=frozenset(WEEKDAY_CODES.index(d) for d in data.repeat.weekdays),
        interval=data.repeat.every_weeks,
        count=data.repeat.count,
        until=data.repeat.until,
    )


@dataclass
class _CalendarOrJson(Operation):
    """A session answers JSON, or its invitation (text/calendar) when asked as `{id}.ics`."""

    def __post_init__(self) -> None:
        if self.responses and "200" in self.responses:
            answer = self.responses["200"]
            content = getattr(answer, "content", None) or {}
            content["text/calendar"] = OpenAPIMediaType(schema=Schema(type=OpenAPIType.STRING))


@dataclass
class _CsvUpload(Operation):
    """The CSV file, as a multipart form field `file`."""

    def __post_init__(self) -> None:
        file = Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.BINARY)
        form = Schema(type=OpenAPIType.OBJECT, properties={"file": file}, required=["file"])
        self.request_body = RequestBody(
            content={"multipart/form-data": OpenAPIMediaType(schema=form)}, required=True
        )


class SessionApi(Controller):
    path = "/api/v1"
    tags = ("sessions",)
    opt = needs(Permission.OFFER)

    @get(
        "/sessions/{ref:str}",
        summary="Une séance (JSON), ou son invitation d'agenda : /api/v1/sessions/{id}.ics",
        opt=needs(Permission.PUBLIC),
        operation_class=_CalendarOrJson,
        responses=problems(404),
    )
    async def read(
        self, ref: FromPath[str], db_session: NamedDependency[AsyncSession]
    ) -> SessionOut | Response[bytes]:
        calendar = ref.endswith(ICS)
        session = await _public_session(db_session, ref.removesuffix(ICS))
        if calendar:
            invitation = session_invitation(session, settings=settings_of(db_session))
            return Response(invitation, media_type=CALENDAR)
        return session_out(session)

    @patch(
        "/sessions/{ref:str}",
        summary="Changer une séance (elle quitte alors sa série)",
        security=BEARER_REQUIRED,
        responses=problems(*ACCESS, 404, 409, 413, 422),
    )
    async def update(
        self,
        *,
        ref: FromPath[str],
        data: JSONBody[SessionPatch],
        db_session: NamedDependency[AsyncSession],
        user: NamedDependency[User],
    ) -> SessionOut:
        session_id = _uuid(ref)
        session = await own_session(db_session, user, session_id)
        await update_session(db_session, session, _given(data))
        await fresh(db_session, [session])
        await db_session.commit()
        return session_out(session)

    @post(
        "/sessions/{session_id:uuid}/cancellation",
        summary="Annuler une séance, ou celle-ci et les suivantes de sa série",
        status_code=200,
        dependencies=SESSION,
        security=BEARER_REQUIRED,
        responses=problems(*ACCESS, 404, 409, 413, 422),
    )
    async def cancel(
        self,
        *,
        data: JSONBody[CancelIn],
        offer_session: NamedDependency[Dated],
        db_session: NamedDependency[AsyncSession],
    ) -> list[SessionOut]:
        cancelled = await cancel(
            db_session, offer_session, data.reason, rest_of_series=data.rest_of_series
        )
        await fresh(db_session, cancelled)
        await db_session.commit()
        return [session_out(s) for s in cancelled]

    @get(
        "/series/{series_id:uuid}",
        summary="Une série et ses séances à venir",
        dependencies=SERIES,
        security=BEARER_REQUIRED,
        responses=problems(*ACCESS, 404),
    )
    async def read_series(
        self, series: NamedDependency[SessionSeries], db_session: NamedDependency[AsyncSession]
    ) -> SeriesOut:
        coming = await series_to_come(db_session, series, datetime.now(UTC))
        return series_out(series, coming)

    @patch(
        "/series/{series_id:uuid}",
        summary="Changer toutes les séances à venir d'une série (sauf celles changées seules)",
        dependencies=SERIES,
        security=BEARER_REQUIRED,
        responses=problems(*ACCESS, 404, 409, 413, 422),
    )
    async def update_series(
        self,
        *,
        data: JSONBody[SeriesPatch],
        series: NamedDependency[SessionSeries],
        db_session: NamedDependency[AsyncSession],
    ) -> SeriesOut:
        given = _given(data)
        start, end = given.pop("start_time", None), given.pop("end_time", None)
        await update_series(db_session, series, start=start, end=end, changes=given)
        coming = await series_to_come(db_session, series, datetime.now(UTC))
        await fresh(db_session, coming)
        await db_session.commit()
        return series_out(series, coming)

    @post(
        "/sessions/import",
        summary="Importer des séances d'un fichier CSV (tout ou rien, sauf valid_lines=true)",
        description="Colonnes (première ligne) : atelier, date, début, fin, lieu, lien, places, "
        "inscriptions, note ; séparateur « ; » ou « , » ; UTF-8 (avec ou sans BOM) ou "
        "Windows-1252. Le modèle : /pro/offre/sessions/import/modele.csv. Une ligne déjà "
        "importée est refusée. Avec `valid_lines=true`, les lignes valides sont importées et "
        "`problems` liste les autres.",
        status_code=201,
        request_max_body_size=MAX_BYTES + 64_000,
        guards=[per_user(IMPORTS)],
        operation_class=_CsvUpload,
        security=BEARER_REQUIRED,
        responses=problems(
            *ACCESS,
            409,
            413,
            422,
            429,
            when={
                422: "Une ligne au moins ne convient pas, ou les colonnes, ou l'encodage : "
                "rien n'est importé ; `problems` dit quoi, ligne par ligne."
            },
        ),
    )
    async def import_csv(
        self,
        *,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        user: NamedDependency[User],
        valid_lines: FromQuery[bool] = False,
    ) -> Response[ImportOut]:
        content = await _uploaded(request)
        report = await import_sessions(
            db_session, user.structure_id, content, valid_lines=valid_lines
        )
        if report.file_problem is not None or (report.problems and not report.created):
            await db_session.rollback()
            raise Problem(
                422, "Le fichier n'est pas importé : rien n'a été enregistré.", report.said()
            )
        try:
            await db_session.commit()
        except IntegrityError:
            await db_session.rollback()
            raise Problem(
                409, "Ces séances viennent d'être importées : rien n'a été enregistré."
            ) from None
        out = ImportOut(
            created=len(report.created),
            lines=report.lines,
            session_ids=[s.id for s in report.created],
            problems=report.said(),
        )
        return Response(out, status_code=201)


# Not in SessionApi: GET /api/v1/sessions (the search) is another controller's, and Litestar
# lets two controllers share a path only when the second route comes as a plain handler,
# registered after that controller (app/asgi.py).
@post(
    "/api/v1/sessions",
    summary="Créer une séance, ou une série de séances",
    tags=("sessions",),
    opt=needs(Permission.OFFER),
    status_code=201,
    security=BEARER_REQUIRED,
    responses=problems(*ACCESS, 413, 422),
)
async def create_sessions(
    *,
    data: JSONBody[SessionIn],
    db_session: NamedDependency[AsyncSession],
    user: NamedDependency[User],
) -> Response[CreatedOut]:
    repeat = _repeat(data)
    given: SessionFields = {
        "capacity": data.capacity,
        "place_id": data.place_id,
        "remote_url": data.remote_url,
        "registration_open": data.registration_open,
        "note": data.note,
    }
    series: SessionSeries | None = None
    if repeat is None:
        session = await create_session(
            db_session,
            user.structure_id,
            data.workshop_id,
            starts_at=data.starts_at,
            ends_at=data.ends_at,
            **given,
        )
        sessions = [session]
    else:
        series, sessions = await create_series(
            db_session,
            user.structure_id,
            data.workshop_id,
            starts_at=data.starts_at,
            ends_at=data.ends_at,
            repeat=repeat,
            **given,
        )
    await fresh(db_session, sessions)
    await db_session.commit()
    created = CreatedOut(
        series=series_out(series, sessions) if series is not None else None,
        sessions=[session_out(s) for s in sessions],
    )
    where = f"/api/v1/series/{series.id}" if series else f"/api/v1/sessions/{sessions[0].id}"
    return Response(created, status_code=201, headers={"Location": where})


async def _uploaded(request: Request[Any, Any, Any]) -> bytes:
    """The `file` field of a multipart form; a 422 when there is none."""
    form = await request.form()
    file = form.get("file")
    if isinstance(file, UploadFile):
        return await file.read()
    raise Problem(422, "Joignez le fichier CSV dans le champ « file ».")


def _uuid(text: str) -> UUID:
    try:
        return UUID(text)
    except ValueError:
        raise Problem(404, "Séance introuvable dans votre structure.") from None


async def _public_session(db: AsyncSession, text: str) -> Dated:
    try:
        found = await db.get(Dated, UUID(text))
    except ValueError:
        found = None
    if found is None:
        raise Problem(404, "Séance introuvable.")
    return found
