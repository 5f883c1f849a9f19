"""Every table, imported here so that Alembic and the app see the whole metadata."""

from app.db.models.account import ApiToken, Role, Structure, User
from app.db.models.badge import Credential, IssuerKey, StatusList, WalletLink
from app.db.models.booking import Attendance, Booking, BookingStatus, EvidenceRecord
from app.db.models.diagnostic import Channel, Diagnostic, DiagnosticStatus
from app.db.models.offer import Modality, Place, Session, SessionSeries, Workshop
from app.db.models.outbox import OutboxChannel, OutboxMessage, OutboxStatus
from app.db.models.pathway import (
    FeedbackKind,
    Pathway,
    PathwayFeedback,
    PathwayModel,
    PathwayStep,
    Recommendation,
    StepOrigin,
    StepStatus,
)
from app.db.models.person import Consent, Person
from app.db.models.scan import BatchStatus, PageOutcome, ScanBatch, ScanPage
from app.db.models.security import AuditEvent, Throttle
from app.db.models.statistics import StatBadge, StatCell, StatRaw, StatState, StatSubject
from app.db.models.store import StoreEntry

__all__ = [
    "ApiToken",
    "Attendance",
    "AuditEvent",
    "BatchStatus",
    "Booking",
    "BookingStatus",
    "Channel",
    "Consent",
    "Credential",
    "Diagnostic",
    "DiagnosticStatus",
    "EvidenceRecord",
    "FeedbackKind",
    "IssuerKey",
    "Modality",
    "OutboxChannel",
    "OutboxMessage",
    "OutboxStatus",
    "PageOutcome",
    "Pathway",
    "PathwayFeedback",
    "PathwayModel",
    "PathwayStep",
    "Person",
    "Place",
    "Recommendation",
    "Role",
    "ScanBatch",
    "ScanPage",
    "Session",
    "SessionSeries",
    "StatBadge",
    "StatCell",
    "StatRaw",
    "StatState",
    "StatSubject",
    "StatusList",
    "StepOrigin",
    "StepStatus",
    "StoreEntry",
    "Structure",
    "Throttle",
    "User",
    "WalletLink",
    "Workshop",
]
