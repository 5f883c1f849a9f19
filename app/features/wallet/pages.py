"""The holder's wallet (`/portefeuille/{token}`, no account, no password) and the mediator's
page that gives a person the link to it (`/pro/personnes/{id}/portefeuille`).

The wallet's address is its key: its answers ask browsers to send no Referer anywhere (a
click to LinkedIn must not carry it) and search engines to keep nothing. An unknown or revoked
link gets the same page, which never says which it was; such tries are counted per address.
Every action is a plain form or link: the page works without JavaScript.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath
from litestar.response import Redirect, Template
from markupsafe import Markup
from sqlalchemy.ext.asyncio import AsyncSession

from app.access import Permission, needs
from app.audit import Auditor
from app.config import Settings
from app.db.models import Credential, Person, User
from app.errors import Problem
from app.features.accounts import PAGE_ERRORS
from app.features.people import PERSON
from app.features.wallet.links import (
    current_link,
    holder_of,
    new_link,
    revoke_links,
    wallet_path,
    well_formed,
)
from app.features.wallet.mail import known_email, send_wallet_link
from app.features.wallet.service import badge_of, badges_of, image_svg, wallet_badge
from app.i18n import request_language
from app.pdf import PDF_LIMIT, draw
from app.throttle import Limit, client_address, per_address, per_user
from app.web import Form, download, flash, one, page, see_other, slug
from app.when import in_paris
from badges.baking import BakingError, bake_png, bake_svg
from badges.images import png_of
from printables.badge_sheet import BadgeSheet, render_badge_sheet
from printables.codes import qr_svg
from printables.texts import Language
from referentiel import load_referential
from referentiel.i18n import localized

# Links that open nothing, per address: a person mistyping a link copied by hand gets many
# tries; a script trying addresses is stopped (it could not find one anyway: see links.py).
WRONG_LINKS = Limit("wallet-link", attempts=30, window=timedelta(minutes=15))
# Links given (each may send an e-mail) or cut, per account: a mediator gives a few a day.
GIVING = Limit("wallet-give", attempts=30, window=timedelta(hours=1))
PRIVATE_HEADERS = {"Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex, nofollow"}
SHARE_CHOICES = {"oui": True, "non": False}
JSON_TYPE = "application/ld+json"


def qr_code(link: str) -> Markup:
    """The QR code of ``link`` drawn inline (the CSP allows no other origin, and a drawing in
    the page prints with it)."""
    return Markup(qr_svg(link))


def credential_json(credential: Credential) -> str:
    """The credential's JSON exactly as signed, for the file and for baking."""
    return json.dumps(credential.body, ensure_ascii=False, indent=2)


async def _holder(request: Request[Any, Any, Any], db: AsyncSession, token: str) -> Person | None:
    """The wallet's holder. A link of our shape that opens nothing counts against the
    address; any other was not made by us and could not open a wallet anyway."""
    if not well_formed(token):
        return None
    person = await holder_of(db, token)
    if person is None:
        throttles = request.app.state.throttles
        await throttles.hit(db, WRONG_LINKS, client_address(request))
    await db.commit()
    return person


async def provide_badge(
    request: Request[Any, Any, Any],
    db_session: NamedDependency[AsyncSession],
    token: FromPath[str],
    credential_id: FromPath[UUID],
) -> Credential:
    """One badge of the wallet; a closed link, or a badge not in it, is « not found »."""
    person = await _holder(request, db_session, token)
    if person is None:
        raise Problem(
            404,
            "Ce lien n'ouvre pas de portefeuille : demandez un nouveau lien à la structure "
            "qui vous accompagne.",
        )
    credential = await badge_of(db_session, person, credential_id)
    if credential is None:
        raise Problem(404, "Ce badge n'est pas dans ce portefeuille.")
    return credential


class WalletPages(Controller):
    path = "/portefeuille/{token:str}"
    include_in_schema = False
    opt = needs(Permission.PUBLIC)
    response_headers = PRIVATE_HEADERS
    guards = [per_address(WRONG_LINKS, count=False)]
    dependencies = {"badge": Provide(provide_badge)}

    @get("/")
    async def wallet(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        token: FromPath[str],
    ) -> Template:
        person = await _holder(request, db_session, token)
        if person is None:
            return page(request, "wallet/closed.html", status=404)
        settings: Settings = request.app.state.settings
        badges = await badges_of(db_session, person, request_language(request), settings)
        return page(
            request,
            "wallet/wallet.html",
            badges=badges,
            here=wallet_path(token),
            qr_code=qr_code,
            example=settings.address("/badges/…"),
        )

    @post("/badges/{credential_id:uuid}/partage")
    async def share(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        badge: NamedDependency[Credential],
        token: FromPath[str],
        data: Form,
    ) -> Redirect:
        """Switch the badge's public verification link on (« oui ») or off (« non »)."""
        choice = SHARE_CHOICES.get(one(data, "partage"))
        if choice is not None:
            badge.shared = choice
            await db_session.commit()
            if choice:
                flash(request, "Le lien de vérification de ce badge marche à nouveau.")
            else:
                flash(request, "Le lien de vérification de ce badge est coupé.")
        return see_other(f"{wallet_path(token)}#badge-{badge.id}")

    @get("/badges/{credential_id:uuid}/badge.json")
    async def as_json(self, badge: NamedDependency[Credential]) -> Response[bytes]:
        return download(credential_json(badge).encode(), JSON_TYPE, _file_name(badge, "json"))

    @get("/badges/{credential_id:uuid}/badge.svg")
    async def as_svg(self, badge: NamedDependency[Credential]) -> Response[bytes]:
        try:
            baked = bake_svg(image_svg(badge), credential_json(badge))
        except BakingError:
            raise Problem(
                404, "Ce badge ne peut pas être placé dans une image SVG : prenez son fichier JSON."
            ) from None
        return download(baked.encode(), "image/svg+xml", _file_name(badge, "svg"))

    @get("/badges/{credential_id:uuid}/badge.png", guards=[PDF_LIMIT])
    async def as_png(self, badge: NamedDependency[Credential]) -> Response[bytes]:
        """Drawn like a PDF (off the event loop, one at a time), and counted like one."""
        svg, text = image_svg(badge), credential_json(badge)
        baked = await draw(lambda: bake_png(png_of(svg), text))
        return download(baked, "image/png", _file_name(badge, "png"))

    @get("/badges/{credential_id:uuid}/attestation.pdf", guards=[PDF_LIMIT])
    async def attestation(
        self, request: Request[Any, Any, Any], badge: NamedDependency[Credential]
    ) -> Response[bytes]:
        """One page for a counsellor who prefers paper, with the verification link's QR code."""
        settings: Settings = request.app.state.settings
        lang: Language = "en" if request_language(request) == "en" else "fr"
        ref = localized(load_referential(), lang)
        shown = wallet_badge(badge, ref, settings, datetime.now(UTC))
        sheet = BadgeSheet(
            title=shown.title,
            level=shown.level,
            evidence=shown.evidence,
            issuer=shown.issuer,
            issued=in_paris(shown.issued_at).date(),
            link=shown.link,
            service=f"Parcours numérique — {settings.public_url}",
        )
        pdf = await draw(lambda: render_badge_sheet(sheet, lang=lang))
        return download(pdf, "application/pdf", _file_name(badge, "pdf", "attestation"))


def _file_name(credential: Credential, extension: str, kind: str = "badge") -> str:
    return f"{kind}-{slug(credential.achievement, 'badge')}.{extension}"


class PersonWalletPages(Controller):
    """The mediator gives the person the link to their wallet: shown once with its QR code
    (to print or to show on the screen), and e-mailed when the person gave an address."""

    path = "/pro/personnes/{person_id:uuid}/portefeuille"
    include_in_schema = False
    opt = needs(Permission.PEOPLE)
    exception_handlers = PAGE_ERRORS
    dependencies = PERSON

    async def _page(
        self,
        request: Request[Any, Any, Any],
        db: AsyncSession,
        person: Person,
        **context: Any,
    ) -> Template:
        settings: Settings = request.app.state.settings
        return page(
            request,
            "wallet/person.html",
            person=person,
            link=await current_link(db, person.id),
            badges=await badges_of(db, person, request_language(request), settings),
            email=await known_email(db, person),
            **context,
        )

    @get("/")
    async def show(
        self,
        *,
        request: Request[Any, Any, Any],
        person: NamedDependency[Person],
        db_session: NamedDependency[AsyncSession],
    ) -> Template:
        return await self._page(request, db_session, person)

    @post("/", guards=[per_user(GIVING)])
    async def create(
        self,
        *,
        request: Request[Any, Any, Any],
        person: NamedDependency[Person],
        user: NamedDependency[User],
        db_session: NamedDependency[AsyncSession],
        auditor: NamedDependency[Auditor],
        data: Form,
    ) -> Template:
        """A new link (the ones before stop working), shown on the page that answers: only its
        hash is kept, so it cannot be shown again later."""
        settings: Settings = request.app.state.settings
        token = await new_link(db_session, person.id, created_by=user.id)
        address = settings.address(wallet_path(token))
        sent_to = None
        if one(data, "envoyer") == "oui":
            sent_to = await send_wallet_link(db_session, person, address, user.structure.name)
        auditor.record(db_session, "wallet.link", "person", person.id)
        await db_session.commit()
        return await self._page(
            request, db_session, person, new_address=address, qr=qr_code(address), sent_to=sent_to
        )

    @post("/couper", guards=[per_user(GIVING)])
    async def cut(
        self,
        *,
        request: Request[Any, Any, Any],
        person: NamedDependency[Person],
        db_session: NamedDependency[AsyncSession],
        auditor: NamedDependency[Auditor],
    ) -> Redirect:
        """The link stops working and no new one is made (a phone lost or sold, a person who
        no longer wants one); the badges stay, and a new link can be given later."""
        if await current_link(db_session, person.id) is None:
            flash(request, "La personne n'avait pas de lien qui marche : rien à couper.")
            return see_other(_wallet_page(person))
        await revoke_links(db_session, person.id)
        auditor.record(db_session, "wallet.cut", "person", person.id)
        await db_session.commit()
        flash(request, "Le lien du portefeuille est coupé : il n'ouvre plus rien.")
        return see_other(_wallet_page(person))


def _wallet_page(person: Person) -> str:
    return f"/pro/personnes/{person.id}/portefeuille"
