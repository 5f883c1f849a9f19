"""The professional pages of bookings.

- The trainer's one-screen list of a session (`/pro/offre/sessions/{id}/inscriptions`, the
  offer permission, the session's structure only): the people with a seat, each with their
  attendance and exit check, one « Enregistrer » for all; then the waiting list.
- A mediator books a person of their structure from the person's page
  (`/pro/personnes/{id}/inscriptions`) and cancels their bookings.

Every page works with the keyboard only and without JavaScript: plain forms and radio groups.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.access import Permission, needs
from app.audit import Auditor
from app.db import models
from app.db.models import Attendance, Booking, BookingStatus, Person, User
from app.db.types import as_utc
from app.features.accounts import PAGE_ERRORS
from app.features.bookings.attendance import Mark, record_attendance
from app.features.bookings.contacts import ContactError, read_contact
from app.features.bookings.dependencies import OFFER_SESSION, professional_role
from app.features.bookings.errors import AttendanceError, BookingError, BookingNotFoundError
from app.features.bookings.evidence import observed_words
from app.features.bookings.linking import link_to_person
from app.features.bookings.seats import CancelledBy, book, cancel_booking
from app.features.bookings.views import session_bookings
from app.features.finding import SearchCriteria, SearchError, search_sessions
from app.features.people import PERSON
from app.web import Form, FormData, Msg, error_summary, flash, one, page, parse_uuid, see_other
from app.when import said_span

EXIT_CHOICES = {"oui": True, "non": False, "": None}
MSG_LINK_CONTACT = "Donnez l'e-mail ou le téléphone avec lequel la personne s'est inscrite."
MSG_LINK_NONE = "Aucune inscription aux séances de votre structure n'a été faite avec ce contact."
UPCOMING_DAYS = 60
NEARBY_LIMIT = 10


def _registrations_path(session_id: UUID) -> str:
    return f"/pro/offre/sessions/{session_id}/inscriptions"


def _marks(data: FormData, seated: list[Booking]) -> tuple[list[Mark], dict[UUID, Msg]]:
    """One mark per seated person whose radios were sent; a value no radio has is a
    problem beside that person."""
    marks: list[Mark] = []
    problems: dict[UUID, Msg] = {}
    for booking in seated:
        presence = one(data, f"presence-{booking.id}")
        if not presence:
            continue
        passed = one(data, f"fin-{booking.id}")
        if presence not in {a.value for a in Attendance} or passed not in EXIT_CHOICES:
            problems[booking.id] = Msg("choisissez une des réponses proposées")
            continue
        marks.append(Mark(booking.id, Attendance(presence), EXIT_CHOICES[passed]))
    return marks, problems


async def _cancelled(
    db: AsyncSession,
    auditor: Auditor,
    booking_id: UUID,
    by: CancelledBy,
    *,
    session: models.Session | None = None,
    person: Person | None = None,
) -> None:
    """Cancel a booking of this session, or of this person (any other is « not found »): its
    seat goes to the first person waiting, who is told; kept in the audit log."""
    booking = await db.get(Booking, booking_id)
    if (
        booking is None
        or (session is not None and booking.session_id != session.id)
        or (person is not None and booking.person_id != person.id)
    ):
        raise BookingNotFoundError()
    await cancel_booking(db, booking, by=by)
    auditor.record(db, "booking.cancel", "booking", booking.id)
    await db.commit()


class RegistrationPages(Controller):
    path = "/pro/offre/sessions/{session_id:uuid}/inscriptions"
    include_in_schema = False
    opt = needs(Permission.OFFER)
    exception_handlers = PAGE_ERRORS
    dependencies = OFFER_SESSION

    async def _page(
        self,
        request: Request[Any, Any, Any],
        db: AsyncSession,
        session: models.Session,
        *,
        errors: dict[UUID, Msg] | None = None,
        sent: FormData | None = None,
    ) -> Template:
        holders = await session_bookings(db, session)
        errors = errors or {}
        names = {h.booking.id: h.name or h.contact or "" for h in holders}
        labels = {str(i): (f"personne-{i}", names.get(i, "")) for i in errors}
        return page(
            request,
            "bookings/registrations.html",
            status=422 if errors else 200,
            session=session,
            when=said_span(session.starts_at, session.ends_at),
            begun=as_utc(session.starts_at) <= datetime.now(UTC),
            seated=[h for h in holders if h.booking.status == BookingStatus.CONFIRMED],
            waiting=[h for h in holders if h.booking.status == BookingStatus.WAITING],
            released=[h for h in holders if h.booking.status == BookingStatus.CANCELLED],
            exit_check=observed_words(session.workshop.exit_check),
            errors={str(k): v for k, v in errors.items()},
            summary=error_summary(request, {str(k): v for k, v in errors.items()}, labels),
            sent=sent,
        )

    @get("/")
    async def show(
        self,
        request: Request[Any, Any, Any],
        offer_session: NamedDependency[models.Session],
        db_session: NamedDependency[AsyncSession],
    ) -> Template:
        return await self._page(request, db_session, offer_session)

    @post("/")
    async def save(
        self,
        *,
        request: Request[Any, Any, Any],
        data: Form,
        offer_session: NamedDependency[models.Session],
        db_session: NamedDependency[AsyncSession],
        user: NamedDependency[User],
        auditor: NamedDependency[Auditor],
    ) -> Template | Redirect:
        holders = await session_bookings(db_session, offer_session)
        seated = [h.booking for h in holders if h.booking.status == BookingStatus.CONFIRMED]
        marks, errors = _marks(data, seated)
        if not errors:
            try:
                changed = await record_attendance(db_session, offer_session, marks, by=user.id)
            except AttendanceError as error:
                await db_session.rollback()  # nothing was written; the lock is let go
                await db_session.refresh(offer_session)
                errors = {k: Msg(v) for k, v in error.by_booking.items()}
        if errors:
            return await self._page(request, db_session, offer_session, errors=errors, sent=data)
        for booking in changed:
            auditor.record(db_session, "booking.attendance", "booking", booking.id)
        await db_session.commit()
        flash(request, "Présences et fins d'atelier enregistrées.")
        return see_other(_registrations_path(offer_session.id))

    @post("/{booking_id:uuid}/annuler")
    async def cancel(
        self,
        *,
        request: Request[Any, Any, Any],
        booking_id: FromPath[UUID],
        offer_session: NamedDependency[models.Session],
        db_session: NamedDependency[AsyncSession],
        user: NamedDependency[User],
        auditor: NamedDependency[Auditor],
    ) -> Redirect:
        by = professional_role(user)
        await _cancelled(db_session, auditor, booking_id, by, session=offer_session)
        flash(request, "Inscription annulée : la personne est prévenue.")
        return see_other(_registrations_path(offer_session.id))


async def _choices(
    db: AsyncSession, user: User, person: Person
) -> tuple[list[models.Session], list[Any]]:
    """Sessions a mediator may book the person into: their structure's own to come, open,
    and the nearby ones with free seats (from the person's commune)."""
    now = datetime.now(UTC)
    own = list(
        await db.scalars(
            select(models.Session)
            .where(
                models.Session.structure_id == user.structure_id,
                models.Session.starts_at > now,
                models.Session.starts_at < now + timedelta(days=UPCOMING_DAYS),
                models.Session.cancelled_at.is_(None),
                models.Session.registration_open.is_(True),
            )
            .order_by(models.Session.starts_at)
        )
    )
    nearby: list[Any] = []
    if person.commune_insee:
        try:
            found = await search_sessions(
                db, SearchCriteria(commune=person.commune_insee, limit=NEARBY_LIMIT)
            )
        except SearchError:  # a commune the search does not know: only the structure's own
            found = []
        nearby = [s for s in found if s.structure_id != user.structure_id]
    return own, nearby


class PersonBookingPages(Controller):
    path = "/pro/personnes/{person_id:uuid}/inscriptions"
    include_in_schema = False
    opt = needs(Permission.PEOPLE)
    exception_handlers = PAGE_ERRORS
    dependencies = PERSON

    async def _choose(
        self,
        request: Request[Any, Any, Any],
        db: AsyncSession,
        user: User,
        person: Person,
        *,
        error: Msg | None = None,
        problems: list[str] | None = None,
        sent: FormData | None = None,
    ) -> Template:
        own, nearby = await _choices(db, user, person)
        return page(
            request,
            "bookings/book_person.html",
            status=422 if error else 200,
            person=person,
            own=own,
            nearby=nearby,
            said_span=said_span,
            error=error,
            problems=problems or [],
            sent=sent or {},
        )

    @get("/")
    async def choose(
        self,
        request: Request[Any, Any, Any],
        person: NamedDependency[Person],
        user: NamedDependency[User],
        db_session: NamedDependency[AsyncSession],
    ) -> Template:
        return await self._choose(request, db_session, user, person)

    @post("/")
    async def book_person(
        self,
        *,
        request: Request[Any, Any, Any],
        data: Form,
        person: NamedDependency[Person],
        user: NamedDependency[User],
        db_session: NamedDependency[AsyncSession],
        auditor: NamedDependency[Auditor],
    ) -> Template | Redirect:
        session_id = parse_uuid(one(data, "session"))
        try:
            if session_id is None:
                raise BookingNotFoundError()
            booking = await book(
                db_session,
                session_id,
                person=person,
                email=one(data, "email")[:320] or None,
                phone=one(data, "phone")[:30] or None,
                booked_by=user.id,
            )
        except (BookingError, ContactError) as error:
            await db_session.rollback()
            await db_session.refresh(person)
            message = (
                "Le contact ne convient pas."
                if isinstance(error, ContactError)
                else type(error).message
            )
            return await self._choose(
                request,
                db_session,
                user,
                person,
                error=Msg(message),
                problems=error.problems,
                sent=data,
            )
        auditor.record(db_session, "booking.create", "booking", booking.id)
        await db_session.commit()
        if booking.status == BookingStatus.CONFIRMED:
            flash(request, "{alias} a une place.", alias=person.alias)
        else:
            flash(request, "{alias} est sur la liste d'attente.", alias=person.alias)
        return see_other(f"/pro/personnes/{person.id}")

    @post("/{booking_id:uuid}/annuler")
    async def cancel(
        self,
        *,
        request: Request[Any, Any, Any],
        booking_id: FromPath[UUID],
        person: NamedDependency[Person],
        db_session: NamedDependency[AsyncSession],
        auditor: NamedDependency[Auditor],
    ) -> Redirect:
        await _cancelled(db_session, auditor, booking_id, "mediator", person=person)
        flash(request, "Inscription de {alias} annulée.", alias=person.alias)
        return see_other(f"/pro/personnes/{person.id}")

    @post("/rattacher")
    async def link(
        self,
        *,
        request: Request[Any, Any, Any],
        data: Form,
        person: NamedDependency[Person],
        user: NamedDependency[User],
        db_session: NamedDependency[AsyncSession],
        auditor: NamedDependency[Auditor],
    ) -> Template | Redirect:
        """Link the bookings made with the person's e-mail or phone to their record."""
        error: Msg | None = None
        problems: list[str] = []
        try:
            contact = read_contact(one(data, "email")[:320], one(data, "phone")[:30])
            if contact.empty:
                error = Msg(MSG_LINK_CONTACT)
            else:
                linked = await link_to_person(db_session, user.structure_id, person, contact)
                error = None if linked else Msg(MSG_LINK_NONE)
        except (BookingError, ContactError) as refused:
            await db_session.rollback()
            await db_session.refresh(person)
            error = Msg(getattr(refused, "message", "Le contact ne convient pas."))
            problems = refused.problems
        if error is not None:
            return await self._choose(
                request, db_session, user, person, error=error, problems=problems, sent=data
            )
        for booking in linked:
            auditor.record(db_session, "booking.link", "booking", booking.id)
        await db_session.commit()
        flash(
            request,
            "{count} inscription(s) rattachée(s) à la fiche de {alias}.",
            count=len(linked),
            alias=person.alias,
        )
        return see_other(f"/pro/personnes/{person.id}")
