"""Privacy: consent stored with its date and text version; a person's data exported in full;
erasure means the rows are gone from the database (checked with raw SQL), nothing else."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest
from sqlalchemy import bindparam, text

from app.db.models import Person, Role
from app.features.accounts.service import AccountService
from app.features.people.consent import CONSENT_TEXT, CONSENT_VERSION
from app.features.people.service import EXPORT_FORMAT
from referentiel import load_referential
from tests.app.conftest import csrf, login

GUID = Person.__table__.c.id.type
PAPER_ITEMS = [item.id for item in load_referential().form_items("papier")]


def count(backend: Any, sql: str, **ids: UUID) -> int:
    """A raw SQL count, the ids bound with the column type (UUIDs are stored natively or as
    16 bytes depending on the database)."""
    statement = text(sql).bindparams(*(bindparam(name, type_=GUID) for name in ids))

    async def go(db: Any) -> int:
        return int((await db.execute(statement, ids)).scalar_one())

    return backend.run(go)


def rows_of(backend: Any, person_id: UUID) -> dict[str, int]:
    return {
        "person": count(backend, "SELECT count(*) FROM person WHERE id = :p", p=person_id),
        "consent": count(backend, "SELECT count(*) FROM consent WHERE person_id = :p", p=person_id),
        "diagnostic": count(
            backend, "SELECT count(*) FROM diagnostic WHERE person_id = :p", p=person_id
        ),
    }


class Mediator:
    def __init__(self, backend: Any, client: Any) -> None:
        self.email, self.structure = backend.user(Role.MEDIATOR)
        self.headers = {"Authorization": f"Bearer {backend.token(self.email)}"}
        self.client = client
        self.user_id = backend.run(lambda db: AccountService(db).by_email(self.email)).id

    def person(self, alias: str = "Josiane", **fields: Any) -> UUID:
        response = self.client.post(
            "/api/v1/people",
            json={"alias": alias, "consent": True, **fields},
            headers=self.headers,
        )
        assert response.status_code == 201, response.text
        return UUID(response.json()["id"])

    def diagnostic(self, person_id: UUID | None, value: int | str = 2, **extra: Any) -> str:
        body = {
            "answers": dict.fromkeys(PAPER_ITEMS, value),
            "channel": "paper",
            **({"person_id": str(person_id)} if person_id else {}),
            **extra,
        }
        response = self.client.post("/api/v1/diagnostics", json=body, headers=self.headers)
        assert response.status_code == 201, response.text
        return str(response.json()["id"])


def test_consent_is_stored_with_its_date_text_version_and_who_recorded_it(backend, client):
    mediator = Mediator(backend, client)
    before = datetime.now(UTC)
    person_id = mediator.person()
    stored = count(
        backend,
        "SELECT count(*) FROM consent WHERE person_id = :p AND recorded_by = :u "
        f"AND text_version = '{CONSENT_VERSION}'",
        p=person_id,
        u=mediator.user_id,
    )
    assert stored == 1
    person = backend.run(lambda db: db.get(Person, person_id))
    [consent] = person.consents
    given_at = consent.given_at if consent.given_at.tzinfo else consent.given_at.replace(tzinfo=UTC)
    assert before - timedelta(seconds=5) <= given_at <= datetime.now(UTC) + timedelta(seconds=5)


def test_the_export_holds_everything_stored_about_the_person_and_nothing_else(backend, client):
    mediator = Mediator(backend, client)
    person_id = mediator.person(
        "Josiane", birth_year_band="soixante_dix_plus", commune_insee="29019"
    )
    other = mediator.person("Quelqu'un d'autre")
    first = mediator.diagnostic(
        person_id,
        1,
        context={"age_band": "soixante_dix_plus", "needs": ["caf"]},
        goals={"caf": "A2"},
    )
    second = mediator.diagnostic(person_id, 3)
    mediator.diagnostic(other, 4)
    mediator.diagnostic(None, 0)  # anonymous, same structure

    response = client.get(f"/api/v1/people/{person_id}/export", headers=mediator.headers)
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    export = response.json()
    assert export["format"] == EXPORT_FORMAT
    assert export["format_version"] == 1
    assert export["exported_at"]
    assert export["person"] == {
        "id": str(person_id),
        "alias": "Josiane",
        "birth_year_band": "soixante_dix_plus",
        "commune_insee": "29019",
        "commune": "Brest (29200)",
        "structure": mediator.structure,
        "created_at": export["person"]["created_at"],
        "updated_at": export["person"]["updated_at"],
    }
    [consent] = export["consents"]
    assert consent["text_version"] == CONSENT_VERSION
    assert consent["text"] == CONSENT_TEXT
    assert consent["given_at"]
    assert consent["recorded_by"] == str(mediator.user_id)

    assert [d["id"] for d in export["diagnostics"]] == [first, second]
    diagnostic = export["diagnostics"][0]
    assert set(diagnostic) == {
        "id",
        "channel",
        "status",
        "referential_version",
        "created_at",
        "completed_at",
        "supersedes_id",
        "answers",
        "answers_taken_back",
        "context",
        "goals",
        "result",
    }
    assert diagnostic["answers"] == dict.fromkeys(PAPER_ITEMS, 1)
    assert diagnostic["context"] == {"age_band": "soixante_dix_plus", "needs": ["caf"]}
    assert diagnostic["goals"] == {"caf": "A2"}
    assert diagnostic["channel"] == "paper"
    assert diagnostic["status"] == "completed"
    assert {d["code"] for d in diagnostic["result"]["domains"]} == {
        d.code for d in load_referential().domains
    }
    assert "Quelqu'un d'autre" not in response.text


def test_the_page_export_is_the_same_data_as_the_api_export(backend, client):
    mediator = Mediator(backend, client)
    person_id = mediator.person()
    mediator.diagnostic(person_id)
    login(client, mediator.email)
    page = client.get(f"/pro/personnes/{person_id}/export.json").json()
    api = client.get(f"/api/v1/people/{person_id}/export", headers=mediator.headers).json()
    page.pop("exported_at")
    api.pop("exported_at")
    assert page == api


@pytest.mark.parametrize("how", ["api", "page"])
def test_erasure_deletes_the_rows_of_the_person_and_only_them(backend, client, how):
    mediator = Mediator(backend, client)
    person_id = mediator.person("À effacer", commune_insee="29019")
    other = mediator.person("À garder")
    for value in (1, 2, 3):
        mediator.diagnostic(person_id, value)
    mediator.diagnostic(other)
    anonymous = mediator.diagnostic(None)
    login(client, mediator.email)
    response = client.post(  # an online diagnostic left in progress is erased too
        f"/pro/personnes/{person_id}/diagnostic",
        data={"_csrf_token": csrf(client, "/pro")},
        follow_redirects=False,
    )
    assert response.status_code == 303

    assert rows_of(backend, person_id) == {"person": 1, "consent": 1, "diagnostic": 4}
    kept_before = rows_of(backend, other)

    if how == "api":
        response = client.delete(f"/api/v1/people/{person_id}", headers=mediator.headers)
        assert response.status_code == 204
    else:
        response = client.post(
            f"/pro/personnes/{person_id}/effacer",
            data={"_csrf_token": client.cookies.get("csrftoken")},
            follow_redirects=False,
        )
        assert response.status_code == 303

    assert rows_of(backend, person_id) == {"person": 0, "consent": 0, "diagnostic": 0}
    assert rows_of(backend, other) == kept_before == {"person": 1, "consent": 1, "diagnostic": 1}
    assert count(backend, "SELECT count(*) FROM diagnostic WHERE id = :d", d=UUID(anonymous)) == 1
    assert count(backend, 'SELECT count(*) FROM "user" WHERE id = :u', u=mediator.user_id) == 1
    assert client.get(f"/api/v1/people/{person_id}", headers=mediator.headers).status_code == 404
