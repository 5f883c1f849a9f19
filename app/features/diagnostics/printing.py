"""A result as it leaves the screen, printed from the page or as the attestation PDF.

A sheet of paper has no address bar and no header around it: it must say itself when the
diagnostic was made, by which service and structure, and at which address its resume code is
typed. The result page and the attestation read these facts from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import cast

from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.db.models import Diagnostic, Person, Structure
from app.db.types import as_utc
from app.features.diagnostics.service import format_resume_code, referential_of, result_of
from app.web import PARIS

SERVICE_NAME = "parcours-numérique"
RESUME_PATH = "/reprendre"


@dataclass(frozen=True)
class PaperFacts:
    """What a printed result says about itself."""

    day: date  # when the diagnostic was finished (Paris)
    service: str  # the service's name and address
    structure: str | None  # the structure that accompanied the person, if any
    alias: str | None  # the person's alias, for a diagnostic made with a mediator
    resume_code: str | None  # shown as typed (« ABCD-EFGH »); only an anonymous one reopens
    resume_address: str  # the full address where the code is typed


async def paper_facts(db: AsyncSession, diagnostic: Diagnostic, settings: Settings) -> PaperFacts:
    """The facts of a completed diagnostic the caller may already see."""
    finished = diagnostic.completed_at or diagnostic.updated_at
    structure = (
        await db.get(Structure, diagnostic.structure_id) if diagnostic.structure_id else None
    )
    person = await db.get(Person, diagnostic.person_id) if diagnostic.person_id else None
    # A code reopens anonymous diagnostics only (`DiagnosticService.by_resume_code`).
    code = diagnostic.resume_code if diagnostic.person_id is None else None
    return PaperFacts(
        day=as_utc(finished).astimezone(PARIS).date(),
        service=f"{SERVICE_NAME} – {settings.address('/')}",
        structure=structure.name if structure else None,
        alias=person.alias if person else None,
        resume_code=format_resume_code(code) if code else None,
        resume_address=settings.address(RESUME_PATH),
    )


def attestation_pdf(diagnostic: Diagnostic, facts: PaperFacts, lang: str) -> bytes:
    """The one-page attestation of a completed diagnostic (as `parcours print attestation`
    makes it), in the page's language. Slow: call it off the event loop."""
    from printables.pdf import Issuer, render_attestation  # WeasyPrint needs Pango: only here
    from printables.texts import Language

    needs = diagnostic.context.get("needs")
    return render_attestation(
        referential_of(diagnostic),
        result_of(diagnostic),
        facts.alias,
        facts.day,
        lang=cast(Language, lang),
        needs=needs if isinstance(needs, list) and needs else None,
        issuer=Issuer(
            service=facts.service,
            structure=facts.structure,
            resume_code=facts.resume_code,
            resume_address=facts.resume_address if facts.resume_code else None,
        ),
    )
