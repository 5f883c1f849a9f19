"""The offer's open-data files, on SQLite and PostgreSQL: data·inclusion v1 records that the
official models accept with warnings enforced and that score well, a LaMednum 1.0.2 CSV that
frictionless validates against the schema shipped with the service, ids that stay put, and
nothing that is not published offer (archived, cancelled, private, personal)."""

from __future__ import annotations

import csv
import io
import json
import os
import statistics
import subprocess
from pathlib import Path
from typing import Any

import opening_hours
import pytest
from data_inclusion.schema.v1 import Service, Structure
from data_inclusion.schema.v1.score_qualite import score
from sqlalchemy import delete, update

from app.db.models import Throttle, Workshop
from app.features.exports.data_inclusion import (
    SOURCE,
    place_service_id,
    structure_id,
    workshop_service_id,
)
from app.features.exports.lamednum import MSG_NO_PIVOT, columns
from tests.app.cher_offer import (
    ARCHIVED_PLACE,
    ARCHIVED_WORKSHOP,
    CANCELLED_ONLY,
    SECRET_LINK,
    SECRET_NOTE,
    CherOffer,
    build_cher_offer,
)
from tests.app.open_data import assert_valid_lamednum
from tests.app.test_cli_print_scan import PARCOURS
from tests.app.test_people_api import assert_problem

API = "/api/v1/exports"
CHER = {"departement": "18"}


@pytest.fixture
def cher(backend: Any) -> CherOffer:
    async def build(db: Any) -> CherOffer:
        await db.execute(delete(Throttle))  # other tests' calls do not count against these
        return await build_cher_offer(db)

    return backend.run(build)


def ours(records: list[dict[str, Any]], offer: CherOffer) -> list[dict[str, Any]]:
    """The records of this test's offer (the database is shared by the session's tests)."""
    places = {structure_id(p) for p in offer.places.values()}
    return [r for r in records if r.get("structure_id", r["id"]) in places]


def test_data_inclusion_records_pass_the_official_models_with_warnings_and_score_well(client, cher):
    structures = ours(client.get(f"{API}/data-inclusion/structures", params=CHER).json(), cher)
    services = ours(client.get(f"{API}/data-inclusion/services", params=CHER).json(), cher)
    # One structure per published place: the archived one is not there.
    assert {s["nom"] for s in structures} == {
        "Médiathèque des Gibjoncs",
        "EPN de la Chancellerie",
        "France Services de Vierzon",
        "Bus numérique du Boischaut",
    }
    networks = {s["nom"]: s["reseaux_porteurs"] for s in structures}
    assert set(networks["France Services de Vierzon"]) == {"france-service", "aidants-connect"}
    for record in structures:
        Structure.model_validate(record, context={"ignore_warnings": False})
        assert record["source"] == SOURCE and record["code_insee"].startswith("18")
    scores = []
    for record in services:
        service = Service.model_validate(record, context={"ignore_warnings": False})
        scores.append(score(service)[0])
        assert all(
            t.startswith(
                ("numerique--", "difficultes-", "sante--", "preparer-", "famille--", "se-former--")
            )
            for t in record["thematiques"]
        )
        assert record["horaires_accueil"] is None or opening_hours.OpeningHours(
            record["horaires_accueil"]
        )
    median = statistics.median(scores)
    print(f"score_qualite over {len(scores)} services: median {median}, lowest {min(scores)}")
    assert median >= 0.9
    by_id = {s["id"]: s for s in services}
    place, vierzon = cher.places["mediatheque"], cher.places["vierzon"]
    workshop = by_id[workshop_service_id(cher.workshops["smartphone"], place)]
    assert workshop["type"] == "atelier" and workshop["publics"] == ["seniors"]
    assert workshop["thematiques"] == ["numerique--maitriser-les-fondamentaux-du-numerique"]
    assert workshop["modes_accueil"] == ["en-presentiel"] and workshop["frais"] == "gratuit"
    assert 200 <= len(workshop["description"]) <= 2000
    assert "Prochaines séances" in workshop["description"]
    assert workshop["lien_mobilisation"].endswith("/reserver")
    cv = by_id[workshop_service_id(cher.workshops["cv"], vierzon)]
    assert (cv["type"], cv["frais"]) == ("accompagnement", "payant")
    assert "France Travail" in cv["frais_precisions"]
    self_study = by_id[workshop_service_id(cher.workshops["ordinateur"], place)]
    assert self_study["type"] == "formation"
    remote = [
        s
        for s in services
        if s["id"].startswith(f"{SOURCE}--atelier-{cher.workshops['emails'].id}")
    ]
    assert remote and all(s["modes_accueil"] == ["a-distance"] for s in remote)
    access = by_id[place_service_id(place, "acces-internet-materiel")]
    assert (access["type"], access["thematiques"]) == (
        "aide-materielle",
        ["numerique--acceder-a-une-connexion-internet"],
    )
    assert by_id[place_service_id(vierzon, "demarches-administratives")]["mobilisable_par"]
    bus = [s for s in services if s["structure_id"] == structure_id(cher.places["boischaut"])]
    assert bus and all("envoyer-un-courriel" not in s["modes_mobilisation"] for s in bus)


def test_the_lamednum_csv_validates_with_frictionless_and_leaves_out_a_place_without_siret(
    client, cher, tmp_path: Path
):
    answer = client.get(f"{API}/lamednum.csv", params=CHER)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    assert "lieux-de-mediation-numerique_18.csv" in answer.headers["content-disposition"]
    assert_valid_lamednum(answer.content, tmp_path)
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert list(rows[0]) == columns()
    mine = {r["id"]: r for r in rows if r["id"] in {str(p.id) for p in cher.places.values()}}
    names = {r["nom"] for r in mine.values()}
    assert names == {
        "Médiathèque des Gibjoncs",
        "France Services de Vierzon",
        "Bus numérique du Boischaut",
    }
    bus = mine[str(cher.places["boischaut"].id)]
    assert bus["itinerance"] == "Itinérant"
    # Its workshops add what they are about: the remote e-mail workshop, the scam workshop.
    assert "Utilisation sécurisée du numérique" in bus["services"].split("|")
    assert "À distance" in bus["modalites_accompagnement"].split("|")
    assert int(answer.headers["x-left-out"]) >= 1
    # The place without a SIRET is named, with the reason, in the exports' report.
    left = client.get(API, params=CHER).json()["left_out"]
    epn = str(cher.places["epn"].id)
    assert {
        "kind": "lieu",
        "id": epn,
        "name": "EPN de la Chancellerie",
        "reason": MSG_NO_PIVOT,
    } in left


def test_only_published_offer_is_exported_and_nothing_private(client, cher, backend):
    files = [
        client.get(f"{API}/data-inclusion/structures").text,
        client.get(f"{API}/data-inclusion/services").text,
        client.get(f"{API}/lamednum.csv").text,
        client.get(API).text,
    ]
    for text in files:
        for hidden in (
            ARCHIVED_PLACE,
            ARCHIVED_WORKSHOP,
            CANCELLED_ONLY,
            SECRET_NOTE,
            SECRET_LINK,
            "visio.example.org",
        ):
            assert hidden not in text
        assert str(cher.places["archived"].id) not in text
    services = client.get(f"{API}/data-inclusion/services").json()
    # A cancelled session does not place a workshop: the smartphone workshop is not at the EPN.
    epn = cher.places["epn"]
    assert workshop_service_id(cher.workshops["smartphone"], epn) not in {s["id"] for s in services}
    # No person is named, and no field outside the schemas is sent.
    assert all(s["contact_nom_prenom"] is None for s in services)
    assert all(set(s) == set(Service.model_fields) for s in services)


def test_ids_stay_the_same_from_one_export_to_the_next_and_caches_revalidate(client, cher, backend):
    first = client.get(f"{API}/data-inclusion/services", params=CHER)
    assert (
        "public" in first.headers["cache-control"]
        and "max-age=600" in first.headers["cache-control"]
    )
    assert first.headers["access-control-allow-origin"] == "*"
    etag = first.headers["etag"]
    again = client.get(
        f"{API}/data-inclusion/services", params=CHER, headers={"If-None-Match": etag}
    )
    assert again.status_code == 304 and again.content == b""
    workshop = cher.workshops["demarches"]

    async def edit(db: Any) -> None:
        await db.execute(
            update(Workshop)
            .where(Workshop.id == workshop.id)
            .values(description=workshop.description + " Venez à l'heure.")
        )
        await db.commit()

    backend.run(edit)
    changed = client.get(
        f"{API}/data-inclusion/services", params=CHER, headers={"If-None-Match": etag}
    )
    assert changed.status_code == 200 and changed.headers["etag"] != etag
    assert [s["id"] for s in ours(changed.json(), cher)] == [
        s["id"] for s in ours(first.json(), cher)
    ]


def test_a_departement_filter_keeps_its_places_and_refuses_unknown_codes(client, cher):
    indre = client.get(f"{API}/data-inclusion/structures", params={"departement": "36"}).json()
    assert ours(indre, cher) == []
    assert_problem(client.get(f"{API}/lamednum.csv", params={"departement": "20"}), 422)
    assert_problem(
        client.get(f"{API}/data-inclusion/services", params={"departement": "Cher"}), 400
    )


def test_the_command_writes_the_same_files(backend, cher, tmp_path: Path):
    environment = {**os.environ, "PARCOURS_DATABASE_URL": backend.settings.database_url}

    def export(*args: str | Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [PARCOURS, "offer", "export", *map(str, args)],
            env=environment,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    out = tmp_path / "lieux.csv"
    places = export("--format", "lamednum", "--departement", "18", "-o", out)
    assert places.returncode == 0, places.stderr
    assert out.read_text("utf-8").splitlines()[0] == ",".join(columns())
    assert f"EPN de la Chancellerie ({cher.places['epn'].id}) : {MSG_NO_PIVOT}" in places.stderr
    services = export("--format", "data-inclusion", "--departement", "18")
    assert services.returncode == 0, services.stderr
    ids = {s["id"] for s in json.loads(services.stdout)}
    assert workshop_service_id(cher.workshops["cv"], cher.places["vierzon"]) in ids
    unknown = export("--format", "lamednum", "--departement", "99")
    assert unknown.returncode == 2 and "n'existe pas" in unknown.stderr


def test_the_open_data_page_links_the_files_and_says_what_is_left_out_and_why(client, cher):
    page = client.get("/offre/donnees-ouvertes", params=CHER)
    assert page.status_code == 200
    text = page.text
    for path in ("data-inclusion/structures", "data-inclusion/services", "lamednum.csv"):
        assert f"{API}/{path}?departement=18" in text
    assert "EPN de la Chancellerie" in text and MSG_NO_PIVOT in text.replace("&#39;", "'")
    english = client.get("/offre/donnees-ouvertes", params={**CHER, "lang": "en"}).text
    assert "No SIRET or RNA number" in english
    wrong = client.get("/offre/donnees-ouvertes", params={"departement": "99", "lang": "fr"})
    assert wrong.status_code == 422
    assert "Ce département n&#39;existe pas : « 99 »" in wrong.text


def test_the_files_are_documented_as_public_with_their_cache_headers(client):
    paths = client.get("/schema/openapi.json").json()["paths"]
    for path in ("data-inclusion/structures", "data-inclusion/services", "lamednum.csv"):
        operation = paths[f"{API}/{path}"]["get"]
        assert "security" not in operation or {} in operation["security"]
        assert {"ETag", "Cache-Control"} <= set(operation["responses"]["200"]["headers"])
        assert {"304", "422", "429"} <= set(operation["responses"])
    assert "text/csv" in next(
        iter(paths[f"{API}/lamednum.csv"]["get"]["responses"]["200"]["content"])
    )
