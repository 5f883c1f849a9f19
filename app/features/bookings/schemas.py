"""What the bookings API takes and gives, as /schema shows it."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

import msgspec

from app.db.models import Attendance, BookingStatus
from app.email_address import EMAIL_MAX

PHONE_MAX = 30


class ContactIn(msgspec.Struct, forbid_unknown_fields=True):
    """How to reach the person: an e-mail, a phone number (« 06 12 34 56 78 »), or both."""

    email: Annotated[str, msgspec.Meta(max_length=EMAIL_MAX)] | None = None
    phone: Annotated[str, msgspec.Meta(max_length=PHONE_MAX)] | None = None


class BookingIn(msgspec.Struct, forbid_unknown_fields=True):
    """Who takes the seat. A resident gives `contact`; a professional whose role holds the
    people permission may give `person_id` (a person of their structure), with or without a
    contact. An empty body names nobody: 422."""

    person_id: UUID | None = None
    contact: ContactIn | None = None
    # The resident's diagnostic the booking comes from (their result page).
    diagnostic_id: UUID | None = None


class BookingOut(msgspec.Struct):
    """`status`: `confirmed` (a seat) or `waiting` (on the waiting list, at `position`, 1
    being the next to get a seat; null when confirmed)."""

    id: UUID
    status: BookingStatus
    position: int | None


class MarkIn(msgspec.Struct, forbid_unknown_fields=True):
    """One participant: their attendance (RDV Service Public's statuses: `unknown`, `seen`,
    `excused`, `revoked` (the seat is released and goes to the first person waiting),
    `noshow`) and whether they passed the workshop's exit check (only for `seen`)."""

    booking_id: UUID
    attendance: Attendance
    exit_check_passed: bool | None = None


class MarkOut(msgspec.Struct):
    booking_id: UUID
    status: BookingStatus
    attendance: Attendance
    exit_check_passed: bool | None
    exit_checked_at: datetime | None
