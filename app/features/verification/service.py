"""Verifying a badge for whoever asks: what is handed over is read and checked in a separate
process with a time limit (`app.bounded`), with our own issuers' keys and revocation lists
read from the database in between. Nothing is fetched from the network: a link is followed
only when it is one of our own badges' addresses.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Final
from urllib.parse import parse_qs
from uuid import UUID

from cryptography.exceptions import InvalidTag
from sqlalchemy.ext.asyncio import AsyncSession

from app.bounded import BoundedWorker, OverTimeError
from app.config import Settings, get_settings
from app.db.engine import settings_of
from app.db.models import Credential
from app.features.badges import credential_url, public_key, status_list_document, status_list_url
from badges.multikey import public_key_multibase
from badges.proof import Check
from badges.verify import Outcome, Reading, read, references, verify_resolved

log = logging.getLogger(__name__)
VERIFIER_PATH: Final = "/verifier"
MAX_REFERENCES: Final = 4
"""Keys and lists looked up for one badge: ours name one of each (a stranger gets no more)."""


def verifier(seconds: float) -> BoundedWorker:
    """The process that checks what strangers hand over, within ``seconds`` per step."""
    return BoundedWorker(seconds, preload=("badges.verify",))


def _settings(db: AsyncSession) -> Settings:
    return settings_of(db) or get_settings()


def our_credential_id(link: str, settings: Settings) -> UUID | None:
    """The badge a link of ours names: its address, or our verification page for it."""
    link = link.strip()
    base, _, query = link.partition("?")
    on_page = base.rstrip("/") == settings.public_url.rstrip("/") + VERIFIER_PATH
    named = parse_qs(query).get("credential", [""])[0] if on_page else link.rpartition("/")[2]
    try:
        found = UUID(named)
    except ValueError:
        return None
    return found if on_page or credential_url(found, settings) == link else None


def _our_list(url: str, settings: Settings) -> tuple[UUID, int] | None:
    """The structure and number of one of our revocation lists, from its address."""
    head, _, number = url.rpartition("/")
    structure = head.rpartition("/")[0].rpartition("/")[2]
    if not (number.isascii() and number.isdigit() and len(number) < 7):
        return None
    try:
        structure_id = UUID(structure)
    except ValueError:
        return None
    found = (structure_id, int(number))
    return found if status_list_url(*found, settings) == url else None


async def resolved(
    db: AsyncSession, document: Mapping[str, Any]
) -> tuple[dict[str, str], dict[str, dict[str, Any]]]:
    """Our keys and revocation lists a credential names, from the database: Multikey strings
    by verification method, signed lists by address. Anything not ours is left out."""
    settings = _settings(db)
    methods, urls = references(document)
    lists: dict[str, dict[str, Any]] = {}
    for url in urls[:MAX_REFERENCES]:
        ours = _our_list(url, settings)
        try:
            found = None if ours is None else await status_list_document(db, *ours)
        except (ValueError, InvalidTag):  # a key that no longer opens: the list is unknown
            log.warning("status list %s cannot be signed", url, exc_info=True)
            found = None
        if found is not None:
            lists[url] = found
            methods += references(found)[0]
    keys: dict[str, str] = {}
    for method in dict.fromkeys(methods[: 2 * MAX_REFERENCES]):
        key = await public_key(db, method)
        if key is not None:
            keys[method] = public_key_multibase(key)
    return keys, lists


async def check(
    db: AsyncSession, worker: BoundedWorker, handed: bytes | str | dict[str, Any]
) -> Outcome:
    """The verdict on a JSON text, a parsed credential, or a PNG or SVG image; never raises on
    bad input, and never takes more than the worker's limit per step."""
    try:
        reading: Reading = await worker.run(read, handed)
        keys, lists = ({}, {}) if reading.document is None else await resolved(db, reading.document)
        return await worker.run(verify_resolved, reading, keys, lists, datetime.now(UTC))
    except OverTimeError:
        detail = f"stopped after {worker.seconds:g} s: too costly to check"
        return Outcome("invalid", "timeout", [Check("time", False, detail)])
    except RuntimeError as error:  # a bug of ours on strange input: still a verdict
        return Outcome("invalid", "unreadable", [Check("input", False, str(error)[:200])])


async def check_ours(db: AsyncSession, worker: BoundedWorker, credential_id: UUID) -> Outcome:
    """The verdict on one of our badges, as signed; « not found » when it does not exist or
    its holder switched off its public link."""
    credential = await db.get(Credential, credential_id)
    if credential is None or not credential.shared:
        return Outcome("invalid", "not_found", [Check("link", False, "no badge shown here")])
    return await check(db, worker, credential.body)


async def check_link(db: AsyncSession, worker: BoundedWorker, link: str) -> Outcome:
    """The verdict on a link: followed only when it is one of ours."""
    found = our_credential_id(link, _settings(db))
    if found is None:
        detail = "a link elsewhere is not followed: hand over the badge's file instead"
        return Outcome("invalid", "foreign_link", [Check("link", False, detail)])
    return await check_ours(db, worker, found)
