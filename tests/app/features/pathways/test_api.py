"""The pathways API: a recommendation for a stored or an inline diagnostic (the same checks as
``POST /api/v1/diagnostics``), a person's pathway and a mediator's decisions, the yes or no on
a proposal; RFC 9457 problems for what cannot be done."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.db.models import FeedbackKind, PathwayFeedback
from referentiel import load_referential
from tests.app.features.pathways.test_pages import FAMILY, SANCERRE, phone_workshop, rows
from tests.app.test_mediator_pages import create_person

PAPER = [i.id for i in load_referential().form_items("papier")]
CONTEXT = {"commune": SANCERRE, "equipment": ["smartphone"], "needs": [FAMILY]}


def inline(**extra: Any) -> dict[str, Any]:
    return {"answers": dict.fromkeys(PAPER, 1), "context": CONTEXT, "goals": {FAMILY: "A3"}} | extra


def test_an_inline_diagnostic_gets_a_proposal_with_steps_sessions_and_reasons(backend, client):
    made = phone_workshop(backend)
    answer = client.post("/api/v1/recommendations", json=inline())
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["rules_version"] and body["model_version"] is None
    [need] = body["needs"]
    assert (need["need"], need["goal"]) == (FAMILY, "A3")
    assert {"current", "proposed_goal", "modality", "warning", "why"} <= set(need)
    first = need["steps"][0]
    assert (first["competence"], first["from"], first["to"]) == ("E1", 1, 2)
    assert str(made["session"]) in {s["id"] for s in first["sessions"]}
    assert all(w["rule"] and w["text"] for w in first["why"] + need["why"])
    assert body["recommendation_id"] is None  # given inline: nothing kept


def test_a_request_naming_both_or_neither_or_wrong_values_is_a_problem(client):
    both = client.post("/api/v1/recommendations", json=inline(diagnostic_id=str(UUID(int=1))))
    neither = client.post("/api/v1/recommendations", json={"context": CONTEXT})
    wrong = client.post("/api/v1/recommendations", json=inline(goals={FAMILY: "A9"}))
    unknown = client.post("/api/v1/recommendations", json={"diagnostic_id": str(UUID(int=1))})
    for answer, status in ((both, 422), (neither, 422), (wrong, 422), (unknown, 404)):
        assert answer.status_code == status, answer.text
        assert answer.headers["content-type"].startswith("application/problem+json")


def test_a_stored_diagnostic_is_proposed_kept_and_answered_yes_or_no(backend, client):
    stored = client.post("/api/v1/diagnostics", json=inline()).json()["id"]
    body = client.post("/api/v1/recommendations", json={"diagnostic_id": stored}).json()
    assert body["recommendation_id"] and body["diagnostic_id"] == stored
    said = client.post(
        f"/api/v1/diagnostics/{stored}/feedback", json={"need": FAMILY, "fits": True}
    )
    assert said.status_code == 201, said.text
    assert said.json()["recommendation_id"] == body["recommendation_id"]
    other = client.post(
        f"/api/v1/diagnostics/{stored}/feedback", json={"need": "impots", "fits": True}
    )
    assert other.status_code == 422
    [kept] = rows(backend, PathwayFeedback, stored)
    assert (kept.kind, kept.value) == (FeedbackKind.RESIDENT, {"fits": True})


def test_a_mediator_reads_and_decides_a_persons_pathway(backend, client, mediator):
    headers = mediator
    person = create_person(client, "Odette", commune=SANCERRE)
    body = inline(person_id=person, channel="paper")
    assert client.post("/api/v1/diagnostics", json=body, headers=headers).status_code == 201
    pathway = client.get(f"/api/v1/people/{person}/pathway", headers=headers).json()
    [need] = pathway["needs"]
    assert need["need"] == FAMILY and need["decided_by"] is None
    assert need["steps"][0]["status"] == "proposed"
    decided = client.put(
        f"/api/v1/people/{person}/pathway",
        json={
            "needs": [
                {
                    "need": FAMILY,
                    "decision": "replaced",
                    "goal": "A2",
                    "modality": "individual",
                    "steps": [{"competence": "C1", "from": 1, "to": 2}],
                }
            ]
        },
        headers=headers,
    )
    assert decided.status_code == 200, decided.text
    [after] = decided.json()["needs"]
    assert (after["goal"], after["modality"]) == ("A2", "individual")
    assert [(s["competence"], s["origin"]) for s in after["steps"]] == [("C1", "mediator")]
    assert after["decided_by"] and after["decided_at"]
    [feedback] = rows(backend, PathwayFeedback, pathway["diagnostic_id"])
    assert feedback.kind == FeedbackKind.REPLACED and feedback.by_user_id
    assert feedback.value["before"]["goal"] == "A3" and feedback.value["after"]["goal"] == "A2"
    # a need not chosen, or a step that does not go up: 422, nothing changed
    for wrong in (
        {"need": "impots", "decision": "accepted"},
        {"need": FAMILY, "decision": "edited", "steps": [{"competence": "C1", "from": 2, "to": 1}]},
    ):
        answer = client.put(
            f"/api/v1/people/{person}/pathway", json={"needs": [wrong]}, headers=headers
        )
        assert answer.status_code == 422, answer.text
    again = client.get(f"/api/v1/people/{person}/pathway", headers=headers).json()
    assert again["needs"] == decided.json()["needs"]


STEPS = st.lists(
    st.fixed_dictionaries(
        {
            "competence": st.sampled_from(["E1", "E2", "C1", "Z9"]),
            "from": st.integers(-1, 5),
            "to": st.integers(-1, 5),
        }
    ),
    max_size=4,
)
DECISIONS = st.fixed_dictionaries(
    {
        "need": st.sampled_from([FAMILY, "impots"]),
        "decision": st.sampled_from(["accepted", "edited", "replaced", "oublié"]),
    },
    optional={
        "goal": st.sampled_from(["A0", "A2", "A4", "A9"]),
        "modality": st.sampled_from(["individual", "collective", "par pigeon"]),
        "steps": STEPS,
    },
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(decisions=st.lists(DECISIONS, min_size=1, max_size=3))
def test_any_decision_is_kept_whole_or_refused_whole(backend, client, mediator, decisions):
    """Whatever a caller sends: a 200 and a pathway of consecutive steps, at most 3 of them,
    each going up within 0–4; or a problem and the pathway as it was."""
    person = create_person(client, "Odette")
    body = inline(person_id=person, channel="paper")
    assert client.post("/api/v1/diagnostics", json=body, headers=mediator).status_code == 201
    before = client.get(f"/api/v1/people/{person}/pathway", headers=mediator).json()
    answer = client.put(
        f"/api/v1/people/{person}/pathway", json={"needs": decisions}, headers=mediator
    )
    after = client.get(f"/api/v1/people/{person}/pathway", headers=mediator).json()
    if answer.status_code != 200:
        assert answer.status_code in (400, 422), answer.text
        assert answer.headers["content-type"].startswith("application/problem+json")
        assert after == before
        return
    for need in after["needs"]:
        assert [s["position"] for s in need["steps"]] == list(range(len(need["steps"])))
        assert len(need["steps"]) <= 3
        assert all(0 <= s["from"] < s["to"] <= 4 for s in need["steps"])
