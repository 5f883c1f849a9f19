"""The mediator's Pix import: send a campaign export, match its participants, confirm.

Nothing is written before the confirmation, and then only for the matched participants; a
file with any problem is refused whole with each problem said (see ``pix_import``).
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from app.access import MSG_PERSON_NOT_FOUND, Permission, needs
from app.config import get_settings
from app.db.engine import settings_of
from app.db.models import User
from app.errors import Problem
from app.features.accounts import PAGE_ERRORS
from app.features.badges.pix_import import (
    IMPORTS,
    MAX_UPLOAD_BYTES,
    Participant,
    PixPageError,
    confirm,
    match,
    participants_of,
    people_of,
    read_file,
    seal,
    unseal,
)
from app.throttle import per_user
from app.web import Msg, flash, page, see_other
from referentiel import load_referential

HOME = "/pro/pix"
TEMPLATE = "badges/pix.html"


def _show(
    request: Request[Any, Any, Any],
    problems: list[Msg] | None = None,
    participants: tuple[Participant, ...] | None = None,
    **context: Any,
) -> Template:
    """The page: the upload form, or the participants to match; 422 with problems."""
    return page(
        request,
        TEMPLATE,
        status=422 if problems else 200,
        problems=problems or [],
        participants=participants,
        labels={c.code: c.label for c in load_referential().competences},
        max_mb=MAX_UPLOAD_BYTES // 1_000_000,
        **context,
    )


class PixPages(Controller):
    path = HOME
    include_in_schema = False
    opt = needs(Permission.PEOPLE)
    exception_handlers = PAGE_ERRORS

    @get("/")
    async def upload_form(self, request: Request[Any, Any, Any]) -> Template:
        return _show(request)

    @post("/", request_max_body_size=MAX_UPLOAD_BYTES + 64_000, guards=[per_user(IMPORTS)])
    async def read(
        self,
        *,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        user: NamedDependency[User],
    ) -> Template:
        form = await request.form()
        file = form.get("file")
        try:
            if not isinstance(file, UploadFile) or not file.filename:
                raise PixPageError([Msg("Choisissez le fichier CSV exporté de Pix Orga.")])
            export = read_file(await file.read())
        except PixPageError as error:
            return _show(request, error.problems)
        participants = participants_of(export)
        settings = settings_of(db_session) or get_settings()
        return await self._matching(
            request,
            db_session,
            user,
            campaign=export.campaign_code,
            participants=participants,
            token=seal(settings, user.id, export.campaign_code, participants),
        )

    @post("/confirmer", guards=[per_user(IMPORTS)])
    async def confirm(
        self,
        *,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        user: NamedDependency[User],
    ) -> Template | Redirect:
        form = await request.form()
        token = str(form.get("liste", ""))
        settings = settings_of(db_session) or get_settings()
        try:
            campaign, participants = unseal(settings, user.id, token)
        except PixPageError as error:
            return _show(request, error.problems)
        choices = {p.line: str(form.get(f"personne-{p.line}", "")) for p in participants}
        try:
            done = await confirm(
                db_session,
                structure_id=user.structure_id,
                recorded_by=user.id,
                campaign=campaign,
                participants=participants,
                choices=choices,
            )
        except PixPageError as error:
            await db_session.rollback()
            return await self._matching(
                request,
                db_session,
                user,
                campaign=campaign,
                participants=participants,
                token=token,
                choices=choices,
                error=error,
            )
        except LookupError:
            await db_session.rollback()
            raise Problem(404, MSG_PERSON_NOT_FOUND) from None
        await db_session.commit()
        flash(
            request,
            "Pix : {people} personne(s) rattachée(s), {records} résultat(s) enregistré(s), "
            "{badges} badge(s) dans leur portefeuille.",
            people=done.people,
            records=done.records,
            badges=done.badges,
        )
        return see_other(HOME)

    async def _matching(
        self,
        request: Request[Any, Any, Any],
        db: AsyncSession,
        user: User,
        *,
        campaign: str | None,
        participants: tuple[Participant, ...],
        token: str,
        choices: dict[int, str] | None = None,
        error: PixPageError | None = None,
    ) -> Template:
        found = match(participants, await people_of(db, user.structure_id))
        return _show(
            request,
            error.problems if error else None,
            participants,
            campaign=campaign,
            token=token,
            matching=found,
            chosen=choices if choices is not None else found.suggested,
        )
