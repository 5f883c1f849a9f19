"""A person's pathways, the recommendations shown to them and the feedback given on them, as
the privacy register (`app.privacy`) exports and erases them.

A row belongs to the person when it names them or one of their diagnostics: a proposal made
before the diagnostic was linked to a record names only the diagnostic.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models import Pathway, PathwayFeedback, PathwayStep, Person, Recommendation
from app.db.types import iso


def _theirs(model: Any, person: Person, diagnostics: Sequence[UUID]) -> Any:
    return or_(model.person_id == person.id, model.diagnostic_id.in_(list(diagnostics)))


async def _rows(
    db: AsyncSession, model: Any, person: Person, diagnostics: Sequence[UUID], order: Any
) -> list[Any]:
    return list(
        await db.scalars(select(model).where(_theirs(model, person, diagnostics)).order_by(order))
    )


def _count(done: Any) -> int:
    return int(getattr(done, "rowcount", 0) or 0)


async def export_pathways(
    db: AsyncSession, person: Person, diagnostics: Sequence[UUID]
) -> list[dict[str, Any]]:
    pathways = await _rows(db, Pathway, person, diagnostics, Pathway.created_at)
    steps = await db.scalars(
        select(PathwayStep)
        .where(PathwayStep.pathway_id.in_([p.id for p in pathways]))
        .order_by(PathwayStep.position)
    )
    by_pathway: dict[UUID, list[dict[str, Any]]] = {}
    for s in steps:
        by_pathway.setdefault(s.pathway_id, []).append(
            {
                "competence": s.competence,
                "from": s.from_level,
                "to": s.to_level,
                "kind": s.kind,
                "modality": s.modality,
                "status": s.status.value,
                "origin": s.origin.value,
                "booking_id": None if s.booking_id is None else str(s.booking_id),
            }
        )
    return [
        {
            "diagnostic_id": str(p.diagnostic_id),
            "need": p.need,
            "current": p.current,
            "proposed_goal": p.proposed_goal,
            "goal": p.goal,
            "modality": p.modality,
            "decided_by": None if p.decided_by is None else str(p.decided_by),
            "decided_at": iso(p.decided_at),
            "steps": by_pathway.get(p.id, []),
        }
        for p in pathways
    ]


async def export_recommendations(
    db: AsyncSession, person: Person, diagnostics: Sequence[UUID]
) -> list[dict[str, Any]]:
    return [
        {
            "diagnostic_id": str(r.diagnostic_id),
            "shown_at": iso(r.created_at),
            "rules_version": r.rules_version,
            "model_version": r.model_version,
            "context": r.context,
            "proposal": r.body,
        }
        for r in await _rows(db, Recommendation, person, diagnostics, Recommendation.created_at)
    ]


async def export_feedback(
    db: AsyncSession, person: Person, diagnostics: Sequence[UUID]
) -> list[dict[str, Any]]:
    return [
        {
            "diagnostic_id": str(f.diagnostic_id),
            "need": f.need,
            "kind": f.kind.value,
            "value": f.value,
            "by": None if f.by_user_id is None else str(f.by_user_id),
            "at": iso(f.at),
        }
        for f in await _rows(db, PathwayFeedback, person, diagnostics, PathwayFeedback.at)
    ]


async def erase_feedback(db: AsyncSession, person: Person, diagnostics: Sequence[UUID]) -> int:
    done = await db.execute(
        delete(PathwayFeedback).where(_theirs(PathwayFeedback, person, diagnostics))
    )
    return _count(done)


async def erase_pathways(db: AsyncSession, person: Person, diagnostics: Sequence[UUID]) -> int:
    """The steps with their pathway (the database's cascade is not relied on: SQLite may
    run without foreign keys)."""
    theirs = select(Pathway.id).where(_theirs(Pathway, person, diagnostics))
    steps = await db.execute(delete(PathwayStep).where(PathwayStep.pathway_id.in_(theirs)))
    done = await db.execute(delete(Pathway).where(_theirs(Pathway, person, diagnostics)))
    return _count(steps) + _count(done)


async def erase_recommendations(
    db: AsyncSession, person: Person, diagnostics: Sequence[UUID]
) -> int:
    done = await db.execute(
        delete(Recommendation).where(_theirs(Recommendation, person, diagnostics))
    )
    return _count(done)
