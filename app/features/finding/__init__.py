"""Finding help and sessions near a commune: the search (pages and API), the public page
« Trouver de l'aide près de chez moi », and the resident's booking pages."""

from app.features.finding.criteria import SearchCriteria, SearchError
from app.features.finding.search import (
    FoundPlace,
    FoundSession,
    FoundWorkshop,
    Nearness,
    NearPlace,
    OfferedSession,
    places_near,
    search_sessions,
    sessions_in_box,
)
from app.features.finding.wording import TEMPLATE_GLOBALS

__all__ = [
    "TEMPLATE_GLOBALS",
    "FoundPlace",
    "FoundSession",
    "FoundWorkshop",
    "NearPlace",
    "Nearness",
    "OfferedSession",
    "SearchCriteria",
    "SearchError",
    "places_near",
    "search_sessions",
    "sessions_in_box",
]
