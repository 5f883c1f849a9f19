"""Seats in sessions: booking, the waiting list, cancellation, attendance and exit checks.

Every seat rule lives here (`seats`): other features book, cancel, change a capacity or
cancel a session through these functions, never by writing a booking or a session's
counters themselves.
"""

from app.features.bookings.attendance import Mark, record_attendance
from app.features.bookings.contacts import ContactError
from app.features.bookings.errors import (
    AlreadyBookedError,
    AttendanceError,
    BookingError,
    BookingNotFoundError,
    CapacityError,
    NoContactError,
    RegistrationClosedError,
    SessionCancelledError,
    SessionNotFoundError,
    SessionStartedError,
)
from app.features.bookings.evidence import evidence_of, observed_evidence
from app.features.bookings.links import booking_path, link_is_valid
from app.features.bookings.seats import (
    book,
    cancel_booking,
    cancel_session,
    change_capacity,
    waiting_position,
)
from app.features.bookings.views import PersonBooking, person_bookings

__all__ = [
    "AlreadyBookedError",
    "AttendanceError",
    "BookingError",
    "BookingNotFoundError",
    "CapacityError",
    "ContactError",
    "Mark",
    "NoContactError",
    "PersonBooking",
    "RegistrationClosedError",
    "SessionCancelledError",
    "SessionNotFoundError",
    "SessionStartedError",
    "book",
    "booking_path",
    "cancel_booking",
    "cancel_session",
    "change_capacity",
    "evidence_of",
    "link_is_valid",
    "observed_evidence",
    "person_bookings",
    "record_attendance",
    "waiting_position",
]
