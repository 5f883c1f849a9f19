"""The offer's pages under /pro/offre, on SQLite and PostgreSQL: forms that work without
JavaScript, refusals with an error summary, nothing half saved, another structure's data
« not found »."""

from __future__ import annotations

import html
import re
from typing import Any
from urllib.parse import urlsplit

from litestar.testing import TestClient

from app.asgi import create_app
from app.db.models import Role
from app.features.catalogue import PLACE_VOCABULARIES, lamednum_pattern, lamednum_vocabulary
from tests.app.conftest import Backend, csrf, login
from tests.app.test_mediator_pages import text_of

Client = TestClient[Any]


def professional(backend: Backend, client: Client, role: Role = Role.TRAINER) -> None:
    email, _ = backend.user(role)
    login(client, email)


def post(client: Client, path: str, data: dict[str, Any]) -> Any:
    return client.post(
        path, data={**data, "_csrf_token": csrf(client, "/pro/offre")}, follow_redirects=False
    )


PLACE = {
    "name": "Espace numérique du Val d'Auron",
    "address": "12 avenue du Général de Gaulle",
    "postal_code": "18000",
    "commune_name": "bourges",
    "phone": "02.48.50.00.00",
    "opening_hours": "Mo-Fr 09:00-12:00,14:00-17:00",
    "services": ["Aide aux démarches administratives", "Accès internet et matériel informatique"],
    "fees": "Gratuit",
    "typologies": "EPN",
}
WORKSHOP = {
    "title": "Envoyer un e-mail",
    "description": "Écrire un message, le relire et l'envoyer à quelqu'un de sa famille.",
    "entry-C1": "0",
    "exit-C1": "2",
    "modality": "collective",
    "duration_minutes": "120",
    "price": "Gratuit",
    "language": "fr",
    "exit_kind": "checklist",
    "exit_points": "Ouvre sa messagerie\nÉcrit un message\nL'envoie",
}


def test_a_trainer_adds_a_place_and_finds_it_on_the_offer_s_home(
    backend: Backend, client: Client
) -> None:
    professional(backend, client)
    form = client.get("/pro/offre/lieux/nouveau")
    assert form.status_code == 200
    for label in ("Accès internet et matériel informatique", "Étapes numériques(La Poste)"):
        assert html.escape(label) in form.text or label in form.text
    saved = post(client, "/pro/offre/lieux/nouveau", PLACE)
    assert saved.status_code == 303, text_of(saved.text)
    assert saved.headers["location"] == "/pro/offre/lieux"
    listed = text_of(client.get("/pro/offre/lieux").text)
    assert "Lieu « Espace numérique du Val d'Auron » ajouté." in listed
    assert "Bourges (18000)" in listed and "02 48 50 00 00" in listed
    home = text_of(client.get("/pro/offre").text)
    assert "Espace numérique du Val d'Auron" in home
    assert 'href="/pro/offre/sessions"' in client.get("/pro/offre").text


def test_the_offer_s_home_gives_the_structure_s_calendar_to_subscribe_to(
    backend: Backend, client: Client
) -> None:
    professional(backend, client)
    home = client.get("/pro/offre").text
    found = re.search(r'<a href="([^"]+)">L&#39;agenda de vos séances</a>', home)
    assert found, "no calendar link on the offer's home"
    address = urlsplit(html.unescape(found.group(1)))
    assert address.scheme.startswith("http") and address.netloc  # whole, for a calendar app
    feed = client.get(address.path)
    assert feed.status_code == 200
    assert feed.headers["content-type"].startswith("text/calendar")


def test_a_refused_place_comes_back_with_every_problem_and_what_was_typed(
    backend: Backend, client: Client
) -> None:
    professional(backend, client, Role.MEDIATOR)
    wrong = {
        **PLACE,
        "name": "",
        "commune_name": "Bourjes",
        "phone": "12",
        "opening_hours": "lundi 9h",
    }
    refused = post(client, "/pro/offre/lieux/nouveau", wrong)
    assert refused.status_code == 422
    page = refused.text
    assert "Il y a 4 problèmes à corriger" in page
    for anchor in ("#name", "#commune_name", "#phone", "#opening_hours"):
        assert f'href="{anchor}"' in page
    assert 'aria-invalid="true"' in page and 'value="lundi 9h"' in page
    assert "Vouliez-vous dire : « 18000 Bourges » ?" in text_of(page)
    assert "Ce numéro n'est pas un numéro de téléphone français" in text_of(page)
    checked = re.findall(r'value="([^"]+)" checked', page)
    assert "Aide aux démarches administratives" in html.unescape(" ".join(checked))
    assert "Aucun lieu" in text_of(client.get("/pro/offre").text)  # nothing saved


def test_a_place_is_changed_and_archived_then_brought_back(
    backend: Backend, client: Client
) -> None:
    professional(backend, client)
    post(client, "/pro/offre/lieux/nouveau", PLACE)
    edit_link = re.search(
        r'href="(/pro/offre/lieux/[0-9a-f-]+/modifier)"', client.get("/pro/offre").text
    )
    assert edit_link
    edit = client.get(edit_link.group(1))
    assert 'value="02 48 50 00 00"' in edit.text and 'value="Bourges"' in edit.text
    changed = post(
        client, edit_link.group(1), {**PLACE, "postal_code": "18100", "commune_name": "Vierzon"}
    )
    assert changed.status_code == 303
    assert "Vierzon (18100)" in text_of(client.get("/pro/offre/lieux").text)
    archive = edit_link.group(1).replace("/modifier", "/archiver")
    assert post(client, archive, {"archived": "oui"}).status_code == 303
    listing = text_of(client.get("/pro/offre/lieux").text)
    assert "archivé : il n'est plus proposé" in listing and "Lieux archivés" in listing
    assert "Espace numérique du Val d'Auron" not in text_of(client.get("/pro/offre").text)
    post(client, archive, {"archived": "non"})
    assert "Espace numérique du Val d'Auron" in text_of(client.get("/pro/offre").text)


def test_a_workshop_is_added_with_a_checklist_and_its_themes_come_from_its_competences(
    backend: Backend, client: Client
) -> None:
    professional(backend, client)
    form = client.get("/pro/offre/ateliers/nouveau")
    assert "Je sais ouvrir une application et revenir à l'écran d'accueil." in html.unescape(
        form.text
    )
    saved = post(client, "/pro/offre/ateliers/nouveau", WORKSHOP)
    assert saved.status_code == 303, text_of(saved.text)
    listed = text_of(client.get("/pro/offre/ateliers").text)
    assert "Atelier « Envoyer un e-mail » ajouté." in listed and "(0 → 2)" in listed
    edit = re.search(
        r'href="(/pro/offre/ateliers/[0-9a-f-]+/modifier)"', client.get("/pro/offre").text
    )
    assert edit
    page = client.get(edit.group(1)).text
    assert re.search(r'value="email" checked', page)  # C1's Coop theme
    assert "Ouvre sa messagerie\nÉcrit un message\nL&#39;envoie" in page


def test_a_refused_workshop_names_each_problem_next_to_its_field(
    backend: Backend, client: Client
) -> None:
    professional(backend, client)
    wrong = {**WORKSHOP, "exit-C1": "0", "duration_minutes": "deux heures", "exit_kind": ""}
    refused = post(client, "/pro/offre/ateliers/nouveau", wrong)
    assert refused.status_code == 422
    page = text_of(refused.text)
    assert "Il y a 3 problèmes à corriger" in page
    assert "le niveau de sortie doit être plus haut que le niveau d'entrée" in page
    assert "par exemple 90 pour 1 h 30" in page
    assert "Choisissez comment la fin de l'atelier est validée" in page
    assert 'href="#entry-C1"' not in refused.text and 'href="#competences"' in refused.text


def test_jargon_in_a_description_is_pointed_out_after_saving(
    backend: Backend, client: Client
) -> None:
    professional(backend, client)
    jargon = {**WORKSHOP, "description": "Joindre un PDF à un e-mail et l'envoyer à sa famille."}
    saved = post(client, "/pro/offre/ateliers/nouveau", jargon)
    assert saved.headers["location"].endswith("/modifier")
    page = text_of(client.get(saved.headers["location"]).text)
    assert "Relisez sa description" in page and "À relire pour les habitants" in page
    assert "« PDF » sans explication" in page


def test_another_structure_s_place_and_workshop_are_not_found(
    backend: Backend, client: Client
) -> None:
    professional(backend, client)
    post(client, "/pro/offre/lieux/nouveau", PLACE)
    post(client, "/pro/offre/ateliers/nouveau", WORKSHOP)
    home = client.get("/pro/offre").text
    links = re.findall(r'href="(/pro/offre/(?:lieux|ateliers)/[0-9a-f-]+/modifier)"', home)
    assert len(links) == 2
    with TestClient(app=create_app(backend.settings)) as other:
        professional(backend, other, Role.MEDIATOR)
        for link in links:
            assert other.get(link).status_code == 404
            assert post(other, link, PLACE).status_code == 404
            assert post(other, link.replace("/modifier", "/archiver"), {}).status_code == 404
        assert "Espace numérique du Val d'Auron" not in other.get("/pro/offre").text
    assert client.get(links[0]).status_code == 200


def test_the_offer_is_for_mediators_trainers_and_admins(backend: Backend, client: Client) -> None:
    assert client.get("/pro/offre", follow_redirects=False).status_code in (302, 303)
    professional(backend, client, Role.COORDINATOR)
    assert client.get("/pro/offre").status_code == 403


def test_the_professional_header_leads_to_the_offer(backend: Backend, client: Client) -> None:
    professional(backend, client, Role.MEDIATOR)
    page = client.get("/pro").text
    assert page.count('href="/pro/offre"') == 2  # the header, and the dashboard's list


def test_every_label_the_place_form_offers_passes_the_standard_s_pattern(
    backend: Backend, client: Client
) -> None:
    professional(backend, client)
    form = html.unescape(client.get("/pro/offre/lieux/nouveau").text)
    for column, field in PLACE_VOCABULARIES.items():
        offered = re.findall(rf'name="{column}" value="([^"]+)"', form)
        assert offered == list(lamednum_vocabulary(field)), column
        assert re.fullmatch(lamednum_pattern(field), "|".join(offered)), column
    offered_fees = re.findall(
        r'name="price" value="([^"]+)"',
        html.unescape(client.get("/pro/offre/ateliers/nouveau").text),
    )
    assert all(re.fullmatch(lamednum_pattern("frais_a_charge"), fee) for fee in offered_fees)


def test_the_offer_speaks_english_too(backend: Backend, client: Client) -> None:
    professional(backend, client)
    home = text_of(client.get("/pro/offre?lang=en").text)
    assert "Your organisation's offer" in home and "Add a workshop" in home
    form = text_of(client.get("/pro/offre/ateliers/nouveau").text)
    assert "End-of-workshop check" in form and "One-to-one support" in form
