"""Plain language (« facile à lire et à comprendre ») for every text a resident reads.

Two rules, for the referential (:mod:`referentiel.check` applies them to the French file, tests
to the other languages) and for the pages' own texts (tests apply them to the rendered resident
pages and to their message catalog):

* no point médian: « seul·e » becomes a sentence with no gender (« sans aide »);
* no jargon without a plain word and an example: a text that uses a word of :data:`JARGON`
  also holds one of the plain words given for it and « par exemple » (« for example »). An
  item's text, short label and hint are read together: the hint shown under the question is
  where its words are explained.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final

from referentiel.models import Referential

POINT_MEDIAN: Final = "·"


@dataclass(frozen=True)
class Jargon:
    """A word people meet on websites but may not know, and plain words that explain it."""

    word: str
    plain: tuple[str, ...]

    def used_in(self, text: str) -> bool:
        return re.search(rf"\b{re.escape(self.word)}", text, re.IGNORECASE) is not None

    def explained_in(self, text: str, example: str) -> bool:
        lowered = text.lower()
        return example in lowered and any(p in lowered for p in self.plain)


EXAMPLE: Final = {"fr": "par exemple", "en": "for example"}
JARGON: Final[dict[str, tuple[Jargon, ...]]] = {
    "fr": (
        Jargon("réinitialis", ("changer",)),
        Jargon("double authentification", ("code en plus du mot de passe",)),
        Jargon("traitement de texte", ("logiciel pour écrire",)),
        Jargon("export", ("enregistr",)),
        Jargon("données mobiles", ("réseau du téléphone",)),
        Jargon("identifiant", ("pour entrer",)),
        Jargon("PDF", ("type de fichier",)),
        Jargon("cookie", ("petits fichiers",)),
        Jargon("contrôle parental", ("réglage",)),
        Jargon("FranceConnect", ("bouton pour entrer",)),
        Jargon("pièce jointe", ("fichier ajouté",)),
        Jargon("justificatif", ("papier qui prouve",)),
        Jargon("déverrouill", ("ouvrir l'écran",)),
        Jargon("tutoriel", ("vidéo qui explique",)),
        Jargon("forum", ("d'autres personnes posent",)),
        Jargon("mots-clés", ("les mots de ma recherche",)),
    ),
    "en": (
        Jargon("reset", ("change",)),
        Jargon("two-step verification", ("code as well as the password",)),
        Jargon("two-factor", ("code as well as the password",)),
        Jargon("word processor", ("program for writing",)),
        Jargon("export", ("sav",)),
        Jargon("mobile data", ("phone network",)),
        Jargon("login details", ("to get into",)),
        Jargon("username", ("to get into",)),
        Jargon("PDF", ("type of file",)),
        Jargon("cookie", ("small files",)),
        Jargon("parental control", ("setting",)),
        Jargon("FranceConnect", ("button to get into",)),
        Jargon("attachment", ("file added",)),
        Jargon("unlock", ("opening the screen",)),
        Jargon("forum", ("other people ask",)),
    ),
}


def problems(text: str, lang: str) -> list[str]:
    """What a resident would stumble on in `text`, one phrase each; empty when it reads well."""
    return point_median(text) + unexplained_jargon(text, lang)


def point_median(text: str) -> list[str]:
    if POINT_MEDIAN not in text:
        return []
    return [f"point médian « {POINT_MEDIAN} » : écrire une phrase sans genre (« sans aide »)"]


def unexplained_jargon(text: str, lang: str) -> list[str]:
    return [
        f"« {jargon.word} » sans explication : ajouter « {jargon.plain[0]} » et « {EXAMPLE[lang]} »"
        for jargon in JARGON[lang]
        if jargon.used_in(text) and not jargon.explained_in(text, EXAMPLE[lang])
    ]


def resident_texts(ref: Referential) -> Iterator[tuple[str, str]]:
    """(where, text) for every text of `ref` that a resident reads, on screen or on paper.

    Left out, for professionals: the sourced frameworks, the technical labels of domains and
    competences, what an autonomy level means and the name of a profile.
    """
    scale = ref.scale
    for value in scale.values:
        yield f"échelle {value.value}", f"{value.label}\n{value.short}\n{value.level_label}"
    yield "échelle ?", f"{scale.unknown_label}\n{scale.unknown_short}"
    for domain in ref.domains:
        yield f"domaine {domain.code}", domain.plain_label
    for competence in ref.competences:
        yield f"compétence {competence.code}", competence.plain_label
    for item in ref.items:
        yield f"item {item.id}", "\n".join((item.text, item.falc, item.hint))
    for level in ref.autonomy_levels:
        yield f"niveau d'autonomie {level.code}", level.label
    for need in ref.needs:
        yield f"besoin {need.code}", f"{need.label}\n{need.falc}"
    for question in ref.context_questions:
        yield f"question {question.id}", f"{question.label}\n{question.falc}"
        for option in question.options:
            yield f"question {question.id}, réponse {option.code}", option.label
    for profile in ref.profiles:
        yield f"profil {profile.code}", profile.plain_label
