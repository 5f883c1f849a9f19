"""JSON API of bookings: book a seat (a resident with a contact, a professional for a person
of their structure), cancel one, and record a session's attendance and exit checks."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Final
from uuid import UUID

from litestar import Controller, Request, Response, delete, post, put
from litestar.connection import ASGIConnection
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody
from sqlalchemy.ext.asyncio import AsyncSession

from app.access import MSG_PERSON_NOT_FOUND, Permission, needs, person_for
from app.audit import Auditor
from app.config import Settings
from app.db import models
from app.db.models import Booking, Diagnostic, Person, User
from app.errors import Problem
from app.features.bookings.attendance import Mark, record_attendance
from app.features.bookings.dependencies import OFFER_SESSION, canceller
from app.features.bookings.errors import BookingNotFoundError
from app.features.bookings.links import KEY_PARAM
from app.features.bookings.schemas import BookingIn, BookingOut, MarkIn, MarkOut
from app.features.bookings.seats import book, cancel_booking, waiting_position
from app.openapi import BEARER_OPTIONAL, BEARER_REQUIRED, problems
from app.throttle import Limit, client_address, per_subject, per_user

# A family books a few seats at once; more than this is a script filling a waiting list.
PER_CALLER_AND_SESSION: Final = Limit("booking", 20, timedelta(minutes=10))
PER_CALLER: Final = Limit("booking-caller", 100, timedelta(minutes=10))
MSG_DIAGNOSTIC = "diagnostic_id : diagnostic introuvable"


def _caller_and_session(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    """The account (or else the address) and the session of the path."""
    user = connection.scope.get("user")
    caller = f"user:{user.id}" if isinstance(user, User) else client_address(connection)
    return f"{caller}|session:{connection.path_params.get('session_id')}"


async def _person(db: AsyncSession, user: User | None, person_id: UUID | None) -> Person | None:
    if person_id is None:
        return None
    person = await person_for(db, user, person_id)
    if person is None:
        raise Problem(404, MSG_PERSON_NOT_FOUND)
    return person


async def _diagnostic(db: AsyncSession, user: User | None, diagnostic_id: UUID | None) -> None:
    """The diagnostic a booking comes from, if the caller may see it (a person's diagnostic
    only by their structure)."""
    if diagnostic_id is None:
        return
    found = await db.get(Diagnostic, diagnostic_id)
    if found is None or (
        found.person_id is not None and await person_for(db, user, found.person_id) is None
    ):
        raise Problem(422, "Le diagnostic indiqué est introuvable.", [MSG_DIAGNOSTIC])


class BookingApi(Controller):
    path = "/api/v1"
    tags = ["bookings"]

    @post(
        "/sessions/{session_id:uuid}/bookings",
        summary="Réserver une place (ou une place sur la liste d'attente)",
        description="Une place libre : `confirmed` ; sinon la fin de la liste d'attente : "
        "`waiting` et sa `position`. La personne est prévenue par e-mail ou SMS.",
        opt=needs(Permission.PUBLIC),
        security=BEARER_OPTIONAL,
        guards=[per_user(PER_CALLER), per_subject(PER_CALLER_AND_SESSION, _caller_and_session)],
        status_code=201,
        responses=problems(
            404,
            409,
            413,
            422,
            429,
            when={
                404: "Séance introuvable, ou `person_id` hors de la structure de l'appelant.",
                409: "Séance annulée, inscriptions fermées, séance commencée, ou cette "
                "personne a déjà une place (ou une place en attente) dans cette séance.",
                422: "Personne à prévenir : donnez `contact` (e-mail ou téléphone) ou "
                "`person_id` ; ou une valeur ne convient pas.",
            },
        ),
    )
    async def create(
        self,
        *,
        session_id: FromPath[UUID],
        data: JSONBody[BookingIn | None] = None,
        db_session: NamedDependency[AsyncSession],
        current_user: NamedDependency[User | None],
        auditor: NamedDependency[Auditor],
    ) -> Response[BookingOut]:
        wanted = data or BookingIn()
        person = await _person(db_session, current_user, wanted.person_id)
        await _diagnostic(db_session, current_user, wanted.diagnostic_id)
        contact = wanted.contact
        booking = await book(
            db_session,
            session_id,
            person=person,
            email=None if contact is None else contact.email,
            phone=None if contact is None else contact.phone,
            diagnostic_id=wanted.diagnostic_id,
            booked_by=None if current_user is None else current_user.id,
        )
        if current_user is not None:
            auditor.record(db_session, "booking.create", "booking", booking.id)
        position = await waiting_position(db_session, booking)
        return Response(BookingOut(booking.id, booking.status, position), status_code=201)

    @delete(
        "/bookings/{booking_id:uuid}",
        summary="Annuler une réservation",
        description="La place libérée va à la première personne de la liste d'attente, "
        "prévenue aussitôt. Par les professionnels de la structure de la séance (ou de la "
        f"personne), ou par la personne avec la clé de son lien (`?{KEY_PARAM}=…`).",
        opt=needs(Permission.PUBLIC),
        security=BEARER_OPTIONAL,
        status_code=204,
        responses=problems(
            404, when={404: "Réservation introuvable, ou clé absente ou fausse : même réponse."}
        ),
    )
    async def cancel(
        self,
        *,
        request: Request[Any, Any, Any],
        booking_id: FromPath[UUID],
        cle: FromQuery[str | None] = None,
        db_session: NamedDependency[AsyncSession],
        current_user: NamedDependency[User | None],
        auditor: NamedDependency[Auditor],
    ) -> None:
        booking = await db_session.get(Booking, booking_id)
        settings: Settings = request.app.state.settings
        by = None
        if booking is not None:
            by = await canceller(db_session, settings, current_user, booking, cle)
        if booking is None or by is None:
            raise BookingNotFoundError()
        await cancel_booking(db_session, booking, by=by)
        if by != "person":
            auditor.record(db_session, "booking.cancel", "booking", booking.id)

    @put(
        "/sessions/{session_id:uuid}/attendance",
        summary="Enregistrer les présences et la validation de fin d'atelier",
        description="Tout ou rien : une ligne fausse et rien n'est enregistré. `revoked` "
        "libère la place (elle va à la première personne en attente) ; une fin d'atelier "
        "validée, pour une personne suivie, devient une preuve de ses compétences.",
        opt=needs(Permission.OFFER),
        security=BEARER_REQUIRED,
        dependencies=OFFER_SESSION,
        responses=problems(401, 403, 404, 413, 422),
    )
    async def attendance(
        self,
        *,
        # Qualified: the database plugin names SQLAlchemy's own Session in handler signatures.
        offer_session: NamedDependency[models.Session],
        data: JSONBody[list[MarkIn]],
        db_session: NamedDependency[AsyncSession],
        current_user: NamedDependency[User | None],
        auditor: NamedDependency[Auditor],
    ) -> list[MarkOut]:
        marks = [Mark(m.booking_id, m.attendance, m.exit_check_passed) for m in data]
        by = None if current_user is None else current_user.id
        changed = await record_attendance(db_session, offer_session, marks, by=by)
        for booking in changed:
            auditor.record(db_session, "booking.attendance", "booking", booking.id)
        return [
            MarkOut(b.id, b.status, b.attendance, b.exit_check_passed, b.exit_checked_at)
            for b in changed
        ]
