"""What /schema/openapi.json says beyond the handlers' own types: the bearer scheme, who needs
it, and the problem+json body of every error (RFC 9457), so that a client can rely on it.

`tests/app/test_api_contract.py` holds the service to it: every operation is called with
generated input, and any answer the schema does not describe fails the suite.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import msgspec
from litestar import Router
from litestar.openapi.config import OpenAPIConfig
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.plugins import YamlRenderPlugin
from litestar.openapi.spec import (
    Components,
    Example,
    Schema,
    SecurityRequirement,
    SecurityScheme,
)

from app.access import Permission, needs
from app.api_docs import SwaggerUiPage
from app.errors import TITLES

PROBLEM_JSON = "application/problem+json"
BEARER = "bearer"
# An operation any caller may use, where a token changes what it does (links a person).
BEARER_OPTIONAL: list[SecurityRequirement] = [{}, {BEARER: []}]
BEARER_REQUIRED: list[SecurityRequirement] = [{BEARER: []}]

# When each status happens, for every operation that lists it; an operation may say more.
WHEN: Mapping[int, str] = {
    400: "La demande ne se lit pas : JSON mal formé ou imbriqué trop profondément, type ou "
    "paramètre hors de ses bornes, caractère nul (U+0000).",
    401: "Jeton absent, expiré ou révoqué ; la réponse porte `WWW-Authenticate: Bearer`.",
    403: "Le rôle du compte ne le permet pas, ou le compte doit d'abord changer son mot de "
    "passe ou activer la double authentification.",
    404: "Introuvable, ou hors de la structure de l'appelant : la réponse est la même.",
    409: "Contredit l'état de la ressource.",
    413: "Contenu envoyé trop gros.",
    422: "Des valeurs ne conviennent pas : `problems` les décrit toutes, une par ligne.",
    429: "Trop d'essais : réessayer après le nombre de secondes de l'en-tête `Retry-After`.",
}


class CommuneCandidate(msgspec.Struct):
    """A commune that fits a postal code or a name given for a person: send its
    `commune_insee`, or its postal code and name, to name it alone."""

    commune_insee: str
    name: str
    postal_codes: list[str]
    commune: str  # as shown: « Moulins (03000) »


class ProblemDetails(msgspec.Struct):
    """An error, as RFC 9457 describes it; the texts are in French. `candidates`: the
    communes that would fit, when a person's commune names several or none exactly."""

    type: str
    title: str
    status: int
    detail: str
    problems: list[str] | msgspec.UnsetType = msgspec.UNSET
    candidates: list[CommuneCandidate] | msgspec.UnsetType = msgspec.UNSET


def problems(*statuses: int, when: Mapping[int, str] | None = None) -> dict[int, ResponseSpec]:
    """The error answers of an operation: 400 always, then ``statuses``; ``when`` says what a
    status means for this operation, in place of the usual description."""
    return {
        status: ResponseSpec(
            ProblemDetails,
            description=(when or {}).get(status, WHEN[status]),
            media_type=PROBLEM_JSON,
            generate_examples=False,
            examples=[Example(summary=TITLES[status], value=_example(status))],
        )
        for status in sorted({400, *statuses})
    }


def _example(status: int) -> dict[str, object]:
    return {
        "type": f"https://parcours-numerique.fr/problemes/{status}",
        "title": TITLES[status],
        "status": status,
        "detail": TITLES[status] + ".",
    }


def documented(schema: Schema, description: str) -> msgspec.Meta:
    """A field decoded loosely, so that the service lists all its problems at once and in
    French (one 422) where a strict decoder would stop at the first, in English; the schema
    shows the strict shape it accepts (Litestar applies ``extra`` to the field's schema)."""
    return msgspec.Meta(extra_json_schema={"description": description, "extra": shape(schema)})


def shape(schema: Schema) -> dict[str, Any]:
    """The fields a schema sets, to merge into another."""
    return {k: v for k, v in vars(schema).items() if v is not None}


def openapi_config() -> OpenAPIConfig:
    return OpenAPIConfig(
        title="parcours-numérique",
        version="1.0.0",
        description="Diagnostics de compétences numériques, personnes suivies, référentiel. "
        "Les erreurs sont des problem+json (RFC 9457) en français.",
        path="/schema",
        render_plugins=[SwaggerUiPage(), YamlRenderPlugin()],
        openapi_router=Router(
            "/schema", route_handlers=[], include_in_schema=False, opt=needs(Permission.PUBLIC)
        ),
        components=Components(
            security_schemes={
                BEARER: SecurityScheme(
                    type="http",
                    scheme="bearer",
                    description="`Authorization: Bearer <jeton>`, avec un jeton créé par "
                    "`parcours tokens create EMAIL`.",
                )
            }
        ),
    )
