"""A person's scanned sheets under the rights of access and erasure: exported with the rest,
erased with the rest, and never imported once the person is gone."""

from __future__ import annotations

import base64
from typing import Any
from uuid import UUID

from app.db.models import Person, Role
from app.features.scans.personal import export_scans_of
from tests.app.conftest import Backend
from tests.app.test_scans import (
    ITEMS,
    batch_ids,
    everything,
    finished,
    sheet,
    sheet_page,
    upload,
)
from tests.printables.corpus import copier_pdf


def new_person(client: Any, headers: dict[str, str], alias: str) -> str:
    created = client.post("/api/v1/people", json={"alias": alias, "consent": True}, headers=headers)
    return str(created.json()["id"])


def their_scans(backend: Backend, person: str, diagnostics: list[str]) -> list[dict[str, Any]]:
    """What the database still holds of the person's scans (even once their record is gone)."""
    them = Person(id=UUID(person))
    return backend.run(lambda db: export_scans_of(db, them, [UUID(d) for d in diagnostics]))


def test_a_persons_scan_pages_are_exported_then_erased_with_them(backend, client, mediator):
    odette = new_person(client, mediator, "Odette")
    lot = copier_pdf(
        sheet_page(odette, everything("1"), twice=ITEMS[0]),  # a row to check: a picture of it
        sheet_page(None, everything("2")),  # someone else's, anonymous
    )
    upload(client, [("odette.png", sheet(odette, everything("3"))), ("lot.pdf", lot)])
    states = {
        s["filename"]: s for s in (finished(client, mediator, b) for b in batch_ids(client)[:2])
    }
    single, shared = states["odette.png"], states["lot.pdf"]
    diagnostic = single["pages"][0]["diagnostic_id"]
    assert single["pages"][0]["outcome"] == "imported"
    assert [p["outcome"] for p in shared["pages"]] == ["to_review", "imported"]

    export = client.get(f"/api/v1/people/{odette}/export", headers=mediator).json()
    exported = export["scan_pages"]
    assert exported == their_scans(backend, odette, [diagnostic])
    assert [(p["batch_filename"], p["number"], p["outcome"]) for p in exported] == [
        ("odette.png", 1, "imported"),
        ("lot.pdf", 1, "to_review"),
    ]
    assert exported[0]["reading"]["answers"][ITEMS[0]]["value"] == 3
    assert base64.b64decode(exported[1]["crops"][ITEMS[0]]).startswith(b"\x89PNG")
    assert all(p["created_at"] and p["status"] for p in exported)

    assert client.delete(f"/api/v1/people/{odette}", headers=mediator).status_code == 204
    # The batch that held only their sheet is gone, file name included.
    assert client.get(f"/api/v1/scans/{single['id']}", headers=mediator).status_code == 404
    left = client.get(f"/api/v1/scans/{shared['id']}", headers=mediator)
    assert [p["outcome"] for p in left.json()["pages"]] == ["imported"]
    assert odette not in left.text
    assert their_scans(backend, odette, [diagnostic]) == []


def test_a_sheet_printed_for_someone_no_longer_followed_is_set_aside(backend, client, mediator):
    erased = new_person(client, mediator, "Marcel")
    assert client.delete(f"/api/v1/people/{erased}", headers=mediator).status_code == 204
    other_email, _ = backend.user(Role.MEDIATOR)
    elsewhere = new_person(client, {"Authorization": f"Bearer {backend.token(other_email)}"}, "Léa")
    upload(client, [("marcel.png", sheet(erased, everything("3")))])
    upload(client, [("lea.png", sheet(elsewhere, everything("3")))])
    for batch, person in zip(batch_ids(client)[:2], (elsewhere, erased), strict=True):
        state = finished(client, mediator, batch)
        [page] = state["pages"]
        assert page["outcome"] == "rejected"
        assert page["diagnostic_id"] is None
        assert "n'est pas (ou plus) suivie par votre structure" in page["message"]
        assert "answers" not in page and "context" not in page  # nothing of theirs kept
        assert person not in client.get(f"/api/v1/scans/{batch}", headers=mediator).text
