"""Finding help and sessions near a commune: the search (pages and API), the public page
« Trouver de l'aide près de chez moi », and the resident's booking pages."""

from app.features.finding.criteria import SearchCriteria, SearchError
from app.features.finding.search import (
    FoundPlace,
    FoundSession,
    FoundWorkshop,
    Nearness,
    search_sessions,
)

__all__ = [
    "FoundPlace",
    "FoundSession",
    "FoundWorkshop",
    "Nearness",
    "SearchCriteria",
    "SearchError",
    "search_sessions",
]
