"""What a sheet's QR code says: which layout to read it with, and which sheet it is.

Payload: ``PN2|<referential version>|<lang>|<serial>|<person or empty>``. ``PN`` names the
project and ``2`` the layout revision: the page geometry is computed from the referential
version, the language and the revision, and the revision changes whenever the code that
computes it does, so a sheet printed years ago is still read with the geometry it was printed
with (:data:`READABLE_REVISIONS`). The payload stays short (about 30 bytes) so that the code
has large modules and reads on blurry photos.
"""

from __future__ import annotations

import re
import secrets
from typing import Final

from pydantic import BaseModel, ConfigDict

from printables.texts import LANGUAGES, Language

LAYOUT_REVISION: Final = 2  # what is printed now
READABLE_REVISIONS: Final = (1, 2)  # what may come back: every revision ever printed
_PREFIX: Final = "PN"
_REVISION: Final = re.compile(r"PN([0-9]{1,3})")
_SEPARATOR: Final = "|"
# Crockford's base 32: no I, L, O, U, so a serial copied by hand cannot be misread.
_ALPHABET: Final = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
SERIAL_LENGTH: Final = 12
_SERIAL: Final = re.compile(r"[0-9A-Z]{4,24}")
_PERSON: Final = re.compile(r"[A-Za-z0-9_-]{1,40}")
_VERSION: Final = re.compile(r"[0-9A-Za-z._-]{1,20}")


class PayloadError(ValueError):
    """A QR code that is not one of ours, or that names a layout this software cannot read."""


class SheetRef(BaseModel):
    """The identity printed on one sheet."""

    model_config = ConfigDict(frozen=True)

    version: str
    lang: Language
    serial: str
    person: str | None = None
    revision: int = LAYOUT_REVISION

    def payload(self) -> str:
        check_sheet(self)
        return _SEPARATOR.join(
            (f"{_PREFIX}{self.revision}", self.version, self.lang, self.serial, self.person or "")
        )


def check_sheet(sheet: SheetRef) -> None:
    """Refuse what would not survive the round trip through the QR code."""
    if sheet.revision not in READABLE_REVISIONS:
        raise PayloadError(f"mise en page inconnue : {sheet.revision}")
    if not _VERSION.fullmatch(sheet.version):
        raise PayloadError(f"version de référentiel invalide : {sheet.version!r}")
    if not _SERIAL.fullmatch(sheet.serial):
        raise PayloadError(
            f"numéro de feuille invalide : {sheet.serial!r} (4 à 24 chiffres ou majuscules)"
        )
    if sheet.person is not None and not _PERSON.fullmatch(sheet.person):
        raise PayloadError(
            f"référence de personne invalide : {sheet.person!r} "
            "(1 à 40 lettres, chiffres, - ou _ ; jamais un nom)"
        )


def new_serial() -> str:
    """60 random bits: two sheets of a national print run practically never share a serial."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(SERIAL_LENGTH))


def display_serial(serial: str) -> str:
    """Groups of four, easier to read aloud and to type: ``K7QM-4XZ2-9HTA``."""
    return "-".join(serial[i : i + 4] for i in range(0, len(serial), 4))


def parse_payload(text: str) -> SheetRef:
    parts = text.split(_SEPARATOR)
    revision = _REVISION.fullmatch(parts[0])
    if revision is not None and int(revision.group(1)) > LAYOUT_REVISION and len(parts) == 5:
        raise PayloadError(
            f"feuille d'une mise en page plus récente ({parts[0]}) : "
            "mettez à jour parcours-numérique pour la lire"
        )
    if revision is None or int(revision.group(1)) not in READABLE_REVISIONS or len(parts) != 5:
        raise PayloadError("ce code QR n'est pas celui d'un Numérimètre de parcours-numérique")
    _, version, lang, serial, person = parts
    if lang not in LANGUAGES:
        raise PayloadError(f"langue de feuille inconnue : {lang!r}")
    sheet = SheetRef.model_validate(
        {
            "version": version,
            "lang": lang,
            "serial": serial,
            "person": person or None,
            "revision": int(revision.group(1)),
        }
    )
    check_sheet(sheet)
    return sheet
