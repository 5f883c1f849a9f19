"""Competence levels as bit sets, and the rules that read them (profile, autonomy per need).

A diagnostic's levels are packed into one integer: five fields of ``FIELD`` bits, where field
``t`` holds the bit of every competence whose level is known and >= t (field 0 is therefore
the set of known competences), followed by one field per domain holding the sum of its known
levels and their count. Each competence contributes its own bits, and contributions never carry
into each other, so summing them packs a whole diagnostic.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal

from referentiel.rules import ALONE, MAX_LEVEL

ProfileCode = Literal["eloigne", "debutant", "autonome", "avance"]
AutonomyCode = Literal["A0", "A1", "A2", "A3", "A4"]
PROFILE_ORDER: tuple[ProfileCode, ...] = ("eloigne", "debutant", "autonome", "avance")
AUTONOMY_ORDER: tuple[AutonomyCode, ...] = ("A0", "A1", "A2", "A3", "A4")

FIELD = 32  # bits per field: room for 32 competences, or a domain's level sum and count
COUNT_SHIFT = 16  # inside a domain field: level sum below, count of known competences above
DOMAINS_AT = FIELD * (MAX_LEVEL + 1)
FIELD_MASK = (1 << FIELD) - 1
TOP_LEVEL_COUNT_FOR_ADVANCED = 3
ZERO_COUNT_FOR_REMOTE = 4


def competence_bits(index: int, domain: int, level: int | None) -> int:
    """What competence ``index`` of ``domain`` at ``level`` adds to the packed integer."""
    if level is None:
        return 0
    masks = sum(1 << (index + FIELD * t) for t in range(level + 1))
    return masks + ((level + (1 << COUNT_SHIFT)) << (DOMAINS_AT + FIELD * domain))


def field(packed: int, number: int) -> int:
    return (packed >> (FIELD * number)) & FIELD_MASK


def profile_of(packed: int, core: int, basics: int) -> ProfileCode | None:
    """Global profile (research §6.5.3), or None (« à compléter »).

    ``core`` and ``basics`` are bit sets: the core competences, and E1/E2 (use a device,
    get online). The profile says whether the person does the core things alone, so it needs
    a level for every core competence: with fewer, two answers about one competence would
    make someone « autonome ». The other competences take part only when known.
    """
    known = packed & FIELD_MASK
    if core & ~known:
        return None
    not_alone = known & ~(packed >> FIELD * ALONE)
    at_zero = known & ~(packed >> FIELD)
    if basics & not_alone or at_zero.bit_count() >= ZERO_COUNT_FOR_REMOTE:
        return "eloigne"
    if core & not_alone:
        return "debutant"
    core_below_3 = core & known & ~(packed >> FIELD * 3)
    if not core_below_3 and field(packed, MAX_LEVEL).bit_count() >= TOP_LEVEL_COUNT_FOR_ADVANCED:
        return "avance"
    return "autonome"


def needs_allowed(requires: Sequence[Mapping[str, int]], competence: str, level: int | None) -> int:
    """The needs that one competence at ``level`` does not hold back, at each autonomy step.

    Three fields of ``FIELD`` bits, bit n standing for need n: field 0 for A4 (every required
    competence at 4), field 1 for A3 (each at its minimum), field 2 for A2 (each at least 1).
    ANDing these over all competences leaves exactly the needs whose step is reached. An unknown
    competence counts as not mastered.
    """
    have = -1 if level is None else level
    allowed = 0
    for n, need in enumerate(requires):
        minimum = need.get(competence)
        for step, threshold in enumerate((MAX_LEVEL, minimum, 1)):
            if minimum is None or (threshold is not None and have >= threshold):
                allowed |= 1 << (n + FIELD * step)
    return allowed


def autonomy_levels(allowed: int, count: int, knows_help: bool | None) -> list[AutonomyCode]:
    """Current autonomy of each of ``count`` needs, from the ANDed :func:`needs_allowed` bits.

    A4 « j'aide les autres », A3 « seul·e », A2 « avec quelqu'un »; below that, A1 if the
    person knows where to find help, else A0.
    """
    helps, alone, with_help = (field(allowed, step) for step in range(3))
    low: AutonomyCode = "A1" if knows_help else "A0"
    return [
        "A4" if helps >> n & 1 else "A3" if alone >> n & 1 else "A2" if with_help >> n & 1 else low
        for n in range(count)
    ]
