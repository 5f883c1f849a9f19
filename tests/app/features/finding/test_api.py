"""GET /api/v1/sessions: the public search, its problems, and what it never shows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from app.db.models import Booking, BookingStatus
from app.when import said_span
from tests.app.features.finding import offer
from tests.app.features.finding.test_search import BOURGES, SAINT_DOULCHARD, seed
from tests.app.test_people_api import assert_problem


def test_anyone_finds_a_published_session_with_its_free_seats_said_in_words(backend, client):
    async def build(db: Any) -> dict[str, Any]:
        s = await offer.structure(db)
        w = await offer.workshop(db, s, ("C1",), title="Écrire un courriel")
        p = await offer.place(db, s, SAINT_DOULCHARD, name="Médiathèque")
        session = await offer.session(db, s, w, p, capacity=12, confirmed=9)
        db.add(
            Booking(
                session_id=session,
                holder="email:lucienne@example.org",
                contact_email="lucienne@example.org",
                status=BookingStatus.CONFIRMED,
                queued=1,
            )
        )
        return {"structure": s, "session": session}

    made = seed(backend, build)
    response = client.get(
        "/api/v1/sessions", params={"commune": BOURGES, "competences": ["C1", "E1"]}
    )
    assert response.status_code == 200, response.text
    mine = [i for i in response.json()["items"] if i["structure_id"] == str(made["structure"])]
    assert len(mine) == 1
    found = mine[0]
    assert found["id"] == str(made["session"])
    assert found["free_seats"] == 3
    assert found["free_seats_text"] == "3 places libres"
    assert "9" not in found["free_seats_text"] and "12" not in found["free_seats_text"]
    assert found["place"]["name"] == "Médiathèque"
    assert found["place"]["commune"] == "Saint-Doulchard (18230)"
    assert 0 < found["place"]["distance_km"] < 10
    assert found["workshop"]["title"] == "Écrire un courriel"
    starts, ends = (datetime.fromisoformat(found[k]) for k in ("starts_at", "ends_at"))
    assert found["when"] == said_span(starts, ends)  # « mardi 8 décembre 2026, de 14 h à 16 h »
    assert found["booking_page"] == f"/ateliers/{made['session']}/reserver"
    # Another structure's booking never shows: no holder, no contact, no count of who booked.
    assert "lucienne" not in response.text
    assert "confirmed" not in response.text and "capacity" not in response.text


def test_a_mediator_of_another_structure_finds_it_but_not_its_bookings(backend, client, mediator):
    async def build(db: Any) -> UUID:
        s = await offer.structure(db)
        w = await offer.workshop(db, s)
        p = await offer.place(db, s, BOURGES)
        return await offer.session(db, s, w, p)

    session = seed(backend, build)
    found = client.get("/api/v1/sessions", params={"commune": BOURGES}, headers=mediator)
    assert str(session) in [i["id"] for i in found.json()["items"]]
    # Their bookings are the bookings feature's, behind the offer permission of their own
    # structure: the search links to nothing of the kind.
    assert "bookings" not in found.text


def test_every_problem_of_a_search_in_one_problem_json(client):
    today = datetime.now(UTC).date()
    response = client.get(
        "/api/v1/sessions",
        params={
            "commune": "99999",
            "competences": ["E1", "Z9"],
            "modality": "par_pigeon",
            "from": str(today + timedelta(days=9)),
            "to": str(today + timedelta(days=2)),
        },
    )
    problem = assert_problem(response, 422)
    lines = " ".join(problem["problems"])
    for expected in ("99999", "Z9", "par_pigeon", "date de fin"):
        assert expected in lines
    for distance, bound in ((0, "au moins 1"), (201, "au plus 200")):
        far = client.get("/api/v1/sessions", params={"commune": BOURGES, "distance_km": distance})
        assert f"distance_km : {bound}" in " ".join(assert_problem(far, 400)["problems"])
    past = client.get("/api/v1/sessions", params={"to": str(today - timedelta(days=3))})
    assert "passées" in " ".join(assert_problem(past, 422)["problems"])
    bad_date = client.get("/api/v1/sessions", params={"from": "31/12/2026"})
    assert_problem(bad_date, 400)


def test_the_search_is_documented(client):
    schema = client.get("/schema/openapi.json").json()
    operation = schema["paths"]["/api/v1/sessions"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert {"commune", "competences", "theme", "modality", "from", "to", "distance_km"} <= names
    assert {"200", "422", "429"} <= set(operation["responses"])
