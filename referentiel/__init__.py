"""The shared competence referential and its pure scoring: no web, no database."""

from referentiel.load import UnknownVersionError, known_versions, load_referential, load_version
from referentiel.models import Referential

__all__ = [
    "Referential",
    "UnknownVersionError",
    "known_versions",
    "load_referential",
    "load_version",
]
