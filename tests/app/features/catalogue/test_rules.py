"""The checks of a place and a workshop, without a database: what people type is read the way
they mean it, anything else is refused with a message, and what is stored fits the LaMednum
standard."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.features.catalogue import (
    PLACE_VOCABULARIES,
    CatalogueError,
    display_phone,
    fee_labels,
    lamednum_pattern,
    lamednum_vocabulary,
    normalise_phone,
    place_vocabulary,
    public_labels,
)
from app.features.catalogue.opening_hours import OpeningHoursError, check_opening_hours
from app.features.catalogue.phone import PhoneError
from app.features.catalogue.place_rules import read_place
from app.features.catalogue.problems import french
from app.features.catalogue.workshop_rules import read_workshop
from app.territories import communes, how_to_type
from tests.app.features.catalogue.conftest import place_fields, workshop_fields

PHONE_PATTERN = lamednum_pattern("telephone")
SEPARATORS = st.sampled_from(["", " ", ".", "-", "\u00a0"])


def problems_of(fields: dict[str, Any], reader: Any = read_place) -> dict[str, str]:
    with pytest.raises(CatalogueError) as raised:
        reader(fields)
    return {field: french(said) for field, said in raised.value.problems.items()}


# --- phone numbers ------------------------------------------------------------------------------


@settings(deadline=None)  # no timings: the first example builds lookup indexes
@given(
    first=st.integers(1, 9),
    rest=st.lists(st.integers(0, 99), min_size=4, max_size=4),
    separator=SEPARATORS,
    form=st.sampled_from(["0{}", "+33 {}", "+33 (0){}", "0033 {}"]),
)
def test_a_french_number_however_written_is_stored_in_the_standard_form(
    first: int, rest: list[int], separator: str, form: str
) -> None:
    pairs = [f"{first}", *(f"{n:02d}" for n in rest)]
    national = "0" + "".join(pairs)
    typed = form.format(separator.join(pairs)) if form != "0{}" else "0" + separator.join(pairs)
    stored = normalise_phone(typed)
    assert re.fullmatch(PHONE_PATTERN, stored)
    assert display_phone(stored).replace(" ", "") == national


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0590 12 34 56", "+590590123456"),  # Guadeloupe keeps its own code
        ("0692 12 34 56", "+262692123456"),  # La Réunion
        ("06 96 12 34 56", "+596696123456"),  # Martinique
        ("+687 28 12 34", "+687281234"),  # Nouvelle-Calédonie
    ],
)
def test_overseas_numbers_keep_their_code(typed: str, stored: str) -> None:
    assert normalise_phone(typed) == stored
    assert re.fullmatch(PHONE_PATTERN, stored)


@settings(deadline=None)  # no timings: the first example builds lookup indexes
@given(st.text(max_size=25))
def test_whatever_is_accepted_as_a_phone_fits_the_standard(typed: str) -> None:
    try:
        stored = normalise_phone(typed)
    except PhoneError:
        return
    assert re.fullmatch(PHONE_PATTERN, stored)


@pytest.mark.parametrize(
    "typed", ["3949", "01 23 45 67", "00 12 34 56 78", "+44 20 7946 0958", "02 48 AB 34 56", "1"]
)
def test_what_is_not_a_french_number_is_refused_in_french(typed: str) -> None:
    assert problems_of(place_fields(phone=typed))["phone"].startswith(
        "Ce numéro n'est pas un numéro de téléphone français"
    )


# --- opening hours ------------------------------------------------------------------------------

DAYS = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"]


@st.composite
def osm_rules(draw: st.DrawFn) -> str:
    """Rules as a structure would write them: days or a range of days, then time ranges."""
    rules = []
    for _ in range(draw(st.integers(1, 3))):
        start = draw(st.integers(0, 6))
        end = draw(st.integers(start, 6))
        days = DAYS[start] if start == end else f"{DAYS[start]}-{DAYS[end]}"
        times = []
        hour = draw(st.integers(6, 10))
        for _ in range(draw(st.integers(1, 2))):
            close = draw(st.integers(hour + 1, hour + 4))
            times.append(f"{hour:02d}:{draw(st.sampled_from(['00', '30']))}-{close:02d}:00")
            hour = close + 1
        rules.append(f"{days} {','.join(times)}")
    return "; ".join(rules) + draw(st.sampled_from(["", "; PH off"]))


@settings(deadline=None)  # no timings: the first example builds lookup indexes
@given(osm_rules())
def test_opening_hours_in_the_osm_syntax_are_kept_as_written(hours: str) -> None:
    assert check_opening_hours(f"  {hours} ") == hours


@settings(deadline=None)  # no timings: the first example builds lookup indexes
@given(
    st.sampled_from(["lundi", "mardi", "Lu-Ve", "du lundi au vendredi"]),
    st.sampled_from(["9h-12h", "9h00-12h00", "09:00-12:00"]),
)
def test_hours_written_the_french_way_are_refused_with_the_way_to_write_them(
    days: str, times: str
) -> None:
    with pytest.raises(OpeningHoursError) as raised:
        check_opening_hours(f"{days} {times}")
    message = raised.value.said.french
    assert "Mo-Fr 09:00-12:00,14:00-17:00" in message  # an example to copy
    assert "Le problème commence au caractère" in message
    assert "écrivez Mo, Tu" in message


def test_an_hour_typo_is_refused_with_where_it_stops() -> None:
    message = problems_of(place_fields(opening_hours="Mo-Fr 09:00-12:00,14:00-25:61"))
    assert "opening_hours" in message


# --- communes -----------------------------------------------------------------------------------

WITH_POSTAL = sorted(c for c, commune in communes().items() if commune.postal_codes)


@settings(deadline=None)  # no timings: the first example builds lookup indexes
@given(st.sampled_from(WITH_POSTAL))
def test_an_insee_code_names_its_commune_with_one_of_its_postal_codes(insee: str) -> None:
    read = read_place(place_fields(postal_code=None, commune_name=None, commune_insee=insee))
    commune = communes()[insee]
    assert read["commune_insee"] == insee
    assert read["postal_code"] in commune.postal_codes
    assert (read["latitude"], read["longitude"]) == (commune.lat, commune.lon)


@settings(deadline=None)  # no timings: the first example builds lookup indexes
@given(st.sampled_from(WITH_POSTAL))
def test_what_people_type_for_a_commune_names_it(insee: str) -> None:
    typed = how_to_type(communes()[insee])
    code, name = typed.split(" ", 1)
    if code not in communes()[insee].postal_codes:  # typed with its INSEE code: not a postal one
        return
    read = read_place(place_fields(postal_code=code, commune_name=name))
    assert read["commune_insee"] == insee


@settings(deadline=None)  # no timings: the first example builds lookup indexes
@given(st.from_regex(r"[0-9]{5}|2[AB][0-9]{3}", fullmatch=True))
def test_an_unknown_insee_code_is_a_clear_error(code: str) -> None:
    fields = place_fields(postal_code=None, commune_name=None, commune_insee=code)
    if code in communes():
        assert read_place(fields)["commune_insee"] == code
    else:
        assert problems_of(fields) == {
            "commune_insee": "Aucune commune n'a ce code INSEE : 5 caractères, par exemple "
            "18033 pour Bourges."
        }


def test_a_postal_code_shared_by_several_communes_needs_the_name() -> None:
    with pytest.raises(CatalogueError) as raised:
        read_place(place_fields(postal_code="18200", commune_name=None))
    assert "postal_code" in raised.value.problems
    assert len(raised.value.candidates) > 1


def test_a_postal_code_that_does_not_serve_the_commune_is_refused() -> None:
    fields = place_fields(postal_code="18200", commune_name=None, commune_insee="18033")
    assert "ne dessert pas Bourges" in problems_of(fields)["postal_code"]


def test_given_coordinates_are_kept_and_a_lone_one_is_refused() -> None:
    read = read_place(place_fields(latitude="47,0811", longitude="2,3986"))
    assert (read["latitude"], read["longitude"]) == (47.0811, 2.3986)
    assert set(problems_of(place_fields(latitude=47.08))) == {"latitude"}
    assert set(problems_of(place_fields(latitude=91, longitude="x"))) == {"latitude", "longitude"}


# --- the standard's labels ----------------------------------------------------------------------

VOCABULARIES = [
    *((PLACE_VOCABULARIES[column], place_vocabulary(column)) for column in PLACE_VOCABULARIES),
    ("frais_a_charge", fee_labels()),
    ("publics_specifiquement_adresses", public_labels()),
]


@pytest.mark.parametrize(("field", "labels"), VOCABULARIES)
def test_every_label_a_form_offers_is_accepted_by_the_standard(
    field: str, labels: tuple[str, ...]
) -> None:
    @given(st.lists(st.sampled_from(labels), min_size=1, unique=True))
    def any_choice(chosen: list[str]) -> None:
        assert re.fullmatch(lamednum_pattern(field), "|".join(chosen))

    assert labels
    any_choice()


def test_the_labels_are_the_standard_s_own() -> None:
    assert lamednum_vocabulary("frais_a_charge") == ("Gratuit", "Gratuit sous condition", "Payant")
    assert "Itinérant" in lamednum_vocabulary("itinerance")
    # The schema's own spelling, without the space its documentation has.
    assert "Étapes numériques(La Poste)" in lamednum_vocabulary("formations_labels")


def test_a_label_outside_the_standard_is_refused_and_the_known_ones_listed() -> None:
    message = problems_of(place_fields(fees=["Gratuit", "Prix libre"]))["fees"]
    assert "« Prix libre »" in message and "« Gratuit sous condition »" in message


# --- workshops ----------------------------------------------------------------------------------


@settings(deadline=None)  # no timings: the first example builds lookup indexes
@given(entry=st.integers(-2, 6), exit_=st.integers(-2, 6))
def test_a_competence_is_raised_from_an_entry_level_to_a_higher_exit_level(
    entry: int, exit_: int
) -> None:
    fields = workshop_fields(competences=[{"competence": "E1", "entry": entry, "exit": exit_}])
    if 0 <= entry < exit_ <= 4:
        assert read_workshop(fields)["competences"][0] == {
            "competence": "E1",
            "entry": entry,
            "exit": exit_,
        }
    else:
        assert set(problems_of(fields, read_workshop)) == {"competences"}


def test_every_problem_of_a_workshop_is_named() -> None:
    wrong = {
        "title": "",
        "description": "Court.",
        "competences": [{"competence": "Z9", "entry": 0, "exit": 1}],
        "themes": ["cuisine"],
        "modality": "en ligne",
        "duration_minutes": 0,
        "publics": ["Tout le monde"],
        "price": "Cher",
        "language": "klingon",
        "exit_check": {"kind": "checklist", "points": ["x"] * 9},
    }
    assert set(problems_of(wrong, read_workshop)) == set(wrong)


@pytest.mark.parametrize(
    "check",
    [
        {"kind": "observed_task", "item": "E9.9"},
        {"kind": "checklist", "points": []},
        {"kind": "checklist", "points": ["x" * 151]},
        {"kind": "quiz"},
        None,
    ],
)
def test_an_exit_check_is_an_item_or_a_short_checklist(check: Any) -> None:
    assert set(problems_of(workshop_fields(exit_check=check), read_workshop)) == {"exit_check"}


def test_a_checklist_is_kept_point_by_point() -> None:
    typed = "Allume le téléphone\n\n  Ouvre   une application  \nRevient à l'accueil"
    read = read_workshop(workshop_fields(exit_check={"kind": "checklist", "points": typed}))
    assert read["exit_check"] == {
        "kind": "checklist",
        "points": ["Allume le téléphone", "Ouvre une application", "Revient à l'accueil"],
    }


@pytest.mark.parametrize(
    ("changes", "field", "said"),
    [
        ({"name": "x" * 151}, "name", "150 caractères au plus (il y en a 151)."),
        ({"summary": "x" * 281}, "summary", "280 caractères au plus"),
        ({"email": "contact@mediatheque"}, "email", "adresse e-mail n'est pas complète"),
        ({"website": "mediatheque"}, "website", "adresse de site n'est pas complète"),
        ({"booking_url": "ftp://x.fr"}, "booking_url", "adresse de site n'est pas complète"),
        ({"pivot": "1234"}, "pivot", "Le SIRET a 14 chiffres"),
        ({"typologies": ["BIBLIO"]}, "typologies", "Valeur inconnue : « BIBLIO »"),
        ({"services": "Cours de piano"}, "services", "Valeur inconnue : « Cours de piano »"),
        ({"services": [1, 2]}, "services", "Une liste de valeurs est attendue."),
        ({"name": 12}, "name", "Un texte est attendu."),
        ({"postal_code": "1800"}, "postal_code", "Un code postal a 5 chiffres"),
        ({"commune_insee": "18033"}, "commune_insee", "pas les deux"),
        ({"postal_code": None, "commune_name": None}, "postal_code", "Indiquez le code postal"),
    ],
)
def test_each_wrong_value_of_a_place_is_named_with_its_field(
    changes: dict[str, Any], field: str, said: str
) -> None:
    found = problems_of(place_fields(**changes))
    assert list(found) == [field] and said in found[field]


def test_written_values_are_tidied_before_they_are_stored() -> None:
    read = read_place(
        place_fields(
            name="  Médiathèque   des Gibjoncs ",
            pivot="123 456 789 00012",
            website="www.mediatheque-bourges.fr",
            services=["Aide aux démarches administratives", "Aide aux démarches administratives"],
        )
    )
    assert read["name"] == "Médiathèque des Gibjoncs" and read["pivot"] == "12345678900012"
    assert read["website"] == "https://www.mediatheque-bourges.fr"
    assert read["services"] == ["Aide aux démarches administratives"]


@pytest.mark.parametrize(
    ("changes", "said"),
    [
        (
            {"competences": [{"competence": "E1", "entry": 0, "exit": 1}] * 2},
            "La compétence E1 est donnée deux fois.",
        ),
        ({"competences": [{"competence": "E1", "entry": 0}]}, "choisissez le niveau"),
        ({"competences": [{"competence": "E1", "entry": "un", "exit": 2}]}, "de 0 à 4"),
        ({"competences": ["E1"]}, "avec son code et ses niveaux"),
        ({"competences": []}, "au moins une compétence"),
    ],
)
def test_each_wrong_competence_is_named(changes: dict[str, Any], said: str) -> None:
    found = problems_of(workshop_fields(**changes), read_workshop)
    assert list(found) == ["competences"] and said in found["competences"]
