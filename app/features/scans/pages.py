"""Scans in the mediator's workspace: upload, progress (the lists refresh themselves while
files are read), one-click review of doubtful rows, and the sheets that came in anonymous."""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, URLEncodedBody
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from app.access import Permission, needs
from app.db.models import BatchStatus, Diagnostic, PageOutcome, ScanBatch, ScanPage, User
from app.errors import Problem
from app.features.accounts import PAGE_ERRORS
from app.features.diagnostics import DiagnosticService, diagnostic_reading
from app.features.scans.importing import (
    commune_choices,
    doubtful_keys,
    page_layout,
    read_postal_code,
)
from app.features.scans.service import ScanService
from app.features.scans.uploads import MAX_REQUEST_BYTES, UPLOADS_PER_ACCOUNT, take_upload
from app.i18n import gettext_for, request_language
from app.throttle import per_user
from app.web import Msg, page, see_other
from printables.review import ReviewColumn, answer_boxes, review_row
from referentiel import load_version
from referentiel.i18n import localized

NOT_FOUND = "Ce lot de formulaires n'existe pas dans votre structure."
SHEET_NOT_FOUND = "Cette feuille n'a pas été importée dans votre structure."


@dataclass(frozen=True)
class AnswerReview:
    """A doubtful answer row as a person checks it: the item as the sheet prints it, and the
    picture of its boxes with each column's heading above it and its button below it (no
    columns: the picture as read, and the buttons in a row)."""

    label: str
    text: str
    picture: str | None
    columns: tuple[ReviewColumn, ...] = ()


def answer_reviews(scan_page: ScanPage, lang: str) -> dict[str, AnswerReview]:
    """Every doubtful answer row of the page, by item id."""
    version = scan_page.reading.get("form_version")
    if not version:
        return {}
    ref = localized(load_version(str(version)), lang)
    layout = page_layout(scan_page)
    reviews = {}
    for key in doubtful_keys(scan_page):
        if key not in scan_page.reading.get("answers", {}):
            continue
        item = ref.item(key)
        crop = scan_page.crops.get(key)
        if layout is None or crop is None:
            reviews[key] = AnswerReview(item.falc, item.text, crop)
            continue
        row = review_row(layout, key)
        boxes = answer_boxes(base64.b64decode(crop), row)
        reviews[key] = AnswerReview(
            item.falc, item.text, base64.b64encode(boxes).decode(), row.columns
        )
    return reviews


def _summaries(
    batches: Sequence[ScanBatch], outcomes: Mapping[UUID, Mapping[PageOutcome, int]]
) -> dict[UUID, list[Msg]]:
    """What became of each read batch's pages, in words (« 3 à vérifier, 1 illisible »)."""
    return {
        batch.id: [
            Msg(words, {"count": count})
            for outcome, words in OUTCOME_WORDS.items()
            if (count := outcomes.get(batch.id, {}).get(outcome))
        ]
        for batch in batches
    }


# What needs a person first.
OUTCOME_WORDS: Mapping[PageOutcome, str] = {
    PageOutcome.TO_REVIEW: "{count} à vérifier",
    PageOutcome.UNREADABLE: "{count} illisible(s)",
    PageOutcome.IMPORTED: "{count} importée(s)",
    PageOutcome.DUPLICATE: "{count} déjà importée(s)",
    PageOutcome.REJECTED: "{count} écartée(s)",
}


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
        request: Request[Any, Any, Any],
        scans: NamedDependency[ScanService],
        user: NamedDependency[User],
    ) -> Template:
        return await self._index(request, scans, user)

    @staticmethod
    async def _index(
        request: Request[Any, Any, Any],
        service: ScanService,
        user: User,
        error: str | None = None,
        status: int = 200,
    ) -> Template:
        structure_id = user.structure_id
        batches = await service.batches(structure_id)
        outcomes = await service.outcomes([batch.id for batch in batches])
        return page(
            request,
            "scans/index.html",
            status=status,
            batches=batches,
            summaries=_summaries(batches, outcomes),
            reading=sum(batch.status != BatchStatus.DONE for batch in batches),
            sheets=await service.anonymous_sheets(structure_id),
            error=error,
        )

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
        request: Request[Any, Any, Any],
        scans: NamedDependency[ScanService],
        user: NamedDependency[User],
    ) -> Template | Redirect:
        try:
            created = await take_upload(request, scans, user, csrf=True)
            if not created:
                raise Problem(400, "Choisissez au moins un fichier (photo ou PDF).")
        except Problem as refusal:
            _ = gettext_for(request_language(request))
            return await self._index(request, scans, user, refusal.shown(_), refusal.status_code)
        wake_worker(request)
        target = f"/pro/scans/{created[0].id}" if len(created) == 1 else "/pro/scans"
        return see_other(target)

    @get("/{batch_id:uuid}")
    async def batch(
        self,
        user: NamedDependency[User],
        scans: NamedDependency[ScanService],
        request: Request[Any, Any, Any],
        batch_id: FromPath[UUID],
    ) -> Template:
        batch = await scans.batch(user, batch_id)
        if batch is None:
            raise Problem(404, NOT_FOUND)
        pages = await scans.pages(batch.id)
        outcomes = await scans.outcomes([batch.id])
        return page(
            request,
            "scans/batch.html",
            batch=batch,
            pages=pages,
            running=batch.status != BatchStatus.DONE,
            summary=_summaries([batch], outcomes)[batch.id],
        )

    @get("/pages/{page_id:uuid}")
    async def review(
        self,
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
            answers=answer_reviews(scan_page, request_language(request)),
            questions=questions,
            postal_code=read_postal_code(scan_page),
            communes=commune_choices(scan_page),
        )

    @post("/pages/{page_id:uuid}")
    async def decide(
        self,
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

    @get("/feuilles/{page_id:uuid}")
    async def sheet(
        self,
        *,
        user: NamedDependency[User],
        diagnostics: NamedDependency[DiagnosticService],
        scans: NamedDependency[ScanService],
        request: Request[Any, Any, Any],
        page_id: FromPath[UUID],
        db_session: NamedDependency[AsyncSession],
    ) -> Template | Redirect:
        """An imported sheet's diagnostic: a person's opens in their follow-up, an anonymous
        one here."""
        found = await scans.page(user, page_id)
        diagnostic = None
        if found is not None and found[1].diagnostic_id is not None:
            diagnostic = await db_session.get(Diagnostic, found[1].diagnostic_id)
        if diagnostic is None:
            raise Problem(404, SHEET_NOT_FOUND)
        if diagnostic.person_id is not None:
            return see_other(f"/pro/personnes/{diagnostic.person_id}/diagnostics/{diagnostic.id}")
        shown = await diagnostic_reading(request, diagnostic, diagnostics)
        return page(request, "diagnostic/reading.html", person=None, **shown)
