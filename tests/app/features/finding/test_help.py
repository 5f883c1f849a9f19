"""The data behind « Trouver de l'aide près de chez moi », and opening hours made readable."""

from __future__ import annotations

import pytest

from app.features.catalogue import place_vocabulary
from app.features.finding.hours import readable_hours
from app.features.finding.needs import help_needs
from referentiel import load_referential

ASKED = {
    "telephone": "je veux apprendre à me servir de mon téléphone",
    "demarche": "j'ai besoin d'aide pour une démarche en ligne",
    "sante": "qui peut m'aider pour mon espace santé ?",
    "equipement": "je n'ai pas d'ordinateur ou pas d'internet",
}


def test_every_need_is_said_in_the_persons_words_and_points_to_real_codes():
    competences = {c.code for c in load_referential().competences}
    services = set(place_vocabulary("services"))
    needs = {n.code: n for n in help_needs()}
    assert {code: n.label.fr.lower() for code, n in needs.items()} == ASKED
    for need in needs.values():
        assert need.label.en and need.hint.fr and need.hint.en
        assert need.competences and set(need.competences) <= competences, need.code
        assert need.services and set(need.services) <= services, need.code
    assert {
        "Acquisition de matériel informatique à prix solidaire",
        "Accès internet et matériel informatique",
    } <= set(needs["equipement"].services)


@pytest.mark.parametrize(
    ("osm", "lang", "said"),
    [
        (
            "Mo-Fr 09:00-12:00,14:00-17:30; Sa 09:00-12:00; PH off",
            "fr",
            [
                "Du lundi au vendredi : de 9 h à 12 h et de 14 h à 17 h 30",
                "Samedi : de 9 h à 12 h",
                "Les jours fériés : fermé",
            ],
        ),
        ("Mo,We 10:00-12:00", "fr", ["Lundi et mercredi : de 10 h à 12 h"]),
        ("Tu,Th,Sa 14:00-18:00", "fr", ["Mardi, jeudi, samedi : de 14 h à 18 h"]),
        ("24/7", "fr", ["Tous les jours, à toute heure"]),
        # A rule beyond the usual ones is shown as written, never dropped.
        (
            "Mo-Fr 08:00-18:00; week 1-53/2 Sa 09:00-12:00",
            "fr",
            ["Du lundi au vendredi : de 8 h à 18 h", "week 1-53/2 Sa 09:00-12:00"],
        ),
        ("", "fr", []),
    ],
)
def test_opening_hours_are_said_as_on_a_door(osm, lang, said):
    assert readable_hours(osm, lang) == said
