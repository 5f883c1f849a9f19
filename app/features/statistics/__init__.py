"""Territorial statistics with statistical secrecy built in: one aggregate layer that every
page and export reads (`stat_cell`, decided by :mod:`.secrecy` when :func:`refresh` runs)."""

from app.features.statistics.indicators import (
    TOTAL,
    Column,
    Indicator,
    Kind,
    Spec,
    spec,
    specs,
)
from app.features.statistics.personal import erase_statistics
from app.features.statistics.refresh import Refreshed, refresh
from app.features.statistics.secrecy import THRESHOLD
from app.features.statistics.service import (
    SUPPRESSED,
    Cell,
    PeriodError,
    Row,
    Table,
    no_show_rate,
    period,
    periods,
    refreshed_at,
    scope_of,
    statistics_rows,
    statistics_table,
    within_scope,
)
from app.features.statistics.territory import (
    Level,
    Territory,
    TerritoryError,
    children_of,
    descendants,
    france,
    territory,
)

__all__ = [
    "SUPPRESSED",
    "THRESHOLD",
    "TOTAL",
    "Cell",
    "Column",
    "Indicator",
    "Kind",
    "Level",
    "PeriodError",
    "Refreshed",
    "Row",
    "Spec",
    "Table",
    "Territory",
    "TerritoryError",
    "children_of",
    "descendants",
    "erase_statistics",
    "france",
    "no_show_rate",
    "period",
    "periods",
    "refresh",
    "refreshed_at",
    "scope_of",
    "spec",
    "specs",
    "statistics_rows",
    "statistics_table",
    "territory",
    "within_scope",
]
