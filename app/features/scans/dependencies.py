"""What the scans' handlers are given: the scan service of the request."""

from __future__ import annotations

from litestar.di import NamedDependency, Provide
from sqlalchemy.ext.asyncio import AsyncSession

from app.features.scans.service import ScanService


def provide_scans(db_session: NamedDependency[AsyncSession]) -> ScanService:
    return ScanService(db_session)


DEPENDENCIES = {"scans": Provide(provide_scans, sync_to_thread=False)}
