"""The consent read to a person before their record is kept, in every wording ever shown."""

from __future__ import annotations

from collections.abc import Mapping

# The consent shown to the person and stored with their record. A new wording gets a new
# version (keep the old ones: a stored consent must stay readable with the text that was shown).
CONSENT_VERSION = "2026-01"
CONSENT_TEXTS: Mapping[str, str] = {
    "2026-01": (
        "J'accepte que la structure qui m'accompagne garde une fiche à mon sujet. "
        "Sur cette fiche, il y a seulement : un prénom ou un surnom, ma tranche d'âge, ma commune "
        "et les résultats de mes diagnostics numériques. "
        "Cette fiche sert à suivre mes progrès et à me proposer des ateliers qui me conviennent. "
        "Seule cette structure peut voir ma fiche. Elle ne la donne et ne la vend à personne. "
        "Les statistiques sont faites sans mon nom. "
        "À tout moment, je peux demander à voir mes données, en avoir une copie, "
        "les faire corriger ou tout effacer : il suffit de le demander à la personne qui "
        "m'accompagne. Effacer veut dire supprimer pour de bon."
    ),
}
CONSENT_TEXT = CONSENT_TEXTS[CONSENT_VERSION]
