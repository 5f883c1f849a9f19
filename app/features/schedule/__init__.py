"""Dated sessions of workshops, alone or as a series, their changes and cancellation, and
their import from CSV."""

from app.features.schedule.rules import ScheduleError, SessionLockedError
from app.features.schedule.series import Repeat
from app.features.schedule.service import create_series, create_session

__all__ = ["Repeat", "ScheduleError", "SessionLockedError", "create_series", "create_session"]
