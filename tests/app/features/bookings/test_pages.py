"""The professional pages of bookings: the trainer's one-screen list of a session (attendance,
exit checks, the waiting list), and a mediator booking a person of their structure from
their page. Another structure's session or person is « not found »."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from app.db import models
from app.db.models import Attendance, Person, Role
from app.features.bookings import Mark, book, evidence_of, record_attendance
from tests.app.conftest import login
from tests.app.features.bookings.offer import begin, begun, bookings_of, new_session, told
from tests.app.features.bookings.test_api import structure_id
from tests.app.test_mediator_pages import create_person, mediator, text_of, token


def session_with(backend: Any, structure: str, people: list[Any], **fields: Any) -> str:
    """A session of the structure booked by ``people``: person ids or e-mail addresses."""
    owner = structure_id(backend, structure)

    async def go(db: Any) -> str:
        session = await new_session(db, structure_id=owner, **fields)
        for who in people:
            if "@" in who:
                await book(db, session.id, email=who)
            else:
                await book(db, session.id, person=await db.get(Person, UUID(who)))
            await db.commit()
        return str(session.id)

    return backend.run(go)


def test_the_trainer_records_attendance_and_exit_checks_on_one_screen(backend, client):
    structure = mediator(backend, client)
    person = create_person(client, "Yvette")
    session = session_with(
        backend, structure, [person, "sans.fiche@exemple.fr", "attend@exemple.fr"], capacity=2
    )
    trainer, _ = backend.user(Role.TRAINER, structure)
    login(client, trainer)
    path = f"/pro/offre/sessions/{session}/inscriptions"
    shown = client.get(path)
    assert shown.status_code == 200
    text = text_of(shown.text)
    assert "Yvette" in text and "sans.fiche@exemple.fr" in text
    assert "Inscription sans fiche : une fin d'atelier réussie ne peut pas être gardée" in text
    assert "Tâche observée : Je sais" in text  # the workshop's exit check, in words
    waiting = text[text.index("Liste d'attente") :]
    assert "attend@exemple.fr" in waiting
    ids = {
        b.contact_email or "person": b.id
        for b in backend.run(lambda db: bookings_of(db, UUID(session)))
    }

    # A passed exit check for someone absent: refused beside them, nothing saved.
    wrong = client.post(
        path,
        data={
            "_csrf_token": token(client),
            f"presence-{ids['person']}": "noshow",
            f"fin-{ids['person']}": "oui",
        },
    )
    assert wrong.status_code == 422
    assert "la fin d'atelier ne se valide que pour une personne venue" in text_of(wrong.text)
    assert backend.run(lambda db: evidence_of(db, UUID(person))) == []

    # Before the séance: a seat taken back goes to the one waiting.
    revoked = client.post(
        path,
        data={
            "_csrf_token": token(client),
            f"presence-{ids['sans.fiche@exemple.fr']}": "revoked",
            f"fin-{ids['sans.fiche@exemple.fr']}": "",
        },
    )
    assert revoked.status_code == 200
    # Who came is noted once the séance has begun.
    came = {
        "_csrf_token": token(client),
        f"presence-{ids['person']}": "seen",
        f"fin-{ids['person']}": "oui",
    }
    early = client.post(path, data=came)
    assert early.status_code == 422 and "pas encore commencé" in text_of(early.text)
    begun(backend, session)
    saved = client.post(path, data={**came, "_csrf_token": token(client)})
    assert saved.status_code == 200 and str(saved.url).endswith(path)
    after = text_of(saved.text)
    assert "Présences et fins d'atelier enregistrées." in after
    assert f"Noté par {trainer} le" in after
    kept = backend.run(lambda db: evidence_of(db, UUID(person)))
    assert [(e.competence, e.recorded_by is not None) for e in kept] == [("C1", True)]
    # the revoked seat went to the one waiting, who was told
    assert backend.run(lambda db: told(db, ids["attend@exemple.fr"])) == ["waiting", "promoted"]
    assert "Personne n'attend." in after


def test_another_structures_session_is_not_found(backend, client):
    structure = mediator(backend, client)
    session = session_with(backend, structure, ["a@exemple.fr"])
    other, _ = backend.user(Role.TRAINER)
    login(client, other)
    path = f"/pro/offre/sessions/{session}/inscriptions"
    assert client.get(path).status_code == 404
    posted = client.post(path, data={"_csrf_token": token(client)})
    assert posted.status_code == 404


def test_a_mediator_books_a_person_from_their_page_and_cancels(backend, client):
    structure = mediator(backend, client)
    person = create_person(client, "Marcel")
    session = session_with(backend, structure, [], capacity=1)
    choose = client.get(f"/pro/personnes/{person}/inscriptions")
    assert choose.status_code == 200
    assert "Envoyer un courriel avec une pièce jointe" in text_of(choose.text)
    assert "1 place(s) libre(s)" in text_of(choose.text)
    booked = client.post(
        f"/pro/personnes/{person}/inscriptions",
        data={"_csrf_token": token(client), "session": session, "phone": "06 11 22 33 44"},
    )
    assert str(booked.url).endswith(f"/pro/personnes/{person}")
    page = text_of(booked.text)
    assert "Marcel a une place." in page and "Place confirmée" in page
    again = client.post(
        f"/pro/personnes/{person}/inscriptions",
        data={"_csrf_token": token(client), "session": session},
    )
    assert again.status_code == 422 and "déjà inscrite" in text_of(again.text)

    async def queue(db: Any) -> Any:
        await book(db, UUID(session), email="ensuite@exemple.fr")
        await db.commit()

    backend.run(queue)
    booking = next(b for b in backend.run(lambda db: bookings_of(db, UUID(session))) if b.person_id)
    cancelled = client.post(
        f"/pro/personnes/{person}/inscriptions/{booking.id}/annuler",
        data={"_csrf_token": token(client)},
    )
    assert "Inscription de Marcel annulée." in text_of(cancelled.text)
    assert "Annulée" in text_of(cancelled.text)
    after = backend.run(lambda db: bookings_of(db, UUID(session)))
    promoted = next(b for b in after if b.contact_email == "ensuite@exemple.fr")
    assert backend.run(lambda db: told(db, promoted.id)) == ["waiting", "promoted"]


def test_another_structures_person_cannot_be_booked(backend, client):
    mediator(backend, client)
    person = create_person(client, "Huguette")
    stranger_structure = mediator(backend, client)
    session = session_with(backend, stranger_structure, [])
    assert client.get(f"/pro/personnes/{person}/inscriptions").status_code == 404
    refused = client.post(
        f"/pro/personnes/{person}/inscriptions",
        data={"_csrf_token": token(client), "session": session},
    )
    assert refused.status_code == 404


def test_a_mediator_links_a_booking_made_with_an_email_and_keeps_its_exit_check(backend, client):
    structure = mediator(backend, client)
    person = create_person(client, "Simone")
    session = session_with(backend, structure, ["Simone.B@Exemple.fr"])
    booking = backend.run(lambda db: bookings_of(db, UUID(session)))[0]

    async def passed(db: Any) -> None:
        stored = await db.get(models.Session, UUID(session))
        await begin(db, stored)
        await record_attendance(db, stored, [Mark(booking.id, Attendance.SEEN, True)], by=None)
        await db.commit()

    backend.run(passed)
    assert backend.run(lambda db: evidence_of(db, UUID(person))) == []
    path = f"/pro/personnes/{person}/inscriptions/rattacher"
    nothing = client.post(path, data={"_csrf_token": token(client), "email": "autre@exemple.fr"})
    assert nothing.status_code == 422 and "Aucune inscription" in text_of(nothing.text)
    linked = client.post(path, data={"_csrf_token": token(client), "email": "simone.b@exemple.fr"})
    assert "1 inscription(s) rattachée(s) à la fiche de Simone." in text_of(linked.text)
    assert "fin d'atelier réussie" in text_of(linked.text)
    kept = backend.run(lambda db: evidence_of(db, UUID(person)))
    assert [e.competence for e in kept] == ["C1"]
    # another structure's mediator finds nothing with the same address
    mediator(backend, client)
    other = create_person(client, "Simone")
    refused = client.post(
        f"/pro/personnes/{other}/inscriptions/rattacher",
        data={"_csrf_token": token(client), "email": "simone.b@exemple.fr"},
    )
    assert refused.status_code == 422
