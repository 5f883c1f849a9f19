"""JSON API of a structure's places and workshops (mediators, trainers, admins, with a bearer
token).

Every route works on the caller's structure only: another structure's place or workshop
answers 404, exactly like one that does not exist. The published offer is read by everyone
through the exports and the search of sessions, not here.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any, TypeVar

from litestar import Controller, Response, get, patch, post
from litestar.di import NamedDependency
from litestar.params import JSONBody, QueryParameter
from sqlalchemy.ext.asyncio import AsyncSession

from app.access import Permission, needs
from app.db.models import Place, User, Workshop
from app.errors import Problem
from app.features.catalogue.dependencies import PLACE, WORKSHOP, WRITES
from app.features.catalogue.problems import CatalogueError
from app.features.catalogue.schemas import (
    PlaceIn,
    PlaceListOut,
    PlaceOut,
    PlacePatch,
    WorkshopIn,
    WorkshopListOut,
    WorkshopOut,
    WorkshopPatch,
    given,
    place_out,
    workshop_out,
)
from app.features.catalogue.service import (
    create_place,
    create_workshop,
    set_archived,
    structure_places,
    structure_workshops,
    update_place,
    update_workshop,
)
from app.features.people import candidates_out
from app.openapi import BEARER_REQUIRED, problems
from app.throttle import per_user

ACCESS = (401, 403)
INVALID = "Certaines valeurs de l'offre sont à corriger."
ARCHIVED = "`false` (par défaut) : en service ; `true` : archivés ; absent de la liste si `all`."


def invalid(error: CatalogueError) -> Problem:
    """422 listing every problem; with the communes that would fit, when one was meant."""
    if error.candidates:
        return Problem(422, INVALID, error.lines(), candidates=candidates_out(error.candidates))
    return Problem(422, INVALID, error.lines())


def _archived(which: str) -> bool | None:
    return {"false": False, "true": True}.get(which)


ArchivedQuery = Annotated[
    str, QueryParameter(description=ARCHIVED, pattern="^(false|true|all)$", max_length=5)
]


Record = TypeVar("Record", Place, Workshop)
Out = TypeVar("Out")


async def _created(
    made: Awaitable[Record], out: Callable[[Record], Out], path: str
) -> Response[Out]:
    """201 with the new place or workshop and where to find it; 422 with every problem,
    nothing written."""
    try:
        record = await made
    except CatalogueError as error:
        raise invalid(error) from None
    return Response(out(record), status_code=201, headers={"Location": f"{path}/{record.id}"})


async def _patched(
    db: AsyncSession,
    record: Record,
    changes: dict[str, Any],
    update: Callable[[AsyncSession, Record, dict[str, Any]], Awaitable[object]],
) -> Record:
    """A PATCH: the fields given changed by ``update`` (422 with every problem, nothing
    changed), then the place or workshop archived or brought back when ``archived`` is given."""
    archived = changes.pop("archived", None)
    try:
        await update(db, record, changes)
    except CatalogueError as error:
        raise invalid(error) from None
    if archived is not None:
        await set_archived(db, record, archived)
    return record


class PlaceApi(Controller):
    path = "/api/v1/places"
    tags = ["offre"]
    opt = needs(Permission.OFFER)
    security = BEARER_REQUIRED
    dependencies = PLACE

    @get("/", summary="Les lieux de ma structure, par nom", responses=problems(*ACCESS))
    async def index(
        self,
        *,
        db_session: NamedDependency[AsyncSession],
        user: NamedDependency[User],
        archived: ArchivedQuery = "false",
    ) -> PlaceListOut:
        found = await structure_places(db_session, user.structure_id, archived=_archived(archived))
        return PlaceListOut(items=[place_out(p) for p in found])

    @post(
        "/",
        summary="Créer un lieu de ma structure (champs du standard LaMednum 1.0.2)",
        responses=problems(*ACCESS, 413, 422, 429),
        guards=[per_user(WRITES)],
    )
    async def create(
        self,
        *,
        db_session: NamedDependency[AsyncSession],
        user: NamedDependency[User],
        data: JSONBody[PlaceIn],
    ) -> Response[PlaceOut]:
        made = create_place(db_session, user.structure_id, **given(data))
        return await _created(made, place_out, self.path)

    @get(
        "/{place_id:uuid}", summary="Lire un lieu de ma structure", responses=problems(*ACCESS, 404)
    )
    async def read(self, place: NamedDependency[Place]) -> PlaceOut:
        return place_out(place)

    @patch(
        "/{place_id:uuid}",
        summary="Modifier ou archiver un lieu de ma structure",
        responses=problems(*ACCESS, 404, 413, 422, 429),
        guards=[per_user(WRITES)],
    )
    async def update(
        self,
        db_session: NamedDependency[AsyncSession],
        place: NamedDependency[Place],
        data: JSONBody[PlacePatch],
    ) -> PlaceOut:
        return place_out(await _patched(db_session, place, given(data), update_place))


class WorkshopApi(Controller):
    path = "/api/v1/workshops"
    tags = ["offre"]
    opt = needs(Permission.OFFER)
    security = BEARER_REQUIRED
    dependencies = WORKSHOP

    @get("/", summary="Les ateliers de ma structure, par titre", responses=problems(*ACCESS))
    async def index(
        self,
        *,
        db_session: NamedDependency[AsyncSession],
        user: NamedDependency[User],
        archived: ArchivedQuery = "false",
    ) -> WorkshopListOut:
        found = await structure_workshops(
            db_session, user.structure_id, archived=_archived(archived)
        )
        return WorkshopListOut(items=[workshop_out(w) for w in found])

    @post(
        "/",
        summary="Créer un atelier de ma structure",
        responses=problems(*ACCESS, 413, 422, 429),
        guards=[per_user(WRITES)],
    )
    async def create(
        self,
        *,
        db_session: NamedDependency[AsyncSession],
        user: NamedDependency[User],
        data: JSONBody[WorkshopIn],
    ) -> Response[WorkshopOut]:
        made = create_workshop(db_session, user.structure_id, **given(data))
        return await _created(made, workshop_out, self.path)

    @get(
        "/{workshop_id:uuid}",
        summary="Lire un atelier de ma structure",
        responses=problems(*ACCESS, 404),
    )
    async def read(self, workshop: NamedDependency[Workshop]) -> WorkshopOut:
        return workshop_out(workshop)

    @patch(
        "/{workshop_id:uuid}",
        summary="Modifier ou archiver un atelier de ma structure",
        responses=problems(*ACCESS, 404, 413, 422, 429),
        guards=[per_user(WRITES)],
    )
    async def update(
        self,
        db_session: NamedDependency[AsyncSession],
        workshop: NamedDependency[Workshop],
        data: JSONBody[WorkshopPatch],
    ) -> WorkshopOut:
        return workshop_out(await _patched(db_session, workshop, given(data), update_workshop))
