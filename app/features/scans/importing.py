"""Turning a read page into a diagnostic, and the one-click corrections of doubtful rows.

Sheets ask the commune's postal code, which people know (the reader gives it as
``postal_code``); the commune it stands for comes from the one commune lookup of the
service (:mod:`app.territories`). A postal code shared by several communes, or that no
commune has, leaves the commune to a person, who sees the postal code boxes and the name
written beside them. Sheets of layout revision 1 asked the INSEE code, which is kept as read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.access import person_in_structure
from app.db.models import Channel, Diagnostic, PageOutcome, ScanBatch, ScanPage
from app.features.diagnostics import Provenance, add_diagnostic, person_row
from app.territories import Commune, CommuneError, by_postal_code, resolve, unknown_commune
from printables.layout import COMMUNE, POSTAL_CODE, WISHED_AUTONOMY, Layout, layout_for
from printables.reader import ContextReading, PageReading
from printables.texts import LANGUAGES
from referentiel import UnknownVersionError, load_version
from referentiel.context import read_context_value
from referentiel.goals import is_goal
from referentiel.submission import SubmissionError, read_submission

DOUBTFUL = ("ambiguous",)
SHEET_LAYOUT = "sheet_layout"  # in a page's reading: the language and revision printed
MSG_DUPLICATE = "Cette feuille a déjà été importée (même numéro de feuille)."
UNKNOWN_PERSON = (
    "Feuille imprimée pour une personne qui n'est pas (ou plus) suivie par votre structure : "
    "elle n'a pas été importée, et ses réponses n'ont pas été gardées."
)
CLEARED = "corrected"
MSG_COMMUNE_NOT_FOUND = (
    "Aucune commune, ou plusieurs, pour ce que vous avez tapé : tapez le code postal et le nom "
    "de la commune, par exemple « 03000 Moulins »."
)


class CommuneNotFoundError(ValueError):
    """A commune typed at review that is no commune, or several."""


def with_commune(reading: PageReading) -> PageReading:
    """The page with the commune its postal code stands for, when exactly one commune has
    it; otherwise the commune is doubtful and comes with the picture of the postal code and
    the written name. The postal code's own reading stays, for the review to offer its
    communes."""
    code = reading.context.get(POSTAL_CODE)
    if code is None:  # a sheet of layout revision 1, or a page that could not be read
        return reading
    read = code.value if code.state == "ticked" and isinstance(code.value, str) else None
    found = by_postal_code(read) if read else ()
    crops = {k: v for k, v in reading.crops.items() if k != POSTAL_CODE}
    update: dict[str, Any] = {"crops": crops}
    if len(found) == 1:
        commune = ContextReading(value=found[0].insee, state="ticked", confidence=code.confidence)
    elif code.state == "empty":
        commune = ContextReading(value=None, state="empty", confidence=code.confidence)
    else:
        commune = ContextReading(value=None, state="ambiguous", confidence=code.confidence)
        if POSTAL_CODE in reading.crops:
            crops[COMMUNE] = reading.crops[POSTAL_CODE]
        if read:  # read clearly, but not the code of one commune
            note = (
                f"commune à choisir : le code postal {read} est celui de {len(found)} communes"
                if found
                else f"commune à vérifier : aucune commune n'a le code postal {read}"
            )
            update["status"] = "review"
            update["error"] = " ; ".join(filter(None, (reading.error, note)))
    update["context"] = {**reading.context, COMMUNE: commune}
    return reading.model_copy(update=update)


def read_postal_code(page: ScanPage) -> str | None:
    """The postal code read clearly on the sheet, if any (never on a sheet of revision 1)."""
    code = page.reading.get("context", {}).get(POSTAL_CODE, {})
    value = code.get("value")
    return value if code.get("state") == "ticked" and isinstance(value, str) else None


def commune_choices(page: ScanPage) -> tuple[Commune, ...]:
    """The communes a person chooses from for a doubtful commune: those of the postal code
    read on the sheet (none when it was unclear)."""
    code = read_postal_code(page)
    return by_postal_code(code) if code else ()


def page_layout(page: ScanPage) -> Layout | None:
    """The layout the sheet was printed with, when the page says which (pages read before
    this was kept: French, and the revision their commune boxes give away)."""
    version = page.reading.get("form_version")
    if not version:
        return None
    printed = page.reading.get(SHEET_LAYOUT) or {}
    context = page.reading.get("context", {})
    revision = printed.get("revision") or (2 if POSTAL_CODE in context else 1)
    lang = printed.get("lang") if printed.get("lang") in LANGUAGES else "fr"
    try:
        return layout_for(str(version), lang, int(revision))
    except (UnknownVersionError, KeyError, ValueError):
        return None


def doubtful_keys(page: ScanPage) -> list[str]:
    """Answers and context questions a person must still decide, in form order. The postal
    code is not one: its doubts are the commune's."""
    return [
        key
        for section in ("answers", "context")
        for key, reading in page.reading.get(section, {}).items()
        if reading.get("state") in DOUBTFUL and key != POSTAL_CODE
    ]


def correct(page: ScanPage, key: str, value: Any) -> None:
    """Record a person's decision for one doubtful row (answers or context)."""
    for section in ("answers", "context"):
        readings = page.reading.get(section, {})
        if key in readings:
            readings[key] = {"value": value, "state": CLEARED, "confidence": 1.0}
            page.reading = {**page.reading, section: dict(readings)}
            return
    raise KeyError(key)


SCALE_CHOICES = ("0", "1", "2", "3", "4", "?")


def parse_choice(page: ScanPage, key: str, choice: str) -> Any:
    """The value a clicked button stands for; ValueError if it fits no question."""
    if choice == "":
        return None
    if key not in page.reading.get("answers", {}):
        return _context_choice(page, key, choice)
    if choice not in SCALE_CHOICES:
        raise ValueError(choice)
    return choice if choice == "?" else int(choice)


def _context_choice(page: ScanPage, key: str, choice: str) -> Any:
    if key == COMMUNE:
        return _commune_choice(page, choice)
    ref = load_version(str(page.reading.get("form_version")))
    question = next((q for q in ref.context_questions if q.id == key), None)
    if question is not None:
        return read_context_value(question, [choice])  # a ContextValueError is a ValueError
    if key == WISHED_AUTONOMY and is_goal(choice):
        return choice
    raise ValueError(choice)


def _commune_choice(page: ScanPage, choice: str) -> str:
    """One of the postal code's communes, or a commune typed by the person (its postal code
    and name, as anywhere else in the service)."""
    if choice in {c.insee for c in commune_choices(page)}:
        return choice
    try:
        commune = resolve(choice)
    except CommuneError:
        commune = None
    if commune is None:
        raise CommuneNotFoundError(MSG_COMMUNE_NOT_FOUND)
    return commune.insee


def _submission_payload(page: ScanPage) -> dict[str, Any]:
    answers = {
        key: reading["value"]
        for key, reading in page.reading.get("answers", {}).items()
        if reading.get("value") is not None
    }
    context = {
        key: reading["value"]
        for key, reading in page.reading.get("context", {}).items()
        if reading.get("value") not in (None, [], "")
    }
    return {"version": page.reading.get("form_version"), "answers": answers, "context": context}


@dataclass
class Importer:
    db: AsyncSession
    structure_id: UUID

    async def import_page(self, page: ScanPage) -> None:
        """A clear page becomes a diagnostic; otherwise the page says what is missing."""
        if page.outcome != PageOutcome.TO_REVIEW:
            return
        person_id = await self._person(page.person_ref)
        if page.person_ref and person_id is None:
            # Printed for someone erased (or never of this structure): their answers are not
            # kept, and never become an anonymous diagnostic.
            page.outcome = PageOutcome.REJECTED
            page.message = UNKNOWN_PERSON
            page.reading, page.crops, page.person_ref = {}, {}, None
            await self.db.commit()
            return
        # Before any review: nobody checks the rows of a sheet that is in already.
        if page.sheet_serial and await self._serial_taken(page.sheet_serial):
            page.outcome = PageOutcome.DUPLICATE
            page.message = MSG_DUPLICATE
            await self.db.commit()
            return
        if doubtful_keys(page):
            return
        payload = _submission_payload(page)
        try:
            ref = load_version(str(payload["version"]))
            read = payload["context"]
            context = {k: v for k, v in read.items() if k in {q.id for q in ref.context_questions}}
            wished = read.get(WISHED_AUTONOMY)
            goals = dict.fromkeys(context.get("needs", []), wished) if wished else {}
            submission = read_submission({**payload, "context": context, "goals": goals})
            misread = unknown_commune(context)  # a code no commune has
            if misread:
                raise SubmissionError(misread)
        except (SubmissionError, UnknownVersionError) as error:
            problems = error.problems if isinstance(error, SubmissionError) else [str(error)]
            page.message = "; ".join(problems)[:500]
            await self.db.commit()
            return
        provenance = Provenance(
            Channel.SCAN, person_id, self.structure_id, sheet_serial=page.sheet_serial
        )
        try:
            row = await person_row(self.db, submission, provenance)
            recorded = await add_diagnostic(self.db, row)
        except IntegrityError:  # the same serial imported meanwhile by another batch
            page.outcome = PageOutcome.DUPLICATE
            page.message = MSG_DUPLICATE
        else:
            page.outcome = PageOutcome.IMPORTED
            page.diagnostic_id = recorded.id
            page.message = None
            if page.sheet_serial:
                await self._set_aside_copies(page)
        await self.db.commit()

    async def _set_aside_copies(self, page: ScanPage) -> None:
        """Other scans of the same sheet still waiting for a person are copies now: nobody
        reviews them."""
        batches = select(ScanBatch.id).where(ScanBatch.structure_id == self.structure_id)
        await self.db.execute(
            update(ScanPage)
            .where(
                ScanPage.sheet_serial == page.sheet_serial,
                ScanPage.outcome == PageOutcome.TO_REVIEW,
                ScanPage.id != page.id,
                ScanPage.batch_id.in_(batches),
            )
            .values(outcome=PageOutcome.DUPLICATE, message=MSG_DUPLICATE)
        )

    async def _serial_taken(self, serial: str) -> bool:
        found = await self.db.scalar(
            select(Diagnostic.id).where(Diagnostic.sheet_serial == serial).limit(1)
        )
        return found is not None

    async def _person(self, reference: str | None) -> UUID | None:
        """The person the sheet was printed for, if they belong to this structure."""
        if not reference:
            return None
        try:
            person_id = UUID(reference)
        except ValueError:
            return None
        person = await person_in_structure(self.db, self.structure_id, person_id)
        return None if person is None else person.id
