"""The open-data page (/offre/donnees-ouvertes): the exports' files for everyone, how many
places and services each holds, and what is left out and why, in plain words."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from app.access import Permission, needs
from app.config import Settings
from app.features.exports.api import EXPORTS
from app.features.exports.service import (
    MSG_UNKNOWN_DEPARTEMENT,
    UnknownDepartementError,
    report,
)
from app.i18n import gettext_for, request_language
from app.territories import departements
from app.throttle import per_address
from app.web import page


class OpenDataPages(Controller):
    path = "/offre/donnees-ouvertes"
    include_in_schema = False
    opt = needs(Permission.PUBLIC)
    guards = [per_address(EXPORTS)]

    @get("/")
    async def open_data(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        departement: FromQuery[str] = "",
    ) -> Template:
        settings: Settings = request.app.state.settings
        code = departement.strip().upper()[:5]
        try:
            found = await report(db_session, code or None, settings.address)
        except UnknownDepartementError:
            _ = gettext_for(request_language(request))
            error = _(MSG_UNKNOWN_DEPARTEMENT).format(code=code)
            return page(
                request, "offer/open_data.html", 422, departement=code, error=error, report=None
            )
        return page(
            request,
            "offer/open_data.html",
            departement=code,
            departement_name=departements().get(code, ""),
            report=found,
            error=None,
        )
