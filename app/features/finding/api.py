"""``GET /api/v1/sessions``: the public search for sessions (no token needed), with the
criteria of the resident's search page. Creating sessions is the schedule's (POST, same path).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import QueryParameter
from sqlalchemy.ext.asyncio import AsyncSession

from app.access import Permission, needs
from app.db.models import Modality
from app.features.finding.criteria import (
    DEFAULT_DISTANCE_KM,
    DEFAULT_LIMIT,
    MAX_DISTANCE_KM,
    MAX_LIMIT,
    MIN_DISTANCE_KM,
    SearchCriteria,
    competence_codes,
)
from app.features.finding.schemas import SessionSearchOut, session_found_out
from app.features.finding.search import search_sessions
from app.openapi import problems
from app.throttle import Limit, per_address

# A public search: plenty for a person or an application, not for copying the whole offer.
SEARCHES = Limit("sessions-search", attempts=300, window=timedelta(minutes=5))
WHEN = {
    400: "Un paramètre n'a pas la forme attendue : une date qui n'est pas AAAA-MM-JJ, une "
    "distance hors de 1 à 200 km, un nombre de résultats hors de 1 à 200.",
    422: "Commune, compétence, thème ou modalité inconnus ; date de fin avant la date de "
    "début, ou dates passées : `problems` les décrit toutes.",
}


class SessionSearchApi(Controller):
    path = "/api/v1/sessions"
    tags = ["sessions"]
    opt = needs(Permission.PUBLIC)

    @get(
        "/",
        summary="Chercher des séances près d'une commune (places libres, inscriptions ouvertes)",
        description="Les séances à venir dont l'atelier fait progresser l'une des "
        "compétences demandées, triées par distance puis par date ; les séances à distance "
        "viennent ensuite, quelle que soit la distance. La distance se mesure entre les "
        "centres des communes (ou la position du lieu) ; sans centre connu, un lieu de la "
        "même intercommunalité, puis du même département, compte comme proche. Les "
        "réservations ne sont jamais montrées.",
        guards=[per_address(SEARCHES)],
        responses=problems(422, 429, when=WHEN),
    )
    async def search(
        self,
        *,
        db_session: NamedDependency[AsyncSession],
        commune: Annotated[
            str | None,
            QueryParameter(
                description="Code INSEE de la commune d'où compter la distance, par exemple "
                "18033 pour Bourges. Sans commune : toutes les sessions, les plus proches "
                "dans le temps d'abord.",
                max_length=5,
            ),
        ] = None,
        competences: Annotated[
            list[str] | None,
            QueryParameter(
                description="Codes de compétences du référentiel (paramètre répété) : un "
                "atelier convient s'il fait progresser l'une d'elles. Codes : "
                + ", ".join(competence_codes())
                + ".",
                max_items=20,
            ),
        ] = None,
        theme: Annotated[
            str | None,
            QueryParameter(
                description="Un thème de La Coop de la médiation numérique "
                "(`GET /api/v1/referentiel`)",
                max_length=100,
            ),
        ] = None,
        modality: Annotated[
            str | None,
            QueryParameter(
                description="Modalité de l'atelier : " + ", ".join(m.value for m in Modality),
                max_length=20,
            ),
        ] = None,
        date_from: Annotated[
            date | None,
            QueryParameter(
                name="from",
                description="Premier jour (heure de Paris), inclus ; par défaut maintenant.",
            ),
        ] = None,
        date_to: Annotated[
            date | None,
            QueryParameter(
                name="to",
                description="Dernier jour, inclus ; par défaut 30 jours après le premier.",
            ),
        ] = None,
        distance_km: Annotated[
            int,
            QueryParameter(
                description=f"Distance en km, de {MIN_DISTANCE_KM} à {MAX_DISTANCE_KM}.",
                ge=MIN_DISTANCE_KM,
                le=MAX_DISTANCE_KM,
            ),
        ] = DEFAULT_DISTANCE_KM,
        include_full: Annotated[
            bool,
            QueryParameter(description="`true` : les séances complètes aussi (liste d'attente)."),
        ] = False,
        limit: Annotated[
            int,
            QueryParameter(
                description=f"Nombre de résultats, de 1 à {MAX_LIMIT}.",
                ge=1,
                le=MAX_LIMIT,
            ),
        ] = DEFAULT_LIMIT,
    ) -> SessionSearchOut:
        criteria = SearchCriteria(
            commune=commune,
            competences=tuple(competences or ()),
            theme=theme,
            modality=modality,
            date_from=date_from,
            date_to=date_to,
            distance_km=distance_km,
            include_full=include_full,
            limit=limit,
        )
        found = await search_sessions(db_session, criteria)
        return SessionSearchOut([session_found_out(f) for f in found], len(found))
