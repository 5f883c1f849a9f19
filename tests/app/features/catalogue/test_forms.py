"""The offer's forms as units, without HTTP: what a page posts is read as the rules read the
API's JSON, and a form sent back untouched changes nothing."""

from __future__ import annotations

import uuid
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from app.db.models import Place, Workshop
from app.features.catalogue.pages import (
    place_values,
    values_of_place,
    values_of_workshop,
    workshop_given,
    workshop_values,
)
from app.features.catalogue.place_rules import read_place
from app.features.catalogue.workshop_rules import read_workshop
from app.territories import communes
from referentiel import load_referential
from tests.app.features.catalogue.conftest import place_fields, workshop_fields

CODES = [c.code for c in load_referential().competences]
WITH_POSTAL = sorted(c for c, commune in communes().items() if commune.postal_codes)


def as_posted(values: dict[str, Any]) -> dict[str, str | list[str]]:
    """A form's values as a browser posts them: strings, lists for the boxes ticked."""
    return {k: v if isinstance(v, list) else str(v) for k, v in values.items()}


@settings(deadline=None)  # no timings: the first example builds lookup indexes
@given(
    insee=st.sampled_from(WITH_POSTAL),
    moved=st.booleans(),
    services=st.lists(st.sampled_from(place_fields()["services"]), unique=True),
)
def test_a_place_form_sent_back_untouched_changes_nothing(
    insee: str, moved: bool, services: list[str]
) -> None:
    fields = place_fields(postal_code=None, commune_name=None, commune_insee=insee)
    fields |= {"services": services, "latitude": 45.5, "longitude": 4.25} if moved else {}
    place = Place(structure_id=uuid.uuid4(), **read_place(fields))
    posted = as_posted(values_of_place(place))
    again = read_place(place_values(posted), place)
    assert again == {column: getattr(place, column) for column in again}


def test_a_competence_is_sent_when_one_of_its_levels_is_chosen() -> None:
    posted = {"entry-E1": "0", "exit-E1": "2", "exit-C1": "3", "exit_kind": "checklist"}
    given_ = workshop_given(workshop_values(posted, CODES))
    assert given_["competences"] == [
        {"competence": "E1", "entry": "0", "exit": "2"},
        {"competence": "C1", "entry": "", "exit": "3"},  # refused by the rules, named there
    ]
    assert given_["exit_check"] == {"kind": "checklist", "points": ""}
    assert workshop_given(workshop_values({}, CODES))["exit_check"] is None


def test_a_workshop_form_sent_back_untouched_changes_nothing() -> None:
    read = read_workshop(
        workshop_fields(
            competences=[
                {"competence": "E1", "entry": 0, "exit": 2},
                {"competence": "E2", "entry": 1, "exit": 3},
            ],
            themes=["email", "logement"],
            publics=["Seniors"],
            price="Payant",
            price_detail="2 € la séance",
            exit_check={"kind": "checklist", "points": ["Allume", "Ouvre une application"]},
        )
    )
    workshop = Workshop(structure_id=uuid.uuid4(), **read)
    posted = as_posted(values_of_workshop(workshop, CODES))
    posted |= {
        f"{side}-{code}": level
        for code, levels in values_of_workshop(workshop, CODES)["levels"].items()
        for side, level in zip(("entry", "exit"), levels, strict=True)
    }
    again = read_workshop(workshop_given(workshop_values(posted, CODES)), workshop)
    assert again == read
