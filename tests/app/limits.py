"""Rate limits in tests: use one up for a subject, check that routes refuse past it, and forget
what earlier tests used (tests share databases and the test client's address)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, select

from app.db.models import Throttle, User
from app.throttle import Limit, Throttles


def forget_limit(backend: Any, limit: Limit) -> None:
    """What the tests before used of ``limit`` from the same address no longer counts."""

    async def go(db: Any) -> None:
        await db.execute(delete(Throttle).where(Throttle.key.startswith(f"{limit.name}:")))
        await db.commit()

    backend.run(go)


def user_subject(backend: Any, email: str) -> str:
    async def go(db: Any) -> str:
        return f"user:{await db.scalar(select(User.id).where(User.email == email))}"

    return backend.run(go)


def refused(answers: list[Any]) -> None:
    """Each answer is a 429 saying how long to wait, as a page or as a problem."""
    for answer in answers:
        where = f"{answer.request.method} {answer.request.url.path}"
        assert answer.status_code == 429, f"{where}: {answer.status_code}"
        assert int(answer.headers["retry-after"]) > 0, where
        if answer.headers["content-type"].startswith("text/html"):
            assert "attendez" in answer.text, where
        else:
            assert answer.headers["content-type"].startswith("application/problem+json"), where
            assert "attendez" in answer.json()["detail"], where


def spending(backend: Any) -> Iterator[Callable[[Limit, str], None]]:
    """Use up ``limit`` for a subject; every limit used up is forgotten at the end."""
    throttles = Throttles(backend.settings.secret())
    spent: list[Limit] = []

    def use_up(limit: Limit, subject: str) -> None:
        key = throttles.key(limit, subject)

        async def go(db: Any) -> None:
            await db.execute(delete(Throttle).where(Throttle.key == key))
            now = datetime.now(UTC)
            db.add(Throttle(key=key, count=limit.attempts, window_start=now, last_at=now))
            await db.commit()

        backend.run(go)
        spent.append(limit)

    yield use_up
    for limit in spent:
        forget_limit(backend, limit)
