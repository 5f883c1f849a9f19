"""Verifying a badge someone hands over: its JSON, or the PNG or SVG it is baked into.

One entry point for the page, the API and the command line. It answers a verdict (valid,
revoked, expired or invalid), the checks it ran with what each found, a reason a page can
put into words, and what the badge says, for display once its signature holds. Nothing is
fetched: keys and status lists come from the caller's resolvers, and a resolver answering
None means « not an issuer we know ». Each rule has its home: the proof in `badges.proof`,
coverage of the JSON by the signature in `badges.coverage`, the schema in `badges.schema`,
revocation in `badges.status`, images in `badges.baking`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Final, Literal

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from badges.baking import MAX_IMAGE_BYTES, PNG_SIGNATURE, BakingError, extract_png, extract_svg
from badges.canon import canonicalize
from badges.coverage import uncovered
from badges.multikey import public_key_from_multibase
from badges.proof import Check, Verification, parse
from badges.proof import verify as verify_proof
from badges.schema import schema_errors
from badges.status import LIST_CREDENTIAL_TYPE, StatusError, check_status

Verdict = Literal["valid", "revoked", "expired", "invalid"]
Reason = Literal[
    "valid",
    "revoked",
    "suspended",
    "expired",
    "not_yet_valid",
    "altered",
    "unknown_issuer",
    "unsupported_proof",
    "unknown_context",
    "not_a_badge",
    "unreadable",
    "status_unknown",
    # Said by the caller, who stops before or around verification:
    "timeout",  # over the time it allows
    "not_found",  # a link of its own that leads to no badge it shows
    "foreign_link",  # a link elsewhere, which it does not follow
]
KeyResolver = Callable[[str], Ed25519PublicKey | None]
StatusResolver = Callable[[str], Mapping[str, Any] | None]

# What each failed check of the proof means to the person checking a badge.
_PROOF_REASONS: Final[dict[str, Reason]] = {
    "json": "unreadable",
    "proof": "unsupported_proof",
    "cryptosuite": "unsupported_proof",
    "proof-purpose": "unsupported_proof",
    "context": "unknown_context",
    "verification-method": "unknown_issuer",
    "proof-value": "altered",
    "coverage": "altered",
    "canonicalization": "altered",
    "signature": "altered",
}


@dataclass(frozen=True)
class Summary:
    """What a badge whose signature holds says, for a person to read."""

    name: str
    description: str | None
    criteria: str | None
    evidence: tuple[str, ...]
    issuer: str | None
    issuer_id: str | None
    valid_from: datetime | None
    valid_until: datetime | None


@dataclass
class Outcome:
    """The verdict, why, every check run, and the badge's summary once its signature holds."""

    verdict: Verdict
    reason: Reason
    checks: list[Check] = field(default_factory=list)
    summary: Summary | None = None
    revocation_reason: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict,
            "reason": self.reason,
            "checks": [
                {"name": check.name, "passed": check.passed, "detail": check.detail}
                for check in self.checks
            ],
        }


@dataclass
class Reading:
    """A badge read from what was handed over: its JSON object, or the check that failed."""

    checks: list[Check]
    document: dict[str, Any] | None = None


def read(data: bytes | str | Mapping[str, Any]) -> Reading:
    """The credential in `data`, told apart by its content: JSON, a PNG or an SVG."""
    if isinstance(data, Mapping):
        return _parsed(dict(data), [Check("input", True, "JSON")])
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    if len(raw) > MAX_IMAGE_BYTES:
        return _refused(f"larger than {MAX_IMAGE_BYTES // 1024 // 1024} MiB")
    text: str | bytes
    try:
        if raw.startswith(PNG_SIGNATURE):
            kind, text = "PNG", extract_png(raw)
        elif raw.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
            kind, text = "SVG", extract_svg(raw)
        else:
            kind, text = "JSON", raw
    except BakingError as error:
        return _refused(str(error))
    if text[:2] in {"ey", b"ey"}:
        return Reading([Check("input", True, kind), _jwt()])
    return _parsed(text, [Check("input", True, kind)])


def _refused(detail: str) -> Reading:
    return Reading([Check("input", False, detail)])


def _jwt() -> Check:
    return Check("proof", False, "a VC-JWT: only Data Integrity proofs (eddsa-rdfc-2022) are read")


def _parsed(text: str | bytes | dict[str, Any], checks: list[Check]) -> Reading:
    result = Verification()
    document = parse(text, result)
    return Reading(checks + result.checks, document)


def references(document: Mapping[str, Any]) -> tuple[list[str], list[str]]:
    """The verification methods and status list URLs a credential names, for a caller to
    resolve before verifying (nothing here fetches them)."""
    proofs = document.get("proof")
    methods = [
        proof["verificationMethod"]
        for proof in (proofs if isinstance(proofs, list) else [proofs])
        if isinstance(proof, Mapping) and isinstance(proof.get("verificationMethod"), str)
    ]
    declared = document.get("credentialStatus")
    lists = [
        url
        for entry in (declared if isinstance(declared, list) else [declared])
        if isinstance(entry, Mapping)
        for url in (entry.get("statusListCredential"), entry.get("id"))
        if isinstance(url, str) and entry.get("type") is not None
    ]
    return methods, list(dict.fromkeys(lists))


def issuer_of(document: Mapping[str, Any]) -> str | None:
    """The issuer's id: a URL, or an object's `id`."""
    issuer = document.get("issuer")
    found = issuer.get("id") if isinstance(issuer, Mapping) else issuer
    return found if isinstance(found, str) else None


def verify(
    data: bytes | str | Mapping[str, Any] | Reading,
    resolve_key: KeyResolver,
    resolve_status: StatusResolver,
    now: datetime,
) -> Outcome:
    """The verdict on what a person handed over; never raises on bad input."""
    reading = data if isinstance(data, Reading) else read(data)
    checks = list(reading.checks)
    document = reading.document
    failed = next((check for check in checks if not check.passed), None)
    if document is None or failed is not None:
        reason = _PROOF_REASONS.get(failed.name, "unreadable") if failed else "unreadable"
        return Outcome("invalid", reason, checks)
    issuer = issuer_of(document)
    proof = _checked_proof(document, _issuer_key(issuer, resolve_key))
    checks += [check for check in proof.checks if check.name != "json"]
    if proof.failed is not None:
        return Outcome("invalid", _PROOF_REASONS.get(proof.failed.name, "altered"), checks)
    outcome = _after_signature(document, checks, resolve_key, resolve_status, now)
    outcome.summary = _summary(document)
    return outcome


def verify_resolved(
    reading: Reading,
    keys: Mapping[str, str],
    lists: Mapping[str, Mapping[str, Any]],
    now: datetime,
) -> Outcome:
    """`verify` with what the caller resolved beforehand (see `references`): Multikey strings
    by verification method and status lists by URL. Plain data, which a caller resolving
    asynchronously can hand to another process."""

    def key(method: str) -> Ed25519PublicKey | None:
        found = keys.get(method)
        return None if found is None else public_key_from_multibase(found)

    return verify(reading, key, lists.get, now)


def _issuer_key(issuer: str | None, resolve_key: KeyResolver) -> KeyResolver:
    """Only a key of the credential's own issuer may sign it."""

    def resolve(method: str) -> Ed25519PublicKey | None:
        if issuer is None or method.partition("#")[0] != issuer:
            raise ValueError(f"not a key of the issuer {issuer!r}")
        return resolve_key(method)

    return resolve


def _checked_proof(document: dict[str, Any], resolve_key: KeyResolver) -> Verification:
    """The proof's checks, with coverage of the JSON by the signature named on its own."""
    problems: list[str] = []

    def covered(part: dict[str, Any]) -> str:
        problem = uncovered(part)
        if problem is not None:
            problems.append(problem)
            raise ValueError(problem)
        return canonicalize(part)

    result = verify_proof(document, resolve_key, covered)
    if problems:
        result.checks[-1] = Check("coverage", False, f"unsigned JSON: {problems[0]}")
    elif any(check.name == "canonicalization" for check in result.checks):
        index = next(i for i, c in enumerate(result.checks) if c.name == "canonicalization")
        result.checks.insert(index, Check("coverage", True))
    return result


def _after_signature(
    document: dict[str, Any],
    checks: list[Check],
    resolve_key: KeyResolver,
    resolve_status: StatusResolver,
    now: datetime,
) -> Outcome:
    errors = schema_errors(document)
    checks.append(Check("schema", not errors, "; ".join(errors[:3])))
    dates = _dates(document, now)
    checks.append(dates)
    status_check, state, revocation_reason = _status(document, resolve_key, resolve_status)
    checks.append(status_check)
    reason: Reason
    if errors:
        reason = "not_a_badge"
    elif not dates.passed and dates.detail.startswith("not valid before"):
        reason = "not_yet_valid"
    elif not dates.passed and not dates.detail.startswith("expired"):
        reason = "not_a_badge"
    elif state is None:
        reason = "status_unknown"
    elif state in {"revoked", "suspended"}:
        reason = "revoked" if state == "revoked" else "suspended"
    elif not dates.passed:
        reason = "expired"
    else:
        reason = "valid"
    verdict: Verdict = {
        "valid": "valid",
        "revoked": "revoked",
        "suspended": "revoked",
        "expired": "expired",
    }.get(reason, "invalid")  # type: ignore[assignment]
    return Outcome(verdict, reason, checks, revocation_reason=revocation_reason)


def _moment(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _dates(document: Mapping[str, Any], now: datetime) -> Check:
    valid_from = _moment(document.get("validFrom"))
    if valid_from is None:
        return Check("validity", False, "validFrom is missing or not a date")
    until = document.get("validUntil")
    valid_until = _moment(until)
    if until is not None and valid_until is None:
        return Check("validity", False, "validUntil is not a date")
    if now < valid_from:
        return Check("validity", False, f"not valid before {document['validFrom']}")
    if valid_until is not None and now >= valid_until:
        return Check("validity", False, f"expired on {until}")
    return Check("validity", True, f"valid from {document['validFrom']}")


def _status(
    document: Mapping[str, Any], resolve_key: KeyResolver, resolve_status: StatusResolver
) -> tuple[Check, str | None, str | None]:
    """The status check, the state it found (None: it cannot tell) and a revocation reason."""
    try:
        found = check_status(
            document, _signed_lists(issuer_of(document), resolve_key, resolve_status)
        )
    except StatusError as error:
        return Check("status", False, str(error)), None, None
    passed = found.state in {"none", "active"}
    return Check("status", passed, found.detail), found.state, found.reason


def _signed_lists(
    issuer: str | None, resolve_key: KeyResolver, resolve_status: StatusResolver
) -> StatusResolver:
    """Status lists are believed only when their issuer's signature holds (1EdTech's
    revocation lists carry none: the caller vouches for where it read them)."""

    def resolve(url: str) -> Mapping[str, Any] | None:
        document = resolve_status(url)
        if document is None:
            return None
        types = document.get("type")
        signed = "proof" in document or (isinstance(types, list) and LIST_CREDENTIAL_TYPE in types)
        if not signed:
            return document
        if issuer_of(document) != issuer:
            raise StatusError(f"la liste {url} n'est pas publiée par l'émetteur du badge")
        result = _checked_proof(dict(document), _issuer_key(issuer, resolve_key))
        if result.failed is not None:
            raise StatusError(
                f"la signature de la liste {url} ne tient pas : {result.failed.detail}"
            )
        return document

    return resolve


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _summary(document: Mapping[str, Any]) -> Summary:
    subject = document.get("credentialSubject")
    subject = subject[0] if isinstance(subject, list) and subject else subject
    achievement = subject.get("achievement") if isinstance(subject, Mapping) else None
    achievement = achievement if isinstance(achievement, Mapping) else {}
    criteria = achievement.get("criteria")
    issuer = document.get("issuer")
    evidence = document.get("evidence")
    return Summary(
        name=_text(achievement.get("name")) or _text(document.get("name")) or "",
        description=_text(achievement.get("description")),
        criteria=_text(criteria.get("narrative")) if isinstance(criteria, Mapping) else None,
        evidence=tuple(
            text
            for item in (evidence if isinstance(evidence, list) else [evidence])
            if isinstance(item, Mapping)
            and (text := _text(item.get("narrative")) or _text(item.get("name")))
        ),
        issuer=_text(issuer.get("name")) if isinstance(issuer, Mapping) else None,
        issuer_id=issuer_of(document),
        valid_from=_moment(document.get("validFrom")),
        valid_until=_moment(document.get("validUntil")),
    )
