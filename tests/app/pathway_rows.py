"""A kept pathway with one workshop step (E1, a collective workshop), written as the
recommender's pages write them, for tests that need a pathway without running a diagnostic's
recommendation."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models import Pathway, PathwayStep, StepStatus


async def pathway_with_a_step(
    db: AsyncSession,
    diagnostic_id: UUID,
    person_id: UUID | None,
    need: str,
    status: StepStatus = StepStatus.PROPOSED,
    recommendation_id: UUID | None = None,
) -> tuple[Pathway, PathwayStep]:
    """The pathway (goal A3 from A1) and its step (E1 from 1 to 2), both flushed."""
    pathway = Pathway(
        diagnostic_id=diagnostic_id,
        person_id=person_id,
        recommendation_id=recommendation_id,
        need=need,
        current="A1",
        proposed_goal="A3",
        goal="A3",
        modality="collective",
    )
    db.add(pathway)
    await db.flush()
    step = PathwayStep(
        pathway_id=pathway.id,
        position=0,
        competence="E1",
        from_level=1,
        to_level=2,
        kind="atelier",
        modality="collective",
        status=status,
    )
    db.add(step)
    await db.flush()
    return pathway, step
