"""The workshop offer end to end, through the HTTP surface only, on SQLite and PostgreSQL: a
trainer publishes a weekly series; a resident near it books from their result and receives
the e-mail and its invitation from a real SMTP server; a mediator books a person of their
structure; a cancellation seats the person waiting, who is told; the trainer's attendance and
passed exit check raise the person's next result; both exports of the offer validate.

The offer lives in Aurillac (Cantal), where no other test publishes, so that the database
shared by the session's tests shows these sessions first."""

from __future__ import annotations

import asyncio
import itertools
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from data_inclusion.schema.v1 import Service, Structure
from icalendar import Calendar
from litestar.testing import TestClient
from sqlalchemy import delete

from app.asgi import create_app
from app.db.models import Role, Throttle
from app.when import from_paris, in_paris
from tests.app.conftest import Backend, csrf, login
from tests.app.features.bookings.offer import begun
from tests.app.features.notifications.test_worker import _drain
from tests.app.open_data import assert_valid_lamednum
from tests.app.resident import answer_all, diagnosed_by_a_mediator, start, token
from tests.app.smtp import Mailer
from tests.app.test_mediator_pages import create_person, text_of

COMMUNE, COMMUNE_NAME, DEPARTEMENT = "15014", "Aurillac", "15"
PLACE = "Médiathèque du Bassin d'Aurillac"
WORKSHOP = "Prendre en main sa tablette"
SIRET = "21150014600017"
WEEKS = 6
CAPACITY = 2

Client = TestClient  # type: ignore[type-arg]


@dataclass(frozen=True)
class Published:
    """The trainer's series as the API answered it, and the accounts of the structure."""

    structure: str
    trainer: dict[str, str]
    place_id: str
    workshop_id: str
    sessions: list[dict[str, Any]]

    def session(self, week: int) -> str:
        return str(self.sessions[week]["id"])


def next_tuesday() -> date:
    today = in_paris(datetime.now(UTC)).date()
    return today + timedelta(days=(1 - today.weekday()) % 7 or 7)


@pytest.fixture(scope="module")
def published(backend: Backend) -> Published:
    """A trainer's place, workshop and six Tuesdays at 14:00, published through the API."""

    async def forget_limits(db: Any) -> None:  # other tests' calls count against the same limits
        await db.execute(delete(Throttle))
        await db.commit()

    backend.run(forget_limits)
    email, structure = backend.user(Role.TRAINER)
    trainer = {"Authorization": f"Bearer {backend.token(email)}"}
    with TestClient(app=create_app(backend.settings)) as api:
        place = api.post(
            "/api/v1/places",
            headers=trainer,
            json={
                "name": PLACE,
                "address": "6 rue du 139e RI",
                "postal_code": "15000",
                "commune_insee": COMMUNE,
                "pivot": SIRET,
                "phone": "04 71 46 86 36",
                "opening_hours": "Tu-Sa 10:00-12:00,14:00-18:00",
                "typologies": ["MUNI"],
                "services": ["Maîtrise des outils numériques du quotidien"],
                "fees": ["Gratuit"],
                "access_modes": ["Se présenter", "Téléphoner"],
            },
        )
        assert place.status_code == 201, place.text
        workshop = api.post(
            "/api/v1/workshops",
            headers=trainer,
            json={
                "title": WORKSHOP,
                "description": "Allumer la tablette, ouvrir une application, revenir à l'accueil.",
                "competences": [{"competence": "E1", "entry": 0, "exit": 2}],
                "modality": "collective",
                "duration_minutes": 120,
                "exit_check": {"kind": "observed_task", "item": "E1.2"},
            },
        )
        assert workshop.status_code == 201, workshop.text
        series = api.post(
            "/api/v1/sessions",
            headers=trainer,
            json={
                "workshop_id": workshop.json()["id"],
                "place_id": place.json()["id"],
                "starts_at": datetime.combine(next_tuesday(), time(14, 0)).isoformat(),
                "capacity": CAPACITY,
                "repeat": {"weekdays": ["TU"], "count": WEEKS},
            },
        )
        assert series.status_code == 201, series.text
    return Published(
        structure, trainer, place.json()["id"], workshop.json()["id"], series.json()["sessions"]
    )


def book_on_page(client: Client, path: str, **fields: str) -> str:
    """The resident's booking form sent as a browser does; the « my booking » link."""
    form = client.get(path)
    assert form.status_code == 200, form.text
    action = urlsplit(path).path
    data = {"_csrf_token": token(client), "consentement": "oui", **fields}
    query = urlsplit(path).query
    if query:
        data |= dict(part.split("=", 1) for part in query.split("&"))
    booked = client.post(action, data=data, follow_redirects=False)
    assert booked.status_code == 303, booked.text
    return str(booked.headers["location"])


def sent(backend: Backend, mailer: Mailer, address: str) -> list[EmailMessage]:
    """The outbox sender run as the service runs it, against the loopback server; what
    arrived for ``address``."""
    asyncio.run(_drain(mailer.settings))
    return mailer.inbox.to(address)


def plain(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    return str(body.get_content())


def invitation(message: EmailMessage) -> Calendar:
    part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    return Calendar.from_ical(part.get_content())


def test_a_trainer_publishes_a_weekly_series_found_near_aurillac(published, client):
    starts = [datetime.fromisoformat(s["starts_at"]) for s in published.sessions]
    assert len(starts) == WEEKS
    assert all(s.weekday() == 1 and (s.hour, s.minute) == (14, 0) for s in starts)
    assert [b - a for a, b in itertools.pairwise(starts)] == [timedelta(days=7)] * 5
    read = client.get(f"/api/v1/sessions/{published.session(0)}")
    assert read.status_code == 200 and read.json()["when"].endswith("de 14 h à 16 h")
    found = client.get("/api/v1/sessions", params={"commune": COMMUNE, "competences": ["E1"]})
    assert found.status_code == 200, found.text
    ids = {str(s["id"]) for s in found.json()["items"]}
    assert published.session(0) in ids


def test_a_resident_books_from_their_result_and_gets_the_email_with_its_invitation(
    backend, published, client, mailer
):
    diagnostic = start(client)
    answer_all(client, diagnostic, lambda _item: "1")
    client.post(
        f"/diagnostic/{diagnostic}/contexte",
        data={"_csrf_token": token(client), "commune_query": COMMUNE_NAME},
    )
    client.post(
        f"/diagnostic/{diagnostic}/besoins", data={"_csrf_token": token(client), "needs": "proches"}
    )
    client.post(
        f"/diagnostic/{diagnostic}/objectifs",
        data={"_csrf_token": token(client), "goal_proches": "A3"},
    )
    result = client.get(f"/diagnostic/{diagnostic}/resultat")
    assert "Les prochaines étapes" in text_of(result.text)
    links = re.findall(
        r'href="(/ateliers/([0-9a-f-]{36})/reserver\?diagnostic=[^"]+)"', result.text
    )
    # The series' next session is the nearest in place and time (the others may be full).
    session_id = published.session(0)
    [link] = [link for link, session in links if session == session_id]
    assert link.endswith(f"?diagnostic={diagnostic}")
    address = f"resident-{diagnostic[:8]}@example.org"
    mine = book_on_page(client, link, email=address)
    assert "Votre place est réservée" in text_of(client.get(mine).text)
    booking_id = urlsplit(mine).path.rsplit("/", 1)[1]

    [message] = sent(backend, mailer, address)
    assert message["Subject"] == f"Votre place est réservée : {WORKSHOP}"
    body = plain(message)
    session = next(s for s in published.sessions if s["id"] == session_id)
    starts = datetime.fromisoformat(session["starts_at"])
    assert PLACE in body and "15000 Aurillac" in body
    assert session["when"] in body and "de 14 h à 16 h" in body
    # The e-mail's own link opens the booking: its key is the app's, as is its address.
    [link] = re.findall(r"(https?://\S+/reservations/\S+)", body)
    assert link == backend.settings.address(mine)
    assert "Votre place est réservée" in text_of(
        client.get(urlsplit(link)._replace(scheme="", netloc="").geturl()).text
    )
    calendar = invitation(message)
    [event] = calendar.events
    assert str(calendar["METHOD"]) == "REQUEST"
    assert str(event["UID"]).startswith(f"booking-{booking_id}@")
    assert event.start == starts and event.end == starts + timedelta(hours=2)
    assert event.start.astimezone(UTC) == from_paris(datetime.combine(starts.date(), time(14)))
    assert PLACE in str(event["LOCATION"])


def test_a_mediator_books_a_person_of_their_structure(backend, published, client):
    person, headers = _mediator_with_person(backend, client, published)
    booked = client.post(
        f"/api/v1/sessions/{published.session(1)}/bookings",
        json={"person_id": person},
        headers=headers,
    )
    assert booked.status_code == 201, booked.text
    assert booked.json()["status"] == "confirmed" and booked.json()["position"] is None
    again = client.post(
        f"/api/v1/sessions/{published.session(1)}/bookings",
        json={"person_id": person},
        headers=headers,
    )
    assert again.status_code == 409

    # And from the person's page, for another person (the last seat of the session).
    other = create_person(client, "Marcel", commune=COMMUNE_NAME)
    choose = client.get(f"/pro/personnes/{other}/inscriptions")
    assert choose.status_code == 200 and WORKSHOP in text_of(choose.text)
    booked_page = client.post(
        f"/pro/personnes/{other}/inscriptions",
        data={"_csrf_token": token(client), "session": published.session(1)},
    )
    assert str(booked_page.url).endswith(f"/pro/personnes/{other}")
    assert "Marcel a une place." in text_of(booked_page.text)
    full = client.get("/api/v1/sessions", params={"commune": COMMUNE, "competences": ["E1"]})
    assert published.session(1) not in {str(s["id"]) for s in full.json()["items"]}


def test_a_cancellation_from_my_booking_seats_the_person_waiting_who_is_told(
    backend, published, client, mailer
):
    session = published.session(2)
    first = book_on_page(client, f"/ateliers/{session}/reserver", email="first@example.org")
    second = client.post(
        f"/api/v1/sessions/{session}/bookings", json={"contact": {"email": "second@example.org"}}
    )
    assert second.json()["status"] == "confirmed"
    waiting = book_on_page(client, f"/ateliers/{session}/reserver", email="third@example.org")
    assert "personne n'est avant vous" in text_of(client.get(waiting).text)
    assert [m["Subject"] for m in sent(backend, mailer, "third@example.org")] == [
        f"Vous êtes sur la liste d'attente : {WORKSHOP}"
    ]

    path, key = urlsplit(first).path, urlsplit(first).query.split("=", 1)[1]
    cancelled = client.post(
        f"{path}/annuler", data={"_csrf_token": token(client), "cle": key}, follow_redirects=True
    )
    assert "Votre inscription est annulée" in text_of(cancelled.text)
    assert "Votre place est réservée" in text_of(client.get(waiting).text)
    received = sent(backend, mailer, "third@example.org")
    assert received[-1]["Subject"] == f"Une place s'est libérée pour vous : {WORKSHOP}"
    promoted = plain(received[-1])
    assert backend.settings.address(waiting) in promoted
    assert PLACE in promoted and "de 14 h à 16 h" in promoted
    assert str(invitation(received[-1]).events[0]["UID"]).startswith(
        f"booking-{urlsplit(waiting).path.rsplit('/', 1)[1]}@"
    )


def test_a_passed_exit_check_raises_the_persons_next_result_in_words(backend, published, client):
    person, headers = _mediator_with_person(backend, client, published)
    session = published.session(3)
    booked = client.post(
        f"/api/v1/sessions/{session}/bookings", json={"person_id": person}, headers=headers
    ).json()
    begun(backend, session)  # the week goes by: the séance takes place
    marked = client.put(
        f"/api/v1/sessions/{session}/attendance",
        json=[{"booking_id": booked["id"], "attendance": "seen", "exit_check_passed": True}],
        headers=published.trainer,
    )
    assert marked.status_code == 200, marked.text
    assert marked.json()[0]["exit_check_passed"] is True

    page = text_of(diagnosed_by_a_mediator(client, person)[1])
    assert "Vous l'avez fait devant un médiateur : niveau 2 au moins." in page
    assert "Ce que vous avez montré compte plus que vos réponses." in page


def test_both_exports_of_the_offer_validate(published, client, tmp_path: Path):
    where = {"departement": DEPARTEMENT}
    services = [
        s
        for s in client.get("/api/v1/exports/data-inclusion/services", params=where).json()
        if s["nom"] and WORKSHOP in s["nom"]
    ]
    assert services, "the workshop is exported as a service"
    for record in services:
        service = Service.model_validate(record, context={"ignore_warnings": False})
        assert str(service.lien_mobilisation).endswith("/reserver")
    structures = client.get("/api/v1/exports/data-inclusion/structures", params=where).json()
    ours = [s for s in structures if s["nom"] == PLACE]
    assert ours and ours[0]["code_insee"] == COMMUNE and ours[0]["siret"] == SIRET
    for record in ours:
        Structure.model_validate(record, context={"ignore_warnings": False})

    answer = client.get("/api/v1/exports/lamednum.csv", params=where)
    assert answer.status_code == 200
    assert_valid_lamednum(answer.content, tmp_path)
    assert published.place_id in answer.text and PLACE in answer.text


def _mediator_with_person(
    backend: Backend, client: Client, published: Published
) -> tuple[str, dict[str, str]]:
    """A mediator of the trainer's structure, logged in, and a person they just created."""
    email, _ = backend.user(Role.MEDIATOR, structure=published.structure)
    login(client, email)
    csrf(client, "/pro/personnes/nouvelle")
    person = create_person(client, "Ginette", commune=COMMUNE_NAME)
    return person, {"Authorization": f"Bearer {backend.token(email)}"}
