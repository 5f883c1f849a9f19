"""Writing a diagnostic: the row is built without the database, and the write never ends a
transaction it did not open, so a handler's whole change is one commit."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from app.db.models import Channel, Diagnostic
from app.features.diagnostics.service import (
    DiagnosticError,
    Idempotency,
    IdempotencyConflictError,
    Provenance,
    add_diagnostic,
    diagnostic_row,
)
from referentiel import load_referential
from referentiel.submission import read_submission

REF = load_referential()
ANSWERS = {i.id: 2 for i in REF.form_items("papier")}


@contextmanager
def commits_on_diagnostics(engine: AsyncEngine) -> Iterator[list[None]]:
    """The commits of transactions that read or wrote the diagnostic table (the app's
    chores and scan worker use the same engine, and are not counted)."""
    counted: list[None] = []

    def statement(conn: Any, _cursor: Any, sql: str, *_args: Any) -> None:
        if Diagnostic.__tablename__ in sql:
            conn.info["diagnostics"] = True

    def commit(conn: Any) -> None:
        if conn.info.pop("diagnostics", False):
            counted.append(None)

    def rollback(conn: Any) -> None:
        conn.info.pop("diagnostics", None)

    listeners = [("before_cursor_execute", statement), ("commit", commit)]
    listeners.append(("rollback", rollback))
    for name, listener in listeners:
        event.listen(engine.sync_engine, name, listener)
    try:
        yield counted
    finally:
        for name, listener in listeners:
            event.remove(engine.sync_engine, name, listener)


def test_finishing_through_the_api_is_one_commit(client):
    state = client.post("/api/v1/diagnostics/adaptive").json()
    while state["next_item"] is not None:
        item = state["next_item"]["id"]
        state = client.put(
            f"/api/v1/diagnostics/{state['id']}/answers/{item}", json={"value": 2}
        ).json()
    need = REF.needs[0].code
    with commits_on_diagnostics(client.app.state.engine) as commits:
        done = client.post(
            f"/api/v1/diagnostics/{state['id']}/finish",
            json={"context": {"knows_help": True, "needs": [need]}, "goals": {need: "A2"}},
        )
    assert done.status_code == 200, done.text
    assert len(commits) == 1
    stored = client.get(f"/api/v1/diagnostics/{state['id']}").json()
    assert stored["goals"] == {need: "A2"} and stored["context"]["knows_help"] is True


def test_the_row_is_built_without_the_database_and_refuses_nothing_scored():
    submission = read_submission({"answers": ANSWERS, "goals": {"caf": "A3"}})
    row = diagnostic_row(submission, Provenance(Channel.PAPER))
    assert row["goals"] == {"caf": "A3"} and row["answers"] == ANSWERS
    assert row["result"]["version"] == REF.version
    assert row["idempotency_key"] is None and row["request_hash"] is None
    with pytest.raises(DiagnosticError):
        diagnostic_row(read_submission({"answers": {"E1.1": "?"}}), Provenance(Channel.ONLINE))


def test_the_write_leaves_the_callers_transaction_to_the_caller(backend):
    row = diagnostic_row(read_submission({"answers": ANSWERS}), Provenance(Channel.ONLINE))

    async def write_then_roll_back(db: Any) -> Any:
        await add_diagnostic(db, row)
        await db.rollback()
        return await db.get(Diagnostic, row["id"])

    assert backend.run(write_then_roll_back) is None


def test_a_refused_row_leaves_the_callers_transaction_usable(backend):
    submission = read_submission({"answers": ANSWERS})
    key = Idempotency(key=f"key-{backend.name}-{id(submission)}", fingerprint="same")
    first = diagnostic_row(submission, Provenance(Channel.PAPER), key)
    again = diagnostic_row(submission, Provenance(Channel.PAPER), key)
    other = diagnostic_row(submission, Provenance(Channel.PAPER), Idempotency(key.key, "other"))

    async def write_twice(db: Any) -> Any:
        created = await add_diagnostic(db, first)
        replayed = await add_diagnostic(db, again)
        with pytest.raises(IdempotencyConflictError):
            await add_diagnostic(db, other)
        await db.commit()
        stored = await db.scalar(
            select(func.count())
            .select_from(Diagnostic)
            .where(Diagnostic.idempotency_key == key.key)
        )
        return created, replayed, stored

    created, replayed, stored = backend.run(write_twice)
    assert created.created and not replayed.created
    assert replayed.id == created.id and stored == 1
