"""The needs of « Trouver de l'aide près de chez moi », read from ``needs.yaml`` (data, not
code: a coordinator can reword a need or point it to other services without programming)."""

from __future__ import annotations

from functools import cache
from importlib import resources

import yaml
from pydantic import BaseModel, ConfigDict


class Words(BaseModel):
    """A text in each language of the pages (the data carries its own translation, as the
    referential does)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    fr: str
    en: str

    def said(self, lang: str) -> str:
        return self.en if lang == "en" else self.fr


class HelpNeed(BaseModel):
    """A need in the person's words, and what answers it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str
    label: Words
    hint: Words
    competences: tuple[str, ...]
    services: tuple[str, ...]


class HelpNeeds(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    version: int
    needs: tuple[HelpNeed, ...]


@cache
def help_needs() -> tuple[HelpNeed, ...]:
    text = resources.files("app.features.finding").joinpath("needs.yaml").read_text("utf-8")
    return HelpNeeds.model_validate(yaml.safe_load(text)).needs


def help_need(code: str) -> HelpNeed | None:
    return next((need for need in help_needs() if need.code == code), None)
