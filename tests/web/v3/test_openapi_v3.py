"""API v3 in /openapi.json: every route documented, each signal code's body schema
present, and the schemas strict enough to catch a wrong body."""

from __future__ import annotations

import json

from starlette.testclient import TestClient

from mockcar.domain.signals import reading as catalogue
from mockcar.web.v3.openapi import BODIES
from tests.support.openapi_check import Checker, Exchange


def test_every_signal_code_has_a_documented_body() -> None:
    assert sorted(BODIES) == sorted(catalogue.codes())


def test_the_v3_paths_are_documented(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    assert document["x-mockcar-undocumented"] == []
    paths = document["paths"]
    for path, method in [
        ("/oauth2/token", "post"), ("/v3/vehicles/{vehicle_id}", "get"),
        ("/v3/vehicles/{vehicle_id}/", "get"), ("/v3/vehicles/{vehicle_id}/signals", "get"),
        ("/v3/vehicles/{vehicle_id}/signals/{code}", "get"),
        ("/v3/vehicles/{vehicle_id}/commands/charge/set-limit", "post"),
        ("/v3/connections", "get"), ("/v3/connections/{connection_id}", "delete"),
        ("/v3/users/{user_id}", "delete"), ("/oauth/reauthenticate", "get"),
    ]:
        assert method in paths[path], (method, path)
    assert "applicationToken" in document["components"]["securitySchemes"]


def _signal(code: str, body: object) -> bytes:
    return json.dumps({
        "id": code, "type": "signal",
        "attributes": {"code": code, "name": "TraveledDistance", "group": "Odometer",
                       "status": {"value": "SUCCESS"}, "body": body},
        "meta": {"retrievedAt": 1, "oemUpdatedAt": 1},
        "links": {"self": "/vehicles/v/signals/" + code, "vehicle": "/vehicles/v"},
    }).encode()


def test_a_wrong_signal_body_fails_the_check(client: TestClient) -> None:
    checker = Checker(client.get("/openapi.json").json())
    path = "/v3/vehicles/v/signals/odometer-traveleddistance"
    headers = {"content-type": "application/json", "sc-request-id": "x"}
    good = Exchange("GET", path, 200, headers,
                    _signal("odometer-traveleddistance", {"unit": "kilometers", "value": 1.5}))
    assert checker.problem(good) is None
    miles = Exchange("GET", path, 200, headers,
                     _signal("odometer-traveleddistance", {"unit": "miles", "value": 1.5}))
    assert checker.problem(miles) is not None
    v2_shaped = Exchange("GET", path, 404, headers, json.dumps(
        {"type": "RESOURCE_NOT_FOUND", "code": "PATH"}).encode())
    assert checker.problem(v2_shaped) is not None
