"""Badges the service issues from recorded evidence, for the statistics tests: one person
followed by a structure, living in a commune, receiving a badge (or a pathway's badge)."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models import (
    Channel,
    Consent,
    Credential,
    Diagnostic,
    DiagnosticStatus,
    EvidenceRecord,
    Person,
    StepStatus,
    Structure,
)
from app.features.badges import issue_for_evidence, issue_for_pathway
from tests.app.pathway_rows import pathway_with_a_step


async def a_structure(db: AsyncSession) -> Structure:
    structure = Structure(name=f"Structure {uuid4().hex[:6]}")
    db.add(structure)
    await db.flush()
    return structure


async def a_person(db: AsyncSession, structure: Structure, commune: str | None) -> Person:
    """A person followed by ``structure``, with their consent, living in ``commune``."""
    person = Person(structure_id=structure.id, alias=f"p-{uuid4().hex[:8]}", commune_insee=commune)
    person.consents.append(Consent(text_version="1", given_at=datetime.now(UTC)))
    db.add(person)
    await db.flush()
    return person


async def award(
    db: AsyncSession,
    person: Person,
    competence: str = "E1",
    level: int = 2,
    issued_at: datetime | None = None,
) -> Credential:
    """The badge a passed exit check of ``competence`` gives the person; ``issued_at`` moves
    its issuance into the period a test reads. The caller commits."""
    evidence = EvidenceRecord(
        person_id=person.id,
        structure_id=person.structure_id,
        kind="exit_check",
        competence=competence,
        level=level,
        passed=True,
        observed="Envoyer une photo à sa fille",
        recorded_at=datetime.now(UTC),
    )
    db.add(evidence)
    await db.flush()
    credential = await issue_for_evidence(db, evidence, issued_by=None)
    if issued_at is not None:
        credential.issued_at = issued_at
        await db.flush()
    return credential


async def award_pathway(
    db: AsyncSession, person: Person, commune: str, issued_at: datetime | None = None
) -> Credential:
    """The badge of a pathway whose one step is done, after a diagnostic in ``commune``."""
    now = datetime.now(UTC)
    diagnostic = Diagnostic(
        channel=Channel.PAPER,
        status=DiagnosticStatus.COMPLETED,
        referential_version="1",
        answers={"E1.1": 1},
        asked=["E1.1"],
        context={"commune": commune, "needs": ["telephone"]},
        goals={"telephone": "A3"},
        result={"profile": "debutant", "domains": [{"code": "E", "level": 1}]},
        person_id=person.id,
        structure_id=person.structure_id,
        completed_at=issued_at or now,
        created_at=issued_at or now,
    )
    db.add(diagnostic)
    await db.flush()
    pathway, _ = await pathway_with_a_step(
        db, diagnostic.id, person.id, "telephone", StepStatus.DONE
    )
    credential = await issue_for_pathway(db, pathway, issued_by=None)
    if issued_at is not None:
        credential.issued_at = issued_at
        await db.flush()
    return credential
