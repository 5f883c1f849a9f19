"""People followed by a structure: records with consent, their diagnostics, export, erasure."""

from app.features.people.commune_fields import candidates_out
from app.features.people.dependencies import PERSON
from app.features.people.service import PeopleError

__all__ = ["PERSON", "PeopleError", "candidates_out"]
