"""Scans in the mediator's workspace: upload, progress, one-click review of doubtful rows."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, URLEncodedBody
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from app.access import Permission, needs
from app.db.models import BatchStatus, PageOutcome, User
from app.errors import Problem
from app.features.accounts import PAGE_ERRORS
from app.features.scans.importing import commune_choices, doubtful_keys, read_postal_code
from app.features.scans.service import ScanService
from app.features.scans.uploads import MAX_REQUEST_BYTES, UPLOADS_PER_ACCOUNT, take_upload
from app.i18n import gettext_for, request_language
from app.throttle import per_user
from app.web import page, see_other
from referentiel import load_version

NOT_FOUND = "Ce lot de formulaires n'existe pas dans votre structure."


def wake_worker(request: Request[Any, Any, Any]) -> None:
    worker = getattr(request.app.state, "scan_worker", None)
    if worker is not None:
        worker.wakeup.set()


class ScanPages(Controller):
    path = "/pro/scans"
    include_in_schema = False
    opt = needs(Permission.SCANS)
    exception_handlers = PAGE_ERRORS

    @get("/")
    async def index(
        self,
        *,
        user: NamedDependency[User],
        scans: NamedDependency[ScanService],
        request: Request[Any, Any, Any],
    ) -> Template:
        batches = await scans.batches(user.structure_id)
        return page(request, "scans/index.html", batches=batches, error=None)

    # The body is read by take_upload, straight to disk, and the CSRF token with it: the
    # CSRF middleware would read the whole form into memory first.
    @post(
        "/",
        request_max_body_size=MAX_REQUEST_BYTES,
        guards=[per_user(UPLOADS_PER_ACCOUNT)],
        opt={"exclude_from_csrf": True},
    )
    async def upload(
        self,
        *,
        user: NamedDependency[User],
        scans: NamedDependency[ScanService],
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
    ) -> Template | Redirect:
        try:
            created = await take_upload(request, scans, user, csrf=True)
            if not created:
                raise Problem(400, "Choisissez au moins un fichier (photo ou PDF).")
        except Problem as refusal:
            batches = await scans.batches(user.structure_id)
            _ = gettext_for(request_language(request))
            return page(
                request,
                "scans/index.html",
                status=refusal.status_code,
                batches=batches,
                error=refusal.shown(_),
            )
        wake_worker(request)
        target = f"/pro/scans/{created[0].id}" if len(created) == 1 else "/pro/scans"
        return see_other(target)

    @get("/{batch_id:uuid}")
    async def batch(
        self,
        *,
        user: NamedDependency[User],
        scans: NamedDependency[ScanService],
        request: Request[Any, Any, Any],
        batch_id: FromPath[UUID],
    ) -> Template:
        batch = await scans.batch(user, batch_id)
        if batch is None:
            raise Problem(404, NOT_FOUND)
        pages = await scans.pages(batch.id)
        return page(
            request,
            "scans/batch.html",
            batch=batch,
            pages=pages,
            running=batch.status != BatchStatus.DONE,
            outcomes=PageOutcome,
        )

    @get("/pages/{page_id:uuid}")
    async def review(
        self,
        *,
        user: NamedDependency[User],
        scans: NamedDependency[ScanService],
        request: Request[Any, Any, Any],
        page_id: FromPath[UUID],
    ) -> Template:
        found = await scans.page(user, page_id)
        if found is None:
            raise Problem(404, NOT_FOUND)
        batch, scan_page = found
        version = scan_page.reading.get("form_version")
        questions = {}
        if version:
            questions = {q.id: q for q in load_version(str(version)).context_questions}
        return page(
            request,
            "scans/review.html",
            batch=batch,
            scan_page=scan_page,
            doubtful=doubtful_keys(scan_page),
            questions=questions,
            postal_code=read_postal_code(scan_page),
            communes=commune_choices(scan_page),
        )

    @post("/pages/{page_id:uuid}")
    async def decide(
        self,
        *,
        user: NamedDependency[User],
        scans: NamedDependency[ScanService],
        page_id: FromPath[UUID],
        data: URLEncodedBody[dict[str, str]],
    ) -> Redirect:
        found = await scans.page(user, page_id)
        if found is None:
            raise Problem(404, NOT_FOUND)
        batch, scan_page = found
        if data.get("action") == "ecarter":
            await scans.reject(scan_page)
        else:
            await scans.correct(batch, scan_page, data.get("key", ""), data.get("value", ""))
        if scan_page.outcome == PageOutcome.TO_REVIEW and doubtful_keys(scan_page):
            return see_other(f"/pro/scans/pages/{scan_page.id}")
        return see_other(f"/pro/scans/{batch.id}")
