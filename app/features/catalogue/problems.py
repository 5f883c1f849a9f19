"""What the offer's checks report: every problem at once, by field, in French, so that a page
puts each one next to its field and the API lists them in one 422."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app.territories import Commune
from app.web import Msg


def _french(text: str) -> str:
    return text


@dataclass(frozen=True)
class Sentences:
    """Several messages said together about one field (a rule, then where it went wrong):
    each is translated on its own, like a :class:`Msg`."""

    parts: tuple[Msg, ...]

    def render(self, gettext: Any) -> str:
        return " ".join(part.render(gettext) for part in self.parts)

    @property
    def french(self) -> str:
        return self.render(_french)


Said = Msg | Sentences


def french(said: Said) -> str:
    """A problem as the API says it (French, like every API message)."""
    return said.render(_french)


class CatalogueError(ValueError):
    """Values a place or a workshop cannot take: field -> what is wrong, said plainly; for a
    commune that names none or several, the communes that would fit."""

    def __init__(self, problems: Mapping[str, Said], candidates: tuple[Commune, ...] = ()) -> None:
        self.problems = dict(problems)
        self.candidates = candidates
        super().__init__("; ".join(self.lines()))

    def lines(self) -> list[str]:
        return [f"{field} : {french(said)}" for field, said in self.problems.items()]
