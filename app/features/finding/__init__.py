"""Finding help and sessions near a commune: the search (pages and API), the public page
« Trouver de l'aide près de chez moi », and the resident's booking pages."""

from app.features.finding.criteria import SearchCriteria, SearchError
from app.features.finding.near_result import ResultOffer, result_offer, to_work_on
from app.features.finding.search import (
    FoundPlace,
    FoundSession,
    FoundWorkshop,
    Nearness,
    search_sessions,
)
from app.features.finding.wording import TEMPLATE_GLOBALS

__all__ = [
    "TEMPLATE_GLOBALS",
    "FoundPlace",
    "FoundSession",
    "FoundWorkshop",
    "Nearness",
    "ResultOffer",
    "SearchCriteria",
    "SearchError",
    "result_offer",
    "search_sessions",
    "to_work_on",
]
