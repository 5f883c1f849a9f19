"""Pathways in the service: the recommender's proposal per need after a diagnostic, what the
person and their mediator decide about it, and each step's status as bookings go."""

from app.features.pathways.progress import follow_booking, follow_outcome
from app.features.pathways.service import (
    Proposal,
    Words,
    change_goals,
    chosen_goals,
    propose,
    record_feedback,
)

__all__ = [
    "Proposal",
    "Words",
    "change_goals",
    "chosen_goals",
    "follow_booking",
    "follow_outcome",
    "propose",
    "record_feedback",
]
