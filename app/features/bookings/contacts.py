"""How a booking reaches its holder, and who the holder is.

One key per holder, the same whatever the channel that booked (``person:<uuid>``,
``email:<address>``, ``phone:<+33…>``): the unique index on ``booking.holder`` then refuses a
second live booking of the same holder in one session, whoever books it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from uuid import UUID

EMAIL_MAX = 320
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]{2,}$")
# Spaces, dots, hyphens and brackets people type between digits (« 06 12 34 56 78 »,
# « +33 (0)6… »).
_PHONE_NOISE = re.compile(r"[\s.\-/()\u00a0]")
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
    if len(address) > EMAIL_MAX or not _EMAIL.match(address):
        return None
    local, domain = address.rsplit("@", 1)
    return f"{local}@{domain.lower()}"


def normal_phone(typed: str) -> str | None:
    """A French number as +33 and nine digits (« 06 12 34 56 78 » -> +33612345678); a number
    already written with another country code is kept as it is. None if it is not one."""
    digits = _PHONE_NOISE.sub("", typed.strip())
    digits = digits.replace("+33(0)", "+33").replace("+330", "+33")
    if digits.startswith("0033"):
        digits = "+33" + digits[4:]
    if re.fullmatch(r"0[1-9]\d{8}", digits):
        return "+33" + digits[1:]
    if re.fullmatch(r"\+33[1-9]\d{8}", digits):
        return digits
    if re.fullmatch(r"\+(?!33)[1-9]\d{7,14}", digits):
        return digits
    return None


def read_contact(email: str | None, phone: str | None) -> Contact:
    """The contact given (blank fields are not given), normalised; ContactError otherwise."""
    problems = []
    found_email = found_phone = None
    if email is not None and email.strip():
        found_email = normal_email(email)
        if found_email is None:
            problems.append(MSG_EMAIL)
    if phone is not None and phone.strip():
        found_phone = normal_phone(phone)
        if found_phone is None:
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
