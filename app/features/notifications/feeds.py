"""``GET /offre/structures/{id}/sessions.ics``: a structure's sessions as a calendar anyone may
subscribe to (a médiathèque's website, a partner's agenda). Public: it holds what the search
shows, never a booking. Calendar clients fetch it every few hours; an unchanged feed answers
304 to the ETag they kept."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from litestar import Controller, Request, get
from litestar.connection import ASGIConnection
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Response
from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.access import Permission, needs
from app.db.models import Session, Structure
from app.errors import Problem
from app.features.notifications.invitations import CALENDAR, structure_feed
from app.i18n import gettext_for, request_language
from app.throttle import Limit, client_address, per_subject

FEED_PATH = "/offre/structures/{structure_id}/sessions.ics"
# A calendar polls a feed a few times a day, a page embedding it a few times an hour. Counted
# per address and feed: a calendar service fetching many structures' feeds from one address
# is not one caller hammering one feed.
FEEDS = Limit("sessions-feed", attempts=120, window=timedelta(minutes=10))


def _caller_and_feed(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    return f"{client_address(connection)} {connection.path_params.get('structure_id')}"


# Past sessions stay a week; cancelled ones stay, marked cancelled, for a month after their
# cancellation, so that calendars that subscribed see them cancelled before they go.
PAST_KEPT = timedelta(days=7)
CANCELLED_KEPT = timedelta(days=30)
MOST = 2000
CACHE_CONTROL = "public, max-age=900"


async def feed_sessions(
    db: AsyncSession, structure_id: UUID, now: datetime | None = None
) -> Sequence[Session]:
    now = now or datetime.now(UTC)
    rows = await db.scalars(
        select(Session)
        .where(
            Session.structure_id == structure_id,
            Session.ends_at >= now - PAST_KEPT,
            or_(Session.cancelled_at.is_(None), Session.cancelled_at >= now - CANCELLED_KEPT),
        )
        .order_by(Session.starts_at)
        .limit(MOST)
    )
    return rows.all()


class StructureFeed(Controller):
    path = "/offre/structures"
    opt = needs(Permission.PUBLIC)
    include_in_schema = False

    @get("/{structure_id:uuid}/sessions.ics", guards=[per_subject(FEEDS, _caller_and_feed)])
    async def feed(
        self,
        request: Request[Any, Any, Any],
        structure_id: FromPath[UUID],
        db_session: NamedDependency[AsyncSession],
    ) -> Response[bytes]:
        structure = await db_session.get(Structure, structure_id)
        if structure is None:
            raise Problem(404, "Structure introuvable.")
        _ = gettext_for(request_language(request))
        body = structure_feed(
            await feed_sessions(db_session, structure_id),
            name=_("Ateliers : {structure}").format(structure=structure.name),
            settings=request.app.state.settings,
        )
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        headers = {"ETag": etag, "Cache-Control": CACHE_CONTROL}
        if etag in request.headers.get("if-none-match", ""):
            return Response(b"", status_code=304, headers=headers)
        return Response(body, media_type=CALENDAR, headers=headers)
