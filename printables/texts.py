"""The words printed around the referential's own texts, in each language of the paper forms.

Items, scale, context questions, needs and autonomy levels come from the referential (French
source, other languages through :func:`referentiel.i18n.localized`); only the form's frame and
the attestation's sentences live here. :func:`language_referential` is the one place where a
language is chosen for what a sheet prints.
"""

from __future__ import annotations

from typing import Final, Literal

from pydantic import BaseModel, ConfigDict

from referentiel.i18n import localized
from referentiel.models import Referential

Language = Literal["fr", "en"]
LANGUAGES: Final[tuple[Language, ...]] = ("fr", "en")


class FormTexts(BaseModel):
    model_config = ConfigDict(frozen=True)

    title: str
    serial: str
    instructions: tuple[str, str]
    example_tick: str
    example_cancel: str
    items_heading: str
    yes: str
    no: str
    commune_hint: str  # revision 1 asked the INSEE code
    postal_code: str
    wished_autonomy: str
    # attestation
    attestation_title: str
    attestation_for: str
    attestation_issued: str
    attestation_structure: str
    attestation_resume: str
    attestation_domains: str
    attestation_needs: str
    attestation_profile: str
    attestation_unknown_level: str
    attestation_estimated: str
    attestation_to_complete: str
    attestation_note: str
    attestation_version: str


TEXTS: Final[dict[Language, FormTexts]] = {
    "fr": FormTexts(
        title="Numérimètre",
        serial="N° {serial}",
        instructions=(
            "Cochez une case par ligne.",
            "Pour annuler, noircissez toute la case.",
        ),
        example_tick="ma réponse",
        example_cancel="annulé",
        items_heading="Je sais…",
        yes="Oui",
        no="Non",
        commune_hint="code INSEE",
        postal_code="Code postal",
        wished_autonomy="Pour ces choses, mon objectif :",
        attestation_title="Attestation de positionnement numérique",
        attestation_for="Établie le {date} pour {alias}",
        attestation_issued="Établie le {date}",
        attestation_structure="Structure : {structure}",
        attestation_resume="Pour revoir ce résultat en ligne, tapez le code {code} sur {address}",
        attestation_domains="Mes niveaux par domaine",
        attestation_needs="Mon autonomie pour ce que je veux faire",
        attestation_profile="En résumé",
        attestation_unknown_level="Pas assez de réponses pour le dire",
        attestation_estimated="En partie estimé, sans question : à vérifier avec un médiateur.",
        attestation_to_complete=(
            "Il manque des réponses pour dire où la personne en est. "
            "Un médiateur peut compléter le diagnostic avec elle."
        ),
        attestation_note=(
            "Ce document résume ce que la personne a déclaré savoir faire. "
            "Ce n'est pas un diplôme : les badges numériques viennent ensuite, avec des preuves."
        ),
        attestation_version="Référentiel de compétences, version {version}",
    ),
    "en": FormTexts(
        title="Numérimètre",
        serial="No. {serial}",
        instructions=(
            "Tick one box on each line.",
            "To cancel, fill in the whole box.",
        ),
        example_tick="my answer",
        example_cancel="cancelled",
        items_heading="I can…",
        yes="Yes",
        no="No",
        commune_hint="INSEE code",
        postal_code="Postcode",
        wished_autonomy="For these things, my goal:",
        attestation_title="Digital skills self-assessment",
        attestation_for="Issued on {date} for {alias}",
        attestation_issued="Issued on {date}",
        attestation_structure="Organisation: {structure}",
        attestation_resume="To see this result again online, type the code {code} at {address}",
        attestation_domains="My levels by area",
        attestation_needs="How autonomous I am for what I want to do",
        attestation_profile="In short",
        attestation_unknown_level="Not enough answers to tell",
        attestation_estimated="Partly estimated, without a question: to check with a mediator.",
        attestation_to_complete=(
            "Some answers are missing to tell where the person stands. "
            "A mediator can complete the assessment with them."
        ),
        attestation_note=(
            "This document sums up what the person said they can do. "
            "It is not a diploma: digital badges come later, with evidence."
        ),
        attestation_version="Competence referential, version {version}",
    ),
}


def language_referential(ref: Referential, lang: Language) -> Referential:
    """The referential whose texts a sheet in `lang` prints (French is `ref` itself)."""
    return localized(ref, lang)
