"""What we issue: Open Badges 3.0 credentials (W3C VC 2.0) and issuer profiles, typed.

Every text field goes through `clean_text`, so what we sign canonicalises the same everywhere,
and is never blank (other verifiers read a blank name as a missing one).
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Annotated, Any, Literal, cast

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator
from pydantic.alias_generators import to_camel

from badges.contexts import CREDENTIALS_V2, OB_EXTENSIONS, OB_V3P0
from badges.multikey import public_key_from_multibase
from badges.text import clean_text, has_unsafe_controls

ACHIEVEMENT_CREDENTIAL_SCHEMA = (
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
)
MULTIKEY_V1 = "https://w3id.org/security/multikey/v1"


def _text(value: str) -> str:
    cleaned = clean_text(value)
    if not cleaned.strip():
        raise ValueError("must not be blank")
    return cleaned


Text = Annotated[str, AfterValidator(_text)]


def _verbatim(value: str) -> str:
    if has_unsafe_controls(value):
        raise ValueError("must not hold control characters")
    return value


Verbatim = Annotated[str, AfterValidator(_verbatim)]
"""A string signed as given (a salt, an address): refused, not cleaned, when it holds the controls
canonicalisers write differently, since cleaning would change what a hash was computed from."""


def _iri(value: str) -> str:
    if ":" not in value or any(char.isspace() for char in value):
        raise ValueError("must be an absolute IRI")
    return value


Iri = Annotated[str, AfterValidator(_iri)]


def timestamp(moment: datetime) -> str:
    """XML Schema dateTime in UTC to the second, as credentials carry it."""
    if moment.tzinfo is None:
        raise ValueError("a credential date needs a time zone")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class _Model(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, frozen=True, extra="forbid"
    )

    def document(self) -> dict[str, Any]:
        """The JSON-LD object, without empty or absent fields."""
        return cast(dict[str, Any], _prune(self.model_dump(by_alias=True, mode="python")))


def _prune(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _prune(item) for key, item in value.items() if item is not None and item != []}
    if isinstance(value, list):
        return [_prune(item) for item in value]
    if isinstance(value, datetime):
        return timestamp(value)
    return value


class Multikey(_Model):
    """An issuer's Ed25519 public key, as a verification method of its profile."""

    id: Iri
    type: Literal["Multikey"] = "Multikey"
    controller: Iri
    public_key_multibase: str

    @field_validator("public_key_multibase")
    @classmethod
    def _ed25519(cls, value: str) -> str:
        public_key_from_multibase(value)
        return value


class Profile(_Model):
    """An issuer: in a credential without its keys, published with them."""

    id: Iri
    type: list[Literal["Profile"]] = ["Profile"]
    name: Text
    url: Iri | None = None
    email: Verbatim | None = None
    verification_method: list[Multikey] = Field(default_factory=list, exclude=True)

    def published(self) -> dict[str, Any]:
        """The profile document served at its id, listing every key, old ones included."""
        keys = [key.document() for key in self.verification_method]
        return {
            "@context": [CREDENTIALS_V2, OB_V3P0, MULTIKEY_V1],
            **self.document(),
            "verificationMethod": keys,
            "assertionMethod": [key["id"] for key in keys],
        }


class Criteria(_Model):
    narrative: Text


class Image(_Model):
    id: Iri
    type: Literal["Image"] = "Image"
    caption: Text | None = None


class Alignment(_Model):
    """What an achievement corresponds to in another framework (CRCN, DigComp, CléA)."""

    type: list[Literal["Alignment"]] = ["Alignment"]
    target_name: Text
    target_url: Iri
    target_code: Text | None = None
    target_framework: Text | None = None
    target_description: Text | None = None


class Achievement(_Model):
    id: Iri
    type: list[Literal["Achievement"]] = ["Achievement"]
    name: Text
    description: Text
    criteria: Criteria
    image: Image | None = None
    alignment: list[Alignment] = Field(default_factory=list)


class IdentityObject(_Model):
    """A salted hash of the holder's e-mail, so that only who knows the address can match it."""

    type: Literal["IdentityObject"] = "IdentityObject"
    hashed: Literal[True] = True
    identity_hash: str
    identity_type: Literal["emailAddress"] = "emailAddress"
    salt: Verbatim

    @classmethod
    def for_email(cls, email: str, salt: str) -> IdentityObject:
        """OB 3.0's `sha256$` + hex SHA-256 of the address (trimmed, lower case) and the salt."""
        digest = hashlib.sha256((email.strip().lower() + salt).encode()).hexdigest()
        return cls(identity_hash=f"sha256${digest}", salt=salt)


class AchievementSubject(_Model):
    id: Iri  # pseudonymous: never a name or an address
    type: list[Literal["AchievementSubject"]] = ["AchievementSubject"]
    achievement: Achievement
    identifier: list[IdentityObject] = Field(default_factory=list)


class Evidence(_Model):
    """What was observed, by whom and when, in plain words; nothing about the person."""

    id: Iri | None = None
    type: list[Literal["Evidence"]] = ["Evidence"]
    name: Text
    narrative: Text | None = None
    description: Text | None = None


class StatusEntry(_Model):
    """Where to look whether the credential was revoked (one entry at most)."""

    id: Iri
    type: Literal["BitstringStatusListEntry", "1EdTechRevocationList"]
    status_purpose: Literal["revocation"] | None = None
    status_list_index: str | None = None
    status_list_credential: Iri | None = None


class CredentialSchema(_Model):
    id: Iri = ACHIEVEMENT_CREDENTIAL_SCHEMA
    type: Literal["1EdTechJsonSchemaValidator2019"] = "1EdTechJsonSchemaValidator2019"


class OpenBadgeCredential(_Model):
    """An Open Badges 3.0 credential before its proof."""

    context: list[str] = Field(default=[CREDENTIALS_V2, OB_V3P0, OB_EXTENSIONS], alias="@context")
    id: Iri
    type: list[Literal["VerifiableCredential", "OpenBadgeCredential"]] = [
        "VerifiableCredential",
        "OpenBadgeCredential",
    ]
    issuer: Profile
    valid_from: datetime
    valid_until: datetime | None = None
    name: Text
    credential_subject: AchievementSubject
    evidence: list[Evidence] = Field(default_factory=list)
    credential_status: StatusEntry | None = None
    credential_schema: list[CredentialSchema] = Field(default_factory=lambda: [CredentialSchema()])

    @field_validator("valid_from", "valid_until")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None:
            timestamp(value)
        return value
