"""The audit trail: logins, and who read, changed, exported or erased which record.

An event is added to the database session of the action it records, so both are committed
together or not at all. People and their diagnostics are named by a keyed hash
(:meth:`Auditor.pseudonym`): an erased person leaves events that still say what was done and
by whom, but nothing that leads back to them. Events older than ``audit_retention_days``
are deleted (`app.housekeeping`).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from litestar import Request

from app.db.models import AuditEvent, User
from app.throttle import client_address

# Every action the trail records, with what the administrators' page shows for it.
ACTIONS: Mapping[str, str] = {
    "login.success": "Connexion",
    "login.failure": "Mot de passe ou code incorrect",
    "login.locked": "Connexions bloquées : trop d'essais",
    "logout": "Déconnexion",
    "session.expired": "Session terminée par le délai",
    "password.change": "Mot de passe changé",
    "password.reset": "Mot de passe réinitialisé par un administrateur",
    "totp.enable": "Double authentification activée",
    "totp.disable": "Double authentification retirée",
    "account.create": "Compte créé",
    "account.scope": "Territoire d'un coordinateur changé",
    "token.create": "Jeton d'accès créé",
    "token.revoke": "Jeton d'accès révoqué",
    "token.use": "Jeton d'accès utilisé",
    "people.list": "Liste des personnes consultée",
    "person.create": "Fiche créée",
    "person.read": "Fiche consultée",
    "person.update": "Fiche modifiée",
    "person.export": "Données d'une personne exportées",
    "person.erase": "Personne effacée",
    "diagnostic.create": "Diagnostic enregistré pour une personne",
    "diagnostic.read": "Diagnostic d'une personne consulté",
    "diagnostic.correct": "Diagnostic corrigé (nouvelle version)",
    "diagnostic.delete": "Formulaire papier annulé",
    "pathway.read": "Parcours d'une personne consulté",
    "pathway.decide": "Parcours décidé par un médiateur",
    "booking.create": "Inscription à une séance",
    "booking.cancel": "Inscription annulée",
    "booking.attendance": "Présence ou fin d'atelier enregistrée",
    "booking.link": "Inscription rattachée à la fiche d'une personne",
    "evidence.record": "Tâche observée notée par un médiateur",
    "credential.issue": "Badge délivré à la main",
    "credential.revoke": "Badge révoqué",
    "wallet.link": "Lien du portefeuille de badges donné à une personne",
    "wallet.cut": "Lien du portefeuille de badges coupé",
    "scan.upload": "Scan déposé",
    "scan.review": "Ligne de scan vérifiée",
    "audit.read": "Journal consulté",
}

# Records about residents: named by a keyed hash, never by their id.
PERSONAL = frozenset({"person", "diagnostic", "scan_batch", "scan_page", "booking", "credential"})


def audit_keys(secrets: Sequence[str]) -> tuple[bytes, ...]:
    """One key per secret, the current one first (README: rotating the secret key)."""
    return tuple(hashlib.sha256(b"audit:" + s.encode()).digest() for s in secrets)


def pseudonym(key: bytes, kind: str, record_id: UUID | str) -> str:
    return hmac.new(key, f"{kind}:{record_id}".encode(), hashlib.sha256).hexdigest()[:40]


@dataclass(frozen=True)
class Auditor:
    """Who is acting in this request, and how to write down what they do."""

    keys: tuple[bytes, ...]
    actor: User | None
    token_id: UUID | None = None
    address: str | None = None

    def target(self, kind: str, record_id: UUID | str) -> str:
        return pseudonym(self.keys[0], kind, record_id) if kind in PERSONAL else str(record_id)

    def targets(self, kind: str, record_id: UUID | str) -> list[str]:
        """What the record is called in the trail, under every key still known."""
        if kind not in PERSONAL:
            return [str(record_id)]
        return [pseudonym(key, kind, record_id) for key in self.keys]

    def record(
        self,
        db: Any,
        action: str,
        kind: str | None = None,
        record_id: UUID | str | None = None,
        *,
        actor: User | None = None,
        structure_id: UUID | None = None,
        **detail: Any,
    ) -> None:
        """Add the event to ``db`` (an AsyncSession); the caller's commit writes both."""
        assert action in ACTIONS, action
        who = actor or self.actor
        db.add(
            AuditEvent(
                at=datetime.now(UTC),
                action=action,
                actor_id=who.id if who else None,
                structure_id=structure_id or (who.structure_id if who else None),
                target_type=kind,
                target=None if kind is None or record_id is None else self.target(kind, record_id),
                token_id=self.token_id,
                address=self.address,
                detail=detail,
            )
        )


AUTH_TOKEN_ID = "parcours.token_id"


def provide_auditor(request: Request[Any, Any, Any]) -> Auditor:
    user = request.scope.get("user")
    return Auditor(
        keys=request.app.state.audit_keys,
        actor=user if isinstance(user, User) else None,
        token_id=request.scope.get(AUTH_TOKEN_ID),  # type: ignore[arg-type]
        address=client_address(request),
    )
