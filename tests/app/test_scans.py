"""Scanned forms through the service: upload, background reading, review, import, duplicates.

The sheets are real: the printed PDF rendered to an image, marks drawn on it as a pen would.
"""

from __future__ import annotations

import random
import re
import time
import uuid

import cv2
import numpy as np

from app.config import uploads_dir
from app.db.models import Role
from printables.layout import build_layout
from printables.pdf import render_forms
from referentiel import load_referential
from tests.app.conftest import csrf
from tests.printables.corpus import (
    Filling,
    PhotoSettings,
    draw,
    encode,
    photo,
    render_blank,
    write_code,
)

REF = load_referential()
LAYOUT = build_layout(REF, "fr")
ITEMS = [f.key for f in LAYOUT.fields() if f.kind == "item"]
DPI = 200


def sheet_page(
    person: str | None,
    answers: dict[str, str],
    serial: str | None = None,
    *,
    twice: str = "",
    postal_code: str = "",
    name: str = "",
) -> np.ndarray:
    """A filled sheet scanned at 200 dpi; ``answers`` maps item ids to box values, and the
    item ``twice`` gets two ticks (a row to check); the commune's postal code in its boxes,
    its name written on its line."""
    pdf = render_forms(REF, 1, person=person, serials=[serial or uuid.uuid4().hex[:12].upper()])
    page = render_blank(pdf, DPI)
    filling = Filling({key: [(value, "tick")] for key, value in answers.items()})
    if twice:
        filling.marks[twice] = [("1", "tick"), ("3", "tick")]
    if postal_code:
        write_code(filling, LAYOUT, postal_code, random.Random(7))
    draw(page, DPI, LAYOUT, filling, random.Random(7))
    if name:
        assert LAYOUT.commune is not None and LAYOUT.commune.name_line is not None
        line, px = LAYOUT.commune.name_line, DPI / 25.4
        at = (round((line.x + 2) * px), round((line.bottom - 1) * px))
        cv2.putText(page, name, at, cv2.FONT_HERSHEY_SCRIPT_SIMPLEX, 1.2, 0, 2, cv2.LINE_AA)
    return page


def sheet(person: str | None, answers: dict[str, str], serial: str | None = None) -> bytes:
    """The same as a PNG file."""
    return encode(sheet_page(person, answers, serial))


def everything(value: str) -> dict[str, str]:
    return dict.fromkeys(ITEMS, value)


def upload(client, files):  # type: ignore[no-untyped-def]
    token = csrf(client, "/pro/scans/")
    response = client.post(
        "/pro/scans/",
        data={"_csrf_token": token},
        files=[("files", (name, content, "application/octet-stream")) for name, content in files],
    )
    assert response.status_code == 200, response.text
    return response


def finished(client, headers, batch_id):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        state = client.get(f"/api/v1/scans/{batch_id}", headers=headers).json()
        if state["status"] == "done":
            return state
        time.sleep(0.3)
    raise AssertionError(f"batch {batch_id} not read in time: {state}")


def batch_ids(client) -> list[str]:  # type: ignore[no-untyped-def]
    return re.findall(r'href="/pro/scans/([0-9a-f-]{36})"', client.get("/pro/scans/").text)


def test_a_clear_sheet_printed_for_a_person_comes_back_as_their_diagnostic(client, mediator):
    person = client.post(
        "/api/v1/people", json={"alias": "Odette", "consent": True}, headers=mediator
    ).json()
    waiting = set(uploads_dir().iterdir())
    upload(client, [("odette.png", sheet(person["id"], everything("3")))])
    state = finished(client, mediator, batch_ids(client)[0])
    assert set(uploads_dir().iterdir()) == waiting  # the file is deleted once read
    [page] = state["pages"]
    assert page["status"] == "ok", page
    assert page["outcome"] == "imported"
    diagnostic = client.get(f"/api/v1/diagnostics/{page['diagnostic_id']}", headers=mediator)
    body = diagnostic.json()
    assert body["channel"] == "scan"
    assert body["person_id"] == person["id"]
    assert body["answers"] == dict.fromkeys(ITEMS, 3)


def test_the_same_sheet_imported_twice_is_detected(client, mediator):
    scan = sheet(None, everything("2"), serial="DOUBLE" + uuid.uuid4().hex[:8].upper())
    upload(client, [("a.png", scan)])
    first = finished(client, mediator, batch_ids(client)[0])
    upload(client, [("again.png", scan)])
    second = finished(client, mediator, batch_ids(client)[0])
    assert first["pages"][0]["outcome"] == "imported"
    assert second["pages"][0]["outcome"] == "duplicate"
    assert "déjà été importée" in second["pages"][0]["message"]


def test_a_doubtful_row_is_shown_and_fixed_in_one_click(client, mediator):
    two_answers_on_a_row = sheet_page(None, everything("2"), twice=ITEMS[0])
    upload(client, [("doubt.png", encode(two_answers_on_a_row))])
    state = finished(client, mediator, batch_ids(client)[0])
    [page] = state["pages"]
    assert page["status"] == "review"
    assert page["outcome"] == "to_review"
    assert page["answers"][ITEMS[0]]["state"] == "ambiguous"
    batch = client.get(f"/pro/scans/{state['id']}").text
    review_path = re.search(r'href="(/pro/scans/pages/[0-9a-f-]{36})"', batch)
    assert review_path
    review = client.get(review_path.group(1))
    assert "data:image/png;base64," in review.text
    fixed = client.post(
        review_path.group(1),
        data={"_csrf_token": client.cookies.get("csrftoken"), "key": ITEMS[0], "value": "3"},
    )
    assert fixed.status_code == 200
    state = client.get(f"/api/v1/scans/{state['id']}", headers=mediator).json()
    assert state["pages"][0]["outcome"] == "imported"
    diagnostic = client.get(
        f"/api/v1/diagnostics/{state['pages'][0]['diagnostic_id']}", headers=mediator
    ).json()
    assert diagnostic["answers"][ITEMS[0]] == 3


def test_a_bad_file_fails_alone_and_the_rest_of_the_batch_imports(client, mediator):
    files = [
        ("notes.jpg", b"this is not a picture"),
        ("photo.jpg", b"\xff\xd8\xff\xe0" + bytes(500)),  # a JPEG cut short
        ("good.png", sheet(None, everything("1"))),
    ]
    upload(client, files)
    states = [finished(client, mediator, batch) for batch in batch_ids(client)[:3]]
    by_name = {s["filename"]: s for s in states}
    for name in ("notes.jpg", "photo.jpg"):
        [bad] = by_name[name]["pages"]
        assert bad["status"] == "error"
        assert bad["outcome"] == "unreadable"
        assert bad["error"].startswith(f"« {name} » : ")  # plain French naming the file
    assert by_name["photo.jpg"]["pages"][0]["error"] == (
        "« photo.jpg » : fichier JPEG abîmé ou incomplet : impossible de l'ouvrir"
    )
    assert (
        "« photo.jpg » : fichier JPEG abîmé"
        in client.get(f"/pro/scans/{by_name['photo.jpg']['id']}").text
    )
    assert by_name["good.png"]["pages"][0]["outcome"] == "imported", by_name["good.png"]


def test_another_structure_cannot_see_a_batch(backend, client, mediator):
    upload(client, [("mine.png", sheet(None, everything("2")))])
    batch = batch_ids(client)[0]
    other_email, _ = backend.user(Role.MEDIATOR)
    other = {"Authorization": f"Bearer {backend.token(other_email)}"}
    assert client.get(f"/api/v1/scans/{batch}", headers=other).status_code == 404


def test_an_upload_without_a_file_is_a_clear_error(client, mediator):
    token = csrf(client, "/pro/scans/")
    response = client.post("/pro/scans/", data={"_csrf_token": token}, files=[])
    assert response.status_code == 400
    assert "Choisissez au moins un fichier" in response.text


def test_a_phone_photo_upside_down_in_poor_light_comes_back_with_at_most_one_click(
    client, mediator
):
    person = client.post(
        "/api/v1/people", json={"alias": "Marcel", "consent": True}, headers=mediator
    ).json()
    pdf = render_forms(REF, 1, person=person["id"])
    page_image = render_blank(pdf, 300)
    answers = {key: random.Random(key).choice("01234") for key in ITEMS}
    filling = Filling({key: [(value, "tick")] for key, value in answers.items()})
    draw(page_image, 300, LAYOUT, filling, random.Random(11))
    settings = PhotoSettings(turn=2, tilt=7.0, perspective=0.06, light=0.55, crumple=0.4)
    upload(client, [("photo.jpg", photo(page_image, 300, settings, random.Random(5)))])
    state = finished(client, mediator, batch_ids(client)[0])
    [page] = state["pages"]
    if page["outcome"] == "to_review":  # at most one click
        doubtful = [k for k, a in page["answers"].items() if a["state"] == "ambiguous"]
        assert len(doubtful) <= 1, page
        review = re.search(
            r'href="(/pro/scans/pages/[0-9a-f-]{36})"', client.get(f"/pro/scans/{state['id']}").text
        )
        assert review
        client.post(
            review.group(1),
            data={
                "_csrf_token": client.cookies.get("csrftoken"),
                "key": doubtful[0],
                "value": answers[doubtful[0]],
            },
        )
        page = client.get(f"/api/v1/scans/{state['id']}", headers=mediator).json()["pages"][0]
    assert page["outcome"] == "imported", page
    diagnostic = client.get(f"/api/v1/diagnostics/{page['diagnostic_id']}", headers=mediator).json()
    assert diagnostic["person_id"] == person["id"]
    assert diagnostic["answers"] == {key: int(value) for key, value in answers.items()}


def _review(client, state):  # type: ignore[no-untyped-def]
    found = re.search(
        r'href="(/pro/scans/pages/[0-9a-f-]{36})"', client.get(f"/pro/scans/{state['id']}").text
    )
    assert found
    return found.group(1)


def test_a_postal_code_of_one_commune_gives_that_commune(client, mediator):
    scan = sheet_page(None, everything("2"), postal_code="29200", name="Brest")
    upload(client, [("brest.png", encode(scan))])
    [page] = finished(client, mediator, batch_ids(client)[0])["pages"]
    assert (page["status"], page["outcome"]) == ("ok", "imported"), page
    diagnostic = client.get(f"/api/v1/diagnostics/{page['diagnostic_id']}", headers=mediator)
    assert diagnostic.json()["context"]["commune"] == "29019"


def test_a_postal_code_shared_by_several_communes_is_chosen_from_the_written_name(client, mediator):
    """A resident of Moulins writes 03000 and « Moulins »: six communes have that postal
    code. The review shows what was written and offers those six; one click imports the sheet
    with Moulins' INSEE code, 03190, which is also the postal code of eleven other communes."""
    scan = sheet_page(None, everything("1"), postal_code="03000", name="Moulins")
    upload(client, [("moulins.png", encode(scan))])
    state = finished(client, mediator, batch_ids(client)[0])
    [page] = state["pages"]
    assert (page["status"], page["outcome"]) == ("review", "to_review"), page
    assert page["context"]["commune"]["state"] == "ambiguous"
    assert "03000 est celui de 6 communes" in page["message"]
    review_path = _review(client, state)
    review = client.get(review_path).text
    assert "data:image/png;base64," in review
    offered = re.findall(r'name="value" value="(\w+)">([^<]+)</button>', review)
    assert ("03190", "Moulins") in offered
    assert {insee for insee, _ in offered} == {"03013", "03040", "03085", "03184", "03190", "03200"}
    client.post(
        review_path,
        data={"_csrf_token": client.cookies.get("csrftoken"), "key": "commune", "value": "03190"},
    )
    [page] = client.get(f"/api/v1/scans/{state['id']}", headers=mediator).json()["pages"]
    assert page["outcome"] == "imported", page
    diagnostic = client.get(f"/api/v1/diagnostics/{page['diagnostic_id']}", headers=mediator)
    assert diagnostic.json()["context"]["commune"] == "03190"


def test_a_postal_code_no_commune_has_is_typed_at_review(client, mediator):
    scan = sheet_page(None, everything("4"), postal_code="03900", name="Moulins")
    upload(client, [("typo.png", encode(scan))])
    state = finished(client, mediator, batch_ids(client)[0])
    [page] = state["pages"]
    assert "aucune commune n'a le code postal 03900" in page["message"]
    review_path = _review(client, state)
    token = client.cookies.get("csrftoken")
    wrong = client.post(
        review_path, data={"_csrf_token": token, "key": "commune", "value": "03000"}
    )
    assert wrong.status_code == 409
    assert "tapez le code postal et le nom" in wrong.text
    client.post(
        review_path, data={"_csrf_token": token, "key": "commune", "value": "03000 Moulins"}
    )
    [page] = client.get(f"/api/v1/scans/{state['id']}", headers=mediator).json()["pages"]
    assert page["outcome"] == "imported", page
    diagnostic = client.get(f"/api/v1/diagnostics/{page['diagnostic_id']}", headers=mediator)
    assert diagnostic.json()["context"]["commune"] == "03190"
