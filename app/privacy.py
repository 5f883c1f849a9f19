"""Everything stored about a person, in one register: the export gathers every part, erasure
removes every part, in one transaction.

A feature that keeps anything derived from a person (a scanned sheet, a booking, a badge…)
adds a part here. tests/app/test_erasure.py fails when a table refers to a person or to
one of their diagnostics and no part claims it, and plants a person everywhere to check, with
raw SQL and on disk, that nothing of them remains after erasure.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models import Diagnostic, Person
from app.features.badges import (
    erase_credentials,
    erase_wallet_links,
    export_credentials,
    export_wallet_links,
)
from app.features.bookings.personal import (
    erase_bookings,
    erase_evidence,
    erase_messages,
    export_bookings,
    export_evidence,
    export_messages,
)
from app.features.pathways.personal import (
    erase_feedback,
    erase_pathways,
    erase_recommendations,
    export_feedback,
    export_pathways,
    export_recommendations,
)
from app.features.people.personal import (
    erase_consents,
    erase_diagnostics,
    export_consents,
    export_diagnostics,
)
from app.features.scans.personal import erase_scans_of, export_scans_of
from app.features.statistics import erase_statistics
from app.sessions import forget_in_sessions

Exporter = Callable[[AsyncSession, Person, Sequence[UUID]], Awaitable[Any]]
Eraser = Callable[[AsyncSession, Person, Sequence[UUID]], Awaitable[int]]


@dataclass(frozen=True)
class PersonalPart:
    """One kind of data about a person: its key in the export and the tables it covers.

    ``export`` and ``erase`` get the session, the person and the ids of their diagnostics
    (read before anything is erased); ``erase`` returns how many rows it removed.
    """

    name: str
    tables: tuple[str, ...]
    export: Exporter | None  # None: nothing in it is the person's to read (a pointer)
    erase: Eraser


async def erase_session_pointers(
    db: AsyncSession, person: Person, diagnostics: Sequence[UUID]
) -> int:
    """A browser session may still point to the person's diagnostics (the last paper form a
    mediator saved, say): those pointers go too."""
    return await forget_in_sessions(db, {str(person.id), *map(str, diagnostics)})


# In erasure order: badges are revoked and let go of the person first; what points to a
# diagnostic goes before the diagnostics, the messages and evidence of a booking before the
# booking (whose seat goes to the first waiting), a pathway's steps (which name bookings)
# before the bookings.
PARTS: tuple[PersonalPart, ...] = (
    PersonalPart("sessions", ("store_entry",), None, erase_session_pointers),
    # a copy of their diagnostics' answers and of their badges' domains, already in the
    # export with the diagnostics and the badges
    PersonalPart("statistics", ("stat_subject", "stat_badge"), None, erase_statistics),
    PersonalPart("badges", ("credential",), export_credentials, erase_credentials),
    PersonalPart("wallet_links", ("wallet_link",), export_wallet_links, erase_wallet_links),
    PersonalPart("pathway_feedback", ("pathway_feedback",), export_feedback, erase_feedback),
    PersonalPart("pathways", ("pathway", "pathway_step"), export_pathways, erase_pathways),
    PersonalPart(
        "recommendations", ("recommendation",), export_recommendations, erase_recommendations
    ),
    PersonalPart("messages", ("outbox_message",), export_messages, erase_messages),
    PersonalPart("evidence", ("evidence_record",), export_evidence, erase_evidence),
    PersonalPart("bookings", ("booking",), export_bookings, erase_bookings),
    PersonalPart("scan_pages", ("scan_page",), export_scans_of, erase_scans_of),
    PersonalPart("consents", ("consent",), export_consents, erase_consents),
    PersonalPart("diagnostics", ("diagnostic",), export_diagnostics, erase_diagnostics),
)


async def _diagnostic_ids(db: AsyncSession, person: Person) -> list[UUID]:
    found = await db.scalars(select(Diagnostic.id).where(Diagnostic.person_id == person.id))
    return list(found.all())


async def export_parts(db: AsyncSession, person: Person) -> dict[str, Any]:
    diagnostics = await _diagnostic_ids(db, person)
    return {
        part.name: await part.export(db, person, diagnostics)
        for part in PARTS
        if part.export is not None
    }


async def erase_parts(db: AsyncSession, person: Person) -> dict[str, int]:
    """Every part, then the person's row; the caller commits (with its audit event)."""
    diagnostics = await _diagnostic_ids(db, person)
    counts = {part.name: await part.erase(db, person, diagnostics) for part in PARTS}
    await db.execute(delete(Person).where(Person.id == person.id))
    return counts
