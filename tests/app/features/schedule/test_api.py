"""The sessions API: one session or a series, read as JSON or as an invitation, changed,
cancelled; another structure's sessions are « not found »."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from app.db.models import Session
from tests.app.features.schedule.offer import soon
from tests.app.test_people_api import assert_problem


def _new(client, trainer, **body):
    payload = {
        "workshop_id": str(trainer.offer.workshop_id),
        "starts_at": soon().isoformat(),
        "place_id": str(trainer.offer.place_id),
        "capacity": 12,
        **body,
    }
    return client.post("/api/v1/sessions", json=payload, headers=trainer.headers)


def test_a_session_is_created_in_paris_time_and_read_by_anyone(client, trainer):
    start = soon(days=9, hour=14)
    created = _new(client, trainer, starts_at=start.isoformat(), note="Apportez votre téléphone")
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["series"] is None
    session = body["sessions"][0]
    assert created.headers["location"] == f"/api/v1/sessions/{session['id']}"
    assert datetime.fromisoformat(session["starts_at"]).replace(tzinfo=None) == start
    assert session["when"].endswith("de 14 h à 16 h")
    assert (session["capacity"], session["free_seats"], session["revision"]) == (12, 12, 0)

    public = client.get(f"/api/v1/sessions/{session['id']}", headers={})
    assert public.status_code == 200
    assert public.json()["note"] == "Apportez votre téléphone"
    invitation = client.get(f"/api/v1/sessions/{session['id']}.ics")
    assert invitation.status_code == 200
    # said once: a client that reads « charset=utf-8; charset=utf-8 » may refuse the file
    assert invitation.headers["content-type"] == "text/calendar; charset=utf-8"
    assert b"BEGIN:VEVENT" in invitation.content


def test_every_tuesday_for_six_weeks_by_plain_choices_or_by_rule(client, trainer):
    by_choice = _new(client, trainer, repeat={"weekdays": ["TU"], "count": 6})
    by_rule = _new(client, trainer, rrule="FREQ=WEEKLY;BYDAY=TU;COUNT=6", capacity=8)
    for answer in (by_choice, by_rule):
        assert answer.status_code == 201, answer.text
        series = answer.json()["series"]
        assert series["rrule"] == "FREQ=WEEKLY;INTERVAL=1;BYDAY=TU;COUNT=6"
        starts = [datetime.fromisoformat(s["starts_at"]) for s in answer.json()["sessions"]]
        assert len(starts) == 6 and {s.weekday() for s in starts} == {1}
        assert {(s.hour, s.minute) for s in starts} == {(14, 0)}


def test_bad_input_is_a_problem_in_french_and_nothing_is_saved(client, trainer, backend):
    def count():
        return backend.run(
            lambda db: db.scalar(
                select(func.count())
                .select_from(Session)
                .where(Session.structure_id == trainer.offer.structure_id)
            )
        )

    before = count()
    answer = _new(
        client,
        trainer,
        starts_at="2020-01-01T10:00:00",
        ends_at="2019-12-31T10:00:00",
        capacity=0,
        remote_url="https://visio.example.org/x",
    )
    body = assert_problem(answer, 422)
    assert body["problems"] == [
        "place_id : Choisissez un lieu ou un lien pour une séance à distance, pas les deux.",
        "starts_at : Cette date est passée : choisissez une date à venir.",
        "ends_at : La fin doit venir après le début.",
        "capacity : Il faut au moins 1 place.",
    ]
    series = _new(client, trainer, repeat={"weekdays": ["TU"], "count": 500})
    assert "count : Le nombre de séances va de 1 à 104." in assert_problem(series, 422)["problems"]
    rule = _new(client, trainer, rrule="FREQ=DAILY;COUNT=3")
    assert assert_problem(rule, 422)["problems"][0].startswith("rrule : seule FREQ=WEEKLY")
    assert count() == before


def test_another_structures_session_and_workshop_are_not_found(client, trainer, stranger):
    theirs = _new(client, stranger).json()["sessions"][0]["id"]
    assert_problem(
        client.patch(f"/api/v1/sessions/{theirs}", json={"capacity": 3}, headers=trainer.headers),
        404,
    )
    assert_problem(
        client.post(
            f"/api/v1/sessions/{theirs}/cancellation",
            json={"reason": "test"},
            headers=trainer.headers,
        ),
        404,
    )
    borrowed = _new(client, trainer, workshop_id=str(stranger.offer.workshop_id))
    assert assert_problem(borrowed, 422)["problems"] == [
        "workshop_id : Atelier introuvable dans votre structure."
    ]


def test_changing_one_occurrence_detaches_it_and_a_new_time_bumps_its_revision(client, trainer):
    created = _new(client, trainer, repeat={"weekdays": ["MO", "TH"], "count": 4}).json()
    first, second = created["sessions"][:2]
    moved = client.patch(
        f"/api/v1/sessions/{first['id']}",
        json={
            "starts_at": first["starts_at"].replace("T14", "T15"),
            "ends_at": first["ends_at"].replace("T16", "T17"),
        },
        headers=trainer.headers,
    )
    assert moved.status_code == 200, moved.text
    assert (moved.json()["detached"], moved.json()["revision"]) == (True, 1)
    series = client.patch(
        f"/api/v1/series/{created['series']['id']}",
        json={"start_time": "10:00:00", "end_time": "12:00:00", "capacity": 6},
        headers=trainer.headers,
    )
    assert series.status_code == 200, series.text
    after = {s["id"]: s for s in series.json()["sessions"]}
    assert datetime.fromisoformat(after[first["id"]]["starts_at"]).hour == 15
    assert datetime.fromisoformat(after[second["id"]]["starts_at"]).hour == 10
    assert after[second["id"]]["capacity"] == 6


def test_cancelling_says_why_and_a_cancelled_session_no_longer_changes(client, trainer):
    created = _new(client, trainer, repeat={"weekdays": ["WE"], "count": 3}).json()
    first = created["sessions"][0]["id"]
    assert_problem(
        client.post(
            f"/api/v1/sessions/{first}/cancellation", json={"reason": " "}, headers=trainer.headers
        ),
        422,
    )
    rest = client.post(
        f"/api/v1/sessions/{created['sessions'][1]['id']}/cancellation",
        json={"reason": "Salle fermée", "rest_of_series": True},
        headers=trainer.headers,
    )
    assert rest.status_code == 200, rest.text
    assert [s["cancel_reason"] for s in rest.json()] == ["Salle fermée", "Salle fermée"]
    again = client.patch(
        f"/api/v1/sessions/{created['sessions'][2]['id']}",
        json={"capacity": 3},
        headers=trainer.headers,
    )
    assert assert_problem(again, 409)["detail"] == "Cette séance est annulée : elle ne change plus."
