"""Errors reach clients in the v2 envelope with every field, never as a traceback."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from starlette.testclient import TestClient

from mockcar.domain.vehicles.vehicle import Powertrain
from mockcar.domain.world.world import World
from mockcar.errors import CATALOG
from tests.web.v2.conftest import Grant, vehicle_with

ENVELOPE = {"type", "code", "description", "docURL", "statusCode", "requestId", "resolution",
            "detail"}


def assert_envelope(
    response: Any, status: int, error_type: str, code: str | None
) -> dict[str, Any]:
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert ENVELOPE <= set(body)
    assert (body["type"], body["code"], body["statusCode"]) == (error_type, code, status)
    # Smartcar's text exactly: SDKs build their messages from it, apps compare it.
    assert body["description"] == CATALOG[(error_type, code)].description
    assert body["requestId"] == response.headers["sc-request-id"]
    assert body["docURL"].startswith("https://smartcar.com/docs/errors/api-errors/")
    assert isinstance(body["resolution"], dict) and "type" in body["resolution"]
    return dict(body)


@pytest.mark.parametrize(
    "authorization", [None, "Bearer", "Bearer not-a-token", "Basic abc", "bearer  "]
)
def test_missing_or_unknown_token_is_401_authentication(
    client: TestClient, world: World, authorization: str | None
) -> None:
    vehicle = vehicle_with(world, Powertrain.BEV)
    headers = {"Authorization": authorization} if authorization else {}
    response = client.get(f"/v2.0/vehicles/{vehicle.id}/odometer", headers=headers)
    body = assert_envelope(response, 401, "AUTHENTICATION", None)
    assert body["docURL"].endswith("authentication-errors#null")


def test_expired_access_token_is_401(client: TestClient, world: World, grant: Grant) -> None:
    vehicle = vehicle_with(world, Powertrain.BEV)
    headers = grant(vehicle)
    path = f"/v2.0/vehicles/{vehicle.id}/odometer"
    world.clock.advance(timedelta(hours=2) - timedelta(seconds=1))
    assert client.get(path, headers=headers).status_code == 200
    world.clock.advance(timedelta(seconds=1))
    assert_envelope(client.get(path, headers=headers), 401, "AUTHENTICATION", None)


def test_missing_permission_names_the_scope(client: TestClient, world: World, grant: Grant) -> None:
    vehicle = vehicle_with(world, Powertrain.BEV)
    response = client.get(
        f"/v2.0/vehicles/{vehicle.id}/location", headers=grant(vehicle, ("read_odometer",))
    )
    body = assert_envelope(response, 403, "PERMISSION", None)
    assert "read_location" in response.headers["mockcar-hint"]
    assert body["resolution"] == {"type": "REAUTHENTICATE"}


def test_lock_needs_control_security(client: TestClient, world: World, grant: Grant) -> None:
    vehicle = vehicle_with(world, Powertrain.BEV)
    response = client.post(
        f"/v2.0/vehicles/{vehicle.id}/security", json={"action": "LOCK"},
        headers=grant(vehicle, ("read_security",)),
    )
    assert_envelope(response, 403, "PERMISSION", None)
    assert "control_security" in response.headers["mockcar-hint"]


def test_a_vehicle_the_token_does_not_cover(client: TestClient, world: World, grant: Grant) -> None:
    mine = vehicle_with(world, Powertrain.BEV)
    other = vehicle_with(world, Powertrain.ICE)
    response = client.get(f"/v2.0/vehicles/{other.id}/odometer", headers=grant(mine))
    assert_envelope(response, 400, "VALIDATION", "PARAMETER")
    hint = response.headers["mockcar-hint"]
    assert other.id in hint and mine.id in hint


def test_non_numeric_version_and_unknown_paths_are_404(
    client: TestClient, world: World, grant: Grant
) -> None:
    vehicle = vehicle_with(world, Powertrain.BEV)
    headers = grant(vehicle)
    version = client.get(f"/vlatest/vehicles/{vehicle.id}/odometer", headers=headers)
    assert_envelope(version, 404, "RESOURCE_NOT_FOUND", "VERSION")
    unknown = client.get(f"/v2.0/vehicles/{vehicle.id}/warp-drive", headers=headers)
    assert_envelope(unknown, 404, "RESOURCE_NOT_FOUND", "PATH")


def test_wrong_method_is_405_json(client: TestClient, world: World, grant: Grant) -> None:
    vehicle = vehicle_with(world, Powertrain.BEV)
    response = client.delete(f"/v2.0/vehicles/{vehicle.id}/odometer", headers=grant(vehicle))
    assert response.status_code == 405
    assert response.headers["content-type"] == "application/json"
    assert response.headers["allow"] == "GET"
    body = response.json()
    assert body["requestId"] == response.headers["sc-request-id"]
    assert body["statusCode"] == 405
    assert body["description"] == CATALOG[("VALIDATION", None)].description
    assert "use GET" in response.headers["mockcar-hint"]
    on_user = client.post("/v2.0/user", headers=grant(vehicle))
    assert on_user.status_code == 405 and on_user.json()["statusCode"] == 405
