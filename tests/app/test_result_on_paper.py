"""The result on paper, from the server's side: the result page says when it was made, by
which structure, and the full address where its resume code is typed; the attestation PDF
opens for whoever may open the result (the browser that made it, the person's structure) and
for nobody else, and not without end."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

import pytest

from app.db.models import Role
from app.pdf import PDFS
from app.web import PARIS
from referentiel import load_referential
from tests.app.conftest import login
from tests.app.resident import answer_all, finish, start
from tests.paper import pdf_text

PAPER_ITEMS = [item.id for item in load_referential().form_items("papier")]


def finished(client: Any) -> str:
    """A resident's diagnostic, answered « 2 » and finished in this browser (no need chosen)."""
    diagnostic = start(client)
    answer_all(client, diagnostic, lambda _item: "2")
    finish(client, diagnostic)
    return diagnostic


def _pdf(response: Any) -> str:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith("attachment; filename=")
    return pdf_text(response.content)


def test_the_result_page_says_when_and_where_to_type_the_code(backend, client):
    diagnostic = finished(client)
    page = client.get(f"/diagnostic/{diagnostic}/resultat", params={"impression": "1"}).text
    assert f"Diagnostic du {datetime.now(PARIS):%d/%m/%Y}" in page
    code = re.search(r'class="code">([A-Z0-9]{4}-[A-Z0-9]{4})<', page)
    assert code, page
    assert f'class="address">{backend.settings.address("/reprendre")}<' in page
    assert "parcours-numérique – http://" in page
    # the advice to use the browser's Print is for the screen only
    assert re.search(r'<p class="[^"]*no-print[^"]*">Utilisez la fonction « Imprimer »', page)
    assert "Structure :" not in page  # a resident alone: no structure


def test_a_resident_downloads_their_own_result_as_a_pdf(backend, client):
    diagnostic = finished(client)
    page = client.get(f"/diagnostic/{diagnostic}/resultat").text
    assert f'href="/diagnostic/{diagnostic}/resultat.pdf"' in page
    code = re.search(r'class="code">([A-Z0-9-]{9})<', page)
    assert code
    text = _pdf(client.get(f"/diagnostic/{diagnostic}/resultat.pdf"))
    assert "Attestation de positionnement numérique" in text
    assert "Établie le" in text and " pour " not in text.split("Établie le")[1][:40]
    assert code.group(1) in text and backend.settings.address("/reprendre") in text
    english = _pdf(client.get(f"/diagnostic/{diagnostic}/resultat.pdf", params={"lang": "en"}))
    assert "Digital skills self-assessment" in english


def test_an_unfinished_diagnostic_has_no_pdf_yet(client):
    diagnostic = start(client)
    response = client.get(f"/diagnostic/{diagnostic}/resultat.pdf", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/diagnostic/{diagnostic}/question"


@pytest.fixture
def persons_diagnostic(backend: Any, client: Any) -> dict[str, str]:
    """A person of a structure, with a finished diagnostic, and that structure's mediator."""
    email, structure = backend.user(Role.MEDIATOR)
    headers = {"Authorization": f"Bearer {backend.token(email)}"}
    person = client.post(
        "/api/v1/people", json={"alias": "Mme Lafleur", "consent": True}, headers=headers
    )
    assert person.status_code == 201, person.text
    posted = client.post(
        "/api/v1/diagnostics",
        json={
            "answers": dict.fromkeys(PAPER_ITEMS, 3),
            "person_id": person.json()["id"],
            "channel": "paper",
        },
        headers=headers,
    )
    assert posted.status_code == 201, posted.text
    return {"id": str(UUID(posted.json()["id"])), "email": email, "structure": structure}


def test_the_persons_structure_gets_the_pdf_and_nobody_else(backend, client, persons_diagnostic):
    address = f"/diagnostic/{persons_diagnostic['id']}/resultat.pdf"
    assert client.get(address, follow_redirects=False).status_code == 404  # nobody logged in
    stranger, _ = backend.user(Role.MEDIATOR)  # another structure's mediator
    login(client, stranger)
    refused = client.get(address, follow_redirects=False)
    assert refused.status_code == 404 and "Mme Lafleur" not in refused.text
    trainer, _ = backend.user(Role.TRAINER, structure=persons_diagnostic["structure"])
    login(client, trainer)
    assert client.get(address, follow_redirects=False).status_code == 404

    login(client, persons_diagnostic["email"])
    text = _pdf(client.get(address))
    assert "pour Mme Lafleur" in text
    assert f"Structure : {persons_diagnostic['structure']}" in text
    assert "tapez le code" not in text  # a person's diagnostic is not reopened by a code
    page = client.get(f"/diagnostic/{persons_diagnostic['id']}/resultat").text
    assert f"Structure : {persons_diagnostic['structure']}" in page
    assert 'class="code"' not in page


def test_pdfs_are_limited_per_caller(backend, client, persons_diagnostic):
    # Every try counts, even one refused: a fresh account asks for diagnostics that are not.
    caller, _ = backend.user(Role.MEDIATOR)
    login(client, caller)
    address = f"/diagnostic/{uuid4()}/resultat.pdf"
    for _ in range(PDFS.attempts):
        assert client.get(address).status_code == 404
    refused = client.get(address)
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) > 0
    # the limit is this caller's: another account still gets its own people's results
    login(client, persons_diagnostic["email"])
    assert client.get(f"/diagnostic/{persons_diagnostic['id']}/resultat.pdf").status_code == 200
