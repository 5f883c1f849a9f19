"""The QR payload: what a sheet says about itself, and what is refused."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from printables.sheet import (
    SERIAL_LENGTH,
    PayloadError,
    SheetRef,
    display_serial,
    new_serial,
    parse_payload,
)

serials = st.text("0123456789ABCDEFGHJKMNPQRSTVWXYZ", min_size=4, max_size=24)
people = st.none() | st.text("abcXYZ019_-", min_size=1, max_size=40)


@given(serial=serials, person=people, lang=st.sampled_from(["fr", "en"]))
def test_a_payload_reads_back_as_it_was_written(serial: str, person: str | None, lang: str) -> None:
    sheet = SheetRef.model_validate(
        {"version": "2026.1", "lang": lang, "serial": serial, "person": person}
    )
    assert parse_payload(sheet.payload()) == sheet


def test_the_payload_is_short_and_versioned() -> None:
    sheet = SheetRef(version="2026.1", lang="fr", serial="K7QM4XZ29HTA")
    assert sheet.payload() == "PN2|2026.1|fr|K7QM4XZ29HTA|"


def test_a_sheet_printed_with_the_first_layout_is_still_understood() -> None:
    sheet = parse_payload("PN1|2026.1|fr|K7QM4XZ29HTA|P-0042")
    assert (sheet.revision, sheet.version, sheet.person) == (1, "2026.1", "P-0042")


def test_serials_are_random_and_readable() -> None:
    serials = {new_serial() for _ in range(200)}
    assert len(serials) == 200
    assert all(len(s) == SERIAL_LENGTH and not set(s) & set("ILOU") for s in serials)
    assert display_serial("K7QM4XZ29HTA") == "K7QM-4XZ2-9HTA"


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ("https://example.org/coupon", "n'est pas celui d'un Numérimètre"),
        ("PN1|2026.1|fr|ABCD", "n'est pas celui d'un Numérimètre"),
        ("PN3|2030.1|fr|ABCDEFGH|", "mise en page plus récente"),
        ("PN0|2026.1|fr|ABCDEFGH|", "n'est pas celui d'un Numérimètre"),
        ("PN1|2026.1|de|ABCDEFGH|", "langue de feuille inconnue"),
        ("PN1|2026.1|fr|abc|", "numéro de feuille invalide"),
        ("PN1|2026.1|fr|ABCDEFGH|Jean Dupont", "référence de personne invalide"),
    ],
)
def test_foreign_or_broken_payloads_are_refused(payload: str, message: str) -> None:
    with pytest.raises(PayloadError, match=message):
        parse_payload(payload)


def test_a_name_is_never_accepted_as_a_person_reference() -> None:
    with pytest.raises(PayloadError):
        SheetRef(version="2026.1", lang="fr", serial="ABCDEFGH", person="Marie Curie").payload()
