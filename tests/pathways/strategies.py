"""Hypothesis strategies for the recommender: contexts, sessions found near a person, and
trained models that try anything."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from hypothesis import strategies as st

from pathways.models import Context, SessionOption
from pathways.rules import load_rules
from referentiel.masks import AUTONOMY_ORDER
from referentiel.scoring import DiagnosticResult
from tests.referentiel.strategies import REF

RULES = load_rules()
NEEDS = [n.code for n in REF.needs]
COMPETENCES = [c.code for c in REF.competences]
START = datetime(2026, 12, 7, 9, tzinfo=UTC)

equipment = st.one_of(
    st.none(),
    st.lists(
        st.sampled_from(["smartphone", "tablette", "ordinateur", "connexion_domicile", "aucun"]),
        unique=True,
    ).map(tuple),
)


@st.composite
def contexts(draw: st.DrawFn) -> Context:
    needs = draw(st.lists(st.sampled_from(NEEDS), max_size=4, unique=True))
    goals = (
        draw(st.dictionaries(st.sampled_from(needs), st.sampled_from(AUTONOMY_ORDER)))
        if needs
        else {}
    )
    return Context(
        needs=tuple(needs),
        goals=goals,
        equipment=draw(equipment),
        preference=draw(st.sampled_from([None, "individual", "collective"])),
        language=draw(st.sampled_from(["fr", "en"])),
    )


@st.composite
def session_options(draw: st.DrawFn, competence: str) -> SessionOption:
    entry = draw(st.integers(0, 4))
    starts = START + timedelta(hours=draw(st.integers(0, 24 * 60)))
    return SessionOption(
        id=draw(st.uuids()).hex,
        workshop_id="w",
        title="Atelier",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        modality=draw(st.sampled_from(["individual", "collective", "self_study", "remote"])),
        competence=competence,
        entry=entry,
        exit=draw(st.integers(0, 4)),
        free_seats=draw(st.integers(0, 3)),
        distance_km=draw(st.floats(0, 60)),
    )


@st.composite
def offers(draw: st.DrawFn) -> dict[str, list[SessionOption]]:
    chosen = draw(st.lists(st.sampled_from(COMPETENCES), unique=True, max_size=6))
    return {c: draw(st.lists(session_options(c), max_size=8)) for c in chosen}


@dataclass
class AnyModel:
    """A « trained » model whose outputs are anything at all, levels out of the scale included."""

    placements: Mapping[str, int]
    chances: Sequence[float]
    version: str = "adversaire"

    def placement(self, result: DiagnosticResult, context: Context) -> Mapping[str, int]:
        return self.placements

    def session_chances(
        self,
        result: DiagnosticResult,
        context: Context,
        competence: str,
        from_level: int,
        sessions: Sequence[SessionOption],
    ) -> Sequence[float]:
        return [self.chances[i % len(self.chances)] for i in range(len(sessions))]


models = st.builds(
    AnyModel,
    st.dictionaries(st.sampled_from(COMPETENCES), st.integers(-10, 10)),
    st.lists(st.floats(-1e9, 1e9, allow_nan=False), min_size=1, max_size=5),
)
