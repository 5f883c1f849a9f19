"""Communes: a resident knows a postal code or a name, the statistics need the INSEE code."""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True, slots=True)
class Commune:
    insee: str
    name: str
    departement: str
    postal_codes: tuple[str, ...]

    @property
    def display(self) -> str:
        postal = self.postal_codes[0] if self.postal_codes else self.departement
        return f"{self.name} ({postal})"


def _fold(text: str) -> str:
    """Case, accents, hyphens and apostrophes do not matter when someone types a name."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    for sign in "-'’":
        plain = plain.replace(sign, " ")
    return " ".join(plain.replace("saint ", "st ").split())


@cache
def communes() -> dict[str, Commune]:
    text = resources.files("app").joinpath("data", "communes.csv").read_text("utf-8")
    return {
        row["code_insee"]: Commune(
            row["code_insee"],
            row["nom"],
            row["code_departement"],
            tuple(filter(None, row["codes_postaux"].split("|"))),
        )
        for row in csv.DictReader(text.splitlines())
    }


@cache
def _by_key() -> dict[str, list[Commune]]:
    index: dict[str, list[Commune]] = {}
    for commune in communes().values():
        for key in (_fold(commune.name), *commune.postal_codes):
            index.setdefault(key, []).append(commune)
    return index


_CODE_AND_NAME = re.compile(r"(\d[\dAB]\d{3})\s+(\S.*)", re.IGNORECASE)


def find_communes(query: str) -> list[Commune]:
    """Communes matching a postal code, a name (ignoring accents), an INSEE code, or a code
    followed by a name (« 03190 Moulins »: 03190 is also the postal code of other communes)."""
    code_and_name = _CODE_AND_NAME.fullmatch(query.strip())
    if code_and_name is not None:
        code, name = code_and_name.groups()
        return [c for c in _by_code(code) if _fold(c.name) == _fold(name)]
    return _by_code(query.strip())


def _by_code(query: str) -> list[Commune]:
    matches = list(_by_key().get(_fold(query), [])) if query else []
    by_code = communes().get(query.upper())
    if by_code is not None and by_code not in matches:
        matches.append(by_code)
    return sorted(matches, key=lambda c: (c.name, c.insee))


def how_to_type(commune: Commune) -> str:
    """What to type to get this commune and no other: its postal code and name, which people
    know, or else its INSEE code and name (« 03190 Moulins » is always unique)."""
    for postal in commune.postal_codes:
        if find_communes(f"{postal} {commune.name}") == [commune]:
            return f"{postal} {commune.name}"
    return f"{commune.insee} {commune.name}"


def as_typed(insee: str | None) -> str:
    """A stored commune as a form shows it to be sent again unchanged: what to type for it
    (« 03000 Moulins »), never its bare INSEE code, which may also be another commune's postal
    code (03190 is Moulins, and the postal code of eleven other communes)."""
    commune = None if insee is None else communes().get(insee)
    return "" if commune is None else how_to_type(commune)
