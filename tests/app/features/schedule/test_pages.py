"""The sessions pages as a trainer uses them: a session in a few fields, a series, the list
with its free seats, a change of one or the whole series, cancellation, registrations, the
import of a spreadsheet; another structure's session is « not found »."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from app.db.models import Place, Role, Session, Workshop
from app.when import in_paris
from tests.app.conftest import csrf, login
from tests.app.features.schedule.offer import soon

HOME = "/pro/offre/sessions"


def _post(client, path, **fields):
    token = csrf(client, HOME)
    return client.post(path, data={"_csrf_token": token, **fields}, follow_redirects=False)


def _day(days: int) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).date().isoformat()


def _sessions(backend, trainer) -> list[Session]:
    async def go(db):
        rows = await db.scalars(
            select(Session)
            .where(Session.structure_id == trainer.offer.structure_id)
            .order_by(Session.starts_at)
        )
        return list(rows.unique())

    return backend.run(go)


def test_a_session_takes_a_few_fields_and_shows_its_free_seats(client, trainer):
    form = client.get(f"{HOME}/nouvelle")
    assert form.status_code == 200
    # The only place is already chosen; the end comes from the workshop's length.
    assert re.search(r'<option value="[^"]+" selected>Médiathèque', form.text)
    done = _post(
        client,
        f"{HOME}/nouvelle",
        workshop=str(trainer.offer.workshop_id),
        day=_day(8),
        start="14:00",
        place=str(trainer.offer.place_id),
        capacity="12",
        open="oui",
    )
    assert done.status_code == 303, done.text
    listing = client.get(HOME).text
    assert "Séance enregistrée" in listing and "de 14 h à 16 h" in listing
    assert "12 places libres" in listing and "inscriptions ouvertes" in listing


def test_full_sessions_show_their_waiting_list_not_a_ratio(client, trainer, backend):
    _post(
        client,
        f"{HOME}/nouvelle",
        workshop=str(trainer.offer.workshop_id),
        day=_day(9),
        start="10:00",
        place=str(trainer.offer.place_id),
        capacity="3",
        open="oui",
    )

    async def fill(db):
        session = await db.scalar(
            select(Session).where(Session.structure_id == trainer.offer.structure_id)
        )
        session.confirmed_count, session.waiting_count = 3, 2
        await db.commit()

    backend.run(fill)
    listing = client.get(HOME).text
    assert "Complet" in listing and "2 personnes en liste d&#39;attente" in listing
    assert "3/3" not in listing and "0 place" not in listing


def test_mistakes_are_listed_at_the_top_and_at_each_field(client, trainer, backend):
    answer = _post(
        client,
        f"{HOME}/nouvelle",
        workshop=str(trainer.offer.workshop_id),
        day=_day(-1),
        start="14:00",
        end="13:00",
        place=str(trainer.offer.place_id),
        remote_url="https://visio.example.org/a",
        capacity="0",
    )
    assert answer.status_code == 422
    assert "Il y a 4 problèmes à corriger" in answer.text
    for message in (
        "Cette date est passée",
        "La fin doit venir après le début.",
        "pas les deux",
        "Il faut au moins 1 place.",
    ):
        assert message in answer.text
    assert 'value="https://visio.example.org/a"' in answer.text  # what was typed stays
    assert _sessions(backend, trainer) == []


def test_a_series_then_one_changed_alone_then_the_whole_series(client, trainer, backend):
    answer = _post(
        client,
        f"{HOME}/nouvelle-serie",
        workshop=str(trainer.offer.workshop_id),
        weekdays=["1", "3"],
        interval="1",
        day=_day(3),
        start="14:00",
        end="16:00",
        ends="count",
        count="4",
        place=str(trainer.offer.place_id),
        capacity="10",
        open="oui",
    )
    assert answer.status_code == 303, answer.text
    first, second, *_ = _sessions(backend, trainer)
    assert "4 séances" in client.get(HOME).text

    alone = _post(
        client,
        f"{HOME}/{first.id}/modifier",
        day=in_paris(first.starts_at).date().isoformat(),
        start="09:00",
        end="11:00",
        place=str(trainer.offer.place_id),
        capacity="10",
        open="oui",
    )
    assert alone.status_code == 303, alone.text
    whole = _post(
        client,
        f"{HOME}/{second.id}/serie",
        start="15:00",
        end="17:00",
        place=str(trainer.offer.place_id),
        capacity="8",
        open="oui",
    )
    assert whole.status_code == 303, whole.text
    rows = _sessions(backend, trainer)
    seen = [(r.detached, r.capacity, in_paris(r.starts_at).hour) for r in rows]
    assert seen[0] == (True, 10, 9) and all(h == (False, 8, 15) for h in seen[1:])
    assert "Série modifiée : 3 séances à venir." in client.get(HOME).text


def test_cancelling_asks_a_reason_and_closing_registrations_is_one_button(client, trainer, backend):
    _post(
        client,
        f"{HOME}/nouvelle",
        workshop=str(trainer.offer.workshop_id),
        day=_day(5),
        start="10:00",
        place=str(trainer.offer.place_id),
        capacity="6",
        open="oui",
    )
    (session,) = _sessions(backend, trainer)
    closed = _post(client, f"{HOME}/{session.id}/ouverture", open="")
    assert closed.status_code == 303
    assert "Inscriptions fermées" in client.get(HOME).text
    assert "Dites en quelques mots" in _post(client, f"{HOME}/{session.id}/annuler", reason="").text
    done = _post(client, f"{HOME}/{session.id}/annuler", reason="Formatrice malade")
    assert done.status_code == 303
    listing = client.get(HOME).text
    assert "Annulée" in listing and "Formatrice malade" in listing


def test_another_structures_session_is_not_found_on_every_page(client, trainer, stranger, backend):
    async def theirs(db):
        from app.features.schedule import create_session

        session = await create_session(
            db,
            stranger.offer.structure_id,
            stranger.offer.workshop_id,
            starts_at=soon(),
            place_id=stranger.offer.place_id,
            capacity=4,
        )
        await db.commit()
        return session.id

    other = backend.run(theirs)
    for path in ("modifier", "annuler", "serie"):
        assert client.get(f"{HOME}/{other}/{path}").status_code == 404
    assert _post(client, f"{HOME}/{other}/annuler", reason="x").status_code == 404
    assert _post(client, f"{HOME}/{other}/ouverture", open="").status_code == 404


def test_the_import_page_offers_its_template_and_reports_each_line(client, trainer, backend):
    template = client.get(f"{HOME}/import/modele.csv")
    assert template.status_code == 200
    assert template.content.startswith("\ufeffatelier;date;début".encode())

    async def names(db):
        return (
            (await db.get(Workshop, trainer.offer.workshop_id)).title,
            (await db.get(Place, trainer.offer.place_id)).name,
        )

    workshop, place = backend.run(names)
    day = (datetime.now(UTC) + timedelta(days=15)).strftime("%d/%m/%Y")
    content = f"atelier;date;début;lieu;places\n{workshop};{day};14h;{place};8\nX;{day};14h;;8\n"
    token = csrf(client, f"{HOME}/import")
    refused = client.post(
        f"{HOME}/import",
        data={"_csrf_token": token},
        files={"file": ("s.csv", content.encode("cp1252"), "text/csv")},
    )
    assert refused.status_code == 422
    assert "rien n&#39;a été enregistré" in refused.text and "Ligne 3" in refused.text
    kept = client.post(
        f"{HOME}/import",
        data={"_csrf_token": token, "valid_lines": "oui"},
        files={"file": ("s.csv", content.encode("cp1252"), "text/csv")},
    )
    assert kept.status_code == 200 and "1 séance(s) importée(s)" in kept.text
    assert len(_sessions(backend, trainer)) == 1


def test_a_coordinator_has_no_sessions_pages(client, backend):
    email, _ = backend.user(Role.COORDINATOR)
    login(client, email)
    assert client.get(HOME).status_code == 403
