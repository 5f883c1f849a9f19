"""The public verification page, `/verifier`: for a France Travail counsellor or an employer
with twenty seconds, the verdict in large type, what the badge proves, its evidence, who
issued it and when; the checks behind it in a disclosure. No account, no JavaScript.

`/verifier?credential={id}` shows the verdict on one of our badges at once (the badge's own
address sends a browser there); the form takes a link, a pasted JSON or a file.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Final
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from app.access import Permission, needs
from app.features.verification.service import (
    VERIFIER_PATH,
    check,
    check_link,
    check_ours,
)
from app.i18n import gettext_for, request_language
from app.throttle import Limit, per_address
from app.web import Msg, error_summary, page
from badges.verify import Outcome

# A counsellor checks a few badges at a time; each check may cost seconds of a process.
PAGE_CHECKS: Final = Limit("verifier-page", attempts=60, window=timedelta(minutes=10))
MAX_UPLOAD_BYTES: Final = 5_000_000
_TEXT_CHARACTERS: Final = 300_000


# Our achievements say each text in French, then « (English) » and the same in English: the
# page shows the part in its own language (another issuer's text is shown whole).
_ENGLISH_PART: Final = "\n\n(English) "


def in_language(text: str, lang: str) -> str:
    """The French or the English part of one of our badges' texts."""
    french, found, english = text.partition(_ENGLISH_PART)
    return (english if lang == "en" else french) if found else text


def _shown(request: Request[Any, Any, Any], outcome: Outcome | None, **context: Any) -> Template:
    lang = request_language(request)
    return page(
        request,
        "verification/verify.html",
        outcome=outcome,
        said=lambda text: in_language(text, lang),
        **context,
    )


class VerifierPages(Controller):
    include_in_schema = False
    opt = needs(Permission.PUBLIC)

    @get(VERIFIER_PATH, guards=[per_address(PAGE_CHECKS)])
    async def show(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        credential: FromQuery[str] = "",
    ) -> Template:
        if not credential:
            return _shown(request, None, errors={}, summary_errors=[])
        try:
            credential_id = UUID(credential[:40])
        except ValueError:
            outcome = await check_link(db_session, request.app.state.verifier, credential[:500])
        else:
            outcome = await check_ours(db_session, request.app.state.verifier, credential_id)
        return _shown(request, outcome, errors={}, summary_errors=[])

    @post(
        VERIFIER_PATH,
        guards=[per_address(PAGE_CHECKS)],
        request_max_body_size=MAX_UPLOAD_BYTES,
    )
    async def verify(
        self, request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession]
    ) -> Template:
        form = await request.form()
        link = str(form.get("lien") or "").strip()[:2000]
        text = str(form.get("json") or "").strip()[:_TEXT_CHARACTERS]
        upload = form.get("fichier")
        content = await upload.read() if isinstance(upload, UploadFile) else b""
        given = [
            name for name, value in (("lien", link), ("json", text), ("fichier", content)) if value
        ]
        if len(given) != 1:
            message = (
                Msg("Donnez une seule de ces trois choses à la fois.")
                if given
                else Msg("Donnez le lien du badge, collez son contenu ou choisissez son fichier.")
            )
            errors = dict.fromkeys(given or ["lien"], message)
            _ = gettext_for(request_language(request))
            labels = {
                "lien": ("lien", _("Lien du badge")),
                "json": ("json", _("Contenu du badge")),
                "fichier": ("fichier", _("Fichier du badge")),
            }
            summary = error_summary(request, errors, labels)
            return page(
                request,
                "verification/verify.html",
                400,
                outcome=None,
                errors=errors,
                summary_errors=summary,
                link=link,
                text=text,
            )
        worker = request.app.state.verifier
        if link:
            outcome = await check_link(db_session, worker, link)
        else:
            outcome = await check(db_session, worker, content or text)
        return _shown(request, outcome, errors={}, summary_errors=[], link=link)
