"""The public pages of the offer, as a resident uses them without an account: the search, « Trouver
de l'aide près de chez moi », booking a seat, their own booking page, and the workshops shown
on a diagnostic's result."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

from sqlalchemy import select

from app.db.models import Booking, Place, Session
from app.features.finding.pages import BOOKINGS
from app.housekeeping import old_resident_contacts
from app.throttle import Throttles
from tests.app.conftest import csrf
from tests.app.features.finding import offer
from tests.app.features.finding.test_search import BOURGES, SAINT_DOULCHARD, seed
from tests.app.resident import token
from tests.app.test_mediator_pages import text_of

SANCERRE = "18241"
SOLIDARITY = "Acquisition de matériel informatique à prix solidaire"
INTERNET = "Accès internet et matériel informatique"


def one_session(backend: Any, insee: str = SAINT_DOULCHARD, **fields: Any) -> dict[str, Any]:
    """A workshop « Écrire un courriel » (C1) in Saint-Doulchard, 3 of 12 seats free."""
    capacity, confirmed = fields.pop("capacity", 12), fields.pop("confirmed", 9)

    async def build(db: Any) -> dict[str, Any]:
        s = await offer.structure(db)
        w = await offer.workshop(db, s, ("C1",), title=fields.pop("title", "Écrire un courriel"))
        p = await offer.place(db, s, insee, name="Médiathèque Jean-Jaurès")
        session = await offer.session(db, s, w, p, capacity=capacity, confirmed=confirmed)
        return {"structure": s, "session": session, "place": p}

    return seed(backend, build)


def book_seat(client: Any, session: UUID, **fields: str) -> Any:
    csrf(client, f"/ateliers/{session}/reserver")
    data = {"_csrf_token": token(client), "consentement": "oui", **fields}
    return client.post(f"/ateliers/{session}/reserver", data=data, follow_redirects=False)


# --- the search -------------------------------------------------------------------------------


def test_the_search_finds_sessions_near_the_commune_typed_with_free_seats_in_words(backend, client):
    made = one_session(backend)
    page = client.get("/ateliers", params={"commune": "Bourges", "apprendre": ["C1"]})
    assert page.status_code == 200
    shown = text_of(page.text)
    assert "Écrire un courriel" in shown and "Médiathèque Jean-Jaurès" in shown
    assert "3 places libres" in shown and "9/12" not in shown
    assert re.search(r"À \d+ km de chez vous", shown)
    assert f'href="/ateliers/{made["session"]}/reserver"' in page.text


def test_the_search_page_asks_which_commune_when_several_fit(client):
    page = client.get("/ateliers", params={"commune": "Saint-Denis"})
    assert page.status_code == 400
    assert "Plusieurs communes correspondent" in text_of(page.text)
    assert 'name="choix"' in page.text and 'value="93066"' in page.text
    chosen = client.get("/ateliers", params={"commune": "Saint-Denis", "choix": "93066"})
    assert chosen.status_code == 200 and "atelier" in text_of(chosen.text)
    unknown = client.get("/ateliers", params={"commune": "Zzzyx"})
    assert unknown.status_code == 400 and "Nous ne trouvons pas" in unknown.text
    late = client.get("/ateliers", params={"commune": "Bourges", "du": "2026-12-20", "au": "20/12"})
    assert late.status_code == 400 and "Tapez une date comme" in late.text


def test_the_start_page_leads_to_help_and_workshops(client):
    home = client.get("/")
    assert 'href="/aide-pres-de-chez-moi"' in home.text and 'href="/ateliers"' in home.text


# --- « Trouver de l'aide près de chez moi » ---------------------------------------------------


def test_help_near_me_lists_places_that_lend_or_sell_equipment_with_what_to_know(backend, client):
    async def build(db: Any) -> dict[str, UUID]:
        s = await offer.structure(db)
        equipment = await offer.place(
            db,
            s,
            SAINT_DOULCHARD,
            name="Ressourcerie numérique",
            services=[SOLIDARITY],
            opening_hours="Mo-Fr 09:00-12:00,14:00-17:30; PH off",
            phone="+33248123456",
            directions="Bus ligne 3, arrêt Mairie",
            accessibility="Entrée de plain-pied, toilettes adaptées",
        )
        other = await offer.place(
            db, s, BOURGES, name="Écrivain public", services=["Aide aux démarches administratives"]
        )
        return {"equipment": equipment, "other": other}

    seed(backend, build)
    # asked from the place's own commune: the nearest 8 places are listed, and other tests
    # leave places in Bourges that lend or sell equipment too
    page = client.get(
        "/aide-pres-de-chez-moi", params={"commune": "Saint-Doulchard", "besoin": "equipement"}
    )
    assert page.status_code == 200
    shown = text_of(page.text)
    assert "Ressourcerie numérique" in shown and "Écrivain public" not in shown
    assert "Du lundi au vendredi : de 9 h à 12 h et de 14 h à 17 h 30" in shown
    assert "Les jours fériés : fermé" in shown
    assert 'href="tel:+33248123456"' in page.text and "02 48 12 34 56" in shown
    assert "Bus ligne 3, arrêt Mairie" in shown and "Entrée de plain-pied" in shown
    assert SOLIDARITY in shown
    assert "Je n'ai pas d'ordinateur ou pas d'internet" in shown


def test_help_near_me_asks_the_commune_first(client):
    page = client.get("/aide-pres-de-chez-moi")
    assert page.status_code == 200
    assert "Qui peut m'aider pour Mon espace santé ?" in text_of(page.text)
    empty = client.get("/aide-pres-de-chez-moi", params={"commune": "", "besoin": "sante"})
    assert empty.status_code == 400 and "Tapez le nom de votre commune" in text_of(empty.text)


# --- booking ----------------------------------------------------------------------------------


def test_a_resident_books_sees_and_cancels_their_seat_without_an_account(backend, client):
    made = one_session(backend)
    form = client.get(f"/ateliers/{made['session']}/reserver")
    shown = text_of(form.text)
    assert "Écrire un courriel" in shown and "3 places libres" in shown
    assert "un seul suffit" in shown and "jours après l'atelier, puis nous les effaçons" in shown

    refused = book_seat(client, made["session"], email="lucienne@example.org", consentement="")
    assert refused.status_code == 400 and "Cochez la case" in text_of(refused.text)
    nothing = book_seat(client, made["session"])
    assert nothing.status_code == 400 and "Donnez une adresse e-mail" in text_of(nothing.text)

    booked = book_seat(client, made["session"], email="lucienne@example.org")
    assert booked.status_code == 303
    mine = booked.headers["location"]
    assert re.fullmatch(r"/reservations/[0-9a-f-]{36}\?cle=[0-9a-f]{32}", mine)
    page = client.get(mine)
    assert "Votre place est réservée" in text_of(page.text)
    ics = client.get(urlsplit(mine).path + "/invitation.ics?" + urlsplit(mine).query)
    assert ics.headers["content-type"].startswith("text/calendar")
    assert "Écrire un courriel" in ics.text.replace("\r\n ", "")
    again = book_seat(client, made["session"], email="Lucienne@Example.org")
    assert again.status_code == 409 and "Vous êtes déjà inscrit ou inscrite" in text_of(again.text)

    path, key = urlsplit(mine).path, urlsplit(mine).query.split("=")[1]
    assert client.get(f"{path}?cle={'0' * 32}").status_code == 404
    cancelled = client.post(
        f"{path}/annuler", data={"_csrf_token": token(client), "cle": key}, follow_redirects=True
    )
    assert "Votre inscription est annulée" in text_of(cancelled.text)

    async def seats(db: Any) -> int:
        return (await db.get(Session, made["session"])).confirmed_count

    assert backend.run(seats) == 9


def test_a_full_session_puts_the_resident_on_the_waiting_list_with_their_rank(backend, client):
    made = one_session(backend, capacity=2, confirmed=2)
    first = book_seat(client, made["session"], telephone="06 12 34 56 78")
    second = book_seat(client, made["session"], email="marcel@example.org")
    assert "personne n'est avant vous" in text_of(client.get(first.headers["location"]).text)
    assert "vous êtes 2e" in text_of(client.get(second.headers["location"]).text)


def test_booking_is_refused_without_the_forms_token(backend, client):
    made = one_session(backend)
    response = client.post(
        f"/ateliers/{made['session']}/reserver",
        data={"email": "a@example.org", "consentement": "oui"},
    )
    assert response.status_code == 403


def test_too_many_bookings_from_one_address_are_refused(backend, client):
    made = one_session(backend)
    throttles = Throttles(backend.settings.secret())
    backend.run(lambda db: _forget(db, throttles))
    try:
        statuses = [
            book_seat(client, made["session"], email="", consentement="").status_code
            for _ in range(BOOKINGS.attempts + 1)
        ]
    finally:  # the other tests book from the same address
        backend.run(lambda db: _forget(db, throttles))
    assert statuses == [400] * BOOKINGS.attempts + [429]


async def _forget(db: Any, throttles: Throttles) -> None:
    await throttles.forget(db, BOOKINGS, "testclient")
    await db.commit()


def test_a_residents_contact_is_wiped_after_the_workshop(backend, client):
    made = one_session(backend)
    book_seat(client, made["session"], email="odette@example.org")

    async def age(db: Any) -> None:
        session = await db.get(Session, made["session"])
        session.starts_at = datetime.now(UTC) - timedelta(days=40)
        session.ends_at = session.starts_at + timedelta(hours=2)
        await db.commit()
        await old_resident_contacts(db, backend.settings, datetime.now(UTC))
        await db.commit()

    backend.run(age)

    async def contacts(db: Any) -> list[tuple[str | None, str]]:
        rows = await db.execute(
            select(Booking.contact_email, Booking.holder).where(
                Booking.session_id == made["session"]
            )
        )
        return [tuple(r) for r in rows]

    [(email, holder)] = backend.run(contacts)
    assert email is None and "odette" not in holder


# --- what a search never shows ---------------------------------------------------------------


def test_a_place_of_another_structure_is_shown_but_its_bookings_never(backend, client):
    made = one_session(backend)
    book_seat(client, made["session"], email="secret-person@example.org")
    client.cookies.clear()  # someone else, on another device
    page = client.get("/aide-pres-de-chez-moi", params={"commune": "Saint-Doulchard"})
    form = client.get(f"/ateliers/{made['session']}/reserver")
    assert "Médiathèque Jean-Jaurès" in text_of(page.text)
    assert "secret-person" not in page.text and "secret-person" not in form.text

    async def place_exists(db: Any) -> bool:
        return await db.scalar(select(Place.id).where(Place.id == made["place"])) is not None

    assert backend.run(place_exists)


def test_a_remote_sessions_link_is_on_the_booking_page_once_the_seat_is_confirmed(backend, client):
    async def build(db: Any) -> UUID:
        s = await offer.structure(db)
        w = await offer.workshop(db, s, ("C1",), title="Visio pour débuter")
        return await offer.session(db, s, w, None)

    session = seed(backend, build)
    booked = book_seat(client, session, email="visio@example.org")
    page = client.get(booked.headers["location"])
    assert 'href="https://visio.example.org/atelier"' in page.text
