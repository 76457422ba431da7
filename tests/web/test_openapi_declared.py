"""The OpenAPI document declares the bounds the Smartcar-shaped handlers enforce: a value
at a declared bound is accepted, one just past it refused (API v2 paging, API v3 charge
limit and destination, Management API v3 page size)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import jsonschema
import pytest
from starlette.testclient import TestClient

from mockcar.app import create_app
from mockcar.settings import Settings


@pytest.fixture
def client() -> Iterator[TestClient]:
    with TestClient(create_app(Settings()), base_url="http://127.0.0.1") as test_client:
        yield test_client


@pytest.fixture
def tokens(client: TestClient) -> dict[str, str]:
    app = client.post("/_mockcar/applications", json={}).json()
    amt = {"Authorization": f"Bearer {app['management_token']}"}
    connected = client.post(f"/_mockcar/applications/{app['client_id']}/connect", headers=amt,
                            json={"email": "alice@example.com", "exchange": True}).json()
    token = client.post("/oauth2/token", data={
        "grant_type": "client_credentials", "client_id": app["client_id"],
        "client_secret": app["client_secret"]}).json()["access_token"]
    return {"access": connected["access_token"], "application": token,
            "management": app["management_token"], "user": connected["user_id"],
            "vehicle": connected["vehicles"][0]}


def _declared(document: dict[str, Any], path: str, method: str, name: str) -> dict[str, Any]:
    operation = document["paths"][path][method]
    for parameter in operation.get("parameters", []):
        if parameter["name"] == name:
            found: dict[str, Any] = parameter["schema"]
            return found
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    attribute: dict[str, Any] = schema["properties"]["data"]["properties"]["attributes"][
        "properties"][name]
    return attribute


def test_query_bounds(client: TestClient, tokens: dict[str, str]) -> None:
    document = client.get("/openapi.json").json()
    cases: list[tuple[str, str, str, str, dict[str, str]]] = [
        ("/v{version}/vehicles", "/v2.0/vehicles", "offset", f"Bearer {tokens['access']}", {}),
        ("/v{version}/vehicles/{vehicle_id}/permissions",
         f"/v2.0/vehicles/{tokens['vehicle']}/permissions", "offset",
         f"Bearer {tokens['access']}", {}),
        ("/v3/subscriptions", "/v3/subscriptions", "page[size]",
         f"Bearer {tokens['management']}", {}),
    ]
    for documented, url, name, authorization, extra in cases:
        schema = _declared(document, documented, "get", name)
        headers = {"Authorization": authorization, **extra}
        top = schema["maximum"]
        assert client.get(url, params={name: top}, headers=headers).status_code == 200
        assert client.get(url, params={name: top + 1}, headers=headers).status_code == 400
        low = schema["minimum"]
        assert client.get(url, params={name: low}, headers=headers).status_code == 200
        assert client.get(url, params={name: low - 1}, headers=headers).status_code == 400


def test_v3_command_bounds(client: TestClient, tokens: dict[str, str]) -> None:
    document = client.get("/openapi.json").json()
    headers = {"Authorization": f"Bearer {tokens['application']}", "sc-user-id": tokens["user"]}
    base = "/v3/vehicles/{vehicle_id}/commands"
    commands = {"/charge/set-limit": ("percent", {}),
                "/navigation/set-destination": ("latitude", {"longitude": 0}),
                "/navigation/set-destination#": ("longitude", {"latitude": 0})}
    for command, (name, other) in commands.items():
        path = command.rstrip("#")
        schema = _declared(document, base + path, "post", name)
        url = base.replace("{vehicle_id}", tokens["vehicle"]) + path
        for value, accepted in ((schema["minimum"], True), (schema["maximum"], True),
                                (schema["minimum"] - 0.5, False),
                                (schema["maximum"] + 0.5, False)):
            body = {"data": {"attributes": {name: value, **other}}}
            answer = client.post(url, json=body, headers=headers)
            assert (answer.status_code < 400) is accepted, (path, body, answer.text)


def test_the_token_endpoint_declares_each_grants_field(client: TestClient) -> None:
    """Each grant type's body names the field it cannot do without, as the endpoint
    refuses its absence (RFC 6749 sections 4.1.3 and 6)."""
    operation = client.get("/openapi.json").json()["paths"]["/oauth/token"]["post"]
    schema = operation["requestBody"]["content"]["application/x-www-form-urlencoded"]["schema"]
    app = client.post("/_mockcar/applications", json={}).json()
    auth = (app["client_id"], app["client_secret"])
    for grant, field in (("authorization_code", "code"), ("refresh_token", "refresh_token")):
        bare = {"grant_type": grant}
        assert not jsonschema.Draft202012Validator(schema).is_valid(bare)
        answer = client.post("/oauth/token", data=bare, auth=auth)
        assert answer.status_code == 400 and field in answer.json()["error_description"]
        assert jsonschema.Draft202012Validator(schema).is_valid({**bare, field: "x"})


def test_the_subscription_mode_filter_is_an_enum(
    client: TestClient, tokens: dict[str, str]
) -> None:
    document = client.get("/openapi.json").json()
    schema = _declared(document, "/v3/subscriptions", "get", "filter[vehicle.mode]")
    headers = {"Authorization": f"Bearer {tokens['management']}"}
    for mode in schema["enum"]:
        answer = client.get("/v3/subscriptions", params={"filter[vehicle.mode]": mode},
                            headers=headers)
        assert answer.status_code == 200, answer.text
    refused = client.get("/v3/subscriptions", params={"filter[vehicle.mode]": "test"},
                         headers=headers)
    assert refused.status_code == 400


def _body_schema(document: dict[str, Any], path: str) -> dict[str, Any]:
    schema: dict[str, Any] = document["paths"][path]["post"]["requestBody"]["content"][
        "application/json"]["schema"]
    return schema


def test_v2_bodies_and_queries_say_what_is_needed(
    client: TestClient, tokens: dict[str, str]
) -> None:
    """Each pair: a request the document calls invalid is refused, its valid twin is
    accepted (a Tesla's cabin, the charge limit as Node sends it, the charge records'
    dates, the Compatibility API's scope)."""
    document = client.get("/openapi.json").json()
    owner = {"Authorization": f"Bearer {tokens['access']}"}
    vehicle = f"/v2.0/vehicles/{tokens['vehicle']}"
    checker = jsonschema.FormatChecker()
    # jsonschema checks date-time only with an optional package; ISO 8601 as Python reads it.
    checker.checks("date-time", raises=ValueError)(
        lambda value: not isinstance(value, str) or bool(datetime.fromisoformat(value)))
    bodies = [
        ("/tesla/climate/cabin", {"action": "SET"}, {"action": "SET", "temperature": 21}),
        ("/tesla/climate/cabin", {"action": "SET", "temperature": "warm"}, {"action": "STOP"}),
        ("/charge/limit", {"limit": ""}, {"limit": "0.8"}),
    ]
    for sub, refused, accepted in bodies:
        validator = jsonschema.Draft202012Validator(
            _body_schema(document, "/v{version}/vehicles/{vehicle_id}" + sub),
            format_checker=checker)
        assert not validator.is_valid(refused) and validator.is_valid(accepted), sub
        assert client.post(vehicle + sub, json=refused, headers=owner).status_code == 400
        answer = client.post(vehicle + sub, json=accepted, headers=owner)
        assert answer.status_code == 200, (sub, answer.text)
    records = _declared(document, "/v{version}/vehicles/{vehicle_id}/tesla/charge/records",
                        "get", "startDate")
    dates = jsonschema.Draft202012Validator(records, format_checker=checker)
    for value, valid in (("2026-01-31", True), ("2026-01-31T12:00:00Z", True),
                         ("last tuesday", False)):
        assert dates.is_valid(value) is valid
        answer = client.get(vehicle + "/tesla/charge/records", params={"startDate": value},
                            headers=owner)
        assert (answer.status_code == 200) is valid, (value, answer.text)
    app = client.post("/_mockcar/applications", json={}).json()
    auth = (app["client_id"], app["client_secret"])
    scope = _declared(document, "/v{version}/compatibility", "get", "scope")
    assert scope["minLength"] == 1
    for value, status in (("", 400), ("read_odometer", 200)):
        answer = client.get("/v2.0/compatibility", auth=auth,
                            params={"vin": "5YJ3E1EA7KF317000", "scope": value})
        assert answer.status_code == status, (value, answer.text)
