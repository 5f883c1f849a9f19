"""After the goals, the short form asks at most two more questions, only when a need the
person chose rests on a competence they could not answer; then the result."""

from __future__ import annotations

import re

from tests.app.resident import answer_all, start, token


def _to_goals(client, diagnostic: str, needs: list[str]) -> None:  # type: ignore[no-untyped-def]
    client.post(f"/diagnostic/{diagnostic}/contexte", data={"_csrf_token": token(client)})
    client.post(
        f"/diagnostic/{diagnostic}/besoins", data={"_csrf_token": token(client), "needs": needs}
    )


def _not_sure_about(*competences: str):  # type: ignore[no-untyped-def]
    return lambda item: "?" if item.split(".")[0] in competences else "2"


def test_two_questions_settle_what_the_chosen_need_rests_on_then_the_result(client):
    diagnostic = start(client)
    answer_all(client, diagnostic, _not_sure_about("C3", "I1"))
    _to_goals(client, diagnostic, ["caf"])
    page = client.post(
        f"/diagnostic/{diagnostic}/objectifs",
        data={"_csrf_token": token(client), "goal_caf": "A3"},
    )
    assert str(page.url).endswith(f"/diagnostic/{diagnostic}/precision")
    assert "Encore une ou deux questions" in page.text
    asked = []
    while "/precision" in str(page.url) and 'name="item"' in page.text:
        item = re.search(r'name="item" value="([^"]+)"', page.text)
        assert item
        asked.append(item[1])
        page = client.post(
            f"/diagnostic/{diagnostic}/precision",
            data={"_csrf_token": token(client), "item": item[1], "value": "1"},
        )
    assert 1 <= len(asked) <= 2
    assert {a.split(".")[0] for a in asked} <= {"C3", "I1"}
    assert "terminé, merci" in page.text
    page = client.post(f"/diagnostic/{diagnostic}/terminer", data={"_csrf_token": token(client)})
    assert str(page.url).endswith("/resultat")
    state = client.get(f"/api/v1/diagnostics/{diagnostic}").json()
    assert state["goals"] == {"caf": "A3"}  # kept while the questions were asked
    assert all(state["answers"][a] == 1 for a in asked)


def test_nothing_more_is_asked_when_every_need_rests_on_answers(client):
    diagnostic = start(client)
    answer_all(client, diagnostic, _not_sure_about("C3"))
    _to_goals(client, diagnostic, ["proches"])  # E1, E2, C1: all answered
    page = client.post(
        f"/diagnostic/{diagnostic}/objectifs",
        data={"_csrf_token": token(client), "goal_proches": "A3"},
    )
    assert str(page.url).endswith("/resultat")


def test_an_answer_to_a_question_that_was_not_asked_is_not_kept(client):
    diagnostic = start(client)
    answer_all(client, diagnostic, _not_sure_about("C3", "I1"))
    _to_goals(client, diagnostic, ["caf"])
    client.post(
        f"/diagnostic/{diagnostic}/objectifs",
        data={"_csrf_token": token(client), "goal_caf": "A3"},
    )
    client.post(
        f"/diagnostic/{diagnostic}/precision",
        data={"_csrf_token": token(client), "item": "R1.3", "value": "4"},
    )
    state = client.get(f"/api/v1/diagnostics/{diagnostic}").json()
    assert "R1.3" not in state["answers"]
    assert state["status"] == "in_progress"
