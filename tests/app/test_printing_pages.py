"""Paper forms printed from the pages: blank ones in the language asked, a person's own sheet
that the scan files with them, refusals in plain French, and a cap on PDFs per account."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest
from sqlalchemy import select

from app.db.models import Role, User
from app.features.forms.pages import MAX_SHEETS, PrintOrder, read_order
from app.pdf import PDFS
from app.throttle import Throttles
from printables.reader import read_file
from tests.app.test_mediator_pages import create_person, login, text_of

PDF = "application/pdf"


def _sheets(pdf: bytes) -> list[Any]:
    readings = read_file(pdf, "formulaires.pdf")
    assert all(r.sheet is not None for r in readings), [r.error for r in readings]
    return [r.sheet for r in readings]


@pytest.mark.parametrize(
    ("query", "order"),
    [
        ({"nombre": "12", "langue": "en"}, PrintOrder(12, "en")),
        ({"nombre": " 1 "}, PrintOrder(1, "fr")),  # the page's language by default
        ({"nombre": str(MAX_SHEETS), "langue": "fr"}, PrintOrder(MAX_SHEETS, "fr")),
    ],
)
def test_an_order_is_read_from_the_form(query, order):
    assert read_order(query, "fr") == (order, {})


@pytest.mark.parametrize(
    ("query", "fields"),
    [
        ({"nombre": "0"}, {"nombre"}),
        ({"nombre": str(MAX_SHEETS + 1)}, {"nombre"}),
        ({"nombre": "dix"}, {"nombre"}),
        ({"nombre": "-3"}, {"nombre"}),
        ({"nombre": "1" * 400}, {"nombre"}),
        ({"nombre": "2", "langue": "de"}, {"langue"}),
        ({}, {"nombre"}),
    ],
)
def test_a_wrong_order_says_which_field_to_fix(query, fields):
    order, errors = read_order(query, "fr")
    assert order is None and set(errors) == fields


def test_blank_forms_come_as_one_pdf_each_sheet_with_its_own_number(backend, client):
    email, _ = backend.user(Role.TRAINER)
    login(client, email)
    form = client.get("/pro/formulaires")
    assert form.status_code == 200 and "Imprimer des formulaires" in form.text
    response = client.get("/pro/formulaires/numerimetres.pdf?nombre=2&langue=en")
    assert response.status_code == 200
    assert response.headers["content-type"] == PDF
    assert "attachment" in response.headers["content-disposition"]
    sheets = _sheets(response.content)
    assert len(sheets) == 2 and len({s.serial for s in sheets}) == 2
    assert {s.lang for s in sheets} == {"en"} and {s.person for s in sheets} == {None}


def test_a_wrong_order_is_answered_on_the_form_in_french(backend, client):
    email, _ = backend.user(Role.MEDIATOR)
    login(client, email)
    response = client.get("/pro/formulaires/numerimetres.pdf?nombre=500&langue=xx")
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("text/html")
    page = text_of(response.text)
    assert "Indiquez un nombre de feuilles de 1 à 30" in page
    assert "Choisissez la langue des feuilles dans la liste" in page
    assert 'value="500"' in response.text  # what was typed stays in the field


def test_a_persons_form_carries_their_reference_never_their_name(backend, client):
    email, _ = backend.user(Role.MEDIATOR)
    login(client, email)
    person_id = create_person(client, "Ginette")
    page = client.get(f"/pro/personnes/{person_id}").text
    assert f'action="/pro/personnes/{person_id}/formulaire.pdf"' in page
    assert "Imprimer son formulaire" in page
    response = client.get(f"/pro/personnes/{person_id}/formulaire.pdf?langue=fr")
    assert response.status_code == 200 and response.headers["content-type"] == PDF
    assert "ginette" in response.headers["content-disposition"]
    [sheet] = _sheets(response.content)
    assert UUID(sheet.person) == UUID(person_id) and sheet.lang == "fr"
    assert b"Ginette" not in response.content


def test_the_dashboard_leads_to_printing_and_to_scans(backend, client):
    email, _ = backend.user(Role.MEDIATOR)
    login(client, email)
    dashboard = client.get("/pro").text
    assert 'href="/pro/formulaires"' in dashboard and 'href="/pro/scans"' in dashboard


def test_pdfs_are_counted_per_account_and_refused_past_the_limit(backend, client):
    email, _ = backend.user(Role.MEDIATOR)
    login(client, email)

    async def use_up(db: Any) -> None:
        user = await db.scalar(select(User).where(User.email == email))
        throttles = Throttles(backend.settings.secret())
        for _ in range(PDFS.attempts):
            await throttles.hit(db, PDFS, f"user:{user.id}")
        await db.commit()

    backend.run(use_up)
    person_id = create_person(client, "Lucienne")
    for path in (
        "/pro/formulaires/numerimetres.pdf?nombre=1",
        f"/pro/personnes/{person_id}/formulaire.pdf",
    ):
        response = client.get(path)
        assert response.status_code == 429, path
        assert "Retry-After" in response.headers
        assert "attendez" in text_of(response.text)
    # another account is not held back
    other, _ = backend.user(Role.MEDIATOR)
    login(client, other)
    assert client.get("/pro/formulaires/numerimetres.pdf?nombre=0").status_code == 422
