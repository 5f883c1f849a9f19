"""What a professional's password must be: long enough, and not one that people often choose.

The list of common passwords ships with the service (app/data/common-passwords.txt, see
app/data/SOURCES.md). A password is refused when it is in the list, or is a listed word with
digits or signs around it (« Marseille2024! »), or repeats the e-mail's name.
"""

from __future__ import annotations

import string
from functools import cache
from importlib import resources

MIN_LENGTH = 12
MAX_LENGTH = 256  # hashing a very long password would cost the server, not protect anyone
_AROUND = string.digits + string.punctuation + string.whitespace

MSG_TOO_SHORT = "Le mot de passe doit faire au moins 12 caractères."
MSG_TOO_LONG = "Le mot de passe doit faire 256 caractères au plus."
MSG_COMMON = (
    "Ce mot de passe est trop courant, donc facile à deviner. Choisissez par exemple trois ou "
    "quatre mots sans lien entre eux, comme « tulipe-violon-bus-matin »."
)
MSG_SAME_AS_EMAIL = "Le mot de passe ne doit pas reprendre votre adresse e-mail."
MSG_MISMATCH = "Les deux mots de passe ne sont pas les mêmes."


@cache
def common_passwords() -> frozenset[str]:
    text = resources.files("app").joinpath("data", "common-passwords.txt").read_text("utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip())


def password_problems(password: str, email: str = "") -> list[str]:
    """The plain French reasons to refuse ``password`` for the account ``email`` (none: ok)."""
    if len(password) < MIN_LENGTH:
        return [MSG_TOO_SHORT]
    if len(password) > MAX_LENGTH:
        return [MSG_TOO_LONG]
    lowered = password.lower()
    name = email.split("@", 1)[0].lower()
    if len(name) >= 4 and name in lowered:
        return [MSG_SAME_AS_EMAIL]
    if not lowered.strip(_AROUND) or len(set(lowered)) <= 3 or _cores(lowered) & common_passwords():
        return [MSG_COMMON]
    return []


def _cores(text: str) -> set[str]:
    """The password and what is left of it once digits and signs are taken off either end,
    one at a time: « ab1234111111 » gives « ab1234 » among others, « Marseille2024! » gives
    « marseille »."""
    lead = len(text) - len(text.lstrip(_AROUND))
    trail = len(text) - len(text.rstrip(_AROUND))
    end = len(text)
    return {text[i : end - j] for i in range(lead + 1) for j in range(trail + 1)}
