"""What a mediator sees of scans on the pages: each file's outcome in words, a list that keeps
itself up to date while files are read, a doubtful row checked against its boxes with the
sheet's column headings, a sheet already imported set aside before anyone reviews it, and
the sheets that came in anonymous."""

from __future__ import annotations

import base64
import io
import re
import uuid
from typing import Any

import cv2
import numpy as np
from litestar.testing import TestClient
from PIL import Image

from app.asgi import create_app
from app.db.models import Role
from printables.review import review_row
from tests.app.conftest import csrf, login
from tests.app.test_mediator_pages import text_of
from tests.app.test_scans import (
    ITEMS,
    LAYOUT,
    REF,
    batch_ids,
    everything,
    finished,
    sheet,
    sheet_page,
    upload,
)
from tests.printables.corpus import encode

FIRST = REF.item(ITEMS[0])


def _pdf(*pages: np.ndarray) -> bytes:
    """The pages as one PDF, as a copier sends them."""
    images = [
        Image.fromarray(cv2.cvtColor(p, cv2.COLOR_GRAY2RGB) if p.ndim == 2 else p) for p in pages
    ]
    out = io.BytesIO()
    images[0].save(out, "PDF", save_all=True, append_images=images[1:], resolution=200)
    return out.getvalue()


def _blank_page() -> np.ndarray:
    return np.full((2339, 1654), 255, np.uint8)  # A4 at 200 dpi, nothing on it


def _review_path(client: Any, batch_id: str) -> str:
    found = re.search(
        r'href="(/pro/scans/pages/[0-9a-f-]{36})"', client.get(f"/pro/scans/{batch_id}").text
    )
    assert found
    return found.group(1)


def _sheet_link(client: Any, batch_id: str) -> str:
    found = re.search(
        r'href="(/pro/scans/feuilles/[0-9a-f-]{36})"', client.get(f"/pro/scans/{batch_id}").text
    )
    assert found
    return found.group(1)


def test_each_file_says_what_became_of_its_pages(client, mediator):
    doubtful = sheet_page(None, everything("2"), twice=ITEMS[0])
    pdf = _pdf(
        sheet_page(None, everything("1")),
        doubtful,
        sheet_page(None, everything("3"), twice=ITEMS[2]),
        _blank_page(),
    )
    upload(client, [("copieur.pdf", pdf)])
    batch = batch_ids(client)[0]
    finished(client, mediator, batch)
    listing = client.get("/pro/scans/").text
    row = text_of(re.search(r"copieur\.pdf.*?</tr>", listing, re.S).group(0))
    assert "2 à vérifier, 1 illisible(s), 1 importée(s)" in row
    assert "Terminé" not in row
    # nothing is being read: the list no longer reloads itself
    assert 'http-equiv="refresh"' not in listing and "data-refresh" not in listing
    assert "2 à vérifier, 1 illisible(s), 1 importée(s)." in text_of(
        client.get(f"/pro/scans/{batch}").text
    )


def test_the_list_keeps_itself_up_to_date_while_files_wait(backend):
    # A service that reads no scans itself: the files wait, as behind a long batch.
    settings = backend.settings.model_copy(update={"read_scans": False})
    with TestClient(app=create_app(settings)) as client:
        email, _ = backend.user(Role.MEDIATOR)
        login(client, email)
        upload(
            client,
            [("a.png", sheet(None, everything("2"))), ("b.png", sheet(None, everything("1")))],
        )
        listing = client.get("/pro/scans/").text
        assert "2 fichier(s) en cours de lecture" in text_of(listing)
        assert "data-refresh" in listing and '<script src="/static/refresh.js"' in listing
        # without JavaScript, the page reloads itself
        assert '<noscript><meta http-equiv="refresh"' in listing
        batch = client.get(f"/pro/scans/{batch_ids(client)[0]}").text
        assert "data-refresh" in batch and '<noscript><meta http-equiv="refresh"' in batch


def test_a_doubtful_row_is_checked_under_the_sheets_column_headings(client, mediator):
    upload(client, [("doute.png", encode(sheet_page(None, everything("2"), twice=ITEMS[0])))])
    batch = batch_ids(client)[0]
    finished(client, mediator, batch)
    review = client.get(_review_path(client, batch)).text
    shown = text_of(review)
    assert FIRST.falc in shown and FIRST.text in shown  # the item's words, not its code
    assert f"Question {ITEMS[0]}" not in shown
    for heading in ("0 Non", "1 Avec aide", "3 Toujours sans aide", "4 J'explique"):
        number, words = heading.split(" ", 1)
        assert re.search(
            rf'<span class="w2">{number} <span class="words">{re.escape(words)}</span>',
            review.replace("&#39;", "'"),
        ), heading
    # one button per column, as wide as its column, in the sheet's order
    buttons = re.findall(
        r'<button type="submit" name="value" value="([^"]+)" class="(w\d)"', review
    )
    assert buttons == [("0", "w2"), ("1", "w2"), ("2", "w2"), ("3", "w2"), ("4", "w2"), ("?", "w1")]
    # the picture is cut to the boxes: its width is the columns' width
    picture = re.search(
        r'src="data:image/png;base64,([^"]+)"[^>]*class="scanned-row scanned-boxes"', review
    )
    assert picture
    image = cv2.imdecode(
        np.frombuffer(base64.b64decode(picture.group(1)), np.uint8), cv2.IMREAD_UNCHANGED
    )
    row = review_row(LAYOUT, ITEMS[0])
    assert image.shape[1] == row.right - row.left


def test_a_sheet_already_imported_is_set_aside_before_anyone_reviews_it(client, mediator):
    serial = "DEJA" + uuid.uuid4().hex[:8].upper()
    upload(client, [("une.png", sheet(None, everything("2"), serial=serial))])
    finished(client, mediator, batch_ids(client)[0])
    # the same sheet again, photographed with a row now doubtful
    again = sheet_page(None, everything("2"), serial=serial, twice=ITEMS[1])
    upload(client, [("encore.png", encode(again))])
    state = finished(client, mediator, batch_ids(client)[0])
    [page] = state["pages"]
    assert page["outcome"] == "duplicate"
    batch = client.get(f"/pro/scans/{state['id']}").text
    assert "Déjà importée : ignorée" in text_of(batch)
    assert "/pro/scans/pages/" not in batch  # nothing to review


def test_anonymous_sheets_are_listed_and_open_for_their_structure_only(backend, client, mediator):
    person = client.post(
        "/api/v1/people", json={"alias": "Yvette", "consent": True}, headers=mediator
    ).json()
    upload(
        client,
        [
            ("anonyme.png", sheet(None, everything("3"))),
            ("yvette.png", sheet(person["id"], everything("1"))),
        ],
    )
    states = {
        s["filename"]: s for s in (finished(client, mediator, b) for b in batch_ids(client)[:2])
    }
    # each imported page of a file opens its diagnostic
    anonymous, theirs = (
        _sheet_link(client, states[name]["id"]) for name in ("anonyme.png", "yvette.png")
    )
    sheets = client.get("/pro/scans/").text.split("Feuilles anonymes importées", 1)[1]
    assert f'href="{anonymous}"' in sheets
    assert theirs not in sheets  # a person's sheet is theirs, in their follow-up
    opened = client.get(anonymous)
    assert opened.status_code == 200
    shown = text_of(opened.text)
    assert "Anonyme" in shown and FIRST.text in shown and "Yvette" not in shown
    redirected = client.get(theirs, follow_redirects=False)
    assert redirected.status_code == 303
    diagnostic = states["yvette.png"]["pages"][0]["diagnostic_id"]
    assert redirected.headers["location"] == (
        f"/pro/personnes/{person['id']}/diagnostics/{diagnostic}"
    )
    # another structure sees neither
    other, _ = backend.user(Role.MEDIATOR)
    login(client, other)
    assert "anonyme.png" not in client.get("/pro/scans/").text
    for path in (anonymous, theirs, f"/pro/scans/feuilles/{uuid.uuid4()}"):
        refused = client.get(path, follow_redirects=False)
        assert refused.status_code == 404
        assert "Yvette" not in refused.text


def test_a_sheet_scanned_twice_is_reviewed_once(client, mediator):
    doubtful = encode(sheet_page(None, everything("2"), twice=ITEMS[0]))  # one serial, twice
    upload(client, [("recto.png", doubtful), ("encore.png", doubtful)])
    states = [finished(client, mediator, batch) for batch in batch_ids(client)[:2]]
    assert [s["pages"][0]["outcome"] for s in states] == ["to_review", "to_review"]
    first = _review_path(client, states[0]["id"])
    client.post(first, data={"_csrf_token": csrf(client, first), "key": ITEMS[0], "value": "2"})
    after = [client.get(f"/api/v1/scans/{s['id']}", headers=mediator).json() for s in states]
    assert sorted(s["pages"][0]["outcome"] for s in after) == ["duplicate", "imported"]
    copy = next(s for s in after if s["pages"][0]["outcome"] == "duplicate")
    assert "/pro/scans/pages/" not in client.get(f"/pro/scans/{copy['id']}").text
