"""What /schema says of the badges' answers beyond the handlers' types: the shape of the signed
documents (a badge, an issuer's profile, a revocation list) and every form each address gives
(JSON-LD or JSON to programs, a page or a redirect to browsers, the badge baked in an image)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from litestar.openapi.spec import (
    OpenAPIFormat,
    OpenAPIHeader,
    OpenAPIMediaType,
    OpenAPIResponse,
    OpenAPIType,
    Operation,
    Schema,
)

JSON_LD: Final = "application/ld+json"
JSON: Final = "application/json"
HTML: Final = "text/html"
PNG: Final = "image/png"
SVG: Final = "image/svg+xml"
OFFICIAL_SCHEMA: Final = (
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
)

_TEXT = Schema(type=OpenAPIType.STRING)
_URI = Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.URI)
_TEXTS = Schema(type=OpenAPIType.ARRAY, items=_TEXT)
_OBJECT = Schema(type=OpenAPIType.OBJECT)
_PROOF = Schema(
    type=OpenAPIType.ARRAY,
    min_items=1,
    items=Schema(
        type=OpenAPIType.OBJECT,
        required=["type", "cryptosuite", "verificationMethod", "proofPurpose", "proofValue"],
        properties={
            "type": Schema(const="DataIntegrityProof"),
            "cryptosuite": Schema(const="eddsa-rdfc-2022"),
            "created": Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.DATE_TIME),
            "verificationMethod": _URI,
            "proofPurpose": Schema(const="assertionMethod"),
            "proofValue": _TEXT,
        },
    ),
)
_ISSUED: Final = {
    "@context": _TEXTS,
    "id": _URI,
    "type": _TEXTS,
    "issuer": Schema(
        type=OpenAPIType.OBJECT, required=["id"], properties={"id": _URI, "name": _TEXT}
    ),
    "validFrom": Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.DATE_TIME),
    "name": _TEXT,
    "proof": _PROOF,
}


def _signed(description: str, required: list[str], **properties: Schema) -> Schema:
    return Schema(
        type=OpenAPIType.OBJECT,
        description=description,
        required=required,
        properties={**_ISSUED, **properties},
    )


CREDENTIAL: Final = _signed(
    "Un `OpenBadgeCredential` (Open Badges 3.0, W3C VC 2.0) signé d'une preuve "
    f"`DataIntegrityProof` `eddsa-rdfc-2022`, conforme au schéma officiel : {OFFICIAL_SCHEMA}",
    ["@context", "id", "type", "issuer", "validFrom", "credentialSubject", "proof"],
    validUntil=Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.DATE_TIME),
    credentialSubject=Schema(
        type=OpenAPIType.OBJECT,
        required=["id", "achievement"],
        description="La personne, sous un pseudonyme (`id`) et, si elle a donné une adresse "
        "électronique, son empreinte salée (`identifier`) ; jamais son nom ni son adresse.",
        properties={
            "id": _URI,
            "achievement": _OBJECT,
            "identifier": Schema(type=OpenAPIType.ARRAY, items=_OBJECT),
        },
    ),
    evidence=Schema(type=OpenAPIType.ARRAY, items=_OBJECT),
    credentialStatus=_OBJECT,
    credentialSchema=Schema(type=OpenAPIType.ARRAY, items=_OBJECT),
)
ISSUED_OR_OUTLINE: Final = Schema(
    any_of=[
        CREDENTIAL,
        Schema(
            type=OpenAPIType.OBJECT,
            description="Le badge d'une personne effacée depuis : son contour seulement (ce "
            "qu'il reconnaissait, qui l'a délivré et quand, sa place dans la liste de statuts), "
            "sans la personne, ni les preuves, ni la signature.",
            required=["@context", "id", "type", "issuer", "validFrom", "credentialStatus"],
            properties={**_ISSUED, "credentialStatus": _OBJECT},
        ),
    ]
)
PROFILE: Final = Schema(
    type=OpenAPIType.OBJECT,
    description="Un `Profile` Open Badges 3.0 : chaque clé Ed25519 (`Multikey`) de la structure, "
    "même retirée, dans `verificationMethod`.",
    required=["@context", "id", "type", "name", "verificationMethod"],
    properties={
        "@context": _TEXTS,
        "id": _URI,
        "type": _TEXTS,
        "name": _TEXT,
        "verificationMethod": Schema(
            type=OpenAPIType.ARRAY,
            items=Schema(
                type=OpenAPIType.OBJECT,
                required=["id", "type", "controller", "publicKeyMultibase"],
                properties={
                    "id": _URI,
                    "type": Schema(const="Multikey"),
                    "controller": _URI,
                    "publicKeyMultibase": _TEXT,
                },
            ),
        ),
        "assertionMethod": _TEXTS,
    },
)
STATUS_LIST: Final = _signed(
    "Une `BitstringStatusListCredential` (W3C) signée : un bit par badge, 1 s'il est révoqué.",
    ["@context", "id", "type", "issuer", "validFrom", "credentialSubject", "proof"],
    issuer=_URI,
    credentialSubject=Schema(
        type=OpenAPIType.OBJECT,
        required=["type", "statusPurpose", "encodedList"],
        properties={
            "type": Schema(const="BitstringStatusList"),
            "statusPurpose": _TEXT,
            "encodedList": _TEXT,
            "ttl": Schema(type=OpenAPIType.INTEGER),
        },
    ),
)


def _media(schema: Schema, *types: str) -> dict[str, OpenAPIMediaType]:
    return {media: OpenAPIMediaType(schema=schema) for media in types}


def _answer(operation: Operation, status: str, description: str) -> OpenAPIResponse:
    """The operation's response for ``status``, made if the handler's types gave none."""
    responses = operation.responses if operation.responses is not None else {}
    operation.responses = responses
    found = responses.get(status)
    if not isinstance(found, OpenAPIResponse):
        found = OpenAPIResponse(description=description)
        responses[status] = found
    return found


def _linked_data(operation: Operation, schema: Schema, description: str) -> OpenAPIResponse:
    """200 as JSON-LD (the default) or plain JSON, as the caller's Accept asks."""
    answer = _answer(operation, "200", description)
    answer.description = description
    answer.content = _media(schema, JSON_LD, JSON)
    return answer


@dataclass
class IssuedOperation(Operation):
    """POST /api/v1/credentials: the signed badge, new (201) or already issued (200)."""

    def __post_init__(self) -> None:
        for status, said in (
            ("201", "Le badge signé, délivré maintenant."),
            ("200", "Le badge déjà délivré pour cette réussite, inchangé."),
        ):
            answer = _answer(self, status, said)
            answer.description = said
            answer.content = _media(CREDENTIAL, JSON)


@dataclass
class CredentialFileOperation(Operation):
    """GET /api/v1/credentials/{ref}: the signed JSON, or the image that carries it."""

    def __post_init__(self) -> None:
        answer = _answer(self, "200", "Le badge.")
        answer.content = {
            JSON: OpenAPIMediaType(schema=ISSUED_OR_OUTLINE),
            PNG: OpenAPIMediaType(
                schema=Schema(
                    type=OpenAPIType.STRING,
                    format=OpenAPIFormat.BINARY,
                    description="`{id}.png` : l'image, le badge dans un bloc `iTXt` "
                    "`openbadgecredential`.",
                )
            ),
            SVG: OpenAPIMediaType(
                schema=Schema(
                    type=OpenAPIType.STRING,
                    description="`{id}.svg` : l'image, le badge dans `<openbadges:credential>`.",
                )
            ),
        }
        answer.headers = {
            "Content-Disposition": OpenAPIHeader(
                schema=_TEXT, description="Pour les images : `attachment`, avec un nom de fichier."
            )
        }


@dataclass
class PublicCredentialOperation(Operation):
    """GET /badges/{id}: the signed badge to programs, the verification page to browsers."""

    def __post_init__(self) -> None:
        _linked_data(self, CREDENTIAL, "Le badge signé (`Accept: application/ld+json` ou JSON).")
        seen = _answer(self, "303", "Un navigateur va à la page de vérification du badge.")
        seen.headers = {
            "Location": OpenAPIHeader(schema=_TEXT, description="`/verifier?credential={id}`")
        }


@dataclass
class IssuerOperation(Operation):
    """GET /badges/emetteurs/{id}: the issuer's profile, or its page to browsers."""

    def __post_init__(self) -> None:
        answer = _linked_data(self, PROFILE, "Le profil d'émetteur, ou sa page (`text/html`).")
        answer.content = {**(answer.content or {}), HTML: OpenAPIMediaType(schema=_TEXT)}


@dataclass
class StatusListOperation(Operation):
    """GET /badges/emetteurs/{id}/statuts/{n}: a signed revocation list."""

    def __post_init__(self) -> None:
        _linked_data(self, STATUS_LIST, "La liste de statuts signée.")
