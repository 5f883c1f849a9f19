"""Small populations for the statistics tests: everyone in a few communes of three
départements over two régions, some with badges, and one person nobody else resembles."""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import strategies as st

from app.features.statistics.indicators import Fact, badge_cells, columns_of

# Two EPCI of the Cher, one of the Indre (same région), one of the Allier (another région).
COMMUNES = ("18011", "18015", "18030", "18027", "18031", "36001", "36028", "03098")
TINY = "18054"  # Charly, in the CC Pays de Nérondes: only the planted person lives there
AGES = ("vingt_cinq_trente_neuf", "quarante_cinquante_neuf", "soixante_dix_plus")
NEEDS = ("caf", "sante", "proches")
RARE_AGE = "moins_de_douze"
RARE_NEED = "france_travail"
BADGES = ("E", "C", "pathway")  # the badges' columns most people get
RARE_BADGE = "R"  # a badge in « Création de contenu »: only the planted person has one


@dataclass(frozen=True)
class Someone:
    commune: str
    fact: Fact
    badges: tuple[str, ...] = ()  # the columns of the badges received in the year; none: ()


def fact(age: str, needs: tuple[str, ...], level: int) -> Fact:
    return Fact(
        age_band=age,
        frequency="chaque_semaine",
        equipment=("smartphone",),
        profile="debutant",
        levels=f"{level}{level}---",
        needs=tuple(sorted(needs)),
        autonomy="A2" if needs else "aucun",
        pathway=(),
    )


PLANTED = Someone(TINY, fact(RARE_AGE, (RARE_NEED,), 0), (RARE_BADGE,))

someone = st.builds(
    lambda commune, age, needs, level, badges: Someone(
        commune, fact(age, tuple(needs), level), tuple(sorted(badges))
    ),
    st.sampled_from(COMMUNES),
    st.sampled_from(AGES),
    st.sets(st.sampled_from(NEEDS), max_size=2),
    st.integers(0, 2),
    st.sets(st.sampled_from(BADGES), max_size=2),
)
populations = st.lists(someone, min_size=20, max_size=160)


def counts_by_departement(
    people: list[Someone],
) -> dict[str, dict[str, dict[tuple[str, str], int]]]:
    """Per département, per commune, the people in each (indicator, column)."""
    found: dict[str, dict[str, dict[tuple[str, str], int]]] = {}
    for person in people:
        cells = found.setdefault(person.commune[:2], {}).setdefault(person.commune, {})
        for key in columns_of(person.fact):
            cells[key] = cells.get(key, 0) + 1
        for key in badge_cells(person.badges) if person.badges else ():
            cells[key] = cells.get(key, 0) + 1
    return found
