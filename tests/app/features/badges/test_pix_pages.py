"""The mediator's Pix import: a campaign export becomes evidence and badges for the people the
mediator matches, and nothing at all for the others; a bad file or a tampered page writes
nothing."""

from __future__ import annotations

import html
import re
from typing import Any
from uuid import UUID

from sqlalchemy import select

from app.db.models import Credential, EvidenceRecord, Person, Role
from app.features.badges.pix_import import MAX_UPLOAD_BYTES
from app.features.bookings.evidence import observed_evidence
from tests.app.conftest import login
from tests.app.features.badges.support import checked
from tests.app.test_mediator_pages import create_person, mediator, token
from tests.badges.test_pix import pix_export

URL = "/pro/pix"
# Awa proves C1 at 3 (Pix 2.1 at 5) and E1, E2 at 2 (Pix 5.2 at 2); Zoé proves nothing (Pix 1
# is below what counts); Paul Dupont is nobody of ours.
CAMPAIGN = pix_export(
    [
        ("Martin", "Awa", {"2.1": 5, "5.2": 2}),
        ("Lefèvre", "Zoé", {"1.1": 1}),
        ("Dupont", "Paul", {"3.1": 4}),
    ]
)


def upload(client: Any, content: bytes) -> Any:
    return client.post(
        URL,
        files={"file": ("export-pix.csv", content, "text/csv")},
        data={"_csrf_token": token(client)},
    )


def sealed_list(page: str) -> str:
    found = re.search(r'name="liste" value="([^"]+)"', page)
    assert found, "the matching page carries the participants"
    return html.unescape(found.group(1))


def selected(page: str, line: int) -> str:
    block = re.search(rf'<select id="personne-{line}".*?</select>', page, re.S)
    assert block, f"a choice for line {line}"
    chosen = re.search(r'<option value="([^"]*)" selected>', block.group(0))
    return chosen.group(1) if chosen else ""


def confirm(client: Any, page: str, **choices: str) -> Any:
    data = {"_csrf_token": token(client), "liste": sealed_list(page)}
    data |= {f"personne-{line.removeprefix('l')}": value for line, value in choices.items()}
    return client.post(f"{URL}/confirmer", data=data, follow_redirects=False)


def records(backend: Any, structure_id: UUID | None = None) -> list[EvidenceRecord]:
    async def go(db: Any) -> list[EvidenceRecord]:
        query = select(EvidenceRecord).where(EvidenceRecord.kind == "pix")
        if structure_id is not None:
            query = query.where(EvidenceRecord.structure_id == structure_id)
        return list(await db.scalars(query.order_by(EvidenceRecord.competence)))

    return backend.run(go)


def person_structure(backend: Any, person_id: str) -> UUID:
    async def go(db: Any) -> UUID:
        person = await db.get(Person, UUID(person_id))
        return person.structure_id

    return backend.run(go)


def test_matched_people_get_evidence_and_badges_and_the_others_leave_no_trace(backend, client):
    mediator(backend, client)
    awa = create_person(client, "Awa")
    create_person(client, "Josiane")
    shown = upload(client, CAMPAIGN)
    assert shown.status_code == 200, shown.text
    page = shown.text
    assert "Martin" in page and "Dupont" in page
    assert selected(page, 2) == awa  # the one alias that looks like « Awa Martin »
    assert selected(page, 4) == ""  # nobody looks like Paul Dupont: no suggestion
    assert 'id="personne-3"' not in page  # Zoé proves nothing: nothing to match
    structure = person_structure(backend, awa)
    assert records(backend, structure) == []  # nothing written before the confirmation

    done = confirm(client, page, l2=awa, l4="")
    assert done.status_code == 303, done.text
    assert "1 personne(s) rattachée(s), 3 résultat(s) enregistré(s), 3 badge(s)" in (
        client.get(URL).text
    )
    found = records(backend, structure)
    assert [(r.competence, r.level, r.pix_level) for r in found] == [
        ("C1", 3, 5),
        ("E1", 2, 2),
        ("E2", 2, 2),
    ]
    assert {str(r.person_id) for r in found} == {awa}
    assert "campagne Pix QWERTY456" in found[0].observed

    async def issued(db: Any) -> list[tuple[str, str, str]]:
        rows = await db.scalars(
            select(Credential)
            .where(Credential.person_id == UUID(awa))
            .order_by(Credential.achievement)
        )
        return [(c.achievement, await checked(db, c), str(c.body)) for c in rows]

    badges = backend.run(issued)
    assert [(achievement, state) for achievement, state, _ in badges] == [
        ("C1-3", "active"),
        ("E1-2", "active"),
        ("E2-2", "active"),
    ]
    for _, _, body in badges:
        assert "Résultat Pix" in body
        assert not any(name in body for name in ("Martin", "Awa", "Dupont", "Paul", "Zoé"))

    # The person's next result reads them as Pix results, not as tasks seen by a mediator.
    evidence = backend.run(lambda db: observed_evidence(db, UUID(awa)))
    assert {(e.kind, e.competence, e.pix_level) for e in evidence} == {
        ("pix", "C1", 5),
        ("pix", "E1", 2),
        ("pix", "E2", 2),
    }

    # The same export again adds nothing.
    again = confirm(client, upload(client, CAMPAIGN).text, l2=awa)
    assert again.status_code == 303
    assert len(records(backend, structure)) == 3


def test_a_bad_file_is_refused_in_french_and_nothing_is_written(backend, client):
    mediator(backend, client)
    create_person(client, "Awa")
    before = len(records(backend))
    for content, says in (
        (b"nom;prenom\nMartin;Awa\n", "la colonne « Nom du Participant » manque"),
        (CAMPAIGN.replace(b";5;", b";9;", 1), "ligne 2, « Niveau pour la compétence Interagir »"),
        (CAMPAIGN.replace(b"Interagir", b"Voler"), "compétence Pix inconnue"),
        (b"\x00\xff\xfe garbage", "Nom du Participant"),
        (b"", "Choisissez le fichier CSV"),
    ):
        refused = (
            upload(client, content)
            if content
            else client.post(URL, data={"_csrf_token": token(client)})
        )
        assert refused.status_code == 422, refused.text
        assert "Le fichier n&#39;est pas importé" in refused.text or "Choisissez" in refused.text
        assert says in refused.text
    assert len(records(backend)) == before


def test_a_large_file_is_refused_before_it_is_read(backend, client):
    mediator(backend, client)
    refused = upload(client, b"x" * (MAX_UPLOAD_BYTES + 100_000))
    assert refused.status_code == 413
    assert "trop gros" in refused.text


def test_a_tampered_or_foreign_list_is_refused(backend, client):
    structure = mediator(backend, client)
    awa = create_person(client, "Awa")
    page = upload(client, CAMPAIGN).text
    listed = sealed_list(page)
    body, _, signature = listed.partition(".")
    for forged in (f"{body[:-4]}AAAA.{signature}", "", "abc.def"):
        refused = client.post(
            f"{URL}/confirmer",
            data={"_csrf_token": token(client), "liste": forged, "personne-2": awa},
        )
        assert refused.status_code == 422
        assert "ne vient pas d&#39;ici" in refused.text
    # Another mediator cannot replay it, even of the same structure.
    colleague, _ = backend.user(Role.MEDIATOR, structure)
    login(client, colleague)
    refused = confirm(client, page, l2=awa)
    assert refused.status_code == 422
    assert records(backend, person_structure(backend, awa)) == []


def test_the_same_person_twice_is_refused_and_nothing_is_written(backend, client):
    mediator(backend, client)
    awa = create_person(client, "Awa")
    page = upload(client, CAMPAIGN).text
    refused = confirm(client, page, l2=awa, l4=awa)
    assert refused.status_code == 422
    assert "la même personne est choisie deux fois" in refused.text
    assert selected(refused.text, 4) == awa  # the page keeps what was chosen
    assert records(backend, person_structure(backend, awa)) == []


def test_a_trainer_may_not_import(backend, client):
    mediator(backend, client, Role.TRAINER)
    assert client.get(URL).status_code == 403
