"""A structure's public calendar feed: its coming sessions, the recently cancelled ones marked
so, nothing of another structure, and an answer calendars may keep."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from icalendar import Calendar
from litestar.testing import TestClient
from sqlalchemy.ext.asyncio import AsyncSession

from app.features.notifications import session_invitation
from app.features.notifications.feeds import FEEDS
from tests.app.conftest import Backend
from tests.app.features.notifications.offer import session_at


def _offer(backend: Backend) -> dict[str, Any]:
    now = datetime.now(UTC)

    async def go(db: AsyncSession) -> dict[str, Any]:
        coming = await session_at(db, now + timedelta(days=3))
        mine = coming.structure_id
        cancelled = await session_at(db, now + timedelta(days=4), structure_id=mine)
        cancelled.cancelled_at = now - timedelta(days=1)
        cancelled.cancel_reason = "Formatrice malade"
        long_cancelled = await session_at(db, now + timedelta(days=5), structure_id=mine)
        long_cancelled.cancelled_at = now - timedelta(days=40)
        old = await session_at(db, now - timedelta(days=20), structure_id=mine)
        remote = await session_at(
            db, now + timedelta(days=6), structure_id=mine, remote_url="https://visio.example/a"
        )
        other = await session_at(db, now + timedelta(days=3))
        await db.commit()
        return {
            "structure": mine,
            "shown": {coming.id, cancelled.id, remote.id},
            "cancelled": cancelled.id,
            "hidden": {long_cancelled.id, old.id, other.id},
        }

    return backend.run(go)


def _uid_of(session_id: UUID) -> str:
    return f"session-{session_id}@127.0.0.1"


def test_the_feed_lists_the_structures_coming_sessions_and_marks_the_cancelled_ones(
    backend: Backend, client: TestClient[Any]
) -> None:
    offer = _offer(backend)
    response = client.get(f"/offre/structures/{offer['structure']}/sessions.ics")
    assert response.status_code == 200
    # said once: a client that reads « charset=utf-8; charset=utf-8 » may refuse the file
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    assert response.headers["cache-control"] == "public, max-age=900"
    calendar = Calendar.from_ical(response.content)
    assert "METHOD" not in calendar  # a subscription, not an invitation
    statuses = {str(e["UID"]): str(e["STATUS"]) for e in calendar.events}
    assert set(statuses) == {_uid_of(i) for i in offer["shown"]}
    assert statuses[_uid_of(offer["cancelled"])] == "CANCELLED"
    assert not {_uid_of(i) for i in offer["hidden"]} & set(statuses)
    assert [tz.tz_name for tz in calendar.timezones] == ["Europe/Paris"]
    locations = {str(e["LOCATION"]) for e in calendar.events}
    assert "En ligne, avec ce lien : https://visio.example/a" in locations
    assert b"reservation" not in response.content.lower()  # no booking, no contact


def test_an_unchanged_feed_answers_304_to_its_etag(
    backend: Backend, client: TestClient[Any]
) -> None:
    offer = _offer(backend)
    path = f"/offre/structures/{offer['structure']}/sessions.ics"
    first = client.get(path)
    again = client.get(path, headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    assert again.content == b""


def test_an_unknown_structure_has_no_feed(client: TestClient[Any]) -> None:
    assert client.get(f"/offre/structures/{uuid.uuid4()}/sessions.ics").status_code == 404
    assert client.get("/offre/structures/pas-un-id/sessions.ics").status_code == 404


def test_one_caller_hammering_one_feed_is_stopped_and_other_feeds_still_answer(
    backend: Backend, client: TestClient[Any]
) -> None:
    hammered, other = _offer(backend), _offer(backend)
    path = f"/offre/structures/{hammered['structure']}/sessions.ics"
    statuses = [client.get(path).status_code for _ in range(FEEDS.attempts + 1)]
    assert statuses[-1] == 429
    assert client.get(f"/offre/structures/{other['structure']}/sessions.ics").status_code == 200


def test_a_sessions_own_file_is_a_publication_that_follows_its_revision(
    backend: Backend,
) -> None:
    async def go(db: AsyncSession) -> tuple[bytes, bytes]:
        session = await session_at(db, datetime.now(UTC) + timedelta(days=2))
        await db.commit()
        before = session_invitation(session, settings=backend.settings)
        session.revision += 1
        session.cancelled_at = datetime.now(UTC)
        await db.commit()
        return before, session_invitation(session, settings=backend.settings)

    before, after = (Calendar.from_ical(ics) for ics in backend.run(go))
    assert before["METHOD"] == after["METHOD"] == "PUBLISH"
    (first,), (second,) = before.events, after.events
    assert first["UID"] == second["UID"]
    assert int(second["SEQUENCE"]) == int(first["SEQUENCE"]) + 1
    assert (str(first["STATUS"]), str(second["STATUS"])) == ("CONFIRMED", "CANCELLED")
