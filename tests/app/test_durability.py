"""A diagnostic the service acknowledged survives `kill -9`, and a retry never makes a second one.

`parcours serve` runs as a user runs it (its own process, a fresh database: SQLite in its own
working directory, or a new PostgreSQL database). Clients post complete diagnostics, each with
its own Idempotency-Key, and the server is killed with SIGKILL in the middle of the load, then
restarted, three times. Then every acknowledged diagnostic must be readable with its answers,
and every key replayed with its body, the lost ones included, must name exactly one diagnostic.
"""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from app.features.diagnostics.service import scoped_key
from bench.http_load import PARCOURS, Served, fresh_database, serve, tail
from referentiel import load_referential
from tests.app.conftest import postgres_server

ITEMS = [item.id for item in load_referential().items]
VALUES: list[int | str] = [0, 1, 2, 3, 4, "?"]
ROUNDS = 3
CLIENTS = 8
ACKNOWLEDGED_PER_ROUND = 40  # then the kill comes at a random moment of the next 0.1 s


@dataclass
class Sent:
    """One submission and what its client heard; ``status`` None: the kill cut it."""

    key: str
    body: dict[str, Any]
    status: int | None = None
    id: str | None = None


@dataclass
class Service:
    """How to start the service on one database, and how to read that database directly."""

    workdir: Path
    options: list[str]
    database_url: str

    @contextmanager
    def running(self) -> Iterator[Served]:
        with serve(
            [str(PARCOURS), "serve", "--port", "{port}", *self.options], "/sante", self.workdir
        ) as served:
            yield served

    def stored_keys(self) -> list[str | None]:
        """The Idempotency-Key of every diagnostic row, read with SQL, not through the service."""

        async def read() -> list[str | None]:
            engine = create_async_engine(self.database_url)
            try:
                async with engine.connect() as connection:
                    rows = await connection.execute(text("SELECT idempotency_key FROM diagnostic"))
                    return [row[0] for row in rows]
            finally:
                await engine.dispose()

        return asyncio.run(read())


@pytest.fixture(params=["sqlite", "postgresql"])
def service(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Service]:
    if request.param == "sqlite":  # the default database, var/ of the working directory
        yield Service(tmp_path, [], f"sqlite+aiosqlite:///{tmp_path / 'var' / 'parcours.sqlite3'}")
        return
    with fresh_database(postgres_server()) as url:
        yield Service(tmp_path, ["--database-url", url], url)


def _body(rng: random.Random) -> dict[str, Any]:
    answers = {item: rng.choice(VALUES) for item in rng.sample(ITEMS, 6)}
    return {"answers": answers}


def _post(client: httpx.Client, sent: Sent) -> httpx.Response:
    return client.post("/api/v1/diagnostics", json=sent.body, headers={"Idempotency-Key": sent.key})


def _submit_until_cut(url: str, seed: int, log: list[Sent]) -> None:
    """One client posting new diagnostics one after the other, until the server is gone."""
    rng = random.Random(seed)
    with httpx.Client(base_url=url, timeout=30) as client:
        while True:
            sent = Sent(str(uuid.uuid4()), _body(rng))
            log.append(sent)
            try:
                response = _post(client, sent)
            except httpx.TransportError:
                return
            sent.status, sent.id = response.status_code, response.json().get("id")


def _load_then_kill(served: Served, log: list[Sent], rng: random.Random) -> None:
    """Clients submit; once this round has answers, SIGKILL the server at a random moment."""
    first = len(log)
    deadline = time.monotonic() + 30
    with ThreadPoolExecutor(CLIENTS) as pool:
        clients = [
            pool.submit(_submit_until_cut, served.url, rng.randrange(2**32), log)
            for _ in range(CLIENTS)
        ]
        while sum(s.status is not None for s in log[first:]) < ACKNOWLEDGED_PER_ROUND:
            if any(c.done() for c in clients) or time.monotonic() > deadline:
                pytest.fail(f"the load stalled before the kill:\n{tail(served.log)}")
            time.sleep(0.005)
        time.sleep(rng.uniform(0, 0.1))
        served.process.kill()  # SIGKILL: no shutdown, no flush, nothing the server can do
        served.process.wait()
        for done in clients:
            done.result(timeout=30)  # a client's own error shows here


def test_acknowledged_diagnostics_survive_kill_9_and_replays_create_nothing(
    service: Service,
) -> None:
    rng = random.Random(20240917)
    log: list[Sent] = []
    for _ in range(ROUNDS):
        with service.running() as served:
            _load_then_kill(served, log, rng)
    answered = [s for s in log if s.status is not None]
    assert {s.status for s in answered} == {201}, [s.status for s in answered]

    with service.running() as served, httpx.Client(base_url=served.url, timeout=30) as client:
        unreadable = [
            s.key
            for s in answered
            if (read := client.get(f"/api/v1/diagnostics/{s.id}")).status_code != 200
            or read.json()["answers"] != s.body["answers"]
        ]
        assert not unreadable, f"{len(unreadable)} of {len(answered)} acknowledged diagnostics lost"
        before = service.stored_keys()
        replayed = [_post(client, s) for s in log]
        again = [_post(client, s) for s in log]
        after = service.stored_keys()
        assert "Traceback" not in served.log.read_text(), tail(served.log)

    # Acknowledged: the replay names the same diagnostic. Lost in a kill: stored or not, the
    # replay makes it exist. Replayed once more: always the same one, and nothing new.
    wrong = [
        (sent.key, sent.status, first.status_code, second.status_code)
        for sent, first, second in zip(log, replayed, again, strict=True)
        if first.status_code not in ((200,) if sent.status else (200, 201))
        or (sent.status and first.json()["id"] != sent.id)
        or second.status_code != 200
        or second.headers.get("Idempotent-Replayed") != "true"
        or second.json()["id"] != first.json()["id"]
    ]
    assert not wrong, f"{len(wrong)} of {len(log)} replays went wrong: {wrong[:5]}"
    # Keys are stored bound to their caller (here, the loopback address).
    expected = sorted(scoped_key("address:127.0.0.1", s.key) for s in log)
    assert sorted(after, key=str) == expected, "one row per key, no other"
    created = sum(r.status_code == 201 for r in replayed)
    assert len(after) - len(before) == created
