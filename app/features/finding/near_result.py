"""« Des ateliers près de chez vous » on a diagnostic's result: sessions near the commune the
person gave, for the competences the result says to work on.

This is a plain search with the result's competences and commune, not a pathway: the
recommender (autonomy goals, modalities, ordered steps) comes with the pathways and will
replace the choice made by :func:`to_work_on`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from app.features.finding.criteria import SearchCriteria
from app.features.finding.search import FoundSession, search_sessions
from app.territories import as_typed, communes
from referentiel import Referential
from referentiel.scoring import DiagnosticResult

DONE_ALONE = 2  # « Je le fais seul·e quand tout se passe bien »
MOST = 3  # competences searched, and sessions shown on the result


def to_work_on(
    ref: Referential, result: DiagnosticResult, needs: Sequence[str], most: int = MOST
) -> tuple[str, ...]:
    """The competences the result says to work on, first things first (the referential's
    prerequisite order): below the level the chosen needs require, or, with no need chosen,
    not yet done alone. A competence with no level (not asked) counts as to work on when the
    result takes it as not acquired yet."""
    levels = {c.code: c for c in result.competences}
    wanted: dict[str, int] = {}
    for need in ref.needs:
        if need.code in needs:
            for code, minimum in need.requires.items():
                wanted[code] = max(minimum, wanted.get(code, 0))
    if not wanted:
        wanted = dict.fromkeys(ref.prerequisite_order, DONE_ALONE)

    def short(code: str) -> bool:
        score = levels.get(code)
        if score is None or score.level is None:
            return score is not None and score.inferred is not None
        return score.level < wanted[code]

    return tuple(c for c in ref.prerequisite_order if c in wanted and short(c))[:most]


@dataclass(frozen=True)
class ResultOffer:
    """What the result page shows: a few sessions, and where to see more."""

    commune: str | None  # « Bourges (18000) », None when the person gave none
    competences: tuple[str, ...]
    sessions: list[FoundSession]
    search_path: str
    help_path: str
    diagnostic_id: UUID

    def booking_path(self, session: FoundSession) -> str:
        return f"/ateliers/{session.id}/reserver?{urlencode({'diagnostic': self.diagnostic_id})}"


async def result_offer(
    db: AsyncSession,
    ref: Referential,
    result: DiagnosticResult,
    context: Mapping[str, Any],
    diagnostic_id: UUID,
) -> ResultOffer:
    """Sessions near the diagnostic's commune (its context) for what the result says to work
    on; none when the context has no commune (the links still lead to the searches)."""
    competences = to_work_on(ref, result, context.get("needs") or [])
    insee = context.get("commune")
    commune = communes().get(insee) if isinstance(insee, str) else None
    typed = as_typed(commune.insee) if commune else ""
    query = [("commune", typed)] if typed else []
    query += [("apprendre", code) for code in competences]
    query.append(("diagnostic", str(diagnostic_id)))
    sessions: list[FoundSession] = []
    if commune is not None:
        criteria = SearchCriteria(commune=commune.insee, competences=competences, limit=MOST)
        sessions = await search_sessions(db, criteria)
    return ResultOffer(
        commune.display if commune else None,
        competences,
        sessions,
        f"/ateliers?{urlencode(query)}",
        "/aide-pres-de-chez-moi" + (f"?{urlencode({'commune': typed})}" if typed else ""),
        diagnostic_id,
    )
