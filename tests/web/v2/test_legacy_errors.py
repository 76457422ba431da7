"""Clients pinned to `/v1.0/` get the legacy v1.0 error shape; data
answers are the same as v2.0's."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from mockcar.domain.vehicles.vehicle import Powertrain
from mockcar.domain.world.world import World
from mockcar.errors import CATALOG
from mockcar.web.legacy import V1_TYPES
from tests.web.v2.conftest import Grant, login_as, vehicle_with

V2_TYPES = {v1: v2 for v2, v1 in V1_TYPES.items()} | {"smartcar_not_capable_error": "COMPATIBILITY"}


def assert_v1(response: Any, status: int, error: str, code: str | None) -> dict[str, Any]:
    assert response.status_code == status
    body = response.json()
    assert set(body) == {"error", "message", "code", "statusCode", "requestId"}
    assert (body["error"], body["code"], body["statusCode"]) == (error, code, status)
    assert body["requestId"] == response.headers["sc-request-id"]
    # The message is Smartcar's description of the v2 error, exactly.
    assert body["message"] == CATALOG[(V2_TYPES[error], code)].description
    return dict(body)


@pytest.mark.parametrize("version", ["1.0", "1.2"])
def test_v1_errors_use_the_legacy_shape(
    client: TestClient, world: World, grant: Grant, version: str
) -> None:
    bev = vehicle_with(world, Powertrain.BEV)
    base = f"/v{version}/vehicles/{bev.id}"
    assert_v1(client.get(base + "/odometer"), 401, "authentication_error", None)
    assert_v1(client.get(base + "/location", headers=grant(bev, ("read_vin",))), 403,
              "permission_error", None)
    assert_v1(client.get(base + "/fuel", headers=grant(bev)), 501,
              "vehicle_not_capable_error", "VEHICLE_NOT_CAPABLE")
    assert_v1(client.get(base + "/diagnostics/dtcs", headers=grant(bev)), 501,
              "smartcar_not_capable_error", "SMARTCAR_NOT_CAPABLE")
    assert_v1(client.get(base + "/warp-drive", headers=grant(bev)), 404, "not_found_error",
              "PATH")
    assert_v1(client.delete(base + "/odometer", headers=grant(bev)), 405, "validation_error",
              None)
    assert client.get(base + "/vin", headers=grant(bev)).json() == {"vin": bev.vin}


def test_v1_vehicle_state_errors(client: TestClient, world: World) -> None:
    vehicle, headers = login_as(world, "VEHICLE_STATE.ASLEEP@smartcar.com")
    body = assert_v1(client.get(f"/v1.0/vehicles/{vehicle.id}/odometer", headers=headers), 409,
                     "vehicle_state_error", "ASLEEP")
    assert "sleep state" in str(body["message"])


def test_v2_and_other_versions_keep_the_v2_envelope(
    client: TestClient, world: World, grant: Grant
) -> None:
    bev = vehicle_with(world, Powertrain.BEV)
    for version in ("2.0", "10.0", "11.0"):
        body = client.get(f"/v{version}/vehicles/{bev.id}/fuel", headers=grant(bev)).json()
        assert body["type"] == "COMPATIBILITY" and "error" not in body
