"""What a diagnostic may become: a completed one never changes (a mediator's correction is a
new version linked to it), resume codes cannot be guessed at speed and expire, an
Idempotency-Key replays only for its caller, and an API caller learns nothing it may not."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import create_async_engine

from app.db.models import Diagnostic, DiagnosticStatus, Role, Throttle
from app.housekeeping import run_chores
from referentiel import load_referential
from tests.app.conftest import csrf

REF = load_referential()
PAPER = {i.id: 2 for i in REF.form_items("papier")}


def mediator(backend: Any, structure: str | None = None) -> dict[str, str]:
    email, _ = backend.user(Role.MEDIATOR, structure)
    return {"Authorization": f"Bearer {backend.token(email)}"}


def person_diagnostic(client: Any, headers: dict[str, str]) -> tuple[str, str]:
    person = client.post(
        "/api/v1/people", json={"alias": "Gisèle", "consent": True}, headers=headers
    )
    body = {"answers": PAPER, "person_id": person.json()["id"], "channel": "paper"}
    created = client.post("/api/v1/diagnostics", json=body, headers=headers)
    assert created.status_code == 201, created.text
    return person.json()["id"], created.json()["id"]


# --- finished means finished ----------------------------------------------------------------


def test_a_correction_is_a_new_version_and_the_first_one_does_not_change(backend, client):
    headers = mediator(backend)
    _, first = person_diagnostic(client, headers)
    before = client.get(f"/api/v1/diagnostics/{first}", headers=headers).json()
    corrected = client.post(
        f"/api/v1/diagnostics/{first}/corrections",
        json={"answers": {**PAPER, "E1.1": 4}, "context": {"knows_help": True}},
        headers=headers,
    )
    assert corrected.status_code == 201, corrected.text
    second = corrected.json()["id"]
    assert corrected.headers["location"] == f"/api/v1/diagnostics/{second}"
    new = client.get(f"/api/v1/diagnostics/{second}", headers=headers).json()
    assert new["supersedes_id"] == first and new["answers"]["E1.1"] == 4
    assert new["channel"] == "paper" and new["person_id"] == before["person_id"]
    assert client.get(f"/api/v1/diagnostics/{first}", headers=headers).json() == before
    # A version is corrected once; the next correction is of the latest one.
    again = client.post(
        f"/api/v1/diagnostics/{first}/corrections", json={"answers": PAPER}, headers=headers
    )
    assert again.status_code == 409
    latest = client.post(
        f"/api/v1/diagnostics/{second}/corrections", json={"answers": PAPER}, headers=headers
    )
    assert latest.status_code == 201


def test_only_the_structure_corrects_and_never_a_residents_own_diagnostic(backend, client):
    owner = mediator(backend)
    _, linked = person_diagnostic(client, owner)
    outsider = mediator(backend)
    body = {"answers": PAPER}
    assert (
        client.post(f"/api/v1/diagnostics/{linked}/corrections", json=body, headers=outsider)
    ).status_code == 404
    trainer, _ = backend.user(Role.TRAINER)
    as_trainer = {"Authorization": f"Bearer {backend.token(trainer)}"}
    response = client.post(
        f"/api/v1/diagnostics/{linked}/corrections", json=body, headers=as_trainer
    )
    assert response.status_code == 403
    resident = client.post("/api/v1/diagnostics", json={"answers": PAPER}).json()["id"]
    response = client.post(f"/api/v1/diagnostics/{resident}/corrections", json=body, headers=owner)
    assert response.status_code == 403


def test_finishing_twice_changes_nothing(client):
    adaptive = client.post("/api/v1/diagnostics/adaptive").json()
    item = adaptive["next_item"]["id"]
    client.put(f"/api/v1/diagnostics/{adaptive['id']}/answers/{item}", json={"value": 3})
    done = client.post(
        f"/api/v1/diagnostics/{adaptive['id']}/finish", json={"context": {"knows_help": True}}
    )
    assert done.status_code == 200
    twice = client.post(
        f"/api/v1/diagnostics/{adaptive['id']}/finish",
        json={"context": {"knows_help": False}, "goals": {REF.needs[0].code: "A1"}},
    )
    assert twice.status_code == 409
    assert twice.headers["content-type"].startswith("application/problem+json")
    stored = client.get(f"/api/v1/diagnostics/{adaptive['id']}").json()
    assert stored["context"] == {"knows_help": True} and stored["goals"] == {}


def test_the_resident_pages_never_change_a_finished_diagnostic(client):
    csrf(client, "/")
    token = client.cookies.get("csrftoken")
    page = client.post("/diagnostic", data={"_csrf_token": token})
    diagnostic = str(page.url).split("/")[-2]
    item = page.text.split('name="item" value="')[1].split('"')[0]
    client.post(
        f"/diagnostic/{diagnostic}/question",
        data={"_csrf_token": token, "item": item, "value": "2"},
    )
    client.post(f"/diagnostic/{diagnostic}/terminer", data={"_csrf_token": token})
    finished = client.get(f"/api/v1/diagnostics/{diagnostic}").json()
    for step, data in (
        ("question", {"item": item, "value": "4"}),
        ("contexte", {"knows_help": "non"}),
        ("besoins", {"needs": REF.needs[0].code}),
        ("objectifs", {f"goal_{REF.needs[0].code}": "A3"}),
        ("terminer", {}),
    ):
        response = client.post(
            f"/diagnostic/{diagnostic}/{step}",
            data={"_csrf_token": token, **data},
            follow_redirects=False,
        )
        assert response.status_code == 303, step
        assert response.headers["location"] == f"/diagnostic/{diagnostic}/resultat"
    assert client.get(f"/api/v1/diagnostics/{diagnostic}").json() == finished


# --- what a caller may set and learn ----------------------------------------------------------


@pytest.mark.parametrize("channel", ["paper", "scan"])
def test_only_professionals_record_paper_or_scanned_diagnostics(backend, client, channel):
    body = {"answers": PAPER, "channel": channel}
    anonymous = client.post("/api/v1/diagnostics", json=body)
    assert anonymous.status_code == 403
    trainer, _ = backend.user(Role.TRAINER)
    as_trainer = {"Authorization": f"Bearer {backend.token(trainer)}"}
    assert client.post("/api/v1/diagnostics", json=body, headers=as_trainer).status_code == 403
    assert (
        client.post("/api/v1/diagnostics", json=body, headers=mediator(backend)).status_code == 201
    )


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.dictionaries(st.sampled_from(sorted(PAPER)), st.just("?"), max_size=8))
def test_a_diagnostic_without_any_answer_on_the_scale_is_refused(client, answers):
    response = client.post("/api/v1/diagnostics", json={"answers": answers})
    assert response.status_code == 422
    assert any("au moins une réponse" in p for p in response.json()["problems"])


def test_a_person_linked_diagnostic_looks_like_an_unknown_one_without_a_login(backend, client):
    _, linked = person_diagnostic(client, mediator(backend))
    hidden = client.get(f"/api/v1/diagnostics/{linked}")
    unknown = client.get(f"/api/v1/diagnostics/{uuid.uuid4()}")
    assert (
        (hidden.status_code, hidden.json())
        == (unknown.status_code, unknown.json())
        == (
            404,
            unknown.json(),
        )
    )
    assert "www-authenticate" not in hidden.headers


def test_an_idempotency_key_replays_only_for_its_caller(backend, client):
    key = str(uuid.uuid4())
    alice, bob = mediator(backend), mediator(backend)
    body = {"answers": PAPER}
    first = client.post("/api/v1/diagnostics", json=body, headers={**alice, "Idempotency-Key": key})
    replay = client.post(
        "/api/v1/diagnostics", json=body, headers={**alice, "Idempotency-Key": key}
    )
    assert first.status_code == 201 and replay.status_code == 200
    assert replay.json()["id"] == first.json()["id"]
    for other in (bob, {}):
        theirs = client.post(
            "/api/v1/diagnostics", json=body, headers={**other, "Idempotency-Key": key}
        )
        assert theirs.status_code == 201
        assert theirs.json()["id"] != first.json()["id"]


# --- resume codes -------------------------------------------------------------------------------


@pytest.fixture
def fresh_counts(backend: Any) -> Iterator[None]:
    async def clear(db: Any) -> None:
        await db.execute(delete(Throttle))
        await db.commit()

    backend.run(clear)
    yield
    backend.run(clear)


def resume(client: Any, code: str) -> Any:
    return client.post(
        "/reprendre",
        data={"code": code, "_csrf_token": csrf(client, "/reprendre")},
        follow_redirects=False,
    )


def started_code(client: Any) -> tuple[str, str]:
    state = client.post("/api/v1/diagnostics/adaptive").json()
    return state["id"], state["resume_code"]


def test_guessing_resume_codes_is_stopped_after_ten_misses(backend, client, fresh_counts):
    _, code = started_code(client)
    for n in range(10):
        assert resume(client, f"ZZZZ-{n:04d}").status_code == 404
    refused = resume(client, code)  # even the right code, from this address, for a while
    assert refused.status_code == 429
    assert "Trop d&#39;essais" in refused.text and "minute" in refused.text
    assert int(refused.headers["retry-after"]) > 0


def test_a_right_code_does_not_count_as_a_miss(client, fresh_counts):
    _, code = started_code(client)
    for _ in range(15):
        assert resume(client, code).status_code == 303


def age(backend: Any, diagnostic_id: str, **values: Any) -> None:
    async def go(db: Any) -> None:
        await db.execute(
            update(Diagnostic).where(Diagnostic.id == uuid.UUID(diagnostic_id)).values(**values)
        )
        await db.commit()

    backend.run(go)


def test_codes_expire_an_unfinished_one_after_a_month_a_result_after_six(
    backend, client, fresh_counts
):
    now = datetime.now(UTC)
    unfinished, code = started_code(client)
    age(backend, unfinished, updated_at=now - timedelta(days=29))
    assert resume(client, code).status_code == 303
    age(backend, unfinished, updated_at=now - timedelta(days=31))
    assert resume(client, code).status_code == 404

    finished, result_code = started_code(client)
    age(
        backend, finished, status=DiagnosticStatus.COMPLETED, completed_at=now - timedelta(days=180)
    )
    assert resume(client, result_code).status_code == 303
    age(backend, finished, completed_at=now - timedelta(days=190))
    assert resume(client, result_code).status_code == 404

    # The hourly chores clear the expired codes from the database.
    asyncio.run(chores(backend))

    async def count(db: Any) -> int:
        found = await db.scalar(
            select(func.count())
            .select_from(Diagnostic)
            .where(Diagnostic.id.in_([uuid.UUID(unfinished), uuid.UUID(finished)]))
            .where(Diagnostic.resume_code.is_not(None))
        )
        return int(found or 0)

    assert backend.run(count) == 0


async def chores(backend: Any) -> None:
    engine = create_async_engine(backend.settings.database_url)
    try:
        await run_chores(engine, backend.settings)
    finally:
        await engine.dispose()
