"""The referential as typed data.

The YAML file under ``data/`` is the single source of truth; these models only give it a shape
and refuse malformed files early. Cross-references (an item naming a competence that does not
exist...) are checked by :mod:`referentiel.check`, which reports every problem at once instead
of stopping at the first.
"""

from __future__ import annotations

from typing import Final, Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, Field

# The answer « I don't understand / not for me »: typed, printed and posted, never scored.
UNKNOWN: Final[Literal["?"]] = "?"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Code(_Frozen):
    """A code with its French label, as published by the framework that owns it."""

    code: str
    label: str


class SourcedCompetence(Code):
    """A competence of an external framework (CRCN/Pix or DigComp), inside one of its domains."""

    domain: str


class ExternalFrameworks(_Frozen):
    """Sourced facts, kept apart from our proposals: we map to them, we never edit them."""

    crcn_domains: tuple[Code, ...]
    crcn_competences: tuple[SourcedCompetence, ...]
    digcomp_areas: tuple[Code, ...]
    digcomp_competences: tuple[SourcedCompetence, ...]
    clea_domains: tuple[Code, ...]
    coop_thematiques: tuple[Code, ...]


class ScaleValue(_Frozen):
    value: int = Field(ge=0, le=4)
    label: str
    short: str
    # How a result says a domain at this level, when the answer's sentence would discourage
    # (« Pas encore » rather than « Je ne sais pas le faire »); empty: the sentence itself.
    level_label: str = ""

    @property
    def as_level(self) -> str:
        """The words of a result (web page and attestation) for a domain at this level."""
        return self.level_label or self.label


class ScaleChoice(NamedTuple):
    """One answer as every form shows it: what is typed or ticked (« 0 »…« 4 », « ? »), the
    short words of the paper form's column and the whole sentence."""

    value: str
    short: str
    label: str


class Scale(_Frozen):
    """The answer scale shared by every item: 0..4 plus « ? », which is never scored."""

    values: tuple[ScaleValue, ...]
    unknown_label: str
    unknown_short: str

    @property
    def choices(self) -> tuple[ScaleChoice, ...]:
        """The six answers in order, the one wording that the web form, the paper form and
        the mediator's paper-entry screen all show."""
        return (
            *(ScaleChoice(str(v.value), v.short, v.label) for v in self.values),
            ScaleChoice(UNKNOWN, self.unknown_short, self.unknown_label),
        )


class Domain(_Frozen):
    code: str
    label: str
    plain_label: str


class Mappings(_Frozen):
    crcn: tuple[str, ...]
    digcomp: tuple[str, ...]
    clea: tuple[str, ...]
    coop: tuple[str, ...]


class Competence(_Frozen):
    code: str
    domain: str
    label: str
    plain_label: str
    mappings: Mappings


class Item(_Frozen):
    id: str
    competence: str
    difficulty: int = Field(ge=1, le=3)
    text: str
    falc: str
    pictogram: str
    # A technical word of `text` in plain words, with an example; shown under the question.
    hint: str = ""


class AdaptiveForm(_Frozen):
    """Pix-style tube form: start each tube at ``start_difficulty`` (or the nearest the tube
    has), then go up or down; see :mod:`referentiel.adaptive`.

    ``median_questions`` is what a simulated population is asked (tests/referentiel), and at
    ``seconds_per_question`` it gives the duration promised on the start page. Referentials
    before 2026.2 have neither, nor ``max_questions`` (no bound on the total).
    """

    kind: Literal["adaptive"]
    label: str
    max_per_competence: int = Field(ge=1)
    start_difficulty: int = Field(ge=1, le=3)
    max_questions: int | None = Field(default=None, ge=1)
    median_questions: int | None = Field(default=None, ge=1)
    seconds_per_question: int | None = Field(default=None, ge=1)

    @property
    def minutes(self) -> int | None:
        """The typical duration of the questions, rounded to the minute (at least one)."""
        if self.median_questions is None or self.seconds_per_question is None:
            return None
        return max(1, round(self.median_questions * self.seconds_per_question / 60))


class FixedForm(_Frozen):
    kind: Literal["fixed"]
    label: str
    items: tuple[str, ...] | None = None
    context: tuple[str, ...] = ()


class Forms(_Frozen):
    rapide: AdaptiveForm
    complet: FixedForm
    papier: FixedForm


class AutonomyLevel(_Frozen):
    code: Literal["A0", "A1", "A2", "A3", "A4"]
    label: str
    means: str


class Need(_Frozen):
    """Something a person wants to do, and what it takes: competence code -> minimum level."""

    code: str
    label: str
    falc: str
    pictogram: str
    requires: dict[str, int]
    coop: tuple[str, ...] = ()


class Option(_Frozen):
    code: str
    label: str


class ContextQuestion(_Frozen):
    id: str
    label: str
    falc: str
    kind: Literal["single", "multiple", "commune", "yes_no"]
    options: tuple[Option, ...] = ()


class Inference(_Frozen):
    """A rule of the short form: when every item of ``items`` is answered « not alone » (0 or
    1), the ``competences`` behind them are not asked and are taken as not yet acquired, with
    ``confidence`` (see :mod:`referentiel.inference`)."""

    id: str
    items: tuple[str, ...]
    competences: tuple[str, ...]
    confidence: float = Field(gt=0, lt=1)


class Profile(_Frozen):
    code: Literal["eloigne", "debutant", "autonome", "avance"]
    label: str
    plain_label: str


class Referential(_Frozen):
    version: str
    title: str
    frameworks: ExternalFrameworks
    scale: Scale
    domains: tuple[Domain, ...]
    competences: tuple[Competence, ...]
    prerequisite_order: tuple[str, ...]
    core_competences: tuple[str, ...]
    items: tuple[Item, ...]
    forms: Forms
    inferences: tuple[Inference, ...] = ()
    autonomy_levels: tuple[AutonomyLevel, ...]
    needs: tuple[Need, ...]
    context_questions: tuple[ContextQuestion, ...]
    profiles: tuple[Profile, ...]

    def item(self, item_id: str) -> Item:
        return self._items_by_id()[item_id]

    def competence(self, code: str) -> Competence:
        return next(c for c in self.competences if c.code == code)

    def domain(self, code: str) -> Domain:
        return next(d for d in self.domains if d.code == code)

    def tube(self, competence: str) -> tuple[Item, ...]:
        """Items of one competence, easiest first (stable inside a difficulty)."""
        return tuple(
            sorted(
                (i for i in self.items if i.competence == competence),
                key=lambda i: i.difficulty,
            )
        )

    def form_items(self, form: Literal["complet", "papier"]) -> tuple[Item, ...]:
        chosen = getattr(self.forms, form).items
        if chosen is None:
            return self.items
        return tuple(self.item(i) for i in chosen)

    def _items_by_id(self) -> dict[str, Item]:
        return {i.id: i for i in self.items}
