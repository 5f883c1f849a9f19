"""Input nobody types by hand: JSON nested a thousand levels deep, paging numbers past any
database integer. Each is a 400 a caller can read (problem+json on the API, the French error
page elsewhere), never a 500, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from litestar.routes import HTTPRoute
from litestar.typing import FieldDefinition
from sqlalchemy import delete

from app.asgi import create_app
from app.db.models import Role, Throttle
from app.features.people.pages import PAGE_MAX
from app.features.people.service import OFFSET_MAX
from referentiel import load_referential
from tests.app.conftest import login
from tests.app.test_people_api import assert_problem, bearer, new_person

DEEP_JSON = b"[" * 1000 + b"]" * 1000  # about 2 KB
JSON = {"content-type": "application/json"}
WITH_FIXTURES = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def json_operations(client: Any) -> list[tuple[str, str]]:
    """(method, path) of every API operation that takes a JSON body, from the OpenAPI schema."""
    paths = client.get("/schema/openapi.json").json()["paths"]
    return [
        (method.upper(), path)
        for path, operations in paths.items()
        for method, operation in operations.items()
        if "application/json" in operation.get("requestBody", {}).get("content", {})
    ]


def form_operations(client: Any) -> list[tuple[str, str]]:
    """(method, path) of the API operations that take a multipart form as well as JSON."""
    paths = client.get("/schema/openapi.json").json()["paths"]
    return [
        (method.upper(), path)
        for path, operations in paths.items()
        for method, operation in operations.items()
        if "multipart/form-data" in operation.get("requestBody", {}).get("content", {})
    ]


@pytest.fixture(autouse=True)
def fresh_limits(backend: Any) -> None:
    """Other tests' calls do not count against the rate limits of the routes walked here."""

    async def forget(db: Any) -> None:
        await db.execute(delete(Throttle))
        await db.commit()

    backend.run(forget)


# Operations a mediator may not use: walked with a role that may (the body is read after the
# role is checked).
OTHER_ROLE = {("POST", "/api/v1/credentials/{credential_id}/revoke"): Role.TRAINER}


def caller(backend: Any, method: str, path: str) -> dict[str, str]:
    """A bearer whose role may use the operation."""
    return bearer(backend, OTHER_ROLE.get((method, path), Role.MEDIATOR))


def filled(path: str, ids: dict[str, str]) -> str:
    """A path with its ids: those given, any other a well-formed id of nothing (the body is
    read, and refused, before any record is looked up)."""
    return re.sub(r"\{([a-z_]+)\}", lambda m: ids.get(m.group(1), str(uuid.uuid4())), path)


def test_deeply_nested_json_is_a_400_on_every_json_route(backend, client):
    headers = {**bearer(backend), **JSON}
    ids = {
        "diagnostic_id": client.post("/api/v1/diagnostics/adaptive").json()["id"],
        "person_id": new_person(client, headers)["id"],
        "item_id": load_referential().items[0].id,
    }
    operations = json_operations(client)
    assert ("POST", "/api/v1/diagnostics") in operations
    assert ("PATCH", "/api/v1/people/{person_id}") in operations
    for method, path in operations:
        allowed = (
            {**headers, **caller(backend, method, path)}
            if (method, path) in OTHER_ROLE
            else headers
        )
        response = client.request(method, filled(path, ids), content=DEEP_JSON, headers=allowed)
        problem = assert_problem(response, 400)
        assert "profondément" in problem["detail"], (method, path)
    # no login needed to send one
    assert_problem(client.post("/api/v1/diagnostics", content=DEEP_JSON, headers=JSON), 400)


@pytest.fixture
def mediator(backend: Any) -> dict[str, str]:
    return bearer(backend)


@WITH_FIXTURES
@given(offset=st.integers())
@example(offset=2**63)
@example(offset=OFFSET_MAX)
@example(offset=OFFSET_MAX + 1)
@example(offset=-1)
def test_any_offset_is_a_page_or_a_400(client, mediator, offset):
    response = client.get("/api/v1/people", params={"offset": offset}, headers=mediator)
    if 0 <= offset <= OFFSET_MAX:
        assert response.status_code == 200, response.text
        assert response.json()["offset"] == offset
    else:
        (problem,) = assert_problem(response, 400)["problems"]
        assert problem == (
            "offset : au moins 0" if offset < 0 else f"offset : au plus {OFFSET_MAX}"
        )


@pytest.mark.parametrize(
    ("number", "status"),
    [(1, 200), (PAGE_MAX, 200), (0, 400), (-1, 400), (PAGE_MAX + 1, 400), (2**62, 400)],
)
def test_a_page_number_past_any_list_is_the_french_error_page(backend, client, number, status):
    email, _ = backend.user()
    login(client, email)
    response = client.get("/pro/", params={"page": number})
    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/html")
    if status == 400:
        assert "La demande contient une erreur" in response.text
        assert "au plus" in response.text or "au moins" in response.text  # in French, too
        assert "Expected" not in response.text


def _is_int(field: FieldDefinition) -> bool:
    types = field.args if field.is_optional else (field.annotation,)
    return int in types


def test_every_integer_parameter_of_every_route_is_bounded(backend):
    """An unbounded integer reaches the database, whose integers are 64 bits at most: each one
    a route reads (query, path, header or cookie; of the handler or of its dependencies) must
    declare its bounds, which also documents them."""
    app = create_app(backend.settings)
    unbounded = []
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            signatures = [
                handler.parsed_fn_signature,
                *(p.parsed_fn_signature for p in handler.resolve_dependencies().values()),
            ]
            for signature in signatures:
                for name, field in signature.parameters.items():
                    bounds = field.kwarg_definition
                    if _is_int(field) and not (
                        bounds is not None
                        and {getattr(bounds, "ge", None), getattr(bounds, "gt", None)} != {None}
                        and {getattr(bounds, "le", None), getattr(bounds, "lt", None)} != {None}
                    ):
                        unbounded.append(f"{route.path} {handler.handler_name}: {name}")
    assert not unbounded, unbounded


@pytest.mark.parametrize("key", ["", "k" * 201])
def test_an_idempotency_key_outside_1_to_200_characters_is_a_400(client, key):
    response = client.post(
        "/api/v1/diagnostics", json={"answers": {}}, headers={"Idempotency-Key": key}
    )
    assert "idempotency_key" in assert_problem(response, 400)["problems"][0]


# Words of the decoders' and the validation library's own messages: none reaches a caller.
ENGLISH = re.compile(
    r"\b(Expected|expected|Input|should|Field|field|required|Invalid|invalid|malformed|Object|"
    r"truncated|permitted|valid|got|Extra|Missing|missing|must|Validation|failed|character|"
    r"byte)\b|^data "
)
NOT_JSON = [
    (b'{"answers": ', JSON, "il s'arrête avant la fin"),
    (b'{"answers": x}', JSON, "caractère inattendu à l'octet 12"),
    (b'{"answers": {}} x', JSON, "caractères en trop"),
    (b'{"answers": {"\xff": 1}}', JSON, "UTF-8"),
    (b"answers=1", {"content-type": "application/x-www-form-urlencoded"}, "formulaire"),
    (b"--x\r\n", {"content-type": "multipart/form-data; boundary=x"}, "formulaire"),
]


def in_french(problem: dict[str, Any]) -> bool:
    return not any(ENGLISH.search(t) for t in [problem["detail"], *problem.get("problems", [])])


def test_a_body_that_is_not_json_gets_a_hint_on_every_json_route(backend, client):
    ids = {
        "diagnostic_id": client.post("/api/v1/diagnostics/adaptive").json()["id"],
        "person_id": new_person(client, bearer(backend))["id"],
        "item_id": load_referential().items[0].id,
    }
    for method, path in json_operations(client):
        for body, headers, hint in NOT_JSON:
            if hint == "formulaire" and (method, path) in form_operations(client):
                continue  # a form is one of the bodies it takes
            response = client.request(
                method,
                filled(path, ids),
                content=body,
                headers={**caller(backend, method, path), **headers},
            )
            problem = assert_problem(response, 400)
            assert problem["detail"].startswith("Le corps de la requête doit être du JSON : ")
            assert hint in problem["detail"], (method, path, problem)
            assert in_french(problem), problem


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=6,
)
FIELDS = ["answers", "context", "channel", "person_id", "evidence", "version", "goals", "x"]
EVIDENCE = st.fixed_dictionaries(
    {}, optional=dict.fromkeys(["kind", "competence", "pix_level", "passed", "y"], JSON_VALUES)
)


@WITH_FIXTURES
@given(
    body=st.dictionaries(st.sampled_from(FIELDS), JSON_VALUES)
    | st.fixed_dictionaries({"answers": st.just({"E1.1": 1}), "evidence": st.lists(EVIDENCE)})
    | JSON_VALUES
)
@example(body={"answers": {}, "version": 3})
@example(body={"answers": {"E1.1": 1}, "evidence": [{"kind": "x", "pix_level": 9, "z": 1}]})
@example(body={})
def test_every_problem_with_a_diagnostic_is_said_in_french(client, body):
    response = client.post("/api/v1/diagnostics", json=body)
    assert response.status_code < 500
    if response.status_code >= 400:
        problem = assert_problem(response, response.status_code)
        assert in_french(problem), problem


def test_an_empty_body_is_said_to_be_empty(client):
    problem = assert_problem(client.post("/api/v1/diagnostics", content=b"", headers=JSON), 400)
    assert problem["problems"] == ["corps de la requête : un objet JSON est attendu, il est vide"]
