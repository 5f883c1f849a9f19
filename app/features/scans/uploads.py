"""Receiving uploaded scans straight to disk, as the bytes arrive.

Litestar parses a multipart body whole before the handler runs, and its CSRF middleware reads
the form too: a 190 MB scan then sat in memory several times over. The two upload routes
(page and API) read the raw stream instead: each file part goes to its own file in
var/uploads/, the limits are checked while the bytes come in, and a refused upload leaves no
file and no row behind.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Sequence
from datetime import timedelta
from hmac import compare_digest
from pathlib import Path
from typing import Any, Final

import anyio
from litestar import Request
from litestar.exceptions.http_exceptions import RequestEntityTooLarge
from litestar.middleware.csrf import generate_csrf_hash
from litestar.utils.scope.state import ScopeState
from multipart import MultipartSegment, ParserError, ParserLimitReached, PushMultipartParser

from app.config import uploads_dir
from app.db.models import ScanBatch, User
from app.errors import Problem
from app.features.scans.service import (
    MAX_BATCHES_IN_FLIGHT,
    MAX_UPLOAD_BYTES,
    QueueFullError,
    ScanService,
    StoredFile,
)
from app.throttle import Limit

MAX_FILES_PER_REQUEST: Final = 20
# Two of the biggest files and the form around them: more is sent in several times.
MAX_REQUEST_BYTES: Final = 2 * MAX_UPLOAD_BYTES + 1_000_000
# Uploads (requests) of one account: plenty for a mediator sending photos one at a time.
UPLOADS_PER_ACCOUNT: Final = Limit("scans.upload", 60, timedelta(hours=1))
FILES_FIELD: Final = "files"
CSRF_FIELD: Final = "_csrf_token"
_CSRF_SECRET_LENGTH: Final = 64  # the random half of a token of Litestar's CSRF middleware
_FIELD_BYTES: Final = 1_000  # a form field that is not a file: the CSRF token
_WRITE_EVERY: Final = 1 << 20  # bytes gathered before each write to disk
_MB: Final = 1_000_000
_UNSAFE = re.compile(r"[\x00-\x1f\x7f]")


async def take_upload(
    request: Request[Any, Any, Any], scans: ScanService, user: User, *, csrf: bool
) -> list[ScanBatch]:
    """Receive the files of an upload and queue one batch per file (none when no file was
    sent). Raises Problem when the upload is refused, having removed what it wrote. With
    ``csrf``, the form's token must come before the files (as the page's form sends it)."""
    try:
        await scans.check_room(user.structure_id)
    except QueueFullError as error:
        raise _busy(error.in_flight) from None
    files = await receive_files(request, csrf=csrf)
    try:
        return await scans.enqueue(user, files) if files else []
    except BaseException as error:
        discard(files)
        if isinstance(error, QueueFullError):
            raise _busy(error.in_flight) from None
        raise


async def receive_files(request: Request[Any, Any, Any], *, csrf: bool) -> list[StoredFile]:
    """The files of the `files` field, each written to its own new file while it arrives.
    Anything but a multipart form has no file: an empty list."""
    if csrf:
        _keep_form_token(request)
    content_type, options = request.content_type
    boundary = options.get("boundary")
    if content_type != "multipart/form-data" or not boundary:
        return []
    receiver = _Receiver(request, verified=not csrf or _csrf_ok(request, None))
    try:
        with PushMultipartParser(boundary, max_segment_count=2 * MAX_FILES_PER_REQUEST) as parser:
            async for chunk in request.stream():
                for event in parser.parse(chunk):
                    await receiver.take(event)
    except (ParserError, ParserLimitReached):
        receiver.abandon()
        raise _broken() from None
    except RequestEntityTooLarge:
        receiver.abandon()
        raise Problem(
            413,
            "L'envoi est trop gros : {limit} Mo au plus en une fois. Envoyez les fichiers en "
            "plusieurs fois.",
            params={"limit": MAX_REQUEST_BYTES // _MB},
        ) from None
    except BaseException:  # a refusal, the client gone, the server stopping
        receiver.abandon()
        raise
    return receiver.files


class _Receiver:
    """Follows the parser's events: a part's headers, its bytes, its end."""

    def __init__(self, request: Request[Any, Any, Any], *, verified: bool) -> None:
        self.request = request
        self.verified = verified
        self.folder = uploads_dir()
        self.files: list[StoredFile] = []
        self.spool: _Spool | None = None
        self.field: bytearray | None = None

    async def take(self, event: MultipartSegment | bytes | None) -> None:
        if isinstance(event, MultipartSegment):
            self._start(event)
        elif event is None:
            await self._end()
        elif self.spool is not None:
            await self.spool.write(event)
        elif self.field is not None:
            self.field += event
            if len(self.field) > _FIELD_BYTES:
                raise _broken()

    def _start(self, segment: MultipartSegment) -> None:
        if segment.name == FILES_FIELD and segment.filename:
            if not self.verified:
                raise Problem(
                    403,
                    "Le formulaire a expiré : rechargez la page, puis envoyez à nouveau vos "
                    "fichiers.",
                )
            if len(self.files) == MAX_FILES_PER_REQUEST:
                raise _too_many()
            self.spool = _Spool(self.folder, clean_filename(segment.filename))
            self.files.append(StoredFile(self.spool.filename, self.spool.path))
        elif segment.name == CSRF_FIELD:
            self.field = bytearray()

    async def _end(self) -> None:
        if self.spool is not None:
            spool, self.spool = self.spool, None
            await spool.close()
            if spool.size == 0:
                raise Problem(
                    400, "Le fichier « {name} » est vide.", params={"name": spool.filename}
                )
        elif self.field is not None:
            token, self.field = self.field.decode("utf-8", "replace"), None
            self.verified = self.verified or _csrf_ok(self.request, token)

    def abandon(self) -> None:
        """Remove every file written so far, the one being written too."""
        if self.spool is not None:
            self.spool.file.close()
        discard(self.files)


class _Spool:
    """One file part on its way to disk: gathered a megabyte at a time, written in a thread
    (the event loop keeps serving), refused past the size limit."""

    def __init__(self, folder: Path, filename: str) -> None:
        self.filename = filename
        self.path = folder / uuid.uuid4().hex
        descriptor = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        self.file = os.fdopen(descriptor, "wb", buffering=0)
        self.size = 0
        self.pending = bytearray()

    async def write(self, data: bytes) -> None:
        self.size += len(data)
        if self.size > MAX_UPLOAD_BYTES:
            raise Problem(
                413,
                "Le fichier « {name} » est trop gros : {limit} Mo au plus par fichier.",
                params={"name": self.filename, "limit": MAX_UPLOAD_BYTES // _MB},
            )
        self.pending += data
        if len(self.pending) >= _WRITE_EVERY:
            await self._flush()

    async def close(self) -> None:
        await self._flush()
        self.file.close()

    async def _flush(self) -> None:
        pending, self.pending = self.pending, bytearray()
        if pending:
            await anyio.to_thread.run_sync(self.file.write, pending)


def clean_filename(raw: str) -> str:
    """The name a person gave the file, without a folder or control characters."""
    name = _UNSAFE.sub("", raw.replace("\\", "/").rsplit("/", 1)[-1]).strip()
    return (name or "sans-nom")[:255]


def discard(files: Sequence[StoredFile]) -> None:
    for file in files:
        file.path.unlink(missing_ok=True)


def _broken() -> Problem:
    return Problem(400, "L'envoi est arrivé incomplet ou abîmé : recommencez.")


def _too_many() -> Problem:
    """A count, not a size: 400 (413 is for bytes)."""
    return Problem(
        400,
        "Trop de fichiers en une fois : {limit} au plus. Envoyez les autres ensuite.",
        params={"limit": MAX_FILES_PER_REQUEST},
    )


def _csrf_ok(request: Request[Any, Any, Any], sent: str | None) -> bool:
    """The check of Litestar's CSRF middleware, which these routes skip because it would read
    the whole form first: the token sent (form field or header) and the cookie's carry the
    same secret, each signed with the app's key."""
    config = request.app.csrf_config
    if config is None:
        return True
    sent = sent or request.headers.get(config.header_name)
    cookie = request.cookies.get(config.cookie_name)
    if not sent or not cookie:
        return False
    mine, theirs = (_csrf_secret(token, config.secret) for token in (cookie, sent))
    return mine is not None and theirs is not None and compare_digest(mine, theirs)


def _keep_form_token(request: Request[Any, Any, Any]) -> None:
    """The page answering this upload (a refusal, with the form to try again) carries the
    browser's token, as the CSRF middleware would have set it."""
    config = request.app.csrf_config
    cookie = request.cookies.get(config.cookie_name) if config else None
    if cookie:
        ScopeState.from_scope(request.scope).csrf_token = cookie


def _csrf_secret(token: str, key: str) -> bytes | None:
    secret, signature = token[:_CSRF_SECRET_LENGTH], token[_CSRF_SECRET_LENGTH:]
    expected = generate_csrf_hash(token=secret, secret=key)
    valid = signature and compare_digest(signature.encode(), expected.encode())
    return secret.encode() if valid else None


def _busy(in_flight: int) -> Problem:
    return Problem(
        429,
        "Votre structure a déjà {count} fichier(s) en attente de lecture, et {limit} au plus "
        "peuvent attendre à la fois. Attendez que la lecture avance, puis envoyez les autres.",
        params={"count": in_flight, "limit": MAX_BATCHES_IN_FLIGHT},
    )
