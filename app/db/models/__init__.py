"""Every table, imported here so that Alembic and the app see the whole metadata."""

from app.db.models.account import ApiToken, Role, Structure, User
from app.db.models.diagnostic import Channel, Diagnostic, DiagnosticStatus
from app.db.models.person import Consent, Person
from app.db.models.scan import BatchStatus, PageOutcome, ScanBatch, ScanPage
from app.db.models.security import AuditEvent, Throttle
from app.db.models.store import StoreEntry

__all__ = [
    "ApiToken",
    "AuditEvent",
    "BatchStatus",
    "Channel",
    "Consent",
    "Diagnostic",
    "DiagnosticStatus",
    "PageOutcome",
    "Person",
    "Role",
    "ScanBatch",
    "ScanPage",
    "StoreEntry",
    "Structure",
    "Throttle",
    "User",
]
