"""Calendar files (RFC 5545) for a booking, a session and a structure's sessions.

A booking's invitation is an iTIP REQUEST (RFC 5546 §3.2.2) with the service as ORGANIZER and
the person as the one ATTENDEE, already accepted: mail clients (Gmail, Outlook, Apple Mail,
Thunderbird) put a REQUEST in the calendar and replace it when the same UID comes again with a
higher SEQUENCE, and they remove it on a CANCEL (§3.2.5) with that UID. A PUBLISH would be
imported once, but most clients honour neither its updates nor a CANCEL after it, so a
cancelled workshop would stay in the person's calendar. SEQUENCE is the booking's revision,
bumped on every change (service.notify). The session's own file and the structure's feed are
publications, not invitations: PUBLISH for the file, no METHOD for the feed a calendar
subscribes to (RFC 5545 §3.7.2)."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit

from icalendar import STATUS, Calendar, Event, Timezone, vCalAddress

from app.config import Settings, get_settings
from app.db.models import Booking, BookingStatus, Session
from app.db.types import as_utc
from app.features.notifications.wording import where
from app.i18n import gettext_for
from app.when import PARIS

PRODID = "-//parcours-numerique//ateliers//FR"
# What a response serving a calendar says it is: the web framework adds « ; charset=utf-8 » to
# every text/ type itself (written here too, it came twice).
CALENDAR = "text/calendar"
# The public page of a session, where a resident books it.
SESSION_PAGE = "/ateliers/{session_id}/reserver"


def _host(settings: Settings) -> str:
    return urlsplit(settings.public_url).hostname or "localhost"


def booking_uid(booking_id: object, settings: Settings) -> str:
    """The same for every message about one booking: calendars match updates on it."""
    return f"booking-{booking_id}@{_host(settings)}"


def session_uid(session_id: object, settings: Settings) -> str:
    return f"session-{session_id}@{_host(settings)}"


@functools.lru_cache(maxsize=64)
def _paris_zone(first: date) -> bytes:
    """The VTIMEZONE of Europe/Paris from ``first`` to the first of January three years on
    (only the years the events need: the zone's rules since 1970 would weigh 10 kB). Written
    once per window: it is half an invitation, and most of the time spent writing one."""
    zone = Timezone.from_tzid(PARIS.key, first_date=first, last_date=date(first.year + 3, 1, 1))
    ical: bytes = zone.to_ical()
    return ical


def _calendar(method: str | None, events: list[Event], **extra: object) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    if method:
        calendar.add("method", method)
    for key, value in extra.items():
        calendar.add(key, value)
    for event in events:
        calendar.add_component(event)
    ical: bytes = calendar.to_ical()
    starts = [e.start for e in events if isinstance(e.start, datetime)]
    if starts:
        # Every event is in Paris time (_event): the zone goes before the first event, where
        # icalendar's add_missing_timezones would put it (a value's line never starts with
        # BEGIN: it starts with its property's name).
        zone = _paris_zone(min(starts).date() - timedelta(days=366))
        ical = ical.replace(b"\r\nBEGIN:VEVENT\r\n", b"\r\n" + zone + b"BEGIN:VEVENT\r\n", 1)
    return ical


def _event(
    session: Session, *, uid: str, sequence: int, url: str, stamp: datetime, cancelled: bool
) -> Event:
    _ = gettext_for("fr")
    return Event.new(
        uid=uid,
        sequence=sequence,
        stamp=as_utc(stamp),
        start=as_utc(session.starts_at).astimezone(PARIS),
        end=as_utc(session.ends_at).astimezone(PARIS),
        summary=session.workshop.title,
        location=where(session, _),
        url=url,
        status=STATUS.CANCELLED if cancelled else STATUS.CONFIRMED,
    )


def booking_invitation(
    booking: Booking,
    *,
    cancelled: bool = False,
    settings: Settings | None = None,
    now: datetime | None = None,
) -> bytes:
    """The booking's invitation (METHOD:REQUEST), or its cancellation (METHOD:CANCEL, same
    UID, STATUS:CANCELLED). The booking's session, workshop and place must be loaded."""
    from app.features.bookings import booking_path

    settings = settings or get_settings()
    cancelled = cancelled or booking.status == BookingStatus.CANCELLED
    event = _event(
        booking.session,
        uid=booking_uid(booking.id, settings),
        sequence=booking.revision,
        url=settings.address(booking_path(settings.secret(), booking.id)),
        stamp=now or datetime.now(UTC),
        cancelled=cancelled,
    )
    event.add("organizer", vCalAddress.new(settings.mail_from))
    if booking.contact_email:
        event.add(
            "attendee",
            vCalAddress.new(booking.contact_email, partstat="ACCEPTED", rsvp=False),
        )
    return _calendar("CANCEL" if cancelled else "REQUEST", [event])


def _session_event(session: Session, settings: Settings) -> Event:
    event = _event(
        session,
        uid=session_uid(session.id, settings),
        sequence=session.revision,
        url=settings.address(SESSION_PAGE.format(session_id=session.id)),
        stamp=session.updated_at,
        cancelled=session.is_cancelled,
    )
    event.add("organizer", vCalAddress.new(settings.mail_from))
    return event


def session_invitation(session: Session, *, settings: Settings | None = None) -> bytes:
    """One session, to add to a calendar from its page (METHOD:PUBLISH)."""
    settings = settings or get_settings()
    return _calendar("PUBLISH", [_session_event(session, settings)])


def structure_feed(
    sessions: Iterable[Session], *, name: str, settings: Settings | None = None
) -> bytes:
    """A structure's sessions as a calendar to subscribe to: cancelled ones say so."""
    settings = settings or get_settings()
    events = [_session_event(s, settings) for s in sessions]
    return _calendar(
        None, events, name=name, **{"x-wr-calname": name, "refresh-interval": timedelta(hours=6)}
    )
