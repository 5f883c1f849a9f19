"""A pathway whose last step is done gives its own badge, issued by the person's structure."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import select, update

from app.db.models import Attendance, Credential, Pathway, PathwayStep, Person, StepStatus
from app.features.bookings import Mark, book, record_attendance
from tests.app.features.badges.support import checked
from tests.app.features.bookings.offer import begin, new_session
from tests.app.features.pathways.test_progress import a_person_with_a_pathway


def test_the_last_step_done_issues_the_pathways_badge(backend, client, mediator):
    person = a_person_with_a_pathway(client, mediator)

    async def finish(db: Any) -> list[str]:
        theirs = select(Pathway.id).where(Pathway.person_id == UUID(person))
        await db.execute(
            update(PathwayStep)
            .where(PathwayStep.pathway_id.in_(theirs), PathwayStep.competence != "E1")
            .values(status=StepStatus.DROPPED)
        )
        session = await new_session(db, competences=[{"competence": "E1", "entry": 0, "exit": 2}])
        seat = await book(db, session.id, person=await db.get(Person, UUID(person)))
        await db.commit()
        await begin(db, session)
        await record_attendance(db, session, [Mark(seat.id, Attendance.SEEN, True)], by=None)
        await db.commit()
        found = await db.scalars(
            select(Credential).where(
                Credential.person_id == UUID(person), Credential.achievement.like("parcours-%")
            )
        )
        badges = list(found)
        assert badges
        person_row = await db.get(Person, UUID(person))
        assert {b.structure_id for b in badges} == {person_row.structure_id}
        assert "Parcours terminé" in badges[0].body["name"]
        return [await checked(db, badge) for badge in badges]

    assert set(backend.run(finish)) == {"active"}
