"""« Noter une tâche observée »: a mediator notes a task the person did alone in front of them;
it becomes evidence and a badge that verifies, its evidence says « Tâche observée », and the
person's next result reads it as observed. What cannot be noted is said in French and nothing
is written; another structure's person cannot be touched."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID

import pytest
from sqlalchemy import func, select

from app.db.models import Credential, EvidenceRecord, Role
from app.features.badges import today_in_paris
from referentiel import load_referential
from tests.app.conftest import login
from tests.app.features.badges.support import checked
from tests.app.resident import diagnosed_by_a_mediator
from tests.app.test_audit import trail
from tests.app.test_mediator_pages import create_person, text_of, token

TASK = "C1.1"
WORDS = load_referential().item(TASK).text


def note(client: Any, person: str, item: str = TASK, day: str | None = None) -> Any:
    return client.post(
        f"/pro/personnes/{person}/taches-observees",
        data={
            "_csrf_token": token(client),
            "item": item,
            "day": today_in_paris().isoformat() if day is None else day,
        },
    )


def written(backend: Any, person: str) -> tuple[list[EvidenceRecord], list[Credential]]:
    async def go(db: Any) -> tuple[list[EvidenceRecord], list[Credential]]:
        evidence = await db.scalars(
            select(EvidenceRecord).where(EvidenceRecord.person_id == UUID(person))
        )
        badges = await db.scalars(select(Credential).where(Credential.person_id == UUID(person)))
        return list(evidence), list(badges)

    return backend.run(go)


def test_an_observed_task_gives_a_badge_and_counts_for_the_next_result(backend, client):
    email, structure = backend.user(Role.MEDIATOR)
    login(client, email)
    person = create_person(client, "Ginette")
    page = client.get(f"/pro/personnes/{person}")
    assert 'action="/pro/personnes/' + person + '/taches-observees"' in page.text
    assert WORDS in text_of(page.text)

    done = note(client, person)
    assert done.status_code == 200 and done.url.path == f"/pro/personnes/{person}"
    assert "Tâche observée notée" in text_of(done.text)
    (evidence,), (badge,) = written(backend, person)
    assert (evidence.kind, evidence.competence, evidence.level) == ("observed_task", "C1", 2)
    assert evidence.observed == f"Tâche observée : {WORDS}"
    assert evidence.recorded_by is not None and evidence.passed
    assert badge.achievement == "C1-2" and badge.evidence_id == evidence.id
    narrative = badge.body["evidence"][0]["narrative"]
    assert narrative.startswith("Tâche observée") and structure in narrative
    assert badge.body["evidence"][0]["name"] == "Tâche observée"
    assert "Ginette" not in str(badge.body)
    assert backend.run(lambda db: checked(db, badge)) == "active"
    actions = [e.action for e in trail(backend, email)]
    assert actions.count("evidence.record") == 1 and actions.count("credential.issue") == 1

    again = note(client, person)  # the same task the same day: one record, one badge
    assert "Tâche observée notée" in text_of(again.text)
    evidence_again, badges_again = written(backend, person)
    assert [e.id for e in evidence_again] == [evidence.id]
    assert [b.id for b in badges_again] == [badge.id]

    result = text_of(diagnosed_by_a_mediator(client, person)[1])
    assert "Vous l'avez fait devant un médiateur : niveau 2 au moins." in result
    assert f"(Tâche observée : {WORDS}," in result


def test_an_earlier_day_is_the_day_the_badge_says(backend, client):
    email, _ = backend.user(Role.MEDIATOR)
    login(client, email)
    person = create_person(client, "Henriette")
    day = today_in_paris() - timedelta(days=40)
    note(client, person, "E1.1", day.strftime("%d/%m/%Y"))
    (evidence,), (badge,) = written(backend, person)
    assert evidence.recorded_at.date() == day
    assert str(day.year) in badge.body["evidence"][0]["narrative"]


@pytest.mark.parametrize(
    ("item", "day", "said"),
    [
        ("", None, "Choisissez la tâche"),
        ("Z9.9", None, "Choisissez la tâche"),
        (TASK, "", "Donnez le jour"),
        (TASK, "hier", "Donnez le jour"),
        (TASK, "2027-02-30", "Donnez le jour"),
        (TASK, (today_in_paris() + timedelta(days=1)).isoformat(), "pas encore arrivé"),
        (TASK, (today_in_paris() - timedelta(days=400)).isoformat(), "plus d'un an"),
    ],
)
def test_what_cannot_be_noted_is_said_and_nothing_is_written(backend, client, item, day, said):
    email, _ = backend.user(Role.MEDIATOR)
    login(client, email)
    person = create_person(client, "Irène")
    refused = note(client, person, item, day)
    assert refused.status_code == 422
    shown = text_of(refused.text)
    assert said in shown and "Il y a un problème à corriger" in shown
    assert 'aria-invalid="true"' in refused.text
    assert written(backend, person) == ([], [])


def test_another_structure_cannot_note_anything_about_the_person(backend, client):
    email, _ = backend.user(Role.MEDIATOR)
    login(client, email)
    person = create_person(client, "Jeanne")
    no_token = client.post(
        f"/pro/personnes/{person}/taches-observees",
        data={"item": TASK, "day": today_in_paris().isoformat()},
    )
    assert no_token.status_code == 403
    stranger, _ = backend.user(Role.MEDIATOR)
    login(client, stranger)
    assert note(client, person).status_code == 404
    assert client.get(f"/pro/personnes/{person}/taches-observees").status_code == 404
    trainer, _ = backend.user(Role.TRAINER)
    login(client, trainer)
    assert note(client, person).status_code == 403

    async def anything(db: Any) -> int:
        return int(
            await db.scalar(
                select(func.count())
                .select_from(EvidenceRecord)
                .where(EvidenceRecord.person_id == UUID(person))
            )
        )

    assert backend.run(anything) == 0
