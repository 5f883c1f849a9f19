"""JSON API for the people a structure follows (mediators, with a bearer token).

Every route that names a person goes through :func:`person_for`: a person of another
structure answers 404, exactly like a person that does not exist.
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromQuery, JSONBody, QueryParameter

from app.access import Permission, needs
from app.db.models import Person, User
from app.errors import Problem
from app.features.people.commune_fields import (
    INSEE_FIELD,
    candidates_out,
    read_commune_fields,
)
from app.features.people.consent import CONSENT_TEXT, CONSENT_VERSION
from app.features.people.dependencies import PERSON
from app.features.people.schemas import (
    ConsentTextOut,
    PersonIn,
    PersonListOut,
    PersonOut,
    PersonPatch,
    person_out,
)
from app.features.people.service import (
    LIST_LIMIT_MAX,
    OFFSET_MAX,
    PeopleError,
    PeopleService,
    birth_year_bands,
    change_problems,
    new_person_problems,
)
from app.openapi import BEARER_REQUIRED, problems
from app.territories import Commune

# Every route: 401 without a valid token, 403 for a role without the people permission.
ACCESS = (401, 403)
RECORD_FIELDS = ("alias", "birth_year_band")  # and the commune, read by read_commune_fields


def _invalid(error: PeopleError, candidates: tuple[Commune, ...] = ()) -> Problem:
    detail, lines = "La fiche contient des valeurs à corriger.", error.lines()
    if candidates:
        return Problem(422, detail, lines, candidates=candidates_out(candidates))
    return Problem(422, detail, lines)


def _given(data: PersonIn | PersonPatch) -> dict[str, Any]:
    """The fields the client sent (an absent field is left alone)."""
    return {
        name: value
        for name in data.__struct_fields__
        if (value := getattr(data, name)) is not msgspec.UNSET
    }


class PeopleApi(Controller):
    path = "/api/v1/people"
    tags = ["people"]
    opt = needs(Permission.PEOPLE)
    security = BEARER_REQUIRED
    dependencies = PERSON

    @get(
        "/",
        summary="Les personnes suivies par ma structure (les plus récentes d'abord)",
        responses=problems(*ACCESS),
    )
    async def index(
        self,
        *,
        request: Request[Any, Any, Any],
        people: NamedDependency[PeopleService],
        q: FromQuery[str] = "",
        limit: Annotated[int, QueryParameter(ge=1, le=LIST_LIMIT_MAX)] = 50,
        offset: Annotated[int, QueryParameter(ge=0, le=OFFSET_MAX)] = 0,
        user: NamedDependency[User],
    ) -> PersonListOut:
        found = await people.listing(user.structure_id, q, limit, offset)
        return PersonListOut(
            items=[person_out(r.person, r.last_diagnostic_at) for r in found.rows],
            total=found.total,
            limit=found.limit,
            offset=found.offset,
        )

    @get(
        "/consent",
        summary="Le texte de consentement à lire à la personne",
        responses=problems(*ACCESS),
    )
    async def consent_text(self) -> ConsentTextOut:
        return ConsentTextOut(CONSENT_VERSION, CONSENT_TEXT, dict(birth_year_bands()))

    @post(
        "/",
        summary="Créer la fiche d'une personne, avec son consentement",
        responses=problems(*ACCESS, 413, 422),
    )
    async def create(
        self,
        *,
        request: Request[Any, Any, Any],
        data: JSONBody[PersonIn],
        people: NamedDependency[PeopleService],
        user: NamedDependency[User],
    ) -> Response[PersonOut]:
        commune = read_commune_fields(_given(data))
        if commune.problems:  # with the other fields' problems, all at once
            others = new_person_problems(data.alias, data.birth_year_band, consent=data.consent)
            raise _invalid(PeopleError({**others, **commune.problems}), commune.candidates)
        person = await people.create(
            user,
            data.alias,
            data.birth_year_band,
            commune.change.get(INSEE_FIELD),
            consent=data.consent,
        )
        return Response(
            person_out(person, None),
            status_code=201,
            headers={"Location": f"{self.path}/{person.id}"},
        )

    @get(
        "/{person_id:uuid}",
        summary="Lire la fiche d'une personne",
        responses=problems(*ACCESS, 404),
    )
    async def read(
        self,
        person: NamedDependency[Person],
        people: NamedDependency[PeopleService],
    ) -> PersonOut:
        await people.record_read(person)
        last = await people.last_diagnostic_at(person)
        return person_out(person, last)

    @patch(
        "/{person_id:uuid}",
        summary="Corriger la fiche d'une personne",
        responses=problems(*ACCESS, 404, 413, 422),
    )
    async def update(
        self,
        person: NamedDependency[Person],
        data: JSONBody[PersonPatch],
        people: NamedDependency[PeopleService],
    ) -> PersonOut:
        given = _given(data)
        commune = read_commune_fields(given)
        changes = {k: v for k, v in given.items() if k in RECORD_FIELDS} | commune.change
        if commune.problems:
            problems = {**change_problems(changes), **commune.problems}
            raise _invalid(PeopleError(problems), commune.candidates)
        await people.update(person, changes)
        return person_out(person, await people.last_diagnostic_at(person))

    @delete(
        "/{person_id:uuid}",
        summary="Effacer une personne : sa fiche, ses consentements et ses diagnostics",
        status_code=204,
        responses=problems(*ACCESS, 404),
    )
    async def erase(
        self,
        person: NamedDependency[Person],
        people: NamedDependency[PeopleService],
    ) -> None:
        await people.erase(person)

    @get(
        "/{person_id:uuid}/export",
        summary="Toutes les données d'une personne (JSON)",
        responses=problems(*ACCESS, 404),
    )
    async def export(
        self,
        person: NamedDependency[Person],
        people: NamedDependency[PeopleService],
    ) -> dict[str, Any]:
        return await people.export(person)
