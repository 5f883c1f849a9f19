"""Seats in sessions: booking, the waiting list, cancellation, attendance and exit checks."""

from app.features.bookings.links import booking_path, link_is_valid

__all__ = ["booking_path", "link_is_valid"]
