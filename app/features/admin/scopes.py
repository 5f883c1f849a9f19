"""A coordinator's territory as the administrators' pages offer, read and show it: one choice
among the real régions and départements (`app.territories`), named as people know them.

Whether a choice suits an account is the accounts' rule (`AccountService`); this module only
turns the one list of the form into the département or région it names, and back.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from app.db.models import User
from app.territories import departements, fold, regions
from app.web import Msg

DEPARTEMENT = "departement"
REGION = "region"
MSG_NOT_A_CHOICE = "Choisissez un territoire de la liste."


@dataclass(frozen=True)
class Choice:
    value: str  # « departement:18 », « region:24 »
    label: str  # « Cher (18) », « Centre-Val de Loire »


@cache
def regions_offered() -> tuple[Choice, ...]:
    """Every région, by name (accents and hyphens aside)."""
    return tuple(
        Choice(f"{REGION}:{code}", name)
        for code, name in sorted(regions().items(), key=lambda item: fold(item[1]))
    )


@cache
def departements_offered() -> tuple[Choice, ...]:
    """Every département, by name, its code beside it: people look up « Cher », and type
    ahead by name in a list."""
    return tuple(
        Choice(f"{DEPARTEMENT}:{code}", f"{name} ({code})")
        for code, name in sorted(departements().items(), key=lambda item: fold(item[1]))
    )


def read_choice(value: str) -> tuple[str | None, str | None] | None:
    """(département, région) of a posted choice, (None, None) for none; None when the value
    is not of the list's form. An unknown code goes on to the accounts' rule, which names it."""
    if not value:
        return None, None
    kind, colon, code = value.partition(":")
    if not colon or not code:
        return None
    if kind == DEPARTEMENT:
        return code, None
    if kind == REGION:
        return None, code
    return None


def value_of(user: User) -> str:
    """The list's value for what the account follows ("" for nothing)."""
    if user.scope_departement:
        return f"{DEPARTEMENT}:{user.scope_departement}"
    if user.scope_region:
        return f"{REGION}:{user.scope_region}"
    return ""


def label_of(user: User) -> Msg | None:
    """What the account follows, as the pages say it (« Cher (département 18) »,
    « Centre-Val de Loire (région) »); None for nothing."""
    if user.scope_departement:
        code = user.scope_departement
        name = departements().get(code, code)
        return Msg("{name} (département {code})", {"name": name, "code": code})
    if user.scope_region:
        name = regions().get(user.scope_region, user.scope_region)
        return Msg("{name} (région)", {"name": name})
    return None
