"""French phone numbers, written the way people write them, stored the way the LaMednum
standard wants them: ``+33`` (or the overseas code) and the digits, nothing else.

« 02 48 12 34 56 », « 02.48.12.34.56 », « +33 (0)2 48 12 34 56 », « 0033 248123456 » are all
``+33248123456``; a number of Guadeloupe, Guyane, La Réunion, Mayotte or Martinique keeps its
own code (« 0590 12 34 56 » is ``+590590123456``), as do the Pacific territories and
Saint-Pierre-et-Miquelon (``+687 12 34 56``). Short numbers (« 3949 »), foreign numbers and
numbers with a letter are refused: a resident could not call them from the page.
"""

from __future__ import annotations

import re
from typing import Final

from app.web import Msg

MSG_PHONE = Msg(
    "Ce numéro n'est pas un numéro de téléphone français : tapez ses 10 chiffres, par exemple "
    "02 48 12 34 56, ou la forme internationale, par exemple +33 2 48 12 34 56."
)

# National prefixes of the overseas départements (the first four digits of a 10-digit number)
# -> their country code: calls from abroad use it, and so does the standard.
OVERSEAS: Final = {
    "0590": "+590",  # Guadeloupe, Saint-Martin, Saint-Barthélemy (fixed)
    "0690": "+590",
    "0691": "+590",
    "0594": "+594",  # Guyane
    "0694": "+594",
    "0262": "+262",  # La Réunion
    "0263": "+262",
    "0692": "+262",
    "0693": "+262",
    "0269": "+262",  # Mayotte
    "0639": "+262",
    "0596": "+596",  # Martinique
    "0696": "+596",
    "0697": "+596",
}
# Codes followed by a 9-digit national number without its 0.
NINE_DIGITS: Final = ("+33", "+590", "+594", "+262", "+596")
# The Pacific territories and Saint-Pierre-et-Miquelon: a country code, then a short number.
SHORT: Final = {"+687": 6, "+689": 8, "+508": 6, "+681": 6}

_SEPARATORS = re.compile(r"[\s.\-/()\u00a0\u202f]")
_TRUNK = re.compile(r"^(\+\d{2,3})\s*\(0\)")  # « +33 (0)2 … »


class PhoneError(ValueError):
    """Not a French phone number (``MSG_PHONE`` says how to write one)."""


def normalise_phone(typed: str) -> str:
    """``+33248123456`` for « 02 48 12 34 56 » and its other spellings; raises
    :class:`PhoneError` (its message in French) for anything else."""
    text = _TRUNK.sub(r"\1", typed.strip())
    digits = _SEPARATORS.sub("", text)
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    if re.fullmatch(r"0[1-9]\d{8}", digits):
        return OVERSEAS.get(digits[:4], "+33") + digits[1:]
    for code in NINE_DIGITS:
        if digits.startswith(code) and re.fullmatch(r"[1-9]\d{8}", digits[len(code) :]):
            return digits
    for code, length in SHORT.items():
        if digits.startswith(code) and re.fullmatch(rf"\d{{{length}}}", digits[len(code) :]):
            return digits
    raise PhoneError(MSG_PHONE.text)


def display_phone(stored: str) -> str:
    """A stored number as people in France read it: « 02 48 12 34 56 »."""
    if stored.startswith("+33") and len(stored) == 12:
        national = "0" + stored[3:]
        return " ".join(national[i : i + 2] for i in range(0, 10, 2))
    for local, code in OVERSEAS.items():
        if stored.startswith(code + local[1:]) and len(stored) == len(code) + 9:
            national = "0" + stored[len(code) :]
            return " ".join(national[i : i + 2] for i in range(0, 10, 2))
    return stored
