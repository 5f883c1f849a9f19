"""Credentials as we issue them, with any Unicode text, for property tests."""

from __future__ import annotations

import base64
import copy
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from hypothesis import strategies as st
from pydantic import BaseModel

from badges.models import (
    Achievement,
    AchievementSubject,
    Alignment,
    Criteria,
    Evidence,
    IdentityObject,
    Image,
    Multikey,
    OpenBadgeCredential,
    Profile,
    StatusEntry,
)
from badges.multikey import public_key_multibase
from badges.proof import sign
from badges.text import clean_text

ISSUER_KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
ISSUER_ID = "https://parcours.example.fr/issuers/3f1c"
MULTIKEY = public_key_multibase(ISSUER_KEY.public_key())
METHOD = f"{ISSUER_ID}#{MULTIKEY}"
ISSUER = Profile(
    id=ISSUER_ID,
    name="Médiathèque de Bourges",
    url="https://parcours.example.fr",
    verification_method=[Multikey(id=METHOD, controller=ISSUER_ID, public_key_multibase=MULTIKEY)],
)
SIGNED_AT = datetime(2026, 11, 30, 9, 15, tzinfo=UTC)


def _make(model: type[BaseModel]) -> Callable[..., Any]:
    """A constructor hypothesis calls with field names only (it reads aliases otherwise)."""

    def build(**fields: Any) -> Any:
        return model(**fields)

    return build


texts = st.text(min_size=1, max_size=40).filter(lambda text: clean_text(text).strip() != "")
urns = st.uuids().map(lambda value: f"urn:uuid:{value}")
moments = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2099, 1, 1), timezones=st.just(UTC)
)
alignments = st.builds(
    _make(Alignment),
    target_name=texts,
    target_url=st.sampled_from(
        ["https://pix.fr/competences/2.1", "https://digcomp.example.eu/2.1"]
    ),
    target_code=st.none() | texts,
    target_framework=st.none() | texts,
)
# An image carried in the badge itself, as our issuer does (base64 of any bytes).
data_images = st.builds(
    lambda kind, data: Image(id=f"data:{kind};base64,{base64.b64encode(data).decode()}"),
    st.sampled_from(["image/svg+xml", "image/png"]),
    st.binary(max_size=60),
)
achievements = st.builds(
    _make(Achievement),
    id=st.uuids().map(lambda value: f"https://parcours.example.fr/achievements/{value}"),
    name=texts,
    description=texts,
    criteria=st.builds(_make(Criteria), narrative=texts),
    image=st.none()
    | st.just(Image(id="https://parcours.example.fr/achievements/a.svg"))
    | data_images,
    alignment=st.lists(alignments, max_size=3),
)
subjects = st.builds(
    _make(AchievementSubject),
    id=urns,
    achievement=achievements,
    identifier=st.lists(
        st.builds(IdentityObject.for_email, st.emails(), texts.map(clean_text)),
        max_size=1,
    ),
)
statuses = st.builds(
    _make(StatusEntry),
    id=st.integers(0, 131071).map(lambda index: f"https://parcours.example.fr/status/1#{index}"),
    type=st.just("BitstringStatusListEntry"),
    status_purpose=st.just("revocation"),
    status_list_index=st.integers(0, 131071).map(str),
    status_list_credential=st.just("https://parcours.example.fr/status/1"),
)
credentials = st.builds(
    _make(OpenBadgeCredential),
    id=urns,
    issuer=st.just(ISSUER),
    valid_from=moments,
    valid_until=st.none() | moments,
    name=texts,
    credential_subject=subjects,
    evidence=st.lists(
        st.builds(
            _make(Evidence), name=texts, narrative=st.none() | texts, description=st.none() | texts
        ),
        max_size=2,
    ),
    credential_status=st.none() | statuses,
)


def issue(credential: OpenBadgeCredential) -> dict[str, Any]:
    """`credential` signed by the test issuer."""
    return sign(credential.document(), ISSUER_KEY, METHOD, SIGNED_AT)


def issuer_keys(method: str) -> Ed25519PublicKey | None:
    """The test issuer's key, and no other."""
    return ISSUER_KEY.public_key() if method == METHOD else None


def leaves(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """The path to every value of a JSON document that is neither an object nor a list."""
    if isinstance(node, dict):
        return [leaf for key, value in node.items() for leaf in leaves(value, (*path, key))]
    if isinstance(node, list):
        return [leaf for i, value in enumerate(node) for leaf in leaves(value, (*path, i))]
    return [path]


def value_at(document: dict[str, Any], path: tuple[Any, ...]) -> Any:
    node: Any = document
    for step in path:
        node = node[step]
    return node


def with_value(document: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    """A copy of `document` with `value` at `path`."""
    changed = copy.deepcopy(document)
    value_at(changed, path[:-1])[path[-1]] = value
    return changed
