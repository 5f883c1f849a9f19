"""One rule for an e-mail address, whichever form takes it: an account, a booking, a place's
contact. An address one of them accepts, the others accept too."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.email_address import EMAIL_MAX, is_email_address
from app.features.bookings.contacts import normal_email
from app.features.catalogue.fields import FieldError, email

GOOD = ["prenom.nom@exemple.fr", "coordination-indre@e2e.example.org", "a+b@mairie.bourges.fr"]
BAD = ["contact@mediatheque", "sans-arobase.fr", "deux@@exemple.fr", "a b@exemple.fr", "a@b.c", ""]


@pytest.mark.parametrize("address", GOOD)
def test_a_deliverable_address_is_accepted_everywhere(address: str) -> None:
    assert is_email_address(address)
    assert normal_email(address) == address
    assert email(address) == address


@pytest.mark.parametrize("address", BAD)
def test_an_incomplete_address_is_refused_everywhere(address: str) -> None:
    assert not is_email_address(address)
    assert normal_email(address) is None
    if address:  # an empty contact field means « no e-mail »
        with pytest.raises(FieldError):
            email(address)


@given(st.text(max_size=40), st.text(max_size=40))
def test_whitespace_or_a_missing_at_sign_is_never_an_address(local: str, domain: str) -> None:
    assert not is_email_address(f"{local} {domain}.fr")
    assert not is_email_address(f"{local}{domain}.fr".replace("@", ""))


def test_an_address_longer_than_mail_allows_is_refused() -> None:
    long = "a" * 64 + "@" + ("b" * 60 + ".") * 5 + "fr"
    assert len(long) > EMAIL_MAX and not is_email_address(long)
