"""People followed by a structure: records with consent, their diagnostics, export, erasure."""

from app.features.people.dependencies import PERSON

__all__ = ["PERSON"]
