"""Whatever a structure types in a title or an address, the calendar file says it back as
typed, and an e-mail's subject stays one line."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from app.config import Settings
from app.db.models import Booking, BookingStatus, Modality, Place, Session, Workshop
from app.features.notifications import session_invitation
from app.features.notifications.wording import compose
from app.when import PARIS

# Printable text with what RFC 5545 escapes or folds on: , ; \ line breaks and long lines.
TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"))
    | st.sampled_from([",", ";", "\\", ":", "\n"]),
    min_size=1,
    max_size=150,
).filter(str.strip)
SETTINGS = Settings(secret_key="property-secret", public_url="https://ateliers.example")


def _session(title: str, address: str) -> Session:
    starts = datetime(2027, 3, 9, 13, tzinfo=UTC)
    session = Session(
        id=uuid.uuid4(),
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        capacity=8,
        revision=3,
    )
    session.updated_at = starts - timedelta(days=9)
    session.workshop = Workshop(
        title=title, description="…", modality=Modality.COLLECTIVE, duration_minutes=120
    )
    session.place = Place(name="Lieu", address=address, postal_code="18000", commune_insee="18033")
    return session


@settings(max_examples=60, deadline=None)
@given(title=TEXT, address=TEXT)
def test_a_session_file_says_back_the_title_and_address_as_typed(title: str, address: str) -> None:
    calendar = Calendar.from_ical(session_invitation(_session(title, address), settings=SETTINGS))
    (event,) = calendar.events
    assert str(event["SUMMARY"]) == title
    assert address in str(event["LOCATION"])
    assert int(event["SEQUENCE"]) == 3


@settings(max_examples=60, deadline=None)
@given(title=st.text(min_size=1, max_size=150))
def test_a_subject_is_one_line_whatever_the_title(title: str) -> None:
    booking = Booking(status=BookingStatus.CONFIRMED)
    message = compose(
        "booked",
        booking,
        _session(title, "1 rue Haute"),
        link="https://x/r",
        search_link="https://x",
    )
    assert "\n" not in message.subject and "\r" not in message.subject


@settings(max_examples=60, deadline=None)
@given(
    title=TEXT,
    days=st.integers(min_value=0, max_value=3650),
    hour=st.integers(min_value=0, max_value=23),
)
def test_the_time_zone_kept_from_one_file_to_the_next_is_the_one_icalendar_writes(
    title: str, days: int, hour: int
) -> None:
    """Summer or winter, any year ahead: the file is byte for byte the one icalendar writes
    when it adds the zone itself, for the years around the session."""
    session = _session(title, "1 rue Haute")
    session.starts_at = datetime(2026, 1, 1, hour, tzinfo=UTC) + timedelta(days=days)
    session.ends_at = session.starts_at + timedelta(hours=2)
    written = session_invitation(session, settings=SETTINGS)
    calendar = Calendar.from_ical(written)
    assert [zone.tz_name for zone in calendar.timezones] == ["Europe/Paris"]
    calendar.subcomponents = [c for c in calendar.subcomponents if c.name != "VTIMEZONE"]
    first = session.starts_at.astimezone(PARIS).date() - timedelta(days=366)
    calendar.add_missing_timezones(first_date=first, last_date=date(first.year + 3, 1, 1))
    assert calendar.to_ical() == written
