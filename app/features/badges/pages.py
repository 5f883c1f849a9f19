"""A badge issued by hand from a person's page: from evidence the professional's structure
recorded about them (a passed exit check, an observed task), never from what they declare."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect
from sqlalchemy.ext.asyncio import AsyncSession

from app.access import MSG_PERSON_NOT_FOUND, Permission, needs, person_for
from app.audit import Auditor
from app.db.models import EvidenceRecord, User
from app.errors import Problem
from app.features.accounts import PAGE_ERRORS
from app.features.badges.api import ISSUING
from app.features.badges.issuing import IssuingError, issue_for_evidence, live_for_evidence
from app.throttle import per_user
from app.web import flash, see_other


class PersonBadgePages(Controller):
    path = "/pro/personnes/{person_id:uuid}/badges"
    include_in_schema = False
    opt = needs(Permission.BADGES)
    exception_handlers = PAGE_ERRORS

    @post("/", guards=[per_user(ISSUING)])
    async def issue(
        self,
        *,
        request: Request[Any, Any, Any],
        person_id: FromPath[UUID],
        db_session: NamedDependency[AsyncSession],
        current_user: NamedDependency[User | None],
        auditor: NamedDependency[Auditor],
    ) -> Redirect:
        person = await person_for(db_session, current_user, person_id)
        if person is None or current_user is None:
            raise Problem(404, MSG_PERSON_NOT_FOUND)
        back = f"/pro/personnes/{person.id}"
        form = await request.form()
        try:
            evidence_id = UUID(str(form.get("evidence", "")))
        except ValueError:
            evidence_id = None
        evidence = (
            None if evidence_id is None else await db_session.get(EvidenceRecord, evidence_id)
        )
        if (
            evidence is None
            or evidence.person_id != person.id
            or evidence.structure_id != current_user.structure_id
        ):
            flash(request, "Cette preuve est introuvable dans votre structure : pas de badge.")
            return see_other(back)
        before = await live_for_evidence(db_session, evidence)
        try:
            credential = await issue_for_evidence(db_session, evidence, issued_by=current_user.id)
        except IssuingError as error:
            flash(request, str(error))
            return see_other(back)
        if before is None:
            auditor.record(db_session, "credential.issue", "credential", credential.id)
        await db_session.commit()  # before the session store writes the notice (SQLite)
        flash(request, "Badge délivré : {name}", name=credential.body["name"])
        return see_other(back)
