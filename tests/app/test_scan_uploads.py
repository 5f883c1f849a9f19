"""Uploading scans: files go to disk as they arrive, within limits that a refusal explains in
French, leaving nothing behind.

These tests use a service that does not read the scans (PARCOURS_READ_SCANS=false), so the
batches they make stay waiting and can be looked at.
"""

from __future__ import annotations

import re
import stat
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from litestar.testing import TestClient
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.asgi import create_app
from app.config import uploads_dir
from app.db.models import Role, ScanBatch, User
from app.features.scans.service import (
    MAX_BATCHES_IN_FLIGHT,
    MAX_UPLOAD_BYTES,
    ScanService,
    StoredFile,
)
from app.features.scans.uploads import MAX_FILES_PER_REQUEST, MAX_REQUEST_BYTES
from app.housekeeping import orphan_uploads
from tests.app.conftest import Backend, csrf, login

Files = list[tuple[str, bytes]]


@pytest.fixture
def idle_client(backend: Backend) -> Iterator[TestClient[Any]]:
    quiet = backend.settings.model_copy(update={"read_scans": False})
    with TestClient(app=create_app(quiet)) as test_client:
        yield test_client


@pytest.fixture
def account(backend: Backend, idle_client: TestClient[Any]) -> dict[str, str]:
    """A mediator logged in on the pages, with a bearer token for the API."""
    email, _ = backend.user(Role.MEDIATOR)
    login(idle_client, email)
    return {"email": email, "Authorization": f"Bearer {backend.token(email)}"}


def bearer(account: dict[str, str]) -> dict[str, str]:
    return {"Authorization": account["Authorization"]}


def post_api(client: TestClient[Any], account: dict[str, str], files: Files) -> Any:
    parts = [("files", (name, content, "application/octet-stream")) for name, content in files]
    return client.post("/api/v1/scans", headers=bearer(account), files=parts)


def multipart(*parts: tuple[str, str | None, bytes]) -> tuple[dict[str, str], bytes]:
    """A multipart body written by hand, as an unusual client may send it: (field, file name
    or None, content) in this order, names as they are."""
    boundary = uuid.uuid4().hex
    body = b""
    for field, filename, content in parts:
        named = f'; filename="{filename}"' if filename is not None else ""
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"{named}\r\n\r\n'
        body += head.encode() + content + b"\r\n"
    body += f"--{boundary}--\r\n".encode()
    return {"Content-Type": f"multipart/form-data; boundary={boundary}"}, body


def stored(backend: Backend, email: str) -> dict[str, str | None]:
    """The structure's batches: file name given -> file on disk."""

    async def query(db: Any) -> dict[str, str | None]:
        user = await db.scalar(select(User).where(User.email == email))
        rows = await db.execute(
            select(ScanBatch.filename, ScanBatch.path).where(
                ScanBatch.structure_id == user.structure_id
            )
        )
        return dict(rows.all())

    return backend.run(query)


def on_disk() -> set[str]:
    return {f.name for f in uploads_dir().iterdir()}


def forget_batches(backend: Backend, email: str) -> None:
    """Empty the structure's queue, files included (nothing reads them in these tests)."""
    for path in stored(backend, email).values():
        if path:
            (uploads_dir() / path).unlink(missing_ok=True)

    async def empty(db: Any) -> None:
        user = await db.scalar(select(User).where(User.email == email))
        await db.execute(delete(ScanBatch).where(ScanBatch.structure_id == user.structure_id))
        await db.commit()

    backend.run(empty)


names = st.text(
    st.characters(codec="utf-8", exclude_characters='"%\\/', exclude_categories=("Cc", "Cs")),
    min_size=1,
    max_size=40,
).filter(lambda n: n.strip())
contents = st.binary(min_size=1, max_size=3000) | st.sampled_from(
    [b"\r\n--", b"--boundary\r\n\r\n", b"\r\n" * 100, bytes(range(256)) * 8]
)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    files=st.lists(
        st.tuples(names, contents), min_size=1, max_size=4, unique_by=lambda f: f[0].strip()
    )
)
def test_each_file_is_stored_on_disk_exactly_as_sent(
    backend: Backend, idle_client: TestClient[Any], account: dict[str, str], files: Files
) -> None:
    response = post_api(idle_client, account, files)
    assert response.status_code == 202, response.text
    sent = response.json()["batches"]
    assert [b["filename"] for b in sent] == [name.strip() for name, _ in files]
    assert {b["status"] for b in sent} == {"queued"}
    paths = stored(backend, account["email"])
    try:
        for name, content in files:
            path = uploads_dir() / str(paths[name.strip()])
            assert path.read_bytes() == content
            assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE(uploads_dir().stat().st_mode) == 0o700
    finally:
        forget_batches(backend, account["email"])


def test_a_file_name_keeps_no_folder(
    backend: Backend, idle_client: TestClient[Any], account: dict[str, str]
) -> None:
    for given_name in ("C:\\fakepath\\fiche.jpg", "../../fiche.jpg", "fi\x07che\x1b.jpg"):
        content_type, body = multipart(("files", given_name, b"x"))
        response = idle_client.post(
            "/api/v1/scans", content=body, headers={**bearer(account), **content_type}
        )
        assert response.json()["batches"][0]["filename"] == "fiche.jpg", given_name
    forget_batches(backend, account["email"])


def refused(response: Any, status: int, words: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert words in response.json()["detail"]


def test_too_many_files_at_once_are_refused_and_nothing_is_kept(
    backend: Backend, idle_client: TestClient[Any], account: dict[str, str]
) -> None:
    before = on_disk()
    files = [(f"photo-{n}.jpg", b"x" * 100) for n in range(MAX_FILES_PER_REQUEST + 1)]
    refused(post_api(idle_client, account, files), 400, f"{MAX_FILES_PER_REQUEST} au plus")
    assert stored(backend, account["email"]) == {}
    assert on_disk() == before


def test_a_file_too_big_is_refused_by_name_and_nothing_is_kept(
    backend: Backend, idle_client: TestClient[Any], account: dict[str, str]
) -> None:
    before = on_disk()
    files = [("petite.jpg", b"x" * 100), ("enorme.pdf", bytes(MAX_UPLOAD_BYTES + 1))]
    refused(post_api(idle_client, account, files), 413, "Le fichier « enorme.pdf » est trop gros")
    assert stored(backend, account["email"]) == {}
    assert on_disk() == before


def test_an_upload_too_big_in_all_is_refused_before_it_is_read(
    idle_client: TestClient[Any], account: dict[str, str]
) -> None:
    announced = {**bearer(account), "Content-Length": str(MAX_REQUEST_BYTES + 1)}
    announced["Content-Type"] = "multipart/form-data; boundary=b"
    response = idle_client.post("/api/v1/scans", headers=announced, content=b"--b--\r\n")
    refused(response, 413, "L'envoi est trop gros")


def test_an_empty_file_is_refused_by_name(
    backend: Backend, idle_client: TestClient[Any], account: dict[str, str]
) -> None:
    refused(post_api(idle_client, account, [("vide.jpg", b"")]), 400, "« vide.jpg » est vide")
    assert stored(backend, account["email"]) == {}


def test_a_structure_waits_when_its_queue_is_full(
    backend: Backend, idle_client: TestClient[Any], account: dict[str, str]
) -> None:
    """The queue holds a structure's batches not read yet: past its share, wait."""
    almost = [(f"p{n}.jpg", b"x") for n in range(MAX_BATCHES_IN_FLIGHT - 1)]
    assert post_api(idle_client, account, almost).status_code == 202
    before = on_disk()
    two_more = [("a.jpg", b"x"), ("b.jpg", b"x")]
    refused(post_api(idle_client, account, two_more), 429, "Attendez que la lecture avance")
    assert on_disk() == before
    assert post_api(idle_client, account, two_more[:1]).status_code == 202
    refused(post_api(idle_client, account, two_more[1:]), 429, f"déjà {MAX_BATCHES_IN_FLIGHT}")
    # Another structure is not held up.
    email, _ = backend.user(Role.MEDIATOR)
    other = {"email": email, "Authorization": f"Bearer {backend.token(email)}"}
    assert post_api(idle_client, other, two_more).status_code == 202
    forget_batches(backend, account["email"])
    forget_batches(backend, email)


def test_the_page_shows_why_an_upload_is_refused(
    backend: Backend, idle_client: TestClient[Any], account: dict[str, str]
) -> None:
    token = csrf(idle_client, "/pro/scans/")
    files = [("files", (f"p{n}.jpg", b"x", "image/jpeg")) for n in range(MAX_FILES_PER_REQUEST + 1)]
    response = idle_client.post("/pro/scans/", data={"_csrf_token": token}, files=files)
    assert response.status_code == 400
    assert "Trop de fichiers en une fois : 20 au plus." in response.text
    assert '<form method="post" action="/pro/scans/"' in response.text  # to try again
    english = idle_client.post("/pro/scans/?lang=en", data={"_csrf_token": token}, files=files)
    assert "Too many files at once: 20 at most." in english.text
    assert stored(backend, account["email"]) == {}
    # The form shown again is ready to send.
    again = re.search(r'name="_csrf_token" value="([^"]+)"', english.text)
    assert again
    sent = idle_client.post("/pro/scans/", data={"_csrf_token": again.group(1)}, files=files[:1])
    assert sent.status_code == 200 and "p0.jpg" in sent.text
    forget_batches(backend, account["email"])


def test_the_page_upload_needs_the_form_token_before_the_files(
    backend: Backend, idle_client: TestClient[Any], account: dict[str, str]
) -> None:
    before = on_disk()
    files = [("files", ("fiche.jpg", b"x", "image/jpeg"))]
    missing = idle_client.post("/pro/scans/", data={"_csrf_token": "forged"}, files=files)
    assert missing.status_code == 403
    assert "Le formulaire a expiré" in missing.text
    token = csrf(idle_client, "/pro/scans/")
    # The token sent after the file: the file would have been written before the check.
    content_type, body = multipart(("files", "f.jpg", b"x"), ("_csrf_token", None, token.encode()))
    late = idle_client.post("/pro/scans/", content=body, headers=content_type)
    assert late.status_code == 403
    assert stored(backend, account["email"]) == {}
    assert on_disk() == before
    sent = idle_client.post("/pro/scans/", data={"_csrf_token": token}, files=files)
    assert sent.status_code == 200 and "fiche.jpg" in sent.text
    forget_batches(backend, account["email"])


def test_an_account_sending_without_end_is_asked_to_wait(
    idle_client: TestClient[Any], account: dict[str, str]
) -> None:
    for _ in range(60):
        assert post_api(idle_client, account, []).status_code == 400  # no file: still counted
    refused(post_api(idle_client, account, []), 429, "attendez")
    assert "Retry-After" in post_api(idle_client, account, []).headers


def test_files_no_batch_waits_for_are_removed_a_day_later(
    backend: Backend, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Left by an upload cut short, or by a worker stopped before deleting a file it read."""
    monkeypatch.chdir(tmp_path)  # var/uploads/ of this test only
    email, _ = backend.user(Role.MEDIATOR)
    orphan, waiting = (uploads_dir() / uuid.uuid4().hex for _ in range(2))
    for file in (orphan, waiting):
        file.write_bytes(b"x")

    async def scenario(db: AsyncSession) -> list[bool]:
        user = await db.scalar(select(User).where(User.email == email))
        await ScanService(db).enqueue(user, [StoredFile("lot.pdf", waiting)])
        seen = []
        for later in (timedelta(hours=1), timedelta(days=2)):
            await orphan_uploads(db, backend.settings, datetime.now(UTC) + later)
            seen.append(orphan.exists())
        return seen

    assert backend.run(scenario) == [True, False]
    assert waiting.exists()
    forget_batches(backend, email)


def test_the_api_documentation_says_how_to_send_files(idle_client: TestClient[Any]) -> None:
    upload = idle_client.get("/schema/openapi.json").json()["paths"]["/api/v1/scans"]["post"]
    form = upload["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert form["properties"]["files"]["maxItems"] == MAX_FILES_PER_REQUEST
    assert form["properties"]["files"]["items"]["format"] == "binary"
