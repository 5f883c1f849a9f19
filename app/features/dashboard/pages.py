"""The territory pages of a coordinator (and an administrator): the dashboard, the map of needs
against the offer, the white zones, and each one's CSV.

Every choice is a GET parameter, so a page can be bookmarked, printed and shared with a
colleague of the same territory. A territory outside the reader's scope answers « not found »,
exactly like one that does not exist. The figures come from the statistics layer only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from litestar import Controller, Request, Response, get
from litestar.di import NamedDependency
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from app.access import STATISTICS_HOME, Permission, needs
from app.db.models import User
from app.errors import Problem
from app.features import statistics
from app.features.accounts import PAGE_ERRORS
from app.features.dashboard import views
from app.features.dashboard.geo import WITH_COMMUNES
from app.features.statistics import (
    Indicator,
    Level,
    Territory,
    TerritoryError,
    descendants,
    periods,
    scope_of,
    within_scope,
)
from app.i18n import request_language
from app.throttle import Limit, per_user
from app.web import PARIS, download, page, slug

# Each page asks the statistics layer a dozen questions: enough for a working day of reading,
# not for a script that tries every combination of territories and years.
READING = Limit("statistics", 300, timedelta(hours=1))
DISTANCES = (5, 10, 20, 30, 50, 100)
WEEKS = (2, 4, 8, 12, 26)

MSG_NO_SCOPE = (
    "Votre compte ne suit aucun territoire. Demandez à un administrateur de vous donner un "
    "département ou une région."
)
MSG_UNKNOWN_TERRITORY = "Ce territoire est introuvable parmi ceux que vous suivez."
MSG_NO_PERIOD = (
    "Il n'y a pas encore de statistiques publiées : revenez après la prochaine mise à jour."
)
MSG_BAD_YEAR = (
    "L'année « {year} » n'a pas de statistiques publiées. Choisissez une année de la liste."
)
LEVEL_WORDS = {
    Level.COMMUNE: "commune",
    Level.EPCI: "intercommunalité (EPCI)",
    Level.DEPARTEMENT: "département",
}
DASHBOARD = ("territoire", "comparer", "annee")
MAP = ("territoire", "niveau", "indicateur", "semaines", "annee")
WHITE = ("territoire", "besoin", "distance", "semaines", "annee")
MSG_BAD_CHOICE = "Le choix « {value} » ne convient pas pour « {field} ». Choisissez dans la liste."


def _page(request: Request[Any, Any, Any], template: str, **context: Any) -> Template:
    """A territory page, with what every one of them shows: the address of its CSV (the same
    choices), the key of a territory for its links, a count as people read it."""
    return page(
        request, template, key_of=key_of, shown=views.shown, query=request.url.query, **context
    )


def _weeks_options(_: views.Gettext) -> list[tuple[int, str]]:
    return [(count, _("{count} semaines").format(count=count)) for count in WEEKS]


def _wants_csv(request: Request[Any, Any, Any]) -> bool:
    """Each page's address with « .csv » gives the same choices' numbers as a spreadsheet."""
    return request.url.path.endswith(".csv")


def _params(request: Request[Any, Any, Any], names: tuple[str, ...]) -> dict[str, str]:
    """The page's choices from its address, each once and without spaces around (absent: "")."""
    return {name: str(request.query_params.get(name) or "").strip()[:80] for name in names}


@dataclass(frozen=True)
class Reading:
    """Who reads, what they may read, and the year they read."""

    scope: Territory
    period: int
    periods: tuple[int, ...]


async def _reading(
    request: Request[Any, Any, Any], db: AsyncSession, user: User, names: tuple[str, ...]
) -> tuple[Reading, dict[str, str], views.Gettext]:
    """Who reads what and when, the page's choices, and the reader's language."""
    params = _params(request, names)
    _ = views.translator(request_language(request))
    year = params["annee"]
    scope = scope_of(user)
    if scope is None:
        raise Problem(403, MSG_NO_SCOPE)
    published = await periods(db)
    if not published:
        raise Problem(404, MSG_NO_PERIOD)
    if not year:
        this_year = datetime.now(PARIS).year
        default = this_year if this_year in published else published[0]
        return Reading(scope, default, published), params, _
    if not year.isdigit() or int(year) not in published:
        raise Problem(422, MSG_BAD_YEAR, params={"year": year[:10]})
    return Reading(scope, int(year), published), params, _


def _territory(scope: Territory, key: str, default: Territory | None = None) -> Territory:
    """The territory a ``level:code`` key names inside the scope; 404 otherwise."""
    if not key:
        if default is None:
            raise Problem(404, MSG_UNKNOWN_TERRITORY)
        return default
    level, _sep, code = key.partition(":")
    try:
        found = statistics.territory(level, code)  # the function: its module has its name
    except TerritoryError:
        raise Problem(404, MSG_UNKNOWN_TERRITORY) from None
    if not within_scope(scope, found):
        raise Problem(404, MSG_UNKNOWN_TERRITORY)
    return found


def key_of(node: Territory) -> str:
    return f"{node.level.value}:{node.code}"


def _choice(value: str, allowed: Any, field: str, default: Any) -> Any:
    if not value:
        return default
    for option in allowed:
        if str(option) == value:
            return option
    raise Problem(422, MSG_BAD_CHOICE, params={"value": value[:40], "field": field})


def territory_choices(scope: Territory) -> list[tuple[str, str]]:
    """The scope, its départements and their EPCI, as a select lists them."""
    found = [(key_of(scope), scope.name)]
    departements = (
        [scope] if scope.level == Level.DEPARTEMENT else list(descendants(scope, Level.DEPARTEMENT))
    )
    for departement in departements:
        if departement != scope:
            found.append((key_of(departement), departement.name))
        epcis = sorted(descendants(departement, Level.EPCI), key=lambda t: t.name)
        found += [(key_of(e), f"– {e.name}") for e in epcis]
    return found


def departement_choices(scope: Territory) -> list[Territory]:
    if scope.level == Level.DEPARTEMENT:
        return [scope]
    return list(descendants(scope, Level.DEPARTEMENT))


def finer(node: Territory) -> Level | None:
    order = list(Level)
    index = order.index(node.level)
    return order[index + 1] if index + 1 < len(order) else None


def zone_words(_: views.Gettext) -> dict[str, str]:
    """What the white zones' table says of each commune."""
    return {
        "many": _("oui"),
        "few": _("sans séance, moins de 11 personnes avec ce besoin"),
        "nobody": _("sans séance, personne avec ce besoin"),
        "near": _("non"),
        "unmeasured": _("distance inconnue"),
    }


class DashboardPages(Controller):
    path = STATISTICS_HOME
    include_in_schema = False
    opt = needs(Permission.STATISTICS)
    exception_handlers = PAGE_ERRORS
    guards = [per_user(READING)]

    @get(["/", "/tableau.csv"])
    async def dashboard(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        user: NamedDependency[User],
    ) -> Template | Response[bytes]:
        reading, params, _ = await _reading(request, db_session, user, DASHBOARD)
        main = _territory(reading.scope, params["territoire"], reading.scope)
        other = _territory(reading.scope, params["comparer"]) if params["comparer"] else None
        shown = [main] if other is None or other == main else [main, other]
        figures = await views.dashboard(db_session, _, shown, reading.period)
        if _wants_csv(request):
            name = f"tableau-{slug(main.name, 'territoire')}-{reading.period}.csv"
            return download(views.figures_csv(figures, reading.period), "text/csv", name)
        level = finer(main)
        parts = await views.breakdown(db_session, main, level, reading.period) if level else None
        return _page(
            request,
            "dashboard/home.html",
            reading=reading,
            territory=main,
            other=other,
            figures=figures,
            breakdown=parts,
            choices=territory_choices(reading.scope),
        )

    @get(["/carte", "/carte.csv"])
    async def needs_map(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        user: NamedDependency[User],
    ) -> Template | Response[bytes]:
        reading, params, _ = await _reading(request, db_session, user, MAP)
        # A département with commune outlines first; the whole country for an administrator.
        first = next(
            (d for d in departement_choices(reading.scope) if d.code in WITH_COMMUNES),
            reading.scope,
        )
        default = reading.scope if reading.scope.level == Level.FRANCE else first
        within = _territory(reading.scope, params["territoire"], default)
        levels = views.map_levels(within)
        level = _choice(params["niveau"], levels, "niveau", levels[0] if levels else None)
        choices = views.map_choices(_)
        shown = _choice(
            params["indicateur"], [v for v, _l in choices], "indicateur", "people:total"
        )
        indicator_code, _sep, column = shown.partition(":")
        weeks = _choice(params["semaines"], WEEKS, "semaines", 8)
        found = None
        if level is not None:
            found = await views.needs_map(
                db_session,
                _,
                within=within,
                level=level,
                indicator=Indicator(indicator_code),
                column=column,
                period=reading.period,
                weeks=weeks,
            )
        if _wants_csv(request):
            header = ["territoire", shown, f"seances_{weeks}_semaines"]
            name = f"carte-{slug(within.name, 'territoire')}-{reading.period}.csv"
            rows = [] if found is None else found.rows
            return download(views.table_csv(header, rows), "text/csv", name)
        return _page(
            request,
            "dashboard/map.html",
            reading=reading,
            territory=within,
            level=level,
            levels=levels,
            indicator=shown,
            indicators=choices,
            indicator_label=dict(choices)[shown],
            weeks=weeks,
            weeks_options=_weeks_options(_),
            level_options=[(option.value, _(LEVEL_WORDS[option])) for option in levels],
            map=found,
            choices=[
                (key_of(t), t.name)
                for t in dict.fromkeys([reading.scope, *departement_choices(reading.scope)])
            ],
        )

    @get(["/zones-blanches", "/zones-blanches.csv"])
    async def white_zones(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        user: NamedDependency[User],
    ) -> Template | Response[bytes]:
        reading, params, _ = await _reading(request, db_session, user, WHITE)
        departements = departement_choices(reading.scope)
        first = next((d for d in departements if d.code in WITH_COMMUNES), departements[0])
        within = _territory(reading.scope, params["territoire"], first)
        if within.level != Level.DEPARTEMENT:
            raise Problem(404, MSG_UNKNOWN_TERRITORY)
        needs_list = views.need_choices(_)
        need = _choice(params["besoin"], [c for c, _l in needs_list], "besoin", needs_list[0][0])
        distance = _choice(params["distance"], DISTANCES, "distance", 20)
        weeks = _choice(params["semaines"], WEEKS, "semaines", 8)
        zones = await views.white_zones(
            db_session,
            _,
            within=within,
            need=need,
            distance_km=distance,
            weeks=weeks,
            period=reading.period,
        )
        words = zone_words(_)
        if _wants_csv(request):
            header = [
                "commune",
                f"personnes_besoin_{need}",
                "seance_la_plus_proche",
                "zone_blanche",
            ]
            rows = [(c, n, near, words[kind]) for c, n, near, kind in zones.rows]
            name = f"zones-blanches-{slug(within.name, 'territoire')}-{need}.csv"
            return download(views.table_csv(header, rows), "text/csv", name)
        return _page(
            request,
            "dashboard/white_zones.html",
            reading=reading,
            territory=within,
            departements=[(key_of(d), d.name) for d in departements],
            need=need,
            needs_list=needs_list,
            need_label=dict(needs_list)[need],
            distance=distance,
            distance_options=[(km, _("{km} km").format(km=km)) for km in DISTANCES],
            weeks=weeks,
            weeks_options=_weeks_options(_),
            zones=zones,
            zone_words=words,
        )
