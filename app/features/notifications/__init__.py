"""Messages to people about their bookings (an outbox sent by a background worker), and
calendar invitations and feeds."""

from app.features.notifications.invitations import (
    CALENDAR,
    booking_invitation,
    session_invitation,
    structure_feed,
)
from app.features.notifications.service import notify, notify_session_changed, write_reminders
from app.features.notifications.wording import KINDS, place_address

__all__ = [
    "CALENDAR",
    "KINDS",
    "booking_invitation",
    "notify",
    "notify_session_changed",
    "place_address",
    "session_invitation",
    "structure_feed",
    "write_reminders",
]
