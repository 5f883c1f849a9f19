"""The public open-data page of the statistics (/statistiques) and its files: the same cells
as the coordinators' pages and `parcours stats export`, for everyone, under the Licence
Ouverte 2.0. Works without JavaScript: every choice is a GET parameter."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from litestar import Controller, Request, Response, get
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from app.access import Permission, needs
from app.errors import Problem
from app.features.statistics.indicators import Indicator, Kind, specs
from app.features.statistics.open_data import (
    LEVELS,
    LICENCE,
    csv_text,
    data_package,
    open_data_rows,
)
from app.features.statistics.service import PeriodError, period, periods, statistics_table
from app.features.statistics.territory import Level, TerritoryError, france, territory
from app.i18n import gettext_for, request_language
from app.throttle import Limit, per_address
from app.web import download, page

# A page reads one table; a script trying every combination of tables gets nothing more than
# what the files give at once.
READING = Limit("open-statistics", 120, timedelta(minutes=10))
MSG_NO_PERIOD = "Il n'y a pas encore de statistiques publiées."
MSG_BAD = "Ce choix n'existe pas : choisissez dans les listes."
LOCAL = (Level.COMMUNE, Level.EPCI)
LEVEL_NAMES = {
    Level.COMMUNE: "Commune",
    Level.EPCI: "Intercommunalité (EPCI)",
    Level.DEPARTEMENT: "Département",
    Level.REGION: "Région",
}


def _choices() -> list[tuple[str, str]]:
    return [
        (s.indicator.value, s.label) for s in specs().values() if s.indicator != Indicator.PEOPLE
    ]


class StatisticsOpenData(Controller):
    path = "/statistiques"
    include_in_schema = False
    opt = needs(Permission.PUBLIC)
    guards = [per_address(READING)]

    @get("/")
    async def open_statistics(
        self,
        request: Request[Any, Any, Any],
        *,
        db_session: NamedDependency[AsyncSession],
        niveau: FromQuery[str] = "departement",
        annee: FromQuery[str] = "",
        indicateur: FromQuery[str] = "age_band",
        departement: FromQuery[str] = "18",
    ) -> Template:
        _ = gettext_for(request_language(request))
        known = await periods(db_session)
        context: dict[str, Any] = {
            "years": known,
            "levels": [(level.value, LEVEL_NAMES[level]) for level in LEVELS],
            "indicators": _choices(),
            "licence": LICENCE,
            "chosen": {
                "niveau": niveau,
                "annee": annee,
                "indicateur": indicateur,
                "departement": departement,
            },
            "table": None,
            "error": None,
        }
        if not known:
            return page(request, "statistics/open_data.html", error=_(MSG_NO_PERIOD), **context)
        try:
            year = period(annee) if annee else known[0]
            level = Level(niveau)
            indicator = Indicator(indicateur)
            within = (
                territory(Level.DEPARTEMENT, departement.strip().upper())
                if level in LOCAL
                else france()
            )
            if level not in LEVELS or indicator == Indicator.PEOPLE:
                raise ValueError(niveau)
        except (PeriodError, ValueError, TerritoryError):
            return page(
                request, "statistics/open_data.html", 422, **{**context, "error": _(MSG_BAD)}
            )
        context["chosen"] |= {"annee": str(year)}
        context["table"] = await statistics_table(db_session, indicator, year, level, within)
        context["exact"] = specs()[indicator].kind == Kind.EXACT
        return page(request, "statistics/open_data.html", **context)

    @get("/donnees.csv")
    async def open_statistics_csv(
        self,
        db_session: NamedDependency[AsyncSession],
        niveau: FromQuery[str] = "departement",
        annee: FromQuery[str] = "",
    ) -> Response[bytes]:
        return await _file(db_session, niveau, annee, "csv")

    @get("/donnees.json")
    async def open_statistics_json(
        self,
        db_session: NamedDependency[AsyncSession],
        niveau: FromQuery[str] = "departement",
        annee: FromQuery[str] = "",
    ) -> Response[bytes]:
        return await _file(db_session, niveau, annee, "json")


async def _file(db: AsyncSession, niveau: str, annee: str, fmt: str) -> Response[bytes]:
    """Every territory of the level in one file, with the licence it is under."""
    level, year = await _file_choice(db, niveau, annee)
    rows = await open_data_rows(db, level, year)
    name = f"statistiques-{level.value}-{year}.{fmt}"
    if fmt == "csv":
        response = download(csv_text(rows).encode(), "text/csv; charset=utf-8", name)
    else:
        response = download(data_package(rows, level, year).encode(), "application/json", name)
    response.headers["Link"] = f'<{LICENCE["path"]}>; rel="license"'
    return response


async def _file_choice(db: AsyncSession, niveau: str, annee: str) -> tuple[Level, int]:
    try:
        level = Level(niveau)
        known = await periods(db)
        year = period(annee) if annee else known[0]
        if level not in LEVELS:
            raise ValueError(niveau)
    except (PeriodError, ValueError, IndexError) as error:
        raise Problem(422, MSG_BAD) from error
    return level, year
