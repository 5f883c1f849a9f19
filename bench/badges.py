"""Open Badges throughput: credentials issued and verified per second.

Run with `make bench`. In the same process and on the same credentials it measures our signing
and verification (contexts processed once per credential shape, RDFC-1.0 by pyoxigraph), the
straightforward version (two full pyld `normalize` per credential) and raw Ed25519 over the same
canonical bytes, and prints the ratios (goal: ours >= 10x the straightforward version).

The last rows take credentials shaped like the service's (the achievement as the app builds it,
with its image as a data: URI and its alignments, a salted e-mail hash, evidence, a status entry
in a signed list, the schema reference) and time the whole verification a verifier of ours runs
(`badges.verify.verify`: proof, signature coverage, schema, dates, the list's own signature and
the status bit) against the proof check alone.
"""

from __future__ import annotations

import json
import random
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

# This script shares its name with the package: import the package, not the script itself.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey  # noqa: E402

from app.config import Settings  # noqa: E402
from app.features.badges.achievements import competence_achievement  # noqa: E402
from badges.canon import canonical_pyld, canonicalize  # noqa: E402
from badges.models import (  # noqa: E402
    Achievement,
    AchievementSubject,
    Alignment,
    Criteria,
    Evidence,
    IdentityObject,
    OpenBadgeCredential,
    Profile,
    StatusEntry,
)
from badges.multikey import public_key_multibase  # noqa: E402
from badges.proof import Canonicalizer, sign, verify  # noqa: E402
from badges.status import MIN_LENGTH, StatusBits, status_entry, status_list_credential  # noqa: E402
from badges.verify import verify as verify_fully  # noqa: E402
from referentiel import load_referential  # noqa: E402

COUNT = 3000
STRAIGHTFORWARD_COUNT = 300
OURS_COUNT = 600  # credentials shaped like the service's: bigger (an image each), fewer
SEED = 20261201
KEY = Ed25519PrivateKey.from_private_bytes(bytes(32))
ISSUER = "https://parcours.example.fr/issuers/bench"
METHOD = f"{ISSUER}#{public_key_multibase(KEY.public_key())}"
WORDS = [
    "communiquer",
    "messages",
    "e-mail",
    "démarches",
    "en ligne",
    "sécurité",
    "日本語",
    "✓",
    "€",
]


def credentials(count: int) -> list[dict[str, Any]]:
    """Varied credentials: random French text, 0-3 alignments, 0-2 evidence, some with status."""
    rng = random.Random(SEED)
    start = datetime(2026, 1, 1, tzinfo=UTC)

    def text(words: int) -> str:
        return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize()

    out = []
    for number in range(count):
        achievement = Achievement(
            id=f"https://parcours.example.fr/achievements/{rng.randrange(200)}",
            name=text(5),
            description=text(20),
            criteria=Criteria(narrative=text(30)),
            alignment=[
                Alignment(
                    target_name=text(4), target_url=f"https://pix.fr/c/{i}", target_code=f"{i}"
                )
                for i in range(rng.randrange(4))
            ],
        )
        status = StatusEntry(
            id=f"https://parcours.example.fr/status/1#{number}",
            type="BitstringStatusListEntry",
            status_purpose="revocation",
            status_list_index=str(number),
            status_list_credential="https://parcours.example.fr/status/1",
        )
        credential = OpenBadgeCredential(
            id=f"urn:uuid:{rng.getrandbits(128):032x}",
            issuer=Profile(id=ISSUER, name="Médiathèque"),
            valid_from=start + timedelta(minutes=number),
            name=text(5),
            credential_subject=AchievementSubject(
                id=f"urn:uuid:{rng.getrandbits(128):032x}", achievement=achievement
            ),
            evidence=[Evidence(name=text(3), narrative=text(12)) for _ in range(rng.randrange(3))],
            credential_status=status if rng.random() < 0.7 else None,
        )
        out.append(credential.document())
    return out


LIST_URL = f"{ISSUER}/statuts/1"
SIGNED_AT = datetime(2026, 12, 1, tzinfo=UTC)
CHECKED_AT = datetime(2026, 12, 2, tzinfo=UTC)


def shaped_like_ours(count: int) -> tuple[list[bytes], dict[str, Any], set[int]]:
    """Signed credentials as the service issues them, their signed status list (one in ten
    revoked), and which of them are revoked (by position)."""
    rng = random.Random(SEED + 1)
    settings = Settings(public_url="https://parcours.example.fr")
    achievements = [
        competence_achievement(competence.code, level, settings)
        for competence in load_referential().competences
        for level in (1, 2, 3, 4)
    ]
    indexes = rng.sample(range(MIN_LENGTH), count)
    revoked = set(range(0, count, 10))
    bits = StatusBits.of({indexes[i] for i in revoked}, MIN_LENGTH)
    status_list = sign(
        status_list_credential(
            list_url=LIST_URL,
            issuer=ISSUER,
            valid_from="2026-11-30T00:00:00Z",
            bits=bits,
            ttl_seconds=300,
        ),
        KEY,
        METHOD,
        SIGNED_AT,
    )
    start = datetime(2026, 1, 1, tzinfo=UTC)
    signed = []
    for number, index in enumerate(indexes):
        achievement = rng.choice(achievements)
        email = f"personne{number}@exemple.fr"
        document = OpenBadgeCredential(
            id=f"https://parcours.example.fr/badges/{rng.getrandbits(128):032x}",
            issuer=Profile(id=ISSUER, name="Médiathèque de Bourges"),
            valid_from=start + timedelta(minutes=number),
            valid_until=datetime(2030, 1, 1, tzinfo=UTC) if rng.random() < 0.2 else None,
            name=achievement.name,
            credential_subject=AchievementSubject(
                id=f"urn:uuid:{rng.getrandbits(128):032x}",
                achievement=achievement,
                identifier=[IdentityObject.for_email(email, f"{rng.getrandbits(72):018x}")]
                if rng.random() < 0.6
                else [],
            ),
            evidence=[
                Evidence(
                    name="Validation de fin d'atelier",
                    narrative="Points vérifiés : envoie un message ; joint une photo. Observé "
                    "par Médiathèque de Bourges pendant l'atelier « Mon téléphone au "
                    "quotidien », le mardi 8 décembre 2026.",
                )
            ],
            credential_status=StatusEntry.model_validate(status_entry(LIST_URL, index)),
        ).document()
        signed.append(json.dumps(sign(document, KEY, METHOD, SIGNED_AT)).encode())
    return signed, status_list, revoked


def verify_ours_fully(signed: list[bytes], status_list: dict[str, Any], revoked: set[int]) -> None:
    public = KEY.public_key()

    def resolve_key(method: str) -> Ed25519PublicKey | None:
        return public if method == METHOD else None

    def resolve_status(url: str) -> dict[str, Any] | None:
        return status_list if url == LIST_URL else None

    for number, payload in enumerate(signed):
        outcome = verify_fully(payload, resolve_key, resolve_status, CHECKED_AT)
        expected = "revoked" if number in revoked else "valid"
        if outcome.verdict != expected:
            raise SystemExit(f"a credential shaped like ours: {outcome.verdict}, {outcome.checks}")


def rate(count: int, run: Callable[[], object]) -> float:
    """Items per second of `run` over `count` items (best of three runs)."""
    timings = []
    for _ in range(3):
        start = time.perf_counter()
        run()
        timings.append(time.perf_counter() - start)
    return count / min(timings)


def issue_all(documents: list[dict[str, Any]], canonicalizer: Canonicalizer) -> list[bytes]:
    signed_at = datetime(2026, 12, 1, tzinfo=UTC)
    return [
        json.dumps(sign(document, KEY, METHOD, signed_at, canonicalizer)).encode()
        for document in documents
    ]


def verify_all(signed: list[bytes], canonicalizer: Canonicalizer) -> None:
    public = KEY.public_key()

    def resolve(method: str) -> Ed25519PublicKey | None:
        return public if method == METHOD else None

    for payload in signed:
        if not verify(payload, resolve, canonicalizer).verified:
            raise SystemExit("a benchmark credential did not verify")


def main() -> None:
    documents = credentials(COUNT)
    few = documents[:STRAIGHTFORWARD_COUNT]
    signed = issue_all(documents, canonicalize)
    canonical = [canonicalize(document).encode() for document in documents]
    ours_issue = rate(COUNT, lambda: issue_all(documents, canonicalize))
    ours_verify = rate(COUNT, lambda: verify_all(signed, canonicalize))
    plain_issue = rate(len(few), lambda: issue_all(few, canonical_pyld))
    plain_verify = rate(len(few), lambda: verify_all(signed[: len(few)], canonical_pyld))
    raw = rate(COUNT, lambda: [KEY.sign(data) for data in canonical])
    ours = 1 / (1 / ours_issue + 1 / ours_verify)
    plain = 1 / (1 / plain_issue + 1 / plain_verify)
    print(f"credentials: {COUNT} ({STRAIGHTFORWARD_COUNT} for the straightforward version)")
    for label, issued, verified, both in [
        ("ours", ours_issue, ours_verify, ours),
        ("pyld normalize", plain_issue, plain_verify, plain),
    ]:
        print(f"{label:15} issue {issued:9.0f}/s  verify {verified:9.0f}/s  both {both:8.0f}/s")
    print(f"raw Ed25519     sign  {raw:9.0f}/s (same canonical bytes)")
    print(
        f"ratio ours / straightforward: issue {ours_issue / plain_issue:.1f}x, "
        f"verify {ours_verify / plain_verify:.1f}x, both {ours / plain:.1f}x (goal >= 10x); "
        f"raw Ed25519 / ours issue: {raw / ours_issue:.1f}x"
    )
    shaped, status_list, revoked = shaped_like_ours(OURS_COUNT)
    size = sum(len(payload) for payload in shaped) // len(shaped)
    proof_only = rate(OURS_COUNT, lambda: verify_all(shaped, canonicalize))
    full = rate(OURS_COUNT, lambda: verify_ours_fully(shaped, status_list, revoked))
    print(
        f"shaped like ours ({OURS_COUNT}, {size // 1024} KiB each, image and status list): "
        f"proof only {proof_only:6.0f}/s  full verification {full:6.0f}/s "
        f"({1000 / full:.1f} ms each)"
    )


if __name__ == "__main__":
    main()
