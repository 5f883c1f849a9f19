"""Column types shared by the models."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import JSON
from sqlalchemy.dialects.postgresql import JSONB

# advanced-alchemy's JsonB breaks under SQLAlchemy 2.1 (it calls a removed helper), so the
# variant is spelled out: JSONB on PostgreSQL, JSON text elsewhere.
Json = JSON().with_variant(JSONB(), "postgresql")


def as_utc(moment: datetime) -> datetime:
    """SQLite gives some datetimes back without their zone: they are UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def iso(moment: datetime | None) -> str | None:
    """A moment as exports write it: ISO 8601 in UTC, or None."""
    return None if moment is None else as_utc(moment).isoformat()
