"""Creating and changing places and workshops, on SQLite and PostgreSQL: what is stored, what
is refused (all problems at once, nothing written), and whose data it is."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest
from sqlalchemy import func, select

from app.db.models import Place, Workshop
from app.features.catalogue import (
    CatalogueError,
    create_place,
    create_workshop,
    place_of,
    set_archived,
    structure_places,
    structure_workshops,
    update_place,
    update_workshop,
    workshop_of,
)
from app.territories import communes
from tests.app.conftest import Backend
from tests.app.features.catalogue.conftest import new_structure, place_fields, workshop_fields


def test_a_place_is_stored_with_its_commune_centroid_and_phone_in_the_standard_form(
    backend: Backend, structure_id: UUID
) -> None:
    async def go(db: Any) -> Place:
        place = await create_place(db, structure_id, **place_fields())
        await db.commit()
        return place

    place = backend.run(go)
    bourges = communes()["18033"]
    assert (place.commune_insee, place.postal_code) == ("18033", "18000")
    assert (place.latitude, place.longitude) == (bourges.lat, bourges.lon)
    assert place.phone == "+33248578146"
    assert place.services == [
        "Aide aux démarches administratives",
        "Accès internet et matériel informatique",
    ]


def test_an_insee_code_alone_names_the_commune_and_gives_its_postal_code(
    backend: Backend, structure_id: UUID
) -> None:
    fields = place_fields(postal_code=None, commune_name=None, commune_insee="18279")
    place = backend.run(lambda db: create_place(db, structure_id, **fields))
    assert (place.commune_insee, place.postal_code) == ("18279", "18100")  # Vierzon


def test_every_problem_is_reported_at_once_and_nothing_is_written(
    backend: Backend, structure_id: UUID
) -> None:
    wrong = place_fields(
        name=" ",
        postal_code="18000",
        commune_name="Bourjes-sur-Mer",
        phone="3949",
        opening_hours="lundi 9h-12h",
        services=["Cours de piano"],
        latitude="47,1",
    )

    async def go(db: Any) -> tuple[CatalogueError, int]:
        with pytest.raises(CatalogueError) as raised:
            await create_place(db, structure_id, **wrong)
        await db.commit()
        return raised.value, await db.scalar(
            select(func.count()).select_from(Place).where(Place.structure_id == structure_id)
        )

    error, count = backend.run(go)
    assert set(error.problems) == {"name", "commune_name", "phone", "opening_hours", "services"}
    assert count == 0


def test_changing_the_commune_moves_the_place_and_keeps_the_rest(
    backend: Backend, structure_id: UUID
) -> None:
    async def go(db: Any) -> Place:
        place = await create_place(db, structure_id, **place_fields())
        await update_place(db, place, {"commune_insee": "18279"})
        await db.commit()
        return place

    place = backend.run(go)
    vierzon = communes()["18279"]
    assert (place.latitude, place.longitude) == (vierzon.lat, vierzon.lon)
    assert place.name == "Médiathèque des Gibjoncs" and place.phone == "+33248578146"


def test_a_workshop_takes_the_themes_of_its_competences_when_none_is_named(
    backend: Backend, structure_id: UUID
) -> None:
    workshop = backend.run(lambda db: create_workshop(db, structure_id, **workshop_fields()))
    assert workshop.themes == ["prendre_en_main_du_materiel"]
    assert workshop.price == "Gratuit" and workshop.language == "fr"


def test_an_observed_task_must_be_one_of_the_workshop_competences(
    backend: Backend, structure_id: UUID
) -> None:
    off_topic = workshop_fields(exit_check={"kind": "observed_task", "item": "P1.1"})
    with pytest.raises(CatalogueError) as raised:
        backend.run(lambda db: create_workshop(db, structure_id, **off_topic))
    assert list(raised.value.problems) == ["exit_check"]


def test_a_change_to_a_workshop_is_checked_with_the_rest_of_it(
    backend: Backend, structure_id: UUID
) -> None:
    async def go(db: Any) -> tuple[Workshop, CatalogueError]:
        workshop = await create_workshop(db, structure_id, **workshop_fields())
        with pytest.raises(CatalogueError) as raised:  # E1.2 is no longer about the workshop
            await update_workshop(
                db, workshop, {"competences": [{"competence": "C1", "entry": 1, "exit": 3}]}
            )
        await update_workshop(db, workshop, {"duration_minutes": "120"})
        await db.commit()
        return workshop, raised.value

    workshop, error = backend.run(go)
    assert list(error.problems) == ["exit_check"]
    assert workshop.duration_minutes == 120
    assert workshop.competences == [{"competence": "E1", "entry": 0, "exit": 2}]


def test_another_structure_neither_sees_nor_lists_a_place_or_a_workshop(
    backend: Backend, structure_id: UUID
) -> None:
    other = new_structure(backend)

    async def go(db: Any) -> tuple[Any, ...]:
        place = await create_place(db, structure_id, **place_fields())
        workshop = await create_workshop(db, structure_id, **workshop_fields())
        await db.commit()
        return (
            await place_of(db, other, place.id),
            await workshop_of(db, other, workshop.id),
            await structure_places(db, other),
            await structure_workshops(db, other),
            await place_of(db, structure_id, place.id),
        )

    place, workshop, places, workshops, own = backend.run(go)
    assert (place, workshop, list(places), list(workshops)) == (None, None, [], [])
    assert own is not None


def test_an_archived_place_leaves_the_list_in_use(backend: Backend, structure_id: UUID) -> None:
    async def go(db: Any) -> tuple[list[str], list[str]]:
        kept = await create_place(db, structure_id, **place_fields(name="Espace Kept"))
        gone = await create_place(db, structure_id, **place_fields(name="Espace Gone"))
        await set_archived(db, gone, True)
        await db.commit()
        in_use = [p.name for p in await structure_places(db, structure_id)]
        archived = [p.name for p in await structure_places(db, structure_id, archived=True)]
        assert kept.id
        return in_use, archived

    assert backend.run(go) == (["Espace Kept"], ["Espace Gone"])
