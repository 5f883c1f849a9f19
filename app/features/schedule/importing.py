"""Sessions imported from a spreadsheet (CSV): one line per session, checked by the same rules
as a session typed in a page, with a report line by line (line number, column, what is
wrong) in French.

By default nothing is saved when any line fails; « importer les lignes valides » saves the
others. A line imported once is refused the next time (``session.import_key``: a hash of
the structure and the line's meaningful fields). UTF-8 with or without BOM and Windows-1252
are read; the separator is « ; » (French spreadsheets), « , » or a tab."""

from __future__ import annotations

import csv
import hashlib
import io
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TypeVar
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models import Place, Session, Workshop
from app.features.schedule.reading import (
    DATE_UNREADABLE,
    NUMBER_UNREADABLE,
    TIME_UNREADABLE,
    local_moment,
    read_date,
    read_number,
    read_time,
)
from app.features.schedule.rules import Draft, check
from app.features.schedule.service import add_checked
from app.throttle import Limit
from app.web import Msg
from app.when import from_paris

MAX_BYTES = 1_000_000
MAX_LINES = 1000
# Each import reads and checks up to a thousand lines: often, but not without end.
IMPORTS = Limit("sessions.import", 60, timedelta(hours=1))


@dataclass(frozen=True)
class Column:
    name: str  # as written in the file's first line
    required: bool
    says: Msg  # what goes in it, for the page
    example: str


COLUMNS = (
    Column(
        "atelier",
        True,
        Msg("Le titre de l'atelier, tel qu'il est dans votre catalogue."),
        "Premiers pas sur le téléphone",
    ),
    Column("date", True, Msg("Le jour de la séance : 08/12/2026 ou 2026-12-08."), "08/12/2026"),
    Column("début", True, Msg("L'heure de début, heure de Paris : 14:00 ou 14 h."), "14:00"),
    Column("fin", False, Msg("L'heure de fin ; vide : la durée de l'atelier."), "16:00"),
    Column(
        "lieu",
        False,
        Msg("Le nom du lieu ; vide pour une séance à distance ou en autonomie."),
        "Médiathèque de Bourges",
    ),
    Column("lien", False, Msg("Le lien d'une séance à distance (https://…) ; vide sinon."), ""),
    Column("places", True, Msg("Le nombre de places, au moins 1."), "12"),
    Column("inscriptions", False, Msg("« ouvertes » (si vide) ou « fermées »."), "ouvertes"),
    Column(
        "note",
        False,
        Msg("Une remarque pour les personnes inscrites (facultatif)."),
        "Apportez votre téléphone",
    ),
)
EXPECTED = ", ".join(c.name for c in COLUMNS)
# Where each field's problem is written in the report.
FIELD_COLUMNS = {
    "workshop_id": "atelier",
    "starts_at": "date",
    "ends_at": "fin",
    "place_id": "lieu",
    "remote_url": "lien",
    "capacity": "places",
    "note": "note",
}
OPEN_WORDS = {"", "ouvertes", "ouverte", "oui", "ouvert"}
CLOSED_WORDS = {"fermees", "fermee", "non", "ferme"}


def template_csv() -> bytes:
    """The file offered to download: the columns and one example line, UTF-8 with a BOM so
    that spreadsheets open its accents right."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([c.name for c in COLUMNS])
    writer.writerow([c.example for c in COLUMNS])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


@dataclass(frozen=True)
class LineProblem:
    line: int  # as a spreadsheet numbers it: the column names are line 1
    column: str
    message: Msg


@dataclass
class Report:
    """What became of a file: its problems (the file's own, or line by line) and the
    sessions created (none when any line failed, unless the valid lines were asked for)."""

    file_problem: Msg | None = None
    problems: list[LineProblem] = field(default_factory=list)
    lines: int = 0
    created: list[Session] = field(default_factory=list)

    @property
    def failed_lines(self) -> int:
        return len({p.line for p in self.problems})

    def said(self) -> list[str]:
        """The problems, one line each, in French (for the API)."""
        if self.file_problem is not None:
            return [self.file_problem.render(str)]
        return [f"ligne {p.line}, {p.column} : {p.message.render(str)}" for p in self.problems]


class FileError(ValueError):
    def __init__(self, message: Msg) -> None:
        super().__init__(message.text)
        self.message = message


def _plain(name: str) -> str:
    """A column or a name compared without case, accents or spaces around."""
    folded = unicodedata.normalize("NFKD", name.strip().casefold())
    return " ".join("".join(c for c in folded if not unicodedata.combining(c)).split())


def decode(content: bytes) -> str:
    """UTF-8 (a BOM is dropped), else Windows-1252."""
    if len(content) > MAX_BYTES:
        raise FileError(Msg("Le fichier dépasse 1 Mo : découpez-le en plusieurs fichiers."))
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1252")
    except UnicodeDecodeError:
        raise FileError(
            Msg(
                "Le fichier ne se lit ni en UTF-8 ni en Windows-1252 : enregistrez-le en CSV UTF-8."
            )
        ) from None


def read_rows(text: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The column names and the lines that are not empty, each with its number."""
    if "\x00" in text:
        raise FileError(Msg("Le fichier contient des caractères nuls : est-ce bien un CSV ?"))
    first = text.split("\n", 1)[0]
    delimiter = max(";,\t", key=first.count)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error:
        raise FileError(
            Msg("Le fichier ne se lit pas comme un CSV : vérifiez les guillemets.")
        ) from None
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise FileError(Msg("Le fichier est vide : la première ligne donne les colonnes."))
    lines = [(n, row) for n, row in enumerate(rows[1:], start=2) if any(c.strip() for c in row)]
    if len(lines) > MAX_LINES:
        raise FileError(Msg("{max} séances au plus par fichier : découpez-le.", {"max": MAX_LINES}))
    return rows[0], lines


def header_problem(names: Sequence[str]) -> Msg | None:
    known = {_plain(c.name): c for c in COLUMNS}
    plain = [_plain(n) for n in names]
    missing = [c.name for c in COLUMNS if c.required and _plain(c.name) not in plain]
    unknown = [n.strip() or "(vide)" for n, p in zip(names, plain, strict=True) if p not in known]
    twice = sorted({n for n in plain if plain.count(n) > 1})
    if not (missing or unknown or twice):
        return None
    said = []
    if missing:
        said.append("manquantes : " + ", ".join(missing))
    if unknown:
        said.append("inconnues : " + ", ".join(unknown))
    if twice:
        said.append("en double : " + ", ".join(twice))
    return Msg(
        "Les colonnes ne conviennent pas ({what}). Colonnes attendues : {expected} "
        "(atelier, date, début et places sont obligatoires).",
        {"what": " ; ".join(said), "expected": EXPECTED},
    )


@dataclass(frozen=True)
class _Catalogue:
    """The structure's workshops and places, by plain name and by id."""

    workshops: dict[str, list[Workshop]]
    places: dict[str, list[Place]]

    @staticmethod
    async def of(db: AsyncSession, structure_id: UUID) -> _Catalogue:
        workshops = await db.scalars(select(Workshop).where(Workshop.structure_id == structure_id))
        places = await db.scalars(select(Place).where(Place.structure_id == structure_id))
        return _Catalogue(_index(workshops, "title"), _index(places, "name"))


Named = TypeVar("Named", Workshop, Place)


def _index(rows: Iterable[Named], name: str) -> dict[str, list[Named]]:
    found: dict[str, list[Named]] = {}
    for row in rows:
        for key in {_plain(getattr(row, name)), str(row.id)}:
            found.setdefault(key, []).append(row)
    return found


def _one(found: list[Named], what: str) -> Named | Msg:
    """The one row a name stands for (an archived namesake aside), or what is wrong."""
    live = [row for row in found if not row.archived] or found
    if not live:
        return Msg("{what} introuvable dans votre structure : vérifiez son nom.", {"what": what})
    if len(live) > 1:
        return Msg("Plusieurs éléments portent ce nom : écrivez son identifiant à la place.", {})
    return live[0]


def import_key(structure_id: UUID, draft: Draft) -> str:
    """What makes two lines the same session: structure, workshop, where, when."""
    assert draft.starts_at is not None and draft.ends_at is not None
    parts = (
        structure_id,
        draft.workshop_id,
        draft.place_id or "",
        draft.remote_url or "",
        draft.starts_at.astimezone(UTC).isoformat(),
        draft.ends_at.astimezone(UTC).isoformat(),
    )
    return hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()


def _line(cells: dict[str, str], catalogue: _Catalogue) -> tuple[Draft, dict[str, Msg]]:
    """A line as a draft session, and what could not be read in it (by column)."""
    problems: dict[str, Msg] = {}
    workshop = _one(catalogue.workshops.get(_plain(cells.get("atelier", "")), []), "Atelier")
    if not cells.get("atelier", "").strip():
        problems["atelier"] = Msg("Écrivez le titre de l'atelier.")
    elif isinstance(workshop, Msg):
        problems["atelier"] = workshop
    place: Place | Msg | None = None
    if cells.get("lieu", "").strip():
        place = _one(catalogue.places.get(_plain(cells["lieu"]), []), "Lieu")
        if isinstance(place, Msg):
            problems["lieu"] = place
    day = read_date(cells.get("date", ""))
    if day is None:
        problems["date"] = DATE_UNREADABLE
    start = read_time(cells.get("début", ""))
    if start is None:
        problems["début"] = TIME_UNREADABLE
    begin = local_moment(day, start)
    end = None
    if cells.get("fin", "").strip():
        finish = read_time(cells["fin"])
        if finish is None:
            problems["fin"] = TIME_UNREADABLE
        end = local_moment(day, finish)
    elif begin is not None and isinstance(workshop, Workshop):
        end = begin + timedelta(minutes=workshop.duration_minutes)
    capacity = read_number(cells.get("places", ""))
    if capacity is None:
        problems["places"] = NUMBER_UNREADABLE
    registration = _plain(cells.get("inscriptions", ""))
    if registration not in OPEN_WORDS | CLOSED_WORDS:
        problems["inscriptions"] = Msg("Écrivez « ouvertes » ou « fermées ».")
    draft = Draft(
        workshop_id=workshop.id if isinstance(workshop, Workshop) else None,
        starts_at=from_paris(begin) if begin else None,
        ends_at=from_paris(end) if end else None,
        capacity=capacity,
        place_id=place.id if isinstance(place, Place) else None,
        remote_url=cells.get("lien", "").strip() or None,
        registration_open=registration not in CLOSED_WORDS,
        note=cells.get("note", "").strip() or None,
    )
    return draft, problems


async def import_sessions(
    db: AsyncSession,
    structure_id: UUID,
    content: bytes,
    *,
    valid_lines: bool = False,
    now: datetime | None = None,
) -> Report:
    """Read a CSV file and add its sessions: all of them, or none when a line fails (unless
    ``valid_lines``). Nothing is committed: the caller commits the report's sessions."""
    moment = now or datetime.now(UTC)
    report = Report()
    try:
        names, rows = read_rows(decode(content))
    except FileError as error:
        report.file_problem = error.message
        return report
    report.file_problem = header_problem(names)
    if report.file_problem is not None:
        return report
    report.lines = len(rows)
    columns = [next(c.name for c in COLUMNS if _plain(c.name) == _plain(n)) for n in names]
    catalogue = await _Catalogue.of(db, structure_id)
    good: list[tuple[Draft, str]] = []
    seen: dict[str, int] = {}
    for number, row in rows:
        if len(row) != len(columns):
            report.problems.append(
                LineProblem(
                    number,
                    "—",
                    Msg(
                        "Cette ligne a {found} valeurs au lieu de {expected}.",
                        {"found": len(row), "expected": len(columns)},
                    ),
                )
            )
            continue
        draft, problems = _line(dict(zip(columns, row, strict=True)), catalogue)
        checked = await check(db, structure_id, draft, moment)
        for key, message in checked.problems.items():
            column = FIELD_COLUMNS.get(key, key)
            unreadable_day = column in {"date", "fin"} and {"date", "début"} & set(problems)
            if column not in problems and not unreadable_day:
                problems[column] = message
        if not problems:
            key = import_key(structure_id, draft)
            if key in seen:
                problems["—"] = Msg("Ligne identique à la ligne {line}.", {"line": seen[key]})
            else:
                seen[key] = number
                good.append((draft, key))
        report.problems.extend(LineProblem(number, c, m) for c, m in problems.items())
    done = await _already_imported(db, [key for _, key in good])
    for _, key in good:
        if key in done:
            report.problems.append(
                LineProblem(seen[key], "—", Msg("Cette séance a déjà été importée."))
            )
    report.problems.sort(key=lambda p: p.line)
    if report.problems and not valid_lines:
        return report
    report.created = [
        add_checked(db, structure_id, draft, import_key=key)
        for draft, key in good
        if key not in done
    ]
    return report


async def _already_imported(db: AsyncSession, keys: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        found.update(
            await db.scalars(select(Session.import_key).where(Session.import_key.in_(chunk)))
        )
    return found
