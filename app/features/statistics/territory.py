"""The territories statistics are published for, as one tree: France > région > département >
EPCI > commune.

An EPCI that spans several départements is one node per département it touches (« partie
Cher »), so that every node has one parent and a département is exactly the sum of its
children: complementary suppression (:mod:`.secrecy`) needs a tree. The few communes that
belong to no EPCI hang from a node « Communes sans EPCI » of their département.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

from app.territories import communes, departement_regions, departements, epcis, regions

FRANCE_CODE = "FR"
NO_EPCI = "sans-epci"
MSG_UNKNOWN = "Territoire inconnu : {level} « {code} »."
MSG_NOT_BELOW = "Le niveau « {level} » n'est pas sous « {within} »."


class Level(enum.StrEnum):
    FRANCE = "france"
    REGION = "region"
    DEPARTEMENT = "departement"
    EPCI = "epci"
    COMMUNE = "commune"


DEPTH = {level: depth for depth, level in enumerate(Level)}


class TerritoryError(ValueError):
    """An unknown territory, or a level that is not below the one asked within."""


@dataclass(frozen=True, slots=True)
class Territory:
    level: Level
    code: str
    name: str
    parent: str | None  # the parent node's code (None for France)
    departement: str | None = None  # for an EPCI part and a commune: its département


@dataclass(frozen=True, slots=True)
class Tree:
    nodes: Mapping[tuple[Level, str], Territory]
    children: Mapping[tuple[Level, str], tuple[Territory, ...]]
    commune_epci: Mapping[str, str]  # commune INSEE -> its EPCI node code


def epci_code(siren: str, departement: str, split: bool) -> str:
    """The node of an EPCI in a département: its SIREN, with the département when split."""
    if not siren:
        return f"{NO_EPCI}-{departement}"
    return f"{siren}-{departement}" if split else siren


@cache
def tree() -> Tree:
    known = communes()
    epci_names = epcis()
    dep_names = departements()
    dep_region = departement_regions()
    region_names = regions()
    spans: dict[str, set[str]] = defaultdict(set)
    for commune in known.values():
        if commune.epci:
            spans[commune.epci].add(commune.departement)
    nodes: dict[tuple[Level, str], Territory] = {
        (Level.FRANCE, FRANCE_CODE): Territory(Level.FRANCE, FRANCE_CODE, "France", None)
    }
    for code, name in region_names.items():
        nodes[(Level.REGION, code)] = Territory(Level.REGION, code, name, FRANCE_CODE)
    for code, name in dep_names.items():
        nodes[(Level.DEPARTEMENT, code)] = Territory(
            Level.DEPARTEMENT, code, name, dep_region[code], code
        )
    commune_epci: dict[str, str] = {}
    for commune in known.values():
        split = len(spans.get(commune.epci, ())) > 1
        code = epci_code(commune.epci, commune.departement, split)
        commune_epci[commune.insee] = code
        if (Level.EPCI, code) not in nodes:
            base = epci_names.get(commune.epci, "Communes sans EPCI")
            name = f"{base} (partie {dep_names[commune.departement]})" if split else base
            nodes[(Level.EPCI, code)] = Territory(
                Level.EPCI, code, name, commune.departement, commune.departement
            )
        nodes[(Level.COMMUNE, commune.insee)] = Territory(
            Level.COMMUNE, commune.insee, commune.name, code, commune.departement
        )
    children: dict[tuple[Level, str], list[Territory]] = defaultdict(list)
    parent_level = {
        Level.REGION: Level.FRANCE,
        Level.DEPARTEMENT: Level.REGION,
        Level.EPCI: Level.DEPARTEMENT,
        Level.COMMUNE: Level.EPCI,
    }
    for node in nodes.values():
        if node.parent is not None:
            children[(parent_level[node.level], node.parent)].append(node)
    return Tree(
        nodes,
        {key: tuple(sorted(kids, key=lambda t: t.code)) for key, kids in children.items()},
        commune_epci,
    )


def territory(level: Level | str, code: str) -> Territory:
    """The territory of that level and code; TerritoryError if there is none."""
    try:
        return tree().nodes[(Level(level), code)]
    except (KeyError, ValueError) as error:
        raise TerritoryError(MSG_UNKNOWN.format(level=level, code=code)) from error


def france() -> Territory:
    return tree().nodes[(Level.FRANCE, FRANCE_CODE)]


def children_of(node: Territory) -> tuple[Territory, ...]:
    return tree().children.get((node.level, node.code), ())


def descendants(within: Territory, level: Level) -> tuple[Territory, ...]:
    """Every territory of ``level`` inside ``within``, by code."""
    if DEPTH[level] <= DEPTH[within.level]:
        raise TerritoryError(MSG_NOT_BELOW.format(level=level, within=within.level))
    found = [within]
    while found and found[0].level != level:
        found = [child for node in found for child in children_of(node)]
    return tuple(sorted(found, key=lambda t: t.code))


def ancestors(node: Territory) -> tuple[Territory, ...]:
    """From the node's parent up to France."""
    nodes = tree().nodes
    up = list(Level)
    found: list[Territory] = []
    current = node
    while current.parent is not None:
        current = nodes[(up[DEPTH[current.level] - 1], current.parent)]
        found.append(current)
    return tuple(found)


def parent_of(node: Territory) -> Territory:
    """The node's parent (France is its own)."""
    found = ancestors(node)
    return found[0] if found else node


def contains(outer: Territory, inner: Territory) -> bool:
    return outer == inner or outer in ancestors(inner)
