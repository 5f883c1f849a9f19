"""What the statistics count, and how one counted person fills the columns.

Every indicator but ``OFFER`` counts people. A *partition* puts each person in exactly one
column (an age band, « non renseigné » included), so its columns add up to the total; a
*several-answer* indicator (needs, equipment…) may put a person in several columns, each one
a yes-or-no question whose « no » is a hidden cell (:mod:`.secrecy`).

Badges are counted as people too (``BADGES``: the people who received at least one badge in
the year, by the domain of what it recognises), never as a number of badges. A count of badges
is not a count of people: one person with eleven badges would make a cell of « 11 » that the
threshold was meant to hide, and badges beside the people who hold them tell how many a few
people earned. Counting people keeps the « < 11 » rule and the complementary suppression
meaningful for badges as for every other indicator.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from app.features.badges import PATHWAY_PREFIX
from referentiel import load_referential
from referentiel.masks import AUTONOMY_ORDER, PROFILE_ORDER

NOT_GIVEN = "non_renseigne"
NOT_MEASURED = "non_mesure"
TO_COMPLETE = "a_completer"
NO_GOAL = "aucun"
TOTAL = "total"
REPEAT = "repeat"  # diagnostics beyond the first of each person in the period
PATHWAY_BADGE = "pathway"  # the badges' column of completed pathways
LEVELS = ("0", "1", "2", "3", "4")


class Indicator(enum.StrEnum):
    PEOPLE = "people"
    AGE_BAND = "age_band"
    FREQUENCY = "frequency"
    EQUIPMENT = "equipment"
    PROFILE = "profile"
    LEVEL_E = "level_E"
    LEVEL_I = "level_I"
    LEVEL_C = "level_C"
    LEVEL_P = "level_P"
    LEVEL_R = "level_R"
    NEEDS = "needs"
    AUTONOMY_WISHED = "autonomy_wished"
    PATHWAYS = "pathways"
    BOOKINGS = "bookings"
    BADGES = "badges"
    OFFER = "offer"


class Kind(enum.StrEnum):
    PARTITION = "partition"
    SEVERAL = "several"
    EXACT = "exact"  # not people: the published offer, never secret


@dataclass(frozen=True, slots=True)
class Column:
    code: str
    label: str


@dataclass(frozen=True, slots=True)
class Spec:
    indicator: Indicator
    label: str
    kind: Kind
    columns: tuple[Column, ...]
    total: Indicator  # whose « total » cell is this indicator's total
    total_label: str = ""  # shown beside the columns when the total is the indicator's own
    codes: tuple[str, ...] = field(init=False)  # the columns' codes, read for every cell

    def __post_init__(self) -> None:
        object.__setattr__(self, "codes", tuple(column.code for column in self.columns))


def _options(question: str) -> tuple[Column, ...]:
    ref = load_referential()
    found = next(q for q in ref.context_questions if q.id == question)
    return tuple(Column(o.code, o.label) for o in found.options or ())


@cache
def specs() -> Mapping[Indicator, Spec]:
    """Every indicator, in the order pages show them."""
    ref = load_referential()
    not_given = Column(NOT_GIVEN, "Non renseigné")
    people = Indicator.PEOPLE
    found = [
        Spec(people, "Personnes", Kind.PARTITION, (), people),
        Spec(
            Indicator.AGE_BAND,
            "Âge",
            Kind.PARTITION,
            (*_options("age_band"), not_given),
            people,
        ),
        Spec(
            Indicator.FREQUENCY,
            "Usage d'internet",
            Kind.PARTITION,
            (*_options("frequency"), not_given),
            people,
        ),
        Spec(Indicator.EQUIPMENT, "Matériel", Kind.SEVERAL, _options("equipment"), people),
        Spec(
            Indicator.PROFILE,
            "Profil",
            Kind.PARTITION,
            (
                *(Column(p.code, p.label) for p in ref.profiles),
                Column(TO_COMPLETE, "À compléter"),
            ),
            people,
        ),
    ]
    for domain in ref.domains:
        found.append(
            Spec(
                Indicator(f"level_{domain.code}"),
                f"Niveau : {domain.label}",
                Kind.PARTITION,
                (
                    *(Column(level, f"Niveau {level}") for level in LEVELS),
                    Column(NOT_MEASURED, "Non mesuré"),
                ),
                people,
            )
        )
    found += [
        Spec(
            Indicator.NEEDS,
            "Besoins",
            Kind.SEVERAL,
            tuple(Column(n.code, n.label) for n in ref.needs),
            people,
        ),
        Spec(
            Indicator.AUTONOMY_WISHED,
            "Autonomie souhaitée (la plus haute)",
            Kind.PARTITION,
            (
                *(Column(a.code, a.label) for a in ref.autonomy_levels),
                Column(NO_GOAL, "Aucun besoin choisi"),
            ),
            people,
        ),
        Spec(
            Indicator.PATHWAYS,
            "Parcours",
            Kind.SEVERAL,
            (Column("started", "Parcours commencé"), Column("completed", "Parcours terminé")),
            people,
        ),
        Spec(
            Indicator.BOOKINGS,
            "Inscriptions aux séances",
            Kind.SEVERAL,
            (
                Column("seats_filled", "Places occupées"),
                Column("waiting", "En liste d'attente"),
                Column("seen", "Venues"),
                Column("noshow", "Absences"),
            ),
            Indicator.BOOKINGS,
            "Personnes inscrites",
        ),
        Spec(
            Indicator.BADGES,
            "Personnes ayant reçu un badge",
            Kind.SEVERAL,
            (
                *(Column(d.code, d.label) for d in ref.domains),
                Column(PATHWAY_BADGE, "Parcours terminé"),
            ),
            Indicator.BADGES,
            "Au moins un badge",
        ),
        Spec(
            Indicator.OFFER,
            "Offre",
            Kind.EXACT,
            (
                Column("places", "Lieux"),
                Column("sessions", "Séances proposées"),
                Column("seats", "Places proposées"),
            ),
            Indicator.OFFER,
        ),
    ]
    return {spec.indicator: spec for spec in found}


def spec(indicator: Indicator) -> Spec:
    return specs()[indicator]


PEOPLE_INDICATORS = tuple(
    i for i in Indicator if i not in (Indicator.BOOKINGS, Indicator.BADGES, Indicator.OFFER)
)


@dataclass(frozen=True, slots=True)
class Fact:
    """One person counted in one period, as the latest of their diagnostics of that period
    describes them."""

    age_band: str
    frequency: str
    equipment: tuple[str, ...]
    profile: str
    levels: str  # one character per domain, in the referential's order; « - » not measured
    needs: tuple[str, ...]
    autonomy: str
    pathway: tuple[str, ...]  # "started", "completed"


def _choice(value: Any, allowed: frozenset[str], default: str) -> str:
    return value if isinstance(value, str) and value in allowed else default


def _several(value: Any, allowed: frozenset[str]) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(sorted({v for v in value if isinstance(v, str) and v in allowed}))


@dataclass(frozen=True, slots=True)
class _Allowed:
    """What :func:`fact_of` accepts, read once: it runs for every person of a full refresh."""

    age_band: frozenset[str]
    frequency: frozenset[str]
    equipment: frozenset[str]
    needs: frozenset[str]
    domains: tuple[str, ...]
    level_indicators: tuple[Indicator, ...]  # one per domain, in the same order
    autonomy: Mapping[str, int]
    profiles: frozenset[str]


@cache
def _allowed() -> _Allowed:
    every = specs()
    return _Allowed(
        age_band=frozenset(every[Indicator.AGE_BAND].codes),
        frequency=frozenset(every[Indicator.FREQUENCY].codes),
        equipment=frozenset(every[Indicator.EQUIPMENT].codes),
        needs=frozenset(every[Indicator.NEEDS].codes),
        domains=tuple(d.code for d in load_referential().domains),
        level_indicators=tuple(Indicator(f"level_{d.code}") for d in load_referential().domains),
        autonomy={code: rank for rank, code in enumerate(AUTONOMY_ORDER)},
        profiles=frozenset(PROFILE_ORDER),
    )


def fact_of(
    context: Mapping[str, Any],
    result: Mapping[str, Any] | None,
    goals: Mapping[str, Any],
    pathway: tuple[str, ...] = (),
) -> Fact:
    """The columns a diagnostic puts its person in (unknown answers read as not given)."""
    allowed = _allowed()
    domains = {d.get("code"): d.get("level") for d in (result or {}).get("domains", ())}
    levels = "".join(
        str(domains[code]) if isinstance(domains.get(code), int) else "-"
        for code in allowed.domains
    )
    wished = [
        allowed.autonomy[g] for g in goals.values() if isinstance(g, str) and g in allowed.autonomy
    ]
    profile = (result or {}).get("profile")
    return Fact(
        age_band=_choice(context.get("age_band"), allowed.age_band, NOT_GIVEN),
        frequency=_choice(context.get("frequency"), allowed.frequency, NOT_GIVEN),
        equipment=_several(context.get("equipment"), allowed.equipment),
        profile=profile
        if isinstance(profile, str) and profile in allowed.profiles
        else TO_COMPLETE,
        levels=levels,
        needs=_several(context.get("needs"), allowed.needs),
        autonomy=AUTONOMY_ORDER[max(wished)] if wished else NO_GOAL,
        pathway=pathway,
    )


def columns_of(fact: Fact) -> Iterable[tuple[Indicator, str]]:
    """Every (indicator, column) the person counts in, the people total included."""
    yield Indicator.PEOPLE, TOTAL
    yield Indicator.AGE_BAND, fact.age_band
    yield Indicator.FREQUENCY, fact.frequency
    yield Indicator.PROFILE, fact.profile
    yield Indicator.AUTONOMY_WISHED, fact.autonomy
    for code in fact.equipment:
        yield Indicator.EQUIPMENT, code
    for code in fact.needs:
        yield Indicator.NEEDS, code
    for code in fact.pathway:
        yield Indicator.PATHWAYS, code
    for indicator, level in zip(_allowed().level_indicators, fact.levels, strict=True):
        yield indicator, NOT_MEASURED if level == "-" else level


def badge_column(achievement: str, competence: str | None) -> str | None:
    """The column of the badges' indicator a badge counts its holder in: the domain of its
    competence, or « pathway » for a completed pathway; None for a competence the referential
    does not know (its holder still counts in the total)."""
    if achievement.startswith(PATHWAY_PREFIX):
        return PATHWAY_BADGE
    return _domains().get(competence or "")


@cache
def _domains() -> dict[str, str]:
    """Each competence's domain."""
    return {c.code: c.domain for c in load_referential().competences}


def badge_cells(columns: Iterable[str]) -> Iterable[tuple[Indicator, str]]:
    """Every (indicator, column) a person who received badges in the period counts in: the
    total once, and each column once however many badges they got in it."""
    yield Indicator.BADGES, TOTAL
    for code in sorted(set(columns)):
        yield Indicator.BADGES, code
