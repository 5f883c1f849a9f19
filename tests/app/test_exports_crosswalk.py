"""The crosswalk file from the offer's words to data·inclusion v1 and LaMednum 1.0.2: every
value we may hold is mapped, nothing else is, and every target exists in the installed
data·inclusion schema or matches the LaMednum schema's pattern."""

from __future__ import annotations

import re
from importlib import resources

import yaml
from data_inclusion.schema.v1 import Thematique

from app.db.models import Modality
from app.features.catalogue import TYPOLOGIES, lamednum_pattern, lamednum_vocabulary
from app.features.exports.crosswalk import crosswalk
from referentiel import load_referential


def labels(field: str) -> set[str]:
    return set(lamednum_vocabulary(field))


def test_it_is_versioned():
    raw = yaml.safe_load(
        resources.files("app.features.exports").joinpath("crosswalk.yaml").read_text("utf-8")
    )
    assert re.fullmatch(r"\d+\.\d+\.\d+", raw["version"])
    assert crosswalk().version == raw["version"]


def test_every_source_value_is_mapped_and_nothing_else():
    ref = load_referential()
    cw = crosswalk()
    assert set(cw.coop_themes) == {t.code for t in ref.frameworks.coop_thematiques}
    assert set(cw.competences) == {c.code for c in ref.competences}
    assert set(cw.lamednum_services) == labels("services")
    assert set(cw.publics) == labels("publics_specifiquement_adresses")
    assert set(cw.fees) == labels("frais_a_charge")
    assert set(cw.support_modes) == labels("modalites_accompagnement")
    assert set(cw.access_modes) == labels("modalites_acces")
    assert set(cw.national_programmes) == labels("dispositif_programmes_nationaux")
    assert set(cw.modalities) == set(Modality)
    assert set(cw.typologies) == set(TYPOLOGIES)


def test_every_target_exists_in_the_standards():
    cw = crosswalk()  # loading checks each data·inclusion value against the installed enums
    lamednum_targets = [
        s for t in (*cw.coop_themes.values(), *cw.competences.values()) for s in t.lamednum
    ]
    for label in lamednum_targets:
        assert re.fullmatch(lamednum_pattern("services"), label), label
    for modality in cw.modalities.values():
        assert re.fullmatch(lamednum_pattern("modalites_accompagnement"), modality.lamednum)
    # Each theme and competence lands in the digital part of data·inclusion first.
    for target in (*cw.coop_themes.values(), *cw.competences.values()):
        assert target.data_inclusion[0].value.startswith("numerique--")
        assert target.lamednum
    # A place service's key is the stable part of its id: one key per service.
    assert len({s.key for s in cw.lamednum_services.values()}) == len(cw.lamednum_services)
    assert all(
        isinstance(t, Thematique) for s in cw.lamednum_services.values() for t in s.data_inclusion
    )


def test_a_workshop_gets_the_thematiques_of_its_themes_then_of_its_competences():
    cw = crosswalk()
    assert [t.value for t in cw.thematiques(["sante"], ["E1"])] == [
        "numerique--acceder-a-des-services-en-ligne",
        "sante--acces-aux-soins",
        "numerique--maitriser-les-fondamentaux-du-numerique",
    ]
    assert cw.thematiques(["not-a-theme"], []) == []
    assert cw.lamednum_services_of(["securite_numerique"], ["P2"]) == [
        "Utilisation sécurisée du numérique"
    ]
