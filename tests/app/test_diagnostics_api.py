"""The diagnostics API contract, on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid

import pytest

from referentiel import load_referential

REF = load_referential()
PAPER = {i.id: 2 for i in REF.form_items("papier")}


def post(client, body, key=None, token=None):  # type: ignore[no-untyped-def]
    headers = {}
    if key:
        headers["Idempotency-Key"] = key
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return client.post("/api/v1/diagnostics", json=body, headers=headers)


def test_referential_is_served_in_french_and_english(client):
    fr = client.get("/api/v1/referentiel").json()
    en = client.get("/api/v1/referentiel?lang=en").json()
    assert fr["version"] == en["version"] == REF.version
    assert fr["items"][0]["id"] == en["items"][0]["id"]
    assert fr["items"][0]["text"] != en["items"][0]["text"]
    assert client.get("/api/v1/referentiel?lang=xx").status_code == 400


def test_a_complete_diagnostic_is_scored_and_can_be_read_back(backend, client):
    token = backend.token(backend.user()[0])
    created = post(
        client,
        {"answers": PAPER, "context": {"knows_help": True}, "channel": "paper"},
        token=token,
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["result"]["version"] == REF.version
    assert body["result"]["profile"] == "autonome"
    read = client.get(f"/api/v1/diagnostics/{body['id']}")
    assert read.status_code == 200
    assert read.json()["answers"] == PAPER
    assert read.json()["channel"] == "paper"


def test_the_same_idempotency_key_returns_the_same_diagnostic_and_creates_nothing(client):
    key = str(uuid.uuid4())
    first = post(client, {"answers": PAPER}, key)
    again = post(client, {"answers": PAPER}, key)
    assert first.status_code == 201
    assert again.status_code == 200
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    other = post(client, {"answers": {**PAPER, "E1.1": 4}}, key)
    assert other.status_code == 422
    assert other.headers["content-type"].startswith("application/problem+json")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"answers": {"Z9.9": 1}}, "answers.Z9.9 : item inconnu"),
        ({"answers": {"E1.1": 9}}, "hors de l'échelle"),
        ({"answers": {"E1.1": True}}, "hors de l'échelle"),
        ({"answers": {}, "version": "1900.1"}, "version de référentiel inconnue"),
        ({"answers": {}, "context": {"commune": "Paris"}}, "context.commune"),
        ({"answers": {}, "goals": {"caf": "A9"}}, "goals.caf"),
        ({"answers": {}, "surprise": 1}, None),
        ({"answers": {}, "channel": "fax"}, None),
    ],
)
def test_bad_input_is_a_4xx_problem_a_person_can_act_on(client, body, expected):
    response = post(client, body)
    assert 400 <= response.status_code < 500
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["title"] and problem["status"] == response.status_code
    if expected:
        assert any(expected in line for line in problem["problems"]), problem


def test_malformed_json_and_oversized_bodies_are_refused_cleanly(client):
    broken = client.post(
        "/api/v1/diagnostics", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert broken.status_code == 400
    assert broken.headers["content-type"].startswith("application/problem+json")
    huge = client.post(
        "/api/v1/diagnostics",
        content=b'{"answers": {"' + b"x" * 2_000_000 + b'": 1}}',
        headers={"content-type": "application/json"},
    )
    assert huge.status_code == 413
    assert huge.headers["content-type"].startswith("application/problem+json")


def test_unknown_or_malformed_diagnostic_ids_are_404(client):
    assert client.get(f"/api/v1/diagnostics/{uuid.uuid4()}").status_code == 404
    assert client.get("/api/v1/diagnostics/not-a-uuid").status_code == 404


def test_the_adaptive_steps_ask_go_back_and_finish(client):
    started = client.post("/api/v1/diagnostics/adaptive")
    assert started.status_code == 201
    state = started.json()
    adaptive = state["id"]
    first = state["next_item"]["id"]
    state = client.put(f"/api/v1/diagnostics/{adaptive}/answers/{first}", json={"value": 0}).json()
    assert state["answers"] == {first: 0}
    second = state["next_item"]["id"]
    assert second != first
    state = client.delete(f"/api/v1/diagnostics/{adaptive}/answers/last").json()
    assert state["answers"] == {}
    assert state["next_item"]["id"] == first
    assert state["previous_answer"] == 0  # kept, to show it selected
    bad = client.put(f"/api/v1/diagnostics/{adaptive}/answers/{first}", json={"value": 7})
    assert bad.status_code == 422
    while state["next_item"] is not None:
        item = state["next_item"]["id"]
        state = client.put(
            f"/api/v1/diagnostics/{adaptive}/answers/{item}", json={"value": 3}
        ).json()
    assert state["progress"] == {"asked": len(state["answers"]), "left_at_most": 0}
    need = REF.needs[0].code
    done = client.post(
        f"/api/v1/diagnostics/{adaptive}/finish",
        json={"context": {"knows_help": False, "needs": [need]}, "goals": {need: "A3"}},
    )
    assert done.status_code == 200, done.text
    assert done.json()["result"]["profile"] in {"autonome", "avance"}
    # A completed diagnostic never changes: a late answer or a second finish is a conflict.
    late = client.put(f"/api/v1/diagnostics/{adaptive}/answers/{first}", json={"value": 1})
    assert late.status_code == 409
    again = client.post(
        f"/api/v1/diagnostics/{adaptive}/finish", json={"context": {"knows_help": True}}
    )
    assert again.status_code == 409
    stored = client.get(f"/api/v1/diagnostics/{adaptive}").json()
    assert stored["context"]["knows_help"] is False
    assert stored["result"] == done.json()["result"]


def test_a_resume_code_is_given_at_start(client):
    state = client.post("/api/v1/diagnostics/adaptive").json()
    assert len(state["resume_code"]) == 9
    assert state["resume_code"][4] == "-"


def test_the_openapi_schema_documents_the_api(client):
    schema = client.get("/schema/openapi.json").json()
    assert "/api/v1/diagnostics" in schema["paths"]
    assert "/api/v1/referentiel" in schema["paths"]


def test_a_session_is_never_the_adaptive_diagnostic(client):
    """« Session » names a dated training session only: the adaptive diagnostic is a
    diagnostic, under /api/v1/diagnostics."""
    paths = client.get("/schema/openapi.json").json()["paths"]
    named = [path for path in paths if "session" in path.lower()]
    assert all(path.startswith("/api/v1/sessions") for path in named), named  # the workshops'
    assert not [path for path in named if "diagnostic" in path]
    assert {
        "/api/v1/diagnostics/adaptive",
        "/api/v1/diagnostics/{diagnostic_id}/adaptive",
        "/api/v1/diagnostics/{diagnostic_id}/answers/{item_id}",
        "/api/v1/diagnostics/{diagnostic_id}/answers/last",
        "/api/v1/diagnostics/{diagnostic_id}/finish",
    } <= set(paths)
    started = client.post("/api/v1/diagnostics/adaptive")
    assert started.status_code == 201
    again = client.get(f"/api/v1/diagnostics/{started.json()['id']}/adaptive")
    assert again.json()["next_item"] == started.json()["next_item"]
    # POST /api/v1/sessions makes a training session: for the offer's professionals only
    assert client.post("/api/v1/sessions").status_code == 401


def test_a_beginner_is_spared_the_harder_questions_and_sees_them_as_not_yet_acquired(client):
    rule = REF.inferences[0]
    state = client.post("/api/v1/diagnostics/adaptive").json()
    diagnostic = state["id"]
    assert state["progress"] == {"asked": 0, "left_at_most": REF.forms.rapide.max_questions}
    while state["next_item"] is not None:
        item = state["next_item"]["id"]
        before = state["progress"]["asked"] + state["progress"]["left_at_most"]
        state = client.put(
            f"/api/v1/diagnostics/{diagnostic}/answers/{item}", json={"value": 0}
        ).json()
        assert state["progress"]["asked"] + state["progress"]["left_at_most"] <= before
    assert len(state["answers"]) <= 10
    assert state["not_asked"] == dict.fromkeys(rule.competences, rule.id)
    result = client.post(f"/api/v1/diagnostics/{diagnostic}/finish", json={}).json()["result"]
    inferred = {c["code"]: c for c in result["competences"] if c["inferred"]}
    assert set(inferred) == set(rule.competences)
    assert all(c["level"] == 0 and c["confidence"] == rule.confidence for c in inferred.values())
    answered = [c for c in result["competences"] if not c["inferred"]]
    assert all(c["confidence"] > rule.confidence for c in answered)


def test_two_answers_leave_the_profile_to_complete(client):
    response = client.post("/api/v1/diagnostics", json={"answers": {"E1.1": 4, "E1.2": 4}})
    assert response.status_code == 201, response.text
    result = response.json()["result"]
    assert result["profile"] is None
    assert result["to_complete"] == ["E2", "C1", "I1", "P2", "C3"]
    unknown = [c["code"] for c in result["competences"] if c["level"] is None]
    assert len(unknown) == 11
    empty = client.post("/api/v1/diagnostics", json={"answers": {}})
    assert empty.status_code == 422
