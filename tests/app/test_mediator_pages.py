"""The mediator's workspace (/pro) with the test client: login, people, the paper form typed
row by row, the timeline, export and erasure, CSRF."""

from __future__ import annotations

import html
import json
import re
from typing import Any
from urllib.parse import parse_qs, urlparse
from uuid import UUID

import pytest
from sqlalchemy import select

from app.db.models import Channel, Diagnostic, DiagnosticStatus, Person, Role
from app.features.people.consent import CONSENT_VERSION
from referentiel import load_referential
from tests.app.conftest import csrf, login

PAPER_ITEMS = [item.id for item in load_referential().form_items("papier")]


def mediator(backend: Any, client: Any, role: Role = Role.MEDIATOR) -> str:
    email, structure = backend.user(role)
    login(client, email)
    return structure


def token(client: Any) -> str:
    return client.cookies.get("csrftoken") or csrf(client, "/pro")


def form_key(page: str) -> str:
    found = re.search(r'name="formulaire" value="([^"]+)"', page)
    assert found, "the paper form carries its own key"
    return found.group(1)


def paper_form(client: Any, path: str, answers: dict[str, str] | None = None, **extra: Any) -> dict:
    page = client.get(path)
    assert page.status_code == 200, page.text
    data: dict[str, Any] = {
        "_csrf_token": token(client),
        "formulaire": form_key(page.text),
        **{f"item-{item}": "2" for item in PAPER_ITEMS},
    }
    for item, value in (answers or {}).items():
        data[f"item-{item}"] = value
    data.update(extra)
    return data


def create_person(client: Any, alias: str = "Josiane", **fields: str) -> str:
    response = client.post(
        "/pro/personnes/nouvelle",
        data={"_csrf_token": token(client), "alias": alias, "consent": "oui", **fields},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    match = re.fullmatch(r"/pro/personnes/([0-9a-f-]{36})", response.headers["location"])
    assert match, response.headers["location"]
    return match.group(1)


def diagnostics(backend: Any, **where: Any) -> list[Diagnostic]:
    async def go(db: Any) -> list[Diagnostic]:
        query = select(Diagnostic).filter_by(**where).order_by(Diagnostic.created_at)
        return list((await db.scalars(query)).all())

    return backend.run(go)


def person_row(backend: Any, person_id: str) -> Person | None:
    return backend.run(lambda db: db.get(Person, UUID(person_id)))


def text_of(page: str) -> str:
    """The page as read: tags removed (a line-break opportunity, ``<wbr>``, without a space),
    entities decoded, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page.replace("<wbr>", ""))).split())


# --- access -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/pro",
        "/pro/papier",
        "/pro/personnes/nouvelle",
        "/pro?q=ana&page=2",
        "/pro/personnes/00000000-0000-0000-0000-000000000000",
    ],
)
def test_pages_send_someone_not_logged_in_to_the_login_page_and_back(client, path):
    response = client.get(path, follow_redirects=False)
    assert response.status_code == 303
    location = urlparse(response.headers["location"])
    assert location.path == "/pro/connexion"
    assert parse_qs(location.query)["suite"] == [path]


def test_after_login_the_mediator_lands_on_the_page_asked_for(backend, client):
    email, _ = backend.user(Role.MEDIATOR)
    first = client.get("/pro/papier", follow_redirects=False)
    target = parse_qs(urlparse(first.headers["location"]).query)["suite"][0]
    response = client.post(
        "/pro/connexion",
        data={
            "email": email,
            "password": "correct horse battery",
            "next": target,
            "_csrf_token": csrf(client),
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == "/pro/papier"
    assert client.get("/pro/papier").status_code == 200


def test_a_post_without_login_is_sent_to_the_login_page(client):
    token = csrf(client)
    response = client.post("/pro/papier", data={"_csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/pro/connexion?suite=%2Fpro")


def test_other_roles_are_refused_with_a_french_page(backend, client):
    mediator(backend, client, Role.TRAINER)
    response = client.get("/pro")
    assert response.status_code == 403
    assert "Vous n'avez pas accès à cette page" in text_of(response.text)


def test_the_workspace_speaks_english_too(backend, client):
    mediator(backend, client)
    assert "People supported" in client.get("/pro", params={"lang": "en"}).text
    data = paper_form(client, "/pro/papier", {PAPER_ITEMS[0]: ""})
    page = html.unescape(client.post("/pro/papier", data=data).text)
    assert '<html lang="en">' in page
    assert "Empty box: type 0 to 4, or ? if the person did not answer." in page
    assert "Case vide" not in page
    # the referential's own texts follow the language too
    assert load_referential().form_items("papier")[0].falc not in page


def test_pages_with_personal_data_are_not_cached(backend, client):
    mediator(backend, client)
    person_id = create_person(client)
    for path in ("/pro", f"/pro/personnes/{person_id}", f"/pro/personnes/{person_id}/export.json"):
        assert client.get(path).headers["cache-control"] == "no-store"


# --- people ----------------------------------------------------------------------------------


def test_the_dashboard_lists_people_searches_and_offers_the_two_entries(backend, client):
    structure = mediator(backend, client)
    page = client.get("/pro")
    assert page.status_code == 200
    assert structure in page.text
    assert 'href="/pro/personnes/nouvelle"' in page.text
    assert 'href="/pro/papier"' in page.text
    assert "Aucune personne" in page.text

    for alias in ("Ana", "Bernard", "Anaïs"):
        create_person(client, alias)
    page = client.get("/pro").text
    assert page.index("Anaïs") < page.index("Bernard") < page.index(">Ana<")  # newest first
    found = text_of(client.get("/pro", params={"q": "ANA"}).text)
    assert "Ana" in found and "Anaïs" in found and "Bernard" not in found
    assert "Personne ne correspond" in client.get("/pro", params={"q": "Zorro"}).text


def test_the_dashboard_is_paged(backend, client):
    email, _ = backend.user(Role.MEDIATOR)
    headers = {"Authorization": f"Bearer {backend.token(email)}"}
    for number in range(51):
        body = {"alias": f"Personne {number:02d}", "consent": True}
        assert client.post("/api/v1/people", json=body, headers=headers).status_code == 201
    login(client, email)
    first = text_of(client.get("/pro").text)
    assert "Personne 50" in first and "Personne 01" in first and "Personne 00" not in first
    assert "Page 1 sur 2" in first
    second = client.get("/pro", params={"page": 2}).text
    assert "Personne 00" in text_of(second) and "Personne 01" not in text_of(second)
    assert 'rel="prev"' in second and 'rel="next"' not in second


def test_a_new_person_needs_consent_and_nothing_is_saved_without_it(backend, client):
    mediator(backend, client)
    form = client.get("/pro/personnes/nouvelle").text
    assert "J'accepte que la structure qui m'accompagne garde une fiche" in html.unescape(form)
    assert f"version {CONSENT_VERSION}" in form
    assert 'type="checkbox" id="consent-case" name="consent"' in form

    response = client.post(
        "/pro/personnes/nouvelle",
        data={"_csrf_token": token(client), "alias": "Sans Accord", "commune": "29200"},
    )
    assert response.status_code == 422
    page = html.unescape(response.text)
    assert "Sans l'accord de la personne, rien n'est enregistré" in page
    assert 'href="#consent-case"' in page  # the error summary links to the field
    assert 'value="Sans Accord"' in page and 'value="29200"' in page  # typed values kept
    assert "Sans Accord" not in client.get("/pro").text


def test_field_errors_are_shown_next_to_the_fields_in_french(backend, client):
    mediator(backend, client)
    response = client.post(
        "/pro/personnes/nouvelle",
        data={
            "_csrf_token": token(client),
            "alias": " ",
            "commune": "01400",
            "consent": "oui",
            "birth_year_band": "centenaire",
        },
    )
    assert response.status_code == 422
    page = html.unescape(response.text)
    assert "<title>Erreur" in page
    assert "Il y a 3 problèmes à corriger" in page
    assert "Indiquez un prénom ou un surnom." in page
    assert "Choisissez une tranche d'âge dans la liste." in page
    assert "Plusieurs communes correspondent" in page and "« 01400 Romans »" in page
    assert 'aria-invalid="true"' in page
    assert 'aria-describedby="alias-aide alias-erreur"' in page


def test_a_person_is_created_with_a_commune_typed_as_a_postal_code(backend, client):
    mediator(backend, client)
    person_id = create_person(
        client, "Marcel", commune="29200", birth_year_band="soixante_dix_plus"
    )
    page = client.get(f"/pro/personnes/{person_id}")
    assert page.status_code == 200
    text = text_of(page.text)
    assert "Fiche de Marcel créée." in text
    assert "Brest (29200)" in text
    assert "70 ans et plus" in text
    assert "Pas encore de diagnostic" in text
    person = person_row(backend, person_id)
    assert person is not None and person.commune_insee == "29019"
    assert [c.text_version for c in person.consents] == [CONSENT_VERSION]
    # the notice is shown once
    assert "Fiche de Marcel créée." not in text_of(client.get(f"/pro/personnes/{person_id}").text)


def test_a_record_is_corrected(backend, client):
    mediator(backend, client)
    person_id = create_person(client, "Marcel", commune="29019")
    edit = client.get(f"/pro/personnes/{person_id}/modifier")
    assert edit.status_code == 200 and 'value="Marcel"' in edit.text
    bad = client.post(
        f"/pro/personnes/{person_id}/modifier",
        data={"_csrf_token": token(client), "alias": "", "commune": "29019"},
    )
    assert bad.status_code == 422
    assert person_row(backend, person_id).alias == "Marcel"  # type: ignore[union-attr]
    response = client.post(
        f"/pro/personnes/{person_id}/modifier",
        data={"_csrf_token": token(client), "alias": "Marcel P.", "commune": ""},
        follow_redirects=False,
    )
    assert response.status_code == 303
    person = person_row(backend, person_id)
    assert person is not None and (person.alias, person.commune_insee) == ("Marcel P.", None)


# --- the paper form --------------------------------------------------------------------------


def test_the_paper_form_is_one_screen_one_row_per_item(backend, client):
    mediator(backend, client)
    page = client.get("/pro/papier").text
    ref = load_referential()
    for _number, item in enumerate(ref.form_items("papier"), start=1):
        anchor = "r-" + item.id.replace(".", "-")
        assert f'<label for="{anchor}">' in page
        assert f'id="{anchor}" name="item-{item.id}"' in page
        assert html.escape(item.falc, quote=False) in page or item.falc in html.unescape(page)
    inputs = re.findall(r"<input[^>]*data-answer[^>]*>", page)
    assert len(inputs) == len(PAPER_ITEMS) == 24
    for tag in inputs:
        for attribute in (
            'inputmode="numeric"',
            'pattern="[0-4?]"',
            'maxlength="1"',
            'autocomplete="off"',
        ):
            assert attribute in tag
    assert "autofocus" in inputs[0]
    for question in ("age_band", "equipment", "frequency", "commune", "knows_help", "needs"):
        assert f'id="ctx-{question}"' in page
    assert 'name="goal-caf"' in page
    assert '<script src="/static/paper.js" defer></script>' in page
    assert 'name="_csrf_token"' in page
    assert client.get("/static/paper.js").status_code == 200


def test_anonymous_paper_forms_are_saved_one_after_the_other(backend, client):
    structure = mediator(backend, client)
    for number in (1, 2):
        data = paper_form(client, "/pro/papier")
        response = client.post("/pro/papier", data=data, follow_redirects=False)
        assert response.status_code == 303, response.text
        assert response.headers["location"] == "/pro/papier"
        page = client.get("/pro/papier").text
        assert f"Formulaire n° {number} enregistré." in html.unescape(page)
        assert 'value="2"' not in page  # an empty form, ready for the next sheet

    saved = [d for d in diagnostics(backend, channel=Channel.PAPER) if d.person_id is None]
    mine = [d for d in saved if d.structure_id == _structure_id(backend, structure)]
    assert len(mine) == 2
    for diagnostic in mine:
        assert diagnostic.status == DiagnosticStatus.COMPLETED
        assert diagnostic.answers == dict.fromkeys(PAPER_ITEMS, 2)
        assert diagnostic.result is not None


def _structure_id(backend: Any, name: str) -> UUID:
    from app.db.models import Structure

    async def go(db: Any) -> UUID:
        return (await db.scalar(select(Structure).where(Structure.name == name))).id

    return backend.run(go)


def test_row_errors_are_shown_in_french_and_typed_values_kept(backend, client):
    structure = mediator(backend, client)
    before = len(diagnostics(backend, structure_id=_structure_id(backend, structure)))
    data = paper_form(
        client,
        "/pro/papier",
        {PAPER_ITEMS[0]: "4", PAPER_ITEMS[2]: "7", PAPER_ITEMS[4]: "", PAPER_ITEMS[5]: "?"},
        commune="Brest",
        age_band="soixante_dix_plus",
        needs=["caf"],
        **{"goal-caf": "A2"},
    )
    key = data["formulaire"]
    response = client.post("/pro/papier", data=data)
    assert response.status_code == 422
    page = html.unescape(response.text)
    assert "Il y a 2 problèmes à corriger" in page
    assert f'href="#r-{PAPER_ITEMS[2].replace(".", "-")}"' in page
    assert f"Ligne 3 ({PAPER_ITEMS[2]}) : « 7 » ne convient pas : tapez 0, 1, 2, 3, 4 ou ?." in page
    assert f"Ligne 5 ({PAPER_ITEMS[4]}) : Case vide" in page
    # every typed value is still there, the wrong one too
    assert f'name="item-{PAPER_ITEMS[0]}" value="4"' in page
    assert f'name="item-{PAPER_ITEMS[2]}" value="7"' in page
    assert f'name="item-{PAPER_ITEMS[5]}" value="?"' in page
    assert 'name="commune" value="Brest"' in page
    assert 'value="soixante_dix_plus" checked' in page
    assert 'value="caf" id="ctx-needs" checked' in page
    assert '<option value="A2" selected>' in page
    assert f'name="formulaire" value="{key}"' in page
    assert page.count('aria-invalid="true"') == 2
    assert len(diagnostics(backend, structure_id=_structure_id(backend, structure))) == before


def test_an_empty_form_is_one_clear_error(backend, client):
    mediator(backend, client)
    data = paper_form(client, "/pro/papier")
    data.update({f"item-{item}": "" for item in PAPER_ITEMS})
    response = client.post("/pro/papier", data=data)
    assert response.status_code == 422
    page = html.unescape(response.text)
    assert "Le formulaire est vide" in page
    assert "Il y a un problème à corriger" in page


def test_french_keyboard_keys_and_the_keypad_dot_are_read_as_answers(backend, client):
    structure = mediator(backend, client)
    typed = dict(zip(PAPER_ITEMS, ["à", "&", "é", '"', "'", ",", ".", "?"], strict=False))
    data = paper_form(client, "/pro/papier", typed)
    assert client.post("/pro/papier", data=data, follow_redirects=False).status_code == 303
    [saved] = diagnostics(backend, structure_id=_structure_id(backend, structure))
    assert [saved.answers[i] for i in PAPER_ITEMS[:8]] == [0, 1, 2, 3, 4, "?", "?", "?"]


def test_context_needs_and_goals_are_saved_with_the_answers(backend, client):
    structure = mediator(backend, client)
    data = paper_form(
        client,
        "/pro/papier",
        commune="29200",
        age_band="quarante_cinquante_neuf",
        frequency="chaque_jour",
        equipment=["smartphone", "ordinateur"],
        knows_help="non",
        needs=["caf"],
        **{"goal-caf": "A3", "goal-impots": "A1"},  # a goal names its need even unticked
    )
    assert client.post("/pro/papier", data=data, follow_redirects=False).status_code == 303
    [saved] = diagnostics(backend, structure_id=_structure_id(backend, structure))
    assert saved.context == {
        "commune": "29019",
        "age_band": "quarante_cinquante_neuf",
        "frequency": "chaque_jour",
        "equipment": ["smartphone", "ordinateur"],
        "knows_help": False,
        "needs": ["caf", "impots"],
    }
    assert saved.goals == {"caf": "A3", "impots": "A1"}


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"commune": "Nulle-Part-sur-Mer"}, "Commune introuvable"),
        ({"commune": "saint-denis"}, "Plusieurs communes correspondent"),
        ({"age_band": "centenaire"}, "Ce choix n'existe pas"),
        ({"knows_help": "peut-être"}, "Ce choix n'existe pas"),
        ({"goal-caf": "A9"}, "Objectif inconnu"),
        ({"equipment": ["fax"]}, "Ce choix n'existe pas"),
    ],
)
def test_context_errors_use_the_same_rules_as_online(backend, client, extra, message):
    structure = mediator(backend, client)
    response = client.post("/pro/papier", data=paper_form(client, "/pro/papier", **extra))
    assert response.status_code == 422
    assert message in html.unescape(response.text)
    assert diagnostics(backend, structure_id=_structure_id(backend, structure)) == []


def test_a_form_sent_twice_is_saved_once(backend, client):
    structure = mediator(backend, client)
    data = paper_form(client, "/pro/papier")
    for _ in range(2):  # a double click, or a re-sent POST
        assert client.post("/pro/papier", data=data, follow_redirects=False).status_code == 303
    assert len(diagnostics(backend, structure_id=_structure_id(backend, structure))) == 1
    changed = {**data, f"item-{PAPER_ITEMS[0]}": "4"}  # back button, changed, sent again
    response = client.post("/pro/papier", data=changed)
    assert response.status_code == 409
    assert "déjà été enregistré" in html.unescape(response.text)
    assert len(diagnostics(backend, structure_id=_structure_id(backend, structure))) == 1


def test_the_last_form_saved_can_be_cancelled_after_a_typing_mistake(backend, client):
    structure = mediator(backend, client)
    mine = _structure_id(backend, structure)
    for _ in range(2):
        saved = client.post(
            "/pro/papier", data=paper_form(client, "/pro/papier"), follow_redirects=False
        )
        assert saved.status_code == 303
    first, second = diagnostics(backend, structure_id=mine)
    page = client.get("/pro/papier").text  # the notice of the last save, with its undo button
    assert 'action="/pro/papier/annuler"' in page

    response = client.post(
        "/pro/papier/annuler", data={"_csrf_token": token(client)}, follow_redirects=False
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/pro/papier"
    assert [d.id for d in diagnostics(backend, structure_id=mine)] == [first.id]
    assert "Formulaire annulé" in html.unescape(client.get("/pro/papier").text)

    again = client.post("/pro/papier/annuler", data={"_csrf_token": token(client)})
    assert "Rien à annuler" in html.unescape(again.text)  # only the last one, only once
    assert [d.id for d in diagnostics(backend, structure_id=mine)] == [first.id]

    client.post("/pro/papier", data=paper_form(client, "/pro/papier"), follow_redirects=False)
    assert "Formulaire n° 2 enregistré." in html.unescape(client.get("/pro/papier").text)
    assert second.id not in {d.id for d in diagnostics(backend, structure_id=mine)}


def test_a_persons_paper_form_can_be_cancelled_and_typed_again(backend, client):
    mediator(backend, client)
    person_id = create_person(client)
    path = f"/pro/personnes/{person_id}/papier"
    client.post(path, data=paper_form(client, path), follow_redirects=False)
    assert 'action="/pro/papier/annuler"' in client.get(f"/pro/personnes/{person_id}").text
    response = client.post(
        "/pro/papier/annuler", data={"_csrf_token": token(client)}, follow_redirects=False
    )
    assert response.headers["location"] == path
    assert diagnostics(backend, person_id=UUID(person_id)) == []


def test_a_csrf_token_is_required_on_every_form(backend, client):
    mediator(backend, client)
    person_id = create_person(client)
    data = paper_form(client, "/pro/papier")
    posts = {
        "/pro/personnes/nouvelle": {"alias": "Sans jeton", "consent": "oui"},
        "/pro/papier": data,
        f"/pro/personnes/{person_id}/papier": data,
        f"/pro/personnes/{person_id}/modifier": {"alias": "Changé"},
        f"/pro/personnes/{person_id}/diagnostic": {},
        f"/pro/personnes/{person_id}/effacer": {},
        "/pro/papier/annuler": {},
    }
    for path, body in posts.items():
        for bad in ({}, {"_csrf_token": "forged"}):
            form = {k: v for k, v in body.items() if k != "_csrf_token"} | bad
            response = client.post(path, data=form, follow_redirects=False)
            assert response.status_code == 403, path
    person = person_row(backend, person_id)
    assert person is not None and person.alias == "Josiane"
    assert diagnostics(backend, person_id=UUID(person_id)) == []
    assert "Sans jeton" not in client.get("/pro").text


# --- a person's diagnostics ------------------------------------------------------------------


def test_the_timeline_shows_the_change_in_each_domain(backend, client):
    mediator(backend, client)
    person_id = create_person(
        client, "Josiane", birth_year_band="soixante_dix_plus", commune="29019"
    )
    path = f"/pro/personnes/{person_id}/papier"
    form = client.get(path).text
    assert 'value="soixante_dix_plus" checked' in form  # the record fills in what it knows
    assert 'name="commune" value="29200 Brest"' in form
    for value in ("1", "3"):
        # what the browser sends: the typed rows and the pre-filled answers
        data = paper_form(
            client,
            path,
            dict.fromkeys(PAPER_ITEMS, value),
            age_band="soixante_dix_plus",
            commune="29019",
        )
        response = client.post(path, data=data, follow_redirects=False)
        assert response.status_code == 303, response.text
        assert response.headers["location"] == f"/pro/personnes/{person_id}"
    saved = diagnostics(backend, person_id=UUID(person_id))
    assert [d.channel for d in saved] == [Channel.PAPER, Channel.PAPER]
    assert saved[0].context["age_band"] == "soixante_dix_plus"

    page = client.get(f"/pro/personnes/{person_id}")
    assert page.status_code == 200
    text = text_of(page.text)
    assert "Formulaire papier enregistré pour Josiane." in text
    assert "<caption" in page.text
    assert '<th scope="col">Environnement et équipement</th>' in page.text
    domains = len(load_referential().domains)
    assert text.count("en hausse de 2") == domains
    assert page.text.count("▲ +2") == domains
    assert "Papier saisi" in text


def test_an_online_diagnostic_is_started_with_the_person(backend, client):
    mediator(backend, client)
    person_id = create_person(client)
    response = client.post(
        f"/pro/personnes/{person_id}/diagnostic",
        data={"_csrf_token": token(client)},
        follow_redirects=False,
    )
    assert response.status_code == 303
    [started] = diagnostics(backend, person_id=UUID(person_id))
    assert response.headers["location"] == f"/diagnostic/{started.id}/question"
    assert started.channel == Channel.ONLINE
    assert started.status == DiagnosticStatus.IN_PROGRESS
    assert started.structure_id is not None
    page = text_of(client.get(f"/pro/personnes/{person_id}").text)
    assert "En cours" in page and "Reprendre ce diagnostic" in page


def test_the_export_is_a_json_download(backend, client):
    mediator(backend, client)
    person_id = create_person(client, "Élodie")
    client.post(
        f"/pro/personnes/{person_id}/papier",
        data=paper_form(client, f"/pro/personnes/{person_id}/papier"),
    )
    response = client.get(f"/pro/personnes/{person_id}/export.json")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    disposition = response.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="donnees-elodie-')
    data = json.loads(response.content)
    assert data["person"]["alias"] == "Élodie"
    assert len(data["diagnostics"]) == 1
    assert data["diagnostics"][0]["answers"] == dict.fromkeys(PAPER_ITEMS, 2)


def test_erasure_asks_for_confirmation_then_deletes(backend, client):
    mediator(backend, client)
    person_id = create_person(client, "Effaçable")
    client.post(
        f"/pro/personnes/{person_id}/papier",
        data=paper_form(client, f"/pro/personnes/{person_id}/papier"),
    )
    confirm = client.get(f"/pro/personnes/{person_id}/effacer")
    assert confirm.status_code == 200
    text = text_of(confirm.text)
    assert "Effacer les données de Effaçable ?" in text
    assert "1 diagnostic(s)" in text
    assert f'action="/pro/personnes/{person_id}/effacer"' in confirm.text
    assert person_row(backend, person_id) is not None  # showing the page erased nothing

    response = client.post(
        f"/pro/personnes/{person_id}/effacer",
        data={"_csrf_token": token(client)},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/pro"
    dashboard = text_of(client.get("/pro").text)
    assert "ont été effacés définitivement" in dashboard
    assert "Effaçable" not in dashboard
    assert person_row(backend, person_id) is None
    assert diagnostics(backend, person_id=UUID(person_id)) == []
    assert client.get(f"/pro/personnes/{person_id}").status_code == 404


def test_a_mistyped_paper_form_is_corrected_as_a_new_version(backend, client):
    mediator(backend, client)
    person_id = create_person(client, "Marcelle", commune="29019")
    path = f"/pro/personnes/{person_id}/papier"
    typed = dict.fromkeys(PAPER_ITEMS, "1")
    client.post(path, data=paper_form(client, path, typed, commune="29019", knows_help="oui"))
    (first,) = diagnostics(backend, person_id=UUID(person_id))
    page = client.get(f"/pro/personnes/{person_id}").text
    correct = f"/pro/personnes/{person_id}/diagnostics/{first.id}/corriger"
    assert f'href="{correct}"' in page
    form = client.get(correct).text
    assert "Corriger un formulaire enregistré" in form
    assert f'name="item-{PAPER_ITEMS[0]}" value="1"' in form  # what was typed is shown again
    fixed = {**typed, PAPER_ITEMS[0]: "4"}
    response = client.post(
        correct,
        data=paper_form(client, correct, fixed, commune="29019", knows_help="oui"),
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    versions = diagnostics(backend, person_id=UUID(person_id))
    assert len(versions) == 2
    corrected = next(d for d in versions if d.id != first.id)
    assert corrected.supersedes_id == first.id and corrected.answers[PAPER_ITEMS[0]] == 4
    assert corrected.completed_at == first.completed_at  # the sheet's date, not the typing's
    untouched = next(d for d in versions if d.id == first.id)
    assert untouched.answers == first.answers and untouched.result == first.result
    timeline = text_of(client.get(f"/pro/personnes/{person_id}").text)
    assert "Correction enregistrée pour Marcelle" in timeline and "corrigé" in timeline
    # the first version is no longer offered for correction
    assert client.get(correct).status_code == 404


def test_the_timeline_marks_estimated_levels_and_a_profile_to_complete(backend, client):
    mediator(backend, client)
    person_id = create_person(client, "Gisèle")
    page = client.post(
        f"/pro/personnes/{person_id}/diagnostic", data={"_csrf_token": token(client)}
    )
    while page.url.path.endswith("/question"):  # a beginner: « 0 » everywhere
        item = re.search(r'name="item" value="([^"]+)"', page.text)
        assert item, page.text
        page = client.post(
            page.url.path, data={"_csrf_token": token(client), "item": item[1], "value": "0"}
        )
    base = page.url.path.rsplit("/", 1)[0]
    for step in ("contexte", "besoins", "terminer"):
        page = client.post(f"{base}/{step}", data={"_csrf_token": token(client)})
    assert page.url.path == f"/pro/personnes/{person_id}", page.url  # back to the person
    # then a paper form with two answers only, « ? » elsewhere
    path = f"/pro/personnes/{person_id}/papier"
    blank = dict.fromkeys(PAPER_ITEMS, "?")
    data = paper_form(client, path, {**blank, "E1.1": "4", "E1.3": "4"})
    response = client.post(path, data=data, follow_redirects=False)
    assert response.status_code == 303, response.text

    text = text_of(client.get(f"/pro/personnes/{person_id}").text)
    ref = load_referential()
    estimated = {ref.competence(c).domain for c in ref.inferences[0].competences}
    assert text.count("* en partie estimé") == len(estimated)
    assert "* : en partie estimé, sans question posée" in text
    assert "À compléter" in text
    # each diagnostic's own page says the same
    beginner, partial = sorted(
        diagnostics(backend, person_id=UUID(person_id)), key=lambda d: d.created_at
    )
    one = text_of(client.get(f"/pro/personnes/{person_id}/diagnostics/{beginner.id}").text)
    assert "Estimé sans question, à vérifier" in one
    for code in ref.inferences[0].competences:
        assert ref.competence(code).plain_label in one
    two = text_of(client.get(f"/pro/personnes/{person_id}/diagnostics/{partial.id}").text)
    assert "Profil : à compléter" in two
    assert ref.competence("C3").plain_label in two and "Estimé sans question" not in two
