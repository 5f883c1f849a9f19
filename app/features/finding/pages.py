"""The public pages of the offer, for residents (no account): the search for workshops
(/ateliers), « Trouver de l'aide près de chez moi », booking a seat, and the resident's own
booking page (reached by its signed link: no account, no password).

Every form works without JavaScript: the searches are GET forms (a result can be bookmarked
or shared), booking and cancelling post and are answered by a redirect.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from app.access import Permission, needs
from app.db.models import Booking, BookingStatus, Session
from app.errors import Problem
from app.features.bookings import (
    AlreadyBookedError,
    BookingError,
    ContactError,
    NoContactError,
    book,
    booking_path,
    cancel_booking,
    link_is_valid,
    waiting_position,
)
from app.features.diagnostics import opened_here
from app.features.finding.criteria import SearchCriteria
from app.features.finding.forms import (
    DISTANCES,
    BookingForm,
    SearchForm,
    read_commune,
    read_search,
)
from app.features.finding.needs import help_need, help_needs
from app.features.finding.search import (
    places_near,
    search_sessions,
)
from app.features.notifications import booking_invitation
from app.i18n import gettext_for, request_language
from app.territories import Found, as_typed
from app.throttle import Limit, per_address
from app.web import Form, Msg, error_summary, flash, one, page, see_other

# A person books a few seats; a script filling sessions with fake contacts is stopped.
BOOKINGS = Limit("resident-booking", attempts=20, window=timedelta(hours=1))
HELP_RADIUS_KM = 30
HELP_PLACES = 8
HELP_SESSIONS = 5
MSG_BOOKING_NOT_FOUND = "Cette inscription n'existe pas, ou le lien est incomplet."
MSG_SESSION_NOT_FOUND = "Cet atelier n'existe pas ou n'est plus proposé."
MSG_BOOKED = "C'est fait."
MSG_WAITING = "C'est noté."
MSG_PHONE_ONLY = (
    "C'est noté. Nous ne pouvons pas encore envoyer de SMS : gardez l'adresse de cette page, "
    "ou notez la date et l'heure de l'atelier."
)
# The same holder twice, said to the resident rather than about « this person ».
MSG_ALREADY_MINE = (
    "Vous êtes déjà inscrit ou inscrite à cet atelier avec ce contact, ou sur sa liste "
    "d'attente. Retrouvez votre inscription avec le lien reçu, ou demandez à la structure."
)
MSG_CANCELLED = "Votre inscription est annulée."


def _query(request: Request[Any, Any, Any]) -> dict[str, list[str]]:
    return {key: request.query_params.getall(key) for key in request.query_params}


def _diagnostic(request: Request[Any, Any, Any], value: str) -> UUID | None:
    """The diagnostic the person came from, if it is open in this browser (its result page
    is then one click away from the booking); anything else is ignored."""
    try:
        diagnostic_id = UUID(value)
    except ValueError:
        return None
    return diagnostic_id if opened_here(request, diagnostic_id) else None


def _commune_anchor(found: Found) -> str:
    """The anchor of the commune's problem: the first choice when there are candidates."""
    return "choix" if found.communes else "commune"


class FindingPages(Controller):
    include_in_schema = False
    opt = needs(Permission.PUBLIC)

    @get("/ateliers")
    async def search_page(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        diagnostic: FromQuery[str] = "",
    ) -> Template:
        query = _query(request)
        form = SearchForm.of(query)
        came_from = _diagnostic(request, diagnostic)
        context: dict[str, Any] = {
            "form": form,
            "distances": DISTANCES,
            "diagnostic_id": came_from,
            "asked": "commune" in query,
            "found": Found(()),
            "errors": {},
            "summary": [],
            "sessions": None,
        }
        if not context["asked"]:
            return page(request, "finding/search.html", **context)
        read = read_search(form)
        context |= {"found": read.commune.found, "errors": read.errors}
        if read.criteria is None:
            _ = gettext_for(request_language(request))
            labels = {
                "commune": (_commune_anchor(read.commune.found), _("Votre commune")),
                "apprendre": ("apprendre", _("Ce que vous voulez apprendre")),
                "du": ("du", _("À partir du")),
                "au": ("au", _("Jusqu'au")),
                "distance": ("distance", _("Distance")),
            }
            context["summary"] = error_summary(request, read.errors, labels)
            return page(request, "finding/search.html", 400, **context)
        context["sessions"] = await search_sessions(db_session, read.criteria)
        context["help_path"] = "/aide-pres-de-chez-moi?" + urlencode({"commune": form.commune})
        return page(request, "finding/search.html", **context)

    @get("/aide-pres-de-chez-moi")
    async def help_page(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        commune: FromQuery[str] = "",
        choix: FromQuery[str] = "",
        besoin: FromQuery[str] = "",
    ) -> Template:
        need = help_need(besoin[:20])
        context: dict[str, Any] = {
            "needs": help_needs(),
            "need": need,
            "typed": commune[:100],
            "found": Found(()),
            "errors": {},
            "places": None,
            "sessions": None,
        }
        if "commune" in request.query_params:
            picked, problem = read_commune(commune, choix[:5])
            context["found"] = picked.found
            if problem is not None or picked.commune is None:
                context["errors"] = {"commune": problem}
                return page(request, "finding/help.html", 400, **context)
            origin = picked.commune
            services = need.services if need else ()
            context["places"] = await places_near(
                db_session, origin, services=services, radius_km=HELP_RADIUS_KM, limit=HELP_PLACES
            )
            criteria = SearchCriteria(
                commune=origin.insee,
                competences=need.competences if need else (),
                distance_km=HELP_RADIUS_KM,
                limit=HELP_SESSIONS,
            )
            context["sessions"] = await search_sessions(db_session, criteria)
            context["origin"] = origin
            context["typed"] = as_typed(origin.insee)
        return page(request, "finding/help.html", **context)


async def _open_session(db: AsyncSession, session_id: UUID) -> Session:
    session = await db.get(Session, session_id)
    if session is None or session.workshop.archived:
        raise Problem(404, MSG_SESSION_NOT_FOUND)
    return session


async def _booking(request: Request[Any, Any, Any], db: AsyncSession, booking_id: UUID) -> Booking:
    """The booking of a signed link (its key in ``cle``); anything else is « not found »."""
    key = request.query_params.get("cle", "")
    if request.method == "POST":
        key = (await request.form()).get("cle", key)
    secrets = request.app.state.settings.secrets()
    booking = await db.get(Booking, booking_id)
    if booking is None or not link_is_valid(secrets, booking_id, str(key)[:64]):
        raise Problem(404, MSG_BOOKING_NOT_FOUND)
    return booking


def _refusal(error: ContactError | BookingError) -> tuple[dict[str, Msg], int]:
    """A refused booking's problems, by field, and the page's status."""
    if isinstance(error, ContactError):
        by_field = (
            ("telephone" if p.startswith("téléphone") else "email", p) for p in error.problems
        )
        return {name: Msg(problem) for name, problem in by_field}, 400
    if isinstance(error, AlreadyBookedError):
        return {"email": Msg(MSG_ALREADY_MINE)}, 409
    if isinstance(error, NoContactError):
        return {"email": Msg(error.message)}, 400
    return {"contact": Msg(error.message)}, 409


class BookingPages(Controller):
    include_in_schema = False
    opt = needs(Permission.PUBLIC)

    @get("/ateliers/{session_id:uuid}/reserver")
    async def booking_form(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        session_id: FromPath[UUID],
        diagnostic: FromQuery[str] = "",
    ) -> Template:
        session = await _open_session(db_session, session_id)
        return self._form(request, session, BookingForm(), {}, diagnostic=diagnostic)

    @post("/ateliers/{session_id:uuid}/reserver", guards=[per_address(BOOKINGS)])
    async def book_seat(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        session_id: FromPath[UUID],
        data: Form,
    ) -> Template | Redirect:
        session = await _open_session(db_session, session_id)
        fields = {k: one(data, k) for k in ("email", "telephone", "consentement", "diagnostic")}
        form = BookingForm.of(fields)
        errors = form.problems()
        if errors:
            return self._form(
                request, session, form, errors, diagnostic=fields["diagnostic"], status=400
            )
        try:
            booking = await book(
                db_session,
                session.id,
                email=form.email or None,
                phone=form.phone or None,
                diagnostic_id=_diagnostic(request, fields["diagnostic"]),
            )
        except (ContactError, BookingError) as error:  # refused before anything was written
            errors, status = _refusal(error)
            return self._form(
                request, session, form, errors, diagnostic=fields["diagnostic"], status=status
            )
        await db_session.commit()
        said = MSG_BOOKED if booking.status == BookingStatus.CONFIRMED else MSG_WAITING
        flash(request, said if booking.contact_email else MSG_PHONE_ONLY)
        return see_other(booking_path(request.app.state.settings.secret(), booking.id))

    @staticmethod
    def _form(
        request: Request[Any, Any, Any],
        session: Session,
        form: BookingForm,
        errors: dict[str, Msg],
        *,
        diagnostic: str,
        status: int = 200,
    ) -> Template:
        _ = gettext_for(request_language(request))
        labels = {
            "email": ("email", _("Adresse e-mail")),
            "telephone": ("telephone", _("Numéro de téléphone")),
            "consentement": ("consentement", _("Votre accord")),
            "contact": ("email", ""),
        }
        return page(
            request,
            "finding/book.html",
            status,
            session=session,
            form=form,
            errors=errors,
            summary=error_summary(request, errors, labels),
            diagnostic=diagnostic[:36],
            kept_days=request.app.state.settings.booking_contact_days,
            can_book=session.registration_open and not session.is_cancelled,
        )

    @get("/reservations/{booking_id:uuid}")
    async def my_booking(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        booking_id: FromPath[UUID],
    ) -> Template:
        booking = await _booking(request, db_session, booking_id)
        return page(
            request,
            "finding/booking.html",
            booking=booking,
            session=booking.session,
            position=await waiting_position(db_session, booking),
            key=request.query_params.get("cle", ""),
            link=request.app.state.settings.address(
                booking_path(request.app.state.settings.secret(), booking.id)
            ),
        )

    @post("/reservations/{booking_id:uuid}/annuler")
    async def cancel(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        booking_id: FromPath[UUID],
    ) -> Redirect:
        booking = await _booking(request, db_session, booking_id)
        await cancel_booking(db_session, booking, by="person")
        await db_session.commit()
        flash(request, MSG_CANCELLED)
        return see_other(booking_path(request.app.state.settings.secret(), booking.id))

    @get("/reservations/{booking_id:uuid}/invitation.ics")
    async def invitation(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        booking_id: FromPath[UUID],
    ) -> Response[bytes]:
        """The booking in the person's calendar (or its cancellation, once cancelled)."""
        booking = await _booking(request, db_session, booking_id)
        return Response(
            booking_invitation(booking, settings=request.app.state.settings),
            media_type="text/calendar; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="atelier.ics"'},
        )
