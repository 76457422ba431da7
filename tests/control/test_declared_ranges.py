"""The control API's OpenAPI document declares the ranges its handlers enforce: for
every numeric field of a request body with a declared bound, the bound is accepted and
a value just past it refused, so a schema-valid request is never refused for its number
and an invalid one never passes."""

from __future__ import annotations

import math
from typing import Any

from starlette.testclient import TestClient

from tests.control.helpers import Register

# The fields each operation needs besides the one under test.
BASE: dict[str, dict[str, Any]] = {"/faults": {"type": "AUTHENTICATION"}}


def _bounds(schema: dict[str, Any]) -> list[tuple[Any, bool]]:
    """(value, accepted) pairs at and just past the schema's declared bounds."""
    integer = schema.get("type") == "integer"
    step = 1 if integer else None
    cases: list[tuple[Any, bool]] = []
    if "minimum" in schema:
        low = schema["minimum"]
        cases += [(low, True), (low - step if step else math.nextafter(low, -math.inf), False)]
    if "exclusiveMinimum" in schema:
        low = schema["exclusiveMinimum"]
        cases += [(low, False), (low + step if step else math.nextafter(low, math.inf), True)]
    if "maximum" in schema:
        high = schema["maximum"]
        cases += [(high, True), (high + step if step else math.nextafter(high, math.inf), False)]
    return cases


def test_every_declared_bound_is_the_handlers(client: TestClient, register: Register) -> None:
    app = register()
    client.post(app.path("/clock/freeze"), headers=app.auth, json={"at": "2030-01-01T00:00Z"})
    document = client.get("/openapi.json").json()
    checked = 0
    for path, item in document["paths"].items():
        if not path.startswith("/_mockcar/applications/{client_id}/"):
            continue
        operation = item.get("post")
        if operation is None or "requestBody" not in operation:
            continue
        schema = operation["requestBody"]["content"]["application/json"]["schema"]
        sub = path.removeprefix("/_mockcar/applications/{client_id}")
        for name, field in schema.get("properties", {}).items():
            for value, accepted in _bounds(field):
                body = {**BASE.get(sub, {}), name: value}
                client.post(app.path("/clock/set"), headers=app.auth,
                            json={"at": "2030-01-01T00:00Z"})
                answer = client.post(app.path(sub), headers=app.auth, json=body)
                assert (answer.status_code < 400) is accepted, (sub, body, answer.text)
                checked += 1
    assert checked >= 20, checked


def test_a_body_is_required_exactly_where_a_field_is(
    client: TestClient, register: Register
) -> None:
    """An operation whose body the document calls optional takes an empty POST without
    asking for a field; one whose body it requires refuses the empty POST for it."""
    app = register()
    document = client.get("/openapi.json").json()
    required = optional = 0
    for path, item in document["paths"].items():
        operation = item.get("post")
        if not path.startswith("/_mockcar/applications/{client_id}/") or operation is None:
            continue
        if path.endswith(("/delete", "/reset", "/webhooks")) or "{" in path.split("}", 1)[1]:
            continue  # ends the application, or needs an id of something made first
        answer = client.post(app.path(path.removeprefix("/_mockcar/applications/{client_id}")),
                             headers=app.auth)
        asked = [p for p in answer.json().get("problems", []) if p.endswith(": required")]
        if operation["requestBody"]["required"]:
            required += 1
            assert answer.status_code == 400 and asked, (path, answer.text)
        else:
            optional += 1
            assert not asked, (path, answer.text)
    assert required >= 3 and optional >= 5, (required, optional)
