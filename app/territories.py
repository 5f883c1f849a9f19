"""Communes: people know a name or a postal code, the service stores the INSEE code.

The one place where the service reads a commune, for every way one comes in: the resident's
context page, a person's record (page and API), the paper form typed in, the review of a
scanned sheet. What people type is read the way they mean it:

* a name, whatever the case, accents, hyphens and apostrophes (« lhay les roses » is
  L'Haÿ-les-Roses), « st » or « saint », and an arrondissement of Paris, Lyon or Marseille
  (« Lyon 3e », « Paris 15 », « Marseille 1er »: the commune itself, which is what the
  statistics count);
* a postal code: the communes it serves, never the commune whose INSEE code has the same
  digits (« 13001 » is Marseille, not Aix-en-Provence, whose INSEE code it is). Five digits
  that are no postal code but an INSEE code name that commune;
* a postal code or an INSEE code followed by a name: the one commune of that code with that
  name (« 03000 Moulins »), which is how a shared code is made unique;
* a small typo in a name: nothing matches exactly, so the closest names are offered, never
  picked on their own.
"""

from __future__ import annotations

import csv
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from rapidfuzz import process
from rapidfuzz.distance import OSA, Indel

MSG_UNKNOWN = "Commune introuvable : tapez le code postal et le nom, par exemple « 03000 Moulins »."
MSG_AMBIGUOUS = "Plusieurs communes correspondent. Tapez l'une de ces réponses : {candidates}."
MSG_MANY = (
    "{count} communes correspondent. Tapez le code postal et le nom de la bonne, par exemple "
    ": {candidates}."
)
MSG_NEAR = "Commune introuvable. Vouliez-vous dire : {candidates} ?"
# A page's commune field, when what was typed names no commune or several (the choices are
# shown right under the field).
MSG_FIELD_UNKNOWN = "Nous ne trouvons pas cette commune. Vérifiez le nom ou tapez le code postal."
MSG_FIELD_NEAR = (
    "Nous ne trouvons pas cette commune. Est-ce l'une de celles proposées sous le champ ?"
)
MSG_FIELD_WHICH = "Plusieurs communes correspondent : choisissez la vôtre sous le champ."
CANDIDATES_SHOWN = 12  # in a message; a page lists them all as choices
LIMIT = 30  # close names offered for a typo


@dataclass(frozen=True, slots=True)
class Commune:
    insee: str
    name: str
    departement: str
    postal_codes: tuple[str, ...]
    population: int = 0
    epci: str = ""  # SIREN of its EPCI; empty for the few communes that have none
    # Centroid (WGS84) for distances and map markers; None for the communes the IGN outlines
    # do not cover (app/data/SOURCES.md).
    lat: float | None = None
    lon: float | None = None

    @property
    def postal_code(self) -> str:
        """The one people write on a letter (the département where the post has none)."""
        return self.postal_codes[0] if self.postal_codes else self.departement

    @property
    def display(self) -> str:
        """« Moulins (03000) »."""
        return f"{self.name} ({self.postal_code})"


@dataclass(frozen=True, slots=True)
class Found:
    """What a typed commune gave, best first. ``near``: nothing matched what was typed, these
    are the closest names (a typo?), to offer, never to pick alone."""

    communes: tuple[Commune, ...]
    near: bool = False

    @property
    def one(self) -> Commune | None:
        """The commune meant, when exactly one was named."""
        return self.communes[0] if len(self.communes) == 1 and not self.near else None


class CommuneError(ValueError):
    """A typed commune that names no commune, or several: a French message, with what to type
    for each candidate (``params["candidates"]``) so the person can pick one."""

    def __init__(self, found: Found) -> None:
        self.candidates = found.communes
        shown = ", ".join(f"« {how_to_type(c)} »" for c in found.communes[:CANDIDATES_SHOWN])
        self.params: dict[str, Any] = {"candidates": shown}
        if not found.communes:
            self.message, self.params = MSG_UNKNOWN, {}
        elif found.near:
            self.message = MSG_NEAR
        elif len(found.communes) <= CANDIDATES_SHOWN:
            self.message = MSG_AMBIGUOUS
        else:
            self.message, self.params["count"] = MSG_MANY, len(found.communes)
        super().__init__(self.message.format(**self.params))


# --- the data ---------------------------------------------------------------------------------


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files("app").joinpath("data", name).read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


def _codes(joined: str) -> tuple[str, ...]:
    return tuple(filter(None, joined.split("|")))


@cache
def communes() -> dict[str, Commune]:
    """Every current commune by INSEE code (the COG of `app/data/communes.csv`)."""
    return {
        row["code_insee"]: Commune(
            row["code_insee"],
            row["nom"],
            row["code_departement"],
            _codes(row["codes_postaux"]),
            int(row["population"] or 0),
            row["code_epci"],
            float(row["lat"]) if row["lat"] else None,
            float(row["lon"]) if row["lon"] else None,
        )
        for row in _rows("communes.csv")
    }


@cache
def epcis() -> dict[str, str]:
    """Every EPCI's name by SIREN."""
    return {row["code_siren"]: row["nom"] for row in _rows("epci.csv")}


@cache
def departements() -> dict[str, str]:
    """Every département's name by code (« 18 » -> « Cher »)."""
    return {row["code_departement"]: row["nom"] for row in _rows("departements.csv")}


@cache
def regions() -> dict[str, str]:
    """Every région's name by code (« 24 » -> « Centre-Val de Loire »)."""
    return {row["code_region"]: row["nom"] for row in _rows("regions.csv")}


@cache
def departement_regions() -> dict[str, str]:
    """Each département's région code (« 18 » -> « 24 »)."""
    return {row["code_departement"]: row["code_region"] for row in _rows("departements.csv")}


EARTH_RADIUS_KM = 6371.0088  # mean radius (IUGG)


def distance_km(a: Commune, b: Commune) -> float | None:
    """Great-circle distance between two communes' centroids; None when one has no centroid.
    The same commune is at 0 km."""
    if a.insee == b.insee:
        return 0.0
    if a.lat is None or a.lon is None or b.lat is None or b.lon is None:
        return None
    return great_circle_km(a.lat, a.lon, b.lat, b.lon)


def great_circle_km(lat_a: float, lon_a: float, lat_b: float, lon_b: float) -> float:
    """Great-circle distance between two points (WGS84 degrees), on the mean sphere: a place
    located more precisely than its commune is measured from where it is."""
    lat1, lat2 = math.radians(lat_a), math.radians(lat_b)
    dlat, dlon = lat2 - lat1, math.radians(lon_b - lon_a)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


@cache
def arrondissements() -> dict[str, str]:
    """The name of each arrondissement municipal (« Lyon 3e Arrondissement ») -> the INSEE code
    of its commune (Lyon)."""
    return {row["nom"]: row["commune"] for row in _rows("arrondissements.csv")}


# --- reading what people type -------------------------------------------------------------------

_SAINT = re.compile(r"\bst(e?)\b")
# « 3e », « 3ème », « 1er », « 15e arrondissement », « 15 arr. » at the end of a name.
_ORDINAL = re.compile(
    r"(?<!\d)(\d{1,2}) ?(?:er|e|eme|ieme|em)?(?: ?(?:arrondissement|arrdt|arr))?$"
)


def fold(text: str) -> str:
    """The key a name is compared by: no case, accents, hyphens, apostrophes nor spaces;
    « st(e) » is « saint(e) », and an arrondissement is its number (« lyon 3e » -> lyon3)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    words = " ".join(re.sub(r"[^a-z0-9]+", " ", plain).split())
    words = _ORDINAL.sub(lambda m: str(int(m.group(1))), _SAINT.sub(r"saint\1", words))
    return words.replace(" ", "")


def _ranked(found: Iterable[Commune]) -> tuple[Commune, ...]:
    """Biggest first: of two Saint-Denis, most people live in the one of 93."""
    return tuple(sorted(set(found), key=lambda c: (-c.population, c.name, c.insee)))


@cache
def _by_name() -> dict[str, list[Commune]]:
    index: dict[str, list[Commune]] = {}
    for commune in communes().values():
        index.setdefault(fold(commune.name), []).append(commune)
    for name, insee in arrondissements().items():
        index.setdefault(fold(name), []).append(communes()[insee])
    return index


@cache
def _by_postal_code() -> dict[str, list[Commune]]:
    index: dict[str, list[Commune]] = {}
    for commune in communes().values():
        for code in commune.postal_codes:
            index.setdefault(code, []).append(commune)
    return index


@cache
def _names() -> list[str]:
    return list(_by_name())


def by_postal_code(code: str) -> tuple[Commune, ...]:
    """The communes a postal code serves (several share most postal codes), by name: a
    person looks for their own in the list."""
    return tuple(sorted(_by_postal_code().get(code, ()), key=lambda c: (fold(c.name), c.insee)))


def _typo_allowance(key: str) -> int:
    """How many letters may be wrong: none in a very short name (any name would do), one in
    a short one, two in a long one."""
    return 0 if len(key) < 4 else 1 if len(key) < 8 else 2


def _near(key: str, among: Iterable[str] | None = None) -> tuple[Commune, ...]:
    """Communes whose name is a typo or two away from ``key`` (letters missing, extra, wrong
    or swapped), closest first; among equally close names, the one sharing the most letters
    in order with what was typed (« moulin »: Moulins before Moulon), then the biggest."""
    allowance = _typo_allowance(key)
    if allowance == 0:
        return ()
    choices = _names() if among is None else list(among)
    matches = process.extract(key, choices, scorer=OSA.distance, score_cutoff=allowance, limit=None)
    index = _by_name()
    ranked = sorted(
        (
            (distance, -Indel.normalized_similarity(key, name), -commune.population, commune.insee)
            for name, distance, _ in matches
            for commune in index[name]
        ),
    )
    return tuple(dict.fromkeys(communes()[insee] for *_, insee in ranked))[:LIMIT]


def by_name(name: str) -> Found:
    """The communes of that name (or arrondissement); a typo: the closest names."""
    key = fold(name)
    if not key:
        return Found(())
    exact = _by_name().get(key)
    return Found(_ranked(exact)) if exact else Found(_near(key), near=True)


def _named(among: Iterable[Commune], name: str) -> Found:
    """Those of ``among`` with that name; a typo: those of them with a close name."""
    among = set(among)
    key = fold(name)
    exact = [c for c in _by_name().get(key, ()) if c in among]
    if exact:
        return Found(_ranked(exact))
    close = _near(key, {fold(c.name) for c in among})
    return Found(tuple(c for c in close if c in among), near=True)


_CODE = re.compile(r"\d[\dAB]\d{3}", re.IGNORECASE)
_CODE_AND_NAME = re.compile(r"(\d[\dAB]\d{3})\s*(\D.*)", re.IGNORECASE)


def search(typed: str) -> Found:
    """The communes someone means by what they typed in a form (see the module's docstring)."""
    text = " ".join(typed.split())
    if _CODE.fullmatch(text.replace(" ", "")):  # « 13001 », « 13 001 »
        code = text.replace(" ", "").upper()
        served = by_postal_code(code)
        insee = communes().get(code)
        return Found(served or (() if insee is None else (insee,)))
    code_and_name = _CODE_AND_NAME.fullmatch(text)
    if code_and_name is None:
        return by_name(text)
    code, name = code_and_name.groups()
    insee = communes().get(code.upper())
    return _named([*by_postal_code(code), *(() if insee is None else (insee,))], name)


def from_parts(postal_code: str = "", name: str = "") -> Found:
    """A postal code, a name, or both, as an API client gives them: the communes they name.
    A postal code is only ever a postal code here."""
    if postal_code:
        served = by_postal_code(postal_code)
        return _named(served, name) if name else Found(served)
    return by_name(name)


def resolve(typed: str) -> Commune | None:
    """The one commune a form's typed value names; None when nothing was typed.

    Raises :class:`CommuneError` (with the candidates) when it names none or several: a form
    or the API never guesses.
    """
    if not typed.strip():
        return None
    found = search(typed)
    if found.one is None:
        raise CommuneError(found)
    return found.one


@dataclass(frozen=True, slots=True)
class Picked:
    """A page's commune field read: the commune meant (None when nothing was typed, or when
    the person must choose), what was found (the choices to show under the field), and the
    problem to say, if any."""

    commune: Commune | None
    found: Found
    problem: str | None = None


def pick(typed: str, chosen: str = "") -> Picked:
    """What someone typed in a page's commune field, and the candidate they then picked under
    it (``chosen``, an INSEE code), if it is one of what they typed names: never a guess."""
    query = " ".join(typed.split())[:100]
    picked = communes().get(chosen)
    if not query:
        return Picked(picked, Found(()))
    found = search(query)
    if picked is not None and picked in found.communes:
        return Picked(picked, found)
    if found.one is not None:
        return Picked(found.one, found)
    if not found.communes:
        return Picked(None, found, MSG_FIELD_UNKNOWN)
    return Picked(None, found, MSG_FIELD_NEAR if found.near else MSG_FIELD_WHICH)


def how_to_type(commune: Commune) -> str:
    """What to type to get this commune and no other: its postal code and name, which people
    know, or else its INSEE code and name (« 03190 Moulins » is always unique)."""
    for postal in commune.postal_codes:
        if search(f"{postal} {commune.name}").one == commune:
            return f"{postal} {commune.name}"
    return f"{commune.insee} {commune.name}"


def as_typed(insee: str | None) -> str:
    """A stored commune as a form shows it to be sent again unchanged: what to type for it
    (« 03000 Moulins »), never its bare INSEE code, which may also be another commune's postal
    code (03190 is Moulins, and the postal code of eleven other communes)."""
    commune = None if insee is None else communes().get(insee)
    return "" if commune is None else how_to_type(commune)


def unknown_commune(context: Mapping[str, Any]) -> list[str]:
    """A diagnostic's context names its commune by INSEE code (the referential checks its
    shape): the problem when no commune has that code."""
    insee = context.get("commune")
    if isinstance(insee, str) and insee not in communes():
        return [f"context.commune : aucune commune n'a le code INSEE {insee}"]
    return []


def display_name(insee: str | None) -> str | None:
    """A stored commune as people read it: « Moulins (03000) »."""
    commune = None if insee is None else communes().get(insee)
    return None if commune is None else commune.display
