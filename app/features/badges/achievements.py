"""What a badge recognises: one achievement per competence and level reached, one per
pathway completed, named and explained in plain French with the English after it, aligned
with our referential, Pix (CRCN), DigComp 2.2 and CléA Numérique."""

from __future__ import annotations

import base64
from functools import cache

from app.config import Settings
from app.features.badges.urls import achievement_url, competence_url
from badges.images import achievement_svg, pathway_svg
from badges.models import Achievement, Alignment, Criteria, Image
from referentiel import load_referential
from referentiel.i18n import framework_labels, localized
from referentiel.models import Referential

# Where each external framework is published (the sources the referential cites).
CRCN_URL = "https://pix.fr/competences"
DIGCOMP_URL = "https://publications.jrc.ec.europa.eu/repository/handle/JRC128415"
CLEA_URL = (
    "https://pro.cap-metiers.fr/info_juridique/certificats-clea-clea-numerique-et-clea-management"
)
PATHWAY_PREFIX = "parcours-"


def competence_key(competence: str, level: int) -> str:
    """« C3-2 »: the achievement of competence C3 at level 2."""
    return f"{competence}-{level}"


def pathway_key(need: str, goal: str) -> str:
    """« parcours-caf-A3 »: the pathway for a need, completed towards its autonomy goal."""
    return f"{PATHWAY_PREFIX}{need}-{goal}"


def _both(french: str, english: str) -> str:
    return french if french == english else f"{french}\n\n(English) {english}"


SVG_DATA = "data:image/svg+xml;base64,"


def _data(svg: str) -> str:
    """The image inside the credential, so that it shows wherever the badge goes."""
    return SVG_DATA + base64.b64encode(svg.encode()).decode("ascii")


@cache
def _image(code: str, level: int) -> str:
    return _data(achievement_svg(load_referential(), code, level))


def _alignments(ref: Referential, code: str, settings: Settings | None) -> list[Alignment]:
    competence = ref.competence(code)
    labels = framework_labels(ref, "fr")
    found = [
        Alignment(
            target_name=competence.label,
            target_url=competence_url(code, settings),
            target_code=code,
            target_framework=ref.title,
        )
    ]
    for section, codes, url, framework in (
        ("crcn_competences", competence.mappings.crcn, CRCN_URL, "CRCN (Pix)"),
        ("digcomp_competences", competence.mappings.digcomp, DIGCOMP_URL, "DigComp 2.2"),
        ("clea_domains", competence.mappings.clea, CLEA_URL, "CléA Numérique"),
    ):
        found += [
            Alignment(
                target_name=labels[section][target],
                target_url=url,
                target_code=target,
                target_framework=framework,
            )
            for target in codes
        ]
    return found


def competence_achievement(code: str, level: int, settings: Settings | None = None) -> Achievement:
    """The achievement of competence ``code`` at level ``level`` (1 to 4 on the answer scale).

    Raises ``badges.images.UnknownAchievementError`` for an unknown competence or level."""
    ref = load_referential()
    image = _image(code, level)  # refuses an unknown competence or level first
    english = localized(ref, "en")
    fr, en = ref.competence(code), english.competence(code)
    fr_level = next(v for v in ref.scale.values if v.value == level)
    en_level = next(v for v in english.scale.values if v.value == level)
    name_fr = f"{fr.plain_label} : {fr_level.short.lower()}"
    name_en = f"{en.plain_label}: {en_level.short.lower()}"
    return Achievement(
        id=achievement_url(competence_key(code, level), settings),
        name=f"{name_fr} ({name_en})",
        description=_both(
            f"{fr.label}. Niveau atteint : « {fr_level.label} ».",
            f"{en.label}. Level reached: “{en_level.label}”.",
        ),
        criteria=Criteria(
            narrative=_both(
                f"La personne a montré devant un professionnel ce qu'elle sait faire pour "
                f"« {fr.plain_label.lower()} » : {fr_level.label.lower()}. Le badge vient "
                f"d'une tâche observée ou d'une validation de fin d'atelier, jamais de ce que "
                f"la personne dit d'elle-même.",
                f"The person showed a professional what they can do to "
                f"“{en.plain_label.lower()}”: {en_level.label.lower()}. The badge comes from an "
                f"observed task or a workshop's final check, never from what the person says "
                f"about themselves.",
            )
        ),
        image=Image(id=image, caption=name_fr),
        alignment=_alignments(ref, code, settings),
    )


def pathway_achievement(
    need: str, goal: str, competences: list[str], settings: Settings | None = None
) -> Achievement:
    """The achievement of a pathway completed for ``need``, towards autonomy ``goal``."""
    ref = load_referential()
    english = localized(ref, "en")
    fr_need = next(n for n in ref.needs if n.code == need)
    en_need = next(n for n in english.needs if n.code == need)
    fr_goal = next(a for a in ref.autonomy_levels if a.code == goal)
    en_goal = next(a for a in english.autonomy_levels if a.code == goal)
    name_fr = f"Parcours terminé : {fr_need.label}"
    name_en = f"Pathway completed: {en_need.label}"
    alignments = [
        a
        for code in dict.fromkeys(competences)
        for a in _alignments(ref, code, settings)
        if a.target_code == code
    ]
    return Achievement(
        id=achievement_url(pathway_key(need, goal), settings),
        name=f"{name_fr} ({name_en})",
        description=_both(
            f"Toutes les étapes du parcours « {fr_need.label} » sont validées. "
            f"Objectif : « {fr_goal.label} ».",
            f"Every step of the pathway “{en_need.label}” is done. Goal: “{en_goal.label}”.",
        ),
        criteria=Criteria(
            narrative=_both(
                "Chaque étape du parcours a été validée par un professionnel, à la fin d'un "
                "atelier ou par une tâche observée.",
                "A professional validated each step of the pathway, at the end of a workshop "
                "or by an observed task.",
            )
        ),
        image=Image(id=_data(pathway_svg(ref, need, goal)), caption=name_fr),
        alignment=alignments,
    )
