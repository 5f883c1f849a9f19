"""Open Badges: issuing from recorded evidence, revocation, issuer profiles and status lists."""

from app.features.badges.achievements import PATHWAY_PREFIX
from app.features.badges.images import achievement_image
from app.features.badges.issuing import (
    IssuingError,
    holder_id,
    issue_for_evidence,
    issue_for_pathway,
    person_badges,
    revoke,
    status_list_document,
)
from app.features.badges.keys import public_key, rotate_key, signing_key
from app.features.badges.observed import observed_task_words, today_in_paris
from app.features.badges.personal import (
    erase_credentials,
    erase_wallet_links,
    export_credentials,
    export_wallet_links,
)
from app.features.badges.urls import (
    credential_url,
    issuer_url,
    status_list_url,
    verification_method,
)

__all__ = [
    "PATHWAY_PREFIX",
    "IssuingError",
    "achievement_image",
    "credential_url",
    "erase_credentials",
    "erase_wallet_links",
    "export_credentials",
    "export_wallet_links",
    "holder_id",
    "issue_for_evidence",
    "issue_for_pathway",
    "issuer_url",
    "observed_task_words",
    "person_badges",
    "public_key",
    "revoke",
    "rotate_key",
    "signing_key",
    "status_list_document",
    "status_list_url",
    "today_in_paris",
    "verification_method",
]
