"""The API does what its OpenAPI schema says, on SQLite and PostgreSQL.

Schemathesis calls every operation of /schema/openapi.json in-process, as a mediator holding a
bearer token: the schema's examples, boundary and invalid values, random input, and chains of
calls that reuse what earlier answers returned. A 5xx fails the suite, and so does an answer
whose status, content type, headers or body the schema does not describe, an operation that
declares the bearer scheme yet serves a caller without a token, or a deleted resource that
can still be read. Bounded (a few hundred calls per operation at most) and seeded, so every
run draws the same input.

A failure prints each call as a curl command to reproduce it against `make run`.
"""

from __future__ import annotations

import re
from typing import Any

import schemathesis
import schemathesis.engine
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import events
from schemathesis.python import asgi

from app.asgi import create_app
from app.openapi import BEARER, PROBLEM_JSON
from tests.app.test_people_api import assert_problem

NO_ID = "00000000-0000-0000-0000-000000000000"
MAX_EXAMPLES = 30  # random calls per operation and mode, on top of the examples and boundaries
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
    "missing_required_header",
    "unsupported_method",
    "ignored_auth",
    "use_after_free",
    "ensure_resource_availability",
)
# Values that once reached the database and failed there, offered often wherever a string or
# an integer goes (a NUL: PostgreSQL refuses it in text; integers past 64 bits).
HOSTILE = {
    "strings": {"values": ["\x00", "Jo\x00", "\\u0000", "%00", "'; --", " ", "ﬀ𝔘"]},
    "integers": {"values": [2**31, 2**62, 2**63, 2**64, -(2**63) - 1]},
}
# Not checked: positive_data_acceptance (a well-formed request can still be refused, with a
# documented 404 or 422: an unknown commune code, a person of another structure) and
# allow_header_conformance (Litestar lists OPTIONS in Allow, which the schema does not show).


def run_schemathesis(backend: Any, token: str) -> tuple[list[str], float]:
    """The failures, one readable block each, and how long the run took (seconds)."""
    config = SchemathesisConfig.from_dict(
        {
            "dictionaries": HOSTILE,
            "generation": {
                "mode": "all",
                "max-examples": MAX_EXAMPLES,
                "dictionaries": {
                    "string": {"dictionary": "strings", "probability": 0.2},
                    "integer": {"dictionary": "integers", "probability": 0.2},
                },
            },
            "checks": {"enabled": False, **{name: {"enabled": True} for name in CHECKS}},
            "auth": {"openapi": {BEARER: {"bearer": token}}},
            "seed": 20260101,
        }
    )
    schema = schemathesis.openapi.from_asgi(
        "/schema/openapi.json", create_app(backend.settings), config=config
    )
    failures: list[str] = []
    try:
        for event in schemathesis.engine.from_schema(schema).execute():
            failures.extend(_failures(event))
            if isinstance(event, events.EngineFinished):
                failures.extend(str(failure) for failure in event.failures)
                return failures, event.running_time
    finally:
        asgi.shutdown_lifespans()  # the app's lifespan (workers, pools) ends with the run
    raise AssertionError("the run did not finish")


def _failures(event: events.EngineEvent) -> list[str]:
    if isinstance(event, events.FatalError):
        return [f"run stopped: {event.exception!r}"]
    if isinstance(event, events.NonFatalError):
        return [f"{event.label}: {event.info}"]
    if not isinstance(event, events.ScenarioFinished | events.FuzzScenarioFinished):
        return []
    recorder = event.recorder
    found = []
    for case_id, checks in recorder.checks.items():
        for check in checks:
            if check.failure_info is not None:
                sent = recorder.interactions.get(case_id)
                status = (
                    None if sent is None or sent.response is None else sent.response.status_code
                )
                found.append(
                    f"{recorder.label}: {check.failure_info.failure.title} (answered {status})\n"
                    f"{check.failure_info.failure.message}\n{check.failure_info.code_sample}"
                )
    return found


def test_every_operation_keeps_to_the_schema(backend):
    email, _ = backend.user()
    failures, seconds = run_schemathesis(backend, backend.token(email))
    print(f"schemathesis on {backend.name}: {seconds:.0f} s")
    assert not failures, f"{len(failures)} answer(s) out of contract:\n\n" + "\n\n".join(
        failures[:20]
    )


def test_errors_are_documented_as_problem_json(client):
    """Every error an operation lists has the problem+json body it really gets."""
    paths = client.get("/schema/openapi.json").json()["paths"]
    for path, operations in paths.items():
        for method, operation in operations.items():
            for status, response in operation["responses"].items():
                if int(status) >= 400:
                    assert list(response["content"]) == [PROBLEM_JSON], (method, path, status)


def test_operations_that_need_a_token_say_so_and_answer_401_with_www_authenticate(client):
    schema = client.get("/schema/openapi.json").json()
    scheme = schema["components"]["securitySchemes"][BEARER]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    required = [
        (method.upper(), path)
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if operation.get("security") == [{BEARER: []}]
    ]
    assert ("GET", "/api/v1/people") in required
    assert ("POST", "/api/v1/scans") in required
    for method, path in required:
        url = re.sub(r"\{[a-z_]+\}", NO_ID, path)  # any record: none is reached
        for headers in ({}, {"Authorization": "Bearer pn_not-a-real-token"}):
            response = client.request(method, url, headers=headers)
            assert_problem(response, 401)
            assert response.headers["www-authenticate"].startswith("Bearer"), (method, path)
            assert "401" in schema["paths"][path][method.lower()]["responses"]


def test_diagnostics_take_a_token_optionally(client):
    schema = client.get("/schema/openapi.json").json()
    create = schema["paths"]["/api/v1/diagnostics"]["post"]
    assert create["security"] == [{}, {BEARER: []}]
    assert set(create["responses"]) >= {"200", "201", "400", "401", "403", "404", "413", "422"}
    finish = schema["paths"]["/api/v1/diagnostics/{diagnostic_id}/finish"]["post"]
    assert set(finish["responses"]) >= {"200", "404", "409", "422"}
    assert "201" not in finish["responses"]


def test_a_scan_upload_is_documented_as_multipart_with_files_and_answers_202(client):
    upload = client.get("/schema/openapi.json").json()["paths"]["/api/v1/scans"]["post"]
    body = upload["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert body["properties"]["files"]["items"]["format"] == "binary"
    assert "202" in upload["responses"]
    assert "201" not in upload["responses"]
