"""JSON-LD contexts pinned in the package: signing and verifying never touch the network."""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from typing import Any

CREDENTIALS_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3P0 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
# Defines 1EdTechJsonSchemaValidator2019 and 1EdTechRevocationList: without it pyld reads them as
# IRIs relative to its own default base, which other processors do not share.
OB_EXTENSIONS = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"

_FILES = {
    CREDENTIALS_V2: "www.w3.org_ns_credentials_v2.json",
    "https://www.w3.org/2018/credentials/v1": "www.w3.org_2018_credentials_v1.json",
    "https://www.w3.org/ns/credentials/examples/v2": "www.w3.org_ns_credentials_examples_v2.json",
    "https://www.w3.org/ns/credentials/status/v1": "www.w3.org_ns_credentials_status_v1.json",
    "https://w3id.org/security/data-integrity/v2": "w3id.org_security_data-integrity_v2.json",
    "https://w3id.org/security/data-integrity/v1": "w3id.org_security_data-integrity_v1.json",
    "https://w3id.org/security/multikey/v1": "w3id.org_security_multikey_v1.json",
    OB_V3P0: "purl.imsglobal.org_spec_ob_v3p0_context-3.0.3.json",
    OB_EXTENSIONS: "purl.imsglobal.org_spec_ob_v3p0_extensions.json",
    "https://w3id.org/citizenship/v4rc1": "w3id.org_citizenship_v4rc1.json",
}
PINNED_URLS = frozenset(_FILES)


class UnknownContextError(ValueError):
    """A document names a context we do not hold: we refuse it rather than fetch it."""

    def __init__(self, url: str) -> None:
        super().__init__(f"unknown JSON-LD context {url!r}: only pinned contexts are served")
        self.url = url


@cache
def context_document(url: str) -> Any:
    """The parsed pinned context for `url`, or UnknownContextError."""
    name = _FILES.get(url)
    if name is None:
        raise UnknownContextError(url)
    text = files("badges").joinpath("data", "contexts", name).read_text(encoding="utf-8")
    return json.loads(text)


def document_loader(url: str, options: object = None) -> dict[str, Any]:
    """A pyld document loader that serves pinned contexts only and never the network."""
    return {
        "contextUrl": None,
        "documentUrl": url,
        "document": context_document(url),
    }
