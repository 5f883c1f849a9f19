"""Pix Orga campaign exports: the levels people already proved on Pix, as evidence.

A « collecte de profils » campaign export has one line per participant and, for each of the 16
CRCN competences, a column « Niveau pour la compétence <name> » (and one « Nombre de pix pour la
compétence <name> », not needed here). Pix writes it in UTF-8 with a BOM and semicolons; once
opened and saved again in a French spreadsheet it may come back without the BOM, with commas,
or in Windows-1252. Every one of these is read.

Names are matched to the referential's CRCN labels loosely (case, accents, apostrophes and
spaces aside: Pix writes « multimedia » and « d’information »). Any unknown competence column or
unreadable value is reported with its line, in French, and then nothing is returned: an import
is all or nothing.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from _csv import Reader
from collections.abc import Iterator, Mapping
from datetime import date, datetime
from typing import Final

from pydantic import BaseModel, ConfigDict

from referentiel.answers import Evidence
from referentiel.models import Referential

LEVEL_PREFIX: Final = "Niveau pour la compétence "
LAST_NAME: Final = "Nom du Participant"
FIRST_NAME: Final = "Prénom du Participant"
SHARED: Final = "Envoi (O/N)"
SHARED_ON: Final = ("Date et heure de l'envoi (Europe/Paris)", "Date de l'envoi")
CAMPAIGN_NAME: Final = "Nom de la campagne"
CAMPAIGN_CODE: Final = "Code"
MAX_BYTES: Final = 20 * 1024 * 1024
MAX_PIX_LEVEL: Final = 8
NOT_SHARED: Final = frozenset({"", "NA"})
_KNOWN: Final = frozenset(
    {
        "Nom de l'organisation",
        "ID Campagne",
        CAMPAIGN_CODE,
        CAMPAIGN_NAME,
        LAST_NAME,
        FIRST_NAME,
        "Classe",
        "Groupe",
        "Numéro Étudiant",
        SHARED,
        *SHARED_ON,
        "Nombre de pix total",
        "Certifiable (O/N)",
        "Nombre de compétences certifiables",
    }
)
# Pix puts a quote before a value that a spreadsheet would run as a formula.
_FORMULA_GUARD: Final = re.compile(r"^'(?=[=+\-@\t\r])")


class PixImportError(ValueError):
    """The export cannot be read as a whole; ``problems`` says why, one French line each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class PixParticipant(BaseModel):
    """One line of the export: who (for a mediator to match), and their levels by CRCN code."""

    model_config = ConfigDict(frozen=True)

    line: int
    last_name: str
    first_name: str
    external_id: str | None = None
    shared: bool
    shared_on: date | None = None
    levels: dict[str, int]


class PixImport(BaseModel):
    """A whole export, read without a single problem."""

    model_config = ConfigDict(frozen=True)

    campaign_name: str | None = None
    campaign_code: str | None = None
    external_id_label: str | None = None
    participants: tuple[PixParticipant, ...]

    def evidence(self, participant: PixParticipant) -> tuple[Evidence, ...]:
        """What the participant proved on Pix, as evidence the scoring and badges read."""
        source = " ".join(
            part
            for part in (
                "Pix",
                f"campagne {self.campaign_code}" if self.campaign_code else "",
                f"envoyé le {participant.shared_on:%d/%m/%Y}" if participant.shared_on else "",
            )
            if part
        )
        return tuple(
            Evidence(kind="pix", pix_competence=code, pix_level=level, source=source)
            for code, level in sorted(participant.levels.items())
        )


def by_our_competence(ref: Referential, levels: Mapping[str, int]) -> dict[str, dict[str, int]]:
    """For each of our competences, the Pix levels (by CRCN code) that bear on it."""
    return {
        competence.code: {crcn: levels[crcn] for crcn in competence.mappings.crcn if crcn in levels}
        for competence in ref.competences
        if any(crcn in levels for crcn in competence.mappings.crcn)
    }


def _key(label: str) -> str:
    """A label as compared: no case, no accents, one kind of apostrophe, single spaces."""
    text = unicodedata.normalize("NFKD", label.replace("’", "'").replace("ʼ", "'"))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.casefold().split())


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        # What a French spreadsheet writes when saving « CSV (séparateur : point-virgule) ».
        return data.decode("cp1252", errors="replace")


def _delimiter(header_line: str) -> str:
    return ";" if header_line.count(";") >= header_line.count(",") else ","


def _clean(value: str) -> str:
    return _FORMULA_GUARD.sub("", value.strip())


def _date(value: str) -> date | None:
    for pattern in (
        "%Y-%m-%d",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%d/%m/%Y",
        "%d/%m/%Y %H:%M",
    ):
        try:
            return datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise ValueError(value)


def read_pix_export(data: bytes, ref: Referential) -> PixImport:
    """Every participant of a Pix Orga profile-collection export, or ``PixImportError``."""
    if len(data) > MAX_BYTES:
        raise PixImportError([f"fichier trop lourd (plus de {MAX_BYTES // 1024 // 1024} Mo)"])
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first_line), strict=True)
    try:
        header = [cell.strip() for cell in next(rows, [])]
    except csv.Error as exc:
        raise PixImportError([f"ligne 1 : en-tête illisible ({exc})"]) from exc
    columns, problems = _columns(header, ref)
    if problems:
        raise PixImportError(problems)
    participants: list[PixParticipant] = []
    campaign: dict[str, str] = {}
    for line, row in _records(rows, problems):
        if len(row) != len(header):
            problems.append(f"ligne {line} : {len(row)} valeurs au lieu de {len(header)}")
            continue
        values = dict(zip(header, (_clean(cell) for cell in row), strict=True))
        for name in (CAMPAIGN_NAME, CAMPAIGN_CODE):
            if values.get(name):
                campaign.setdefault(name, values[name])
        participant, found = _participant(line, values, columns)
        problems.extend(found)
        if participant is not None:
            participants.append(participant)
    if problems:
        raise PixImportError(problems)
    if not participants:
        raise PixImportError(["aucun participant dans ce fichier"])
    return PixImport(
        campaign_name=campaign.get(CAMPAIGN_NAME),
        campaign_code=campaign.get(CAMPAIGN_CODE),
        external_id_label=columns.external_id,
        participants=tuple(participants),
    )


def _records(rows: Reader, problems: list[str]) -> Iterator[tuple[int, list[str]]]:
    """Each non-blank record with its line; a record csv cannot read ends the file."""
    while True:
        try:
            row = next(rows, None)
        except csv.Error as exc:
            problems.append(f"ligne {rows.line_num} : ligne illisible ({exc})")
            return
        if row is None:
            return
        if any(cell.strip() for cell in row):
            yield rows.line_num, row


class _Columns(BaseModel):
    levels: dict[str, str]
    """Column name → CRCN code."""
    external_id: str | None
    shared_on: str | None


def _columns(header: list[str], ref: Referential) -> tuple[_Columns, list[str]]:
    problems = []
    crcn = {_key(c.label): c.code for c in ref.frameworks.crcn_competences}
    levels: dict[str, str] = {}
    for name in header:
        if not name.startswith(LEVEL_PREFIX):
            continue
        code = crcn.get(_key(name.removeprefix(LEVEL_PREFIX)))
        if code is None:
            problems.append(f"colonne « {name} » : compétence Pix inconnue du référentiel CRCN")
        elif code in levels.values():
            problems.append(
                f"colonne « {name} » : compétence {code} déjà lue dans une autre colonne"
            )
        else:
            levels[name] = code
    for name in (LAST_NAME, FIRST_NAME):
        if name not in header:
            problems.append(f"ligne 1 : la colonne « {name} » manque")
    if len(set(header)) != len(header):
        problems.append("ligne 1 : deux colonnes portent le même nom")
    if not levels and not problems:
        problems.append(
            "ce fichier n'est pas l'export d'une campagne de collecte de profils Pix : "
            f"aucune colonne « {LEVEL_PREFIX}… »"
        )
    external_id = None
    if SHARED in header:
        before = header[header.index(SHARED) - 1]
        if before not in _KNOWN and not before.startswith(LEVEL_PREFIX):
            external_id = before
    shared_on = next((name for name in SHARED_ON if name in header), None)
    return _Columns(levels=levels, external_id=external_id, shared_on=shared_on), problems


def _participant(
    line: int, values: dict[str, str], columns: _Columns
) -> tuple[PixParticipant | None, list[str]]:
    problems = []
    shared_text = values.get(SHARED, "Oui")
    if shared_text not in {"Oui", "Non", "O", "N"}:
        problems.append(f"ligne {line}, « {SHARED} » : « {shared_text} » au lieu de Oui ou Non")
    shared = shared_text in {"Oui", "O"}
    shared_on = None
    raw_date = values.get(columns.shared_on or "", "")
    if shared and raw_date not in NOT_SHARED:
        try:
            shared_on = _date(raw_date)
        except ValueError:
            problems.append(
                f"ligne {line}, « {columns.shared_on} » : date illisible « {raw_date} »"
            )
    levels: dict[str, int] = {}
    for name, code in columns.levels.items():
        raw = values[name]
        if raw in NOT_SHARED:
            continue
        if not (raw.isascii() and raw.isdigit()) or int(raw) > MAX_PIX_LEVEL:
            problems.append(
                f"ligne {line}, « {name} » : « {raw} » n'est pas un niveau Pix "
                f"(0 à {MAX_PIX_LEVEL})"
            )
        elif not shared:
            problems.append(
                f"ligne {line}, « {name} » : un niveau alors que le profil n'est pas envoyé"
            )
        else:
            levels[code] = int(raw)
    if problems:
        return None, problems
    participant = PixParticipant(
        line=line,
        last_name=values[LAST_NAME],
        first_name=values[FIRST_NAME],
        external_id=values.get(columns.external_id or "") or None,
        shared=shared,
        shared_on=shared_on,
        levels=levels,
    )
    return participant, []
