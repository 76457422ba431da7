"""The OpenAPI 3.1 document at /openapi.json: valid, complete (every route and every
vehicle endpoint), and strict enough that the response checker catches drift."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from openapi_spec_validator_rs import validate
from starlette.routing import Route
from starlette.testclient import TestClient

from mockcar.app import create_app
from mockcar.settings import Settings
from mockcar.web import v2
from mockcar.web.docs.openapi import document as openapi
from mockcar.web.docs.openapi.vehicle_endpoints import RESPONSES
from tests.support.openapi_check import Checker, Exchange


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(Settings()), base_url="http://localhost") as test_client:
        yield test_client


@pytest.fixture(scope="module")
def document(client: TestClient) -> dict[str, Any]:
    response = client.get("/openapi.json")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    body: dict[str, Any] = response.json()
    return body


def test_the_document_is_valid_openapi_3_1(document: dict[str, Any]) -> None:
    assert document["openapi"] == "3.1.0"
    validate(document)
    assert document["servers"] == [{"url": "http://localhost"}]


def test_every_route_is_documented(client: TestClient, document: dict[str, Any]) -> None:
    undocumented = document["x-mockcar-undocumented"]
    assert undocumented == [], (
        "Document these in mockcar/web/docs/openapi/operations.py (or, for a vehicle "
        f"endpoint, RESPONSES in mockcar/web/docs/openapi/vehicle_endpoints.py): {undocumented}")
    paths = document["paths"]
    for route in client.app.routes:  # type: ignore[attr-defined]
        assert isinstance(route, Route)
        if route.endpoint is v2.vehicle_endpoint:
            continue
        assert openapi.openapi_path(route.path) in paths, route.path


def test_every_vehicle_endpoint_is_an_operation(document: dict[str, Any]) -> None:
    paths = document["paths"]
    for method, sub_path in v2.VEHICLE_ENDPOINTS:
        operation = paths[v2.VEHICLE + sub_path][method.lower()]
        assert operation["responses"]["200"]["content"]["application/json"]["schema"] == {
            "$ref": f"#/components/schemas/{RESPONSES[(method, sub_path)]}"}
    assert set(RESPONSES) == set(v2.VEHICLE_ENDPOINTS), "rows for endpoints no longer served"


def test_every_operation_is_tagged(document: dict[str, Any]) -> None:
    """Swagger UI at /docs groups by tag; an untagged operation lands in "default"."""
    untagged = [f"{method} {path}" for path, item in document["paths"].items()
                for method, operation in item.items()
                if isinstance(operation, dict) and not operation.get("tags")]
    assert untagged == []


def test_markdown_descriptions_keep_their_placeholders(document: dict[str, Any]) -> None:
    """Descriptions are CommonMark (Swagger UI renders them): a bare <placeholder> reads
    as an HTML tag and disappears, so one is written as code."""
    found = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "description" and isinstance(value, str):
                    if re.search(r"<[A-Za-z][^>]*>", re.sub(r"`[^`]*`", "", value)):
                        found.append(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(document)
    assert found == []


def test_operation_ids_are_unique(document: dict[str, Any]) -> None:
    ids = [op["operationId"] for item in document["paths"].values() for op in item.values()]
    assert len(ids) == len(set(ids))


def test_vehicle_operations_carry_permission_headers_and_security(
    document: dict[str, Any]
) -> None:
    odometer = document["paths"]["/v{version}/vehicles/{vehicle_id}/odometer"]["get"]
    assert odometer["x-smartcar-permission"] == "read_odometer"
    assert set(odometer["responses"]["200"]["headers"]) == {
        "sc-request-id", "sc-data-age", "sc-fetched-at", "sc-unit-system"}
    assert odometer["security"] == [{"accessToken": []}]
    vin = document["paths"]["/v{version}/vehicles/{vehicle_id}/vin"]["get"]
    assert set(vin["responses"]["200"]["headers"]) == {"sc-request-id"}
    unsubscribe = document["paths"][
        "/v{version}/vehicles/{vehicle_id}/webhooks/{webhook_id}"]["delete"]
    assert unsubscribe["security"] == [{"managementToken": []}]
    connections = document["paths"]["/v{version}/management/connections"]["get"]
    assert connections["security"] == [{"managementBasic": []}]
    assert set(document["components"]["securitySchemes"]) >= {
        "accessToken", "managementToken", "clientBasic", "managementBasic"}


def test_connect_and_token_are_documented(document: dict[str, Any]) -> None:
    authorize = document["paths"]["/oauth/authorize"]["get"]
    assert "text/html" in authorize["responses"]["200"]["content"]
    token = document["paths"]["/oauth/token"]["post"]
    assert "application/x-www-form-urlencoded" in token["requestBody"]["content"]
    assert token["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Token"}


# -- the checker the session-wide recorder uses catches what it should ---------------


def exchange(path: str, status: int, body: Any, method: str = "GET",
             **headers: str) -> Exchange:
    return Exchange(method, path, status,
                    {"content-type": "application/json", "sc-request-id": "x", **headers},
                    json.dumps(body).encode())


@pytest.fixture(scope="module")
def checker(document: dict[str, Any]) -> Checker:
    return Checker(document)


DATA = {"sc-data-age": "2026-01-01T00:00:00.000Z", "sc-fetched-at": "2026-01-01T00:00:00.000Z",
        "sc-unit-system": "metric"}
ODOMETER = "/v2.0/vehicles/abc/odometer"


def test_checker_accepts_a_conforming_response(checker: Checker) -> None:
    assert checker.problem(exchange(ODOMETER, 200, {"distance": 1.5}, **DATA)) is None
    assert checker.problem(exchange(ODOMETER + "/", 200, {"distance": 1.5}, **DATA)) is None


def test_checker_catches_a_wrong_body(checker: Checker) -> None:
    problem = checker.problem(exchange(ODOMETER, 200, {"distance": "far"}, **DATA))
    assert problem is not None and "distance" in problem
    stray = checker.problem(exchange(ODOMETER, 200, {"distance": 1, "miles": 2}, **DATA))
    assert stray is not None and "miles" in stray


def test_checker_catches_headers_status_and_media(checker: Checker) -> None:
    no_units = {k: v for k, v in DATA.items() if k != "sc-unit-system"}
    assert "sc-unit-system" in str(checker.problem(exchange(ODOMETER, 200, {"distance": 1},
                                                            **no_units)))
    sloppy = {**DATA, "sc-data-age": "2026-01-01T00:00:00Z"}
    assert "sc-data-age" in str(checker.problem(exchange(ODOMETER, 200, {"distance": 1},
                                                         **sloppy)))
    assert "not documented" in str(checker.problem(exchange("/openapi.json", 404, {})))
    html = Exchange("GET", ODOMETER, 200,
                    {"content-type": "text/html", "sc-request-id": "x", **DATA}, None)
    assert "content-type" in str(checker.problem(html))


def test_checker_on_paths_and_methods_nobody_documents(checker: Checker) -> None:
    error = {"type": "RESOURCE_NOT_FOUND", "code": "PATH", "description": "d", "docURL": "u",
             "statusCode": 404, "requestId": "r", "resolution": {"type": None}, "detail": None}
    assert checker.problem(exchange("/nowhere", 404, error)) is None
    assert "no documented path" in str(checker.problem(exchange("/nowhere", 200, {})))
    assert checker.problem(exchange(ODOMETER, 405, {**error, "statusCode": 405},
                                    method="PATCH")) is None
    assert "schema" in str(checker.problem(exchange("/nowhere", 404, {"oops": 1})))
