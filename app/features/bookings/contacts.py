"""How a booking reaches its holder, and who the holder is.

One key per holder, the same whatever the channel that booked (``person:<uuid>``,
``email:<address>``, ``phone:<+33…>`` as the catalogue normalises numbers): the unique index
on ``booking.holder`` then refuses a second live booking of the same holder in one session,
whoever books it.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from app.email_address import is_email_address
from app.features.catalogue import normalise_phone

MSG_EMAIL = "e-mail : l'adresse ne convient pas (par exemple : prenom.nom@exemple.fr)"
MSG_PHONE = "téléphone : le numéro ne convient pas (par exemple : 06 12 34 56 78)"


class ContactError(ValueError):
    """An e-mail or a phone number that cannot be used, each problem in plain French."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Contact:
    email: str | None = None
    phone: str | None = None

    @property
    def empty(self) -> bool:
        return self.email is None and self.phone is None


def normal_email(typed: str) -> str | None:
    """The address without spaces around, its domain in lower case; None if it is not one."""
    address = typed.strip()
    if not is_email_address(address):
        return None
    local, domain = address.rsplit("@", 1)
    return f"{local}@{domain.lower()}"


def read_contact(email: str | None, phone: str | None) -> Contact:
    """The contact given (blank fields are not given), normalised; ContactError otherwise."""
    problems = []
    found_email = found_phone = None
    if email is not None and email.strip():
        found_email = normal_email(email)
        if found_email is None:
            problems.append(MSG_EMAIL)
    if phone is not None and phone.strip():
        try:
            found_phone = normalise_phone(phone)
        except ValueError:  # the catalogue's PhoneError: not a French number
            problems.append(MSG_PHONE)
    if problems:
        raise ContactError(problems)
    return Contact(found_email, found_phone)


def holder_key(person_id: UUID | None, contact: Contact) -> str | None:
    """Who holds the booking: the person when there is a record, else their e-mail, else their
    phone; None when there is nobody to name."""
    if person_id is not None:
        return f"person:{person_id}"
    if contact.email is not None:
        return f"email:{contact.email.lower()}"
    if contact.phone is not None:
        return f"phone:{contact.phone}"
    return None
