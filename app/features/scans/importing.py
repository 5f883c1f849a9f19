"""Turning a read page into a diagnostic, and the one-click corrections of doubtful rows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.access import person_in_structure
from app.db.models import Channel, Diagnostic, PageOutcome, ScanPage
from app.features.diagnostics.service import Provenance, add_diagnostic, diagnostic_row
from app.territories import communes, unknown_commune
from printables.layout import WISHED_AUTONOMY
from referentiel import UnknownVersionError, load_version
from referentiel.context import read_context_value
from referentiel.goals import is_goal
from referentiel.submission import SubmissionError, read_submission

DOUBTFUL = ("ambiguous",)
UNKNOWN_PERSON = (
    "Feuille imprimée pour une personne qui n'est pas (ou plus) suivie par votre structure : "
    "elle n'a pas été importée, et ses réponses n'ont pas été gardées."
)
CLEARED = "corrected"


def doubtful_keys(page: ScanPage) -> list[str]:
    """Answers and context questions a person must still decide, in form order."""
    return [
        key
        for section in ("answers", "context")
        for key, reading in page.reading.get(section, {}).items()
        if reading.get("state") in DOUBTFUL
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
    ref = load_version(str(page.reading.get("form_version")))
    question = next((q for q in ref.context_questions if q.id == key), None)
    if question is not None:
        if question.kind == "commune" and choice not in communes():
            raise ValueError(choice)  # shaped like an INSEE code, but no commune's
        return read_context_value(question, [choice])  # a ContextValueError is a ValueError
    if key == WISHED_AUTONOMY and is_goal(choice):
        return choice
    raise ValueError(choice)


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
        if doubtful_keys(page):
            return
        if page.sheet_serial and await self._serial_taken(page.sheet_serial):
            page.outcome = PageOutcome.DUPLICATE
            page.message = "Cette feuille a déjà été importée (même numéro de feuille)."
            await self.db.commit()
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
            recorded = await add_diagnostic(self.db, diagnostic_row(submission, provenance))
        except IntegrityError:  # the same serial imported meanwhile by another batch
            page.outcome = PageOutcome.DUPLICATE
            page.message = "Cette feuille a déjà été importée (même numéro de feuille)."
        else:
            page.outcome = PageOutcome.IMPORTED
            page.diagnostic_id = recorded.id
            page.message = None
        await self.db.commit()

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
