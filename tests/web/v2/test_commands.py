"""Commands act on the vehicle's state, and a read afterwards shows their effect."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from starlette.testclient import TestClient

from mockcar.domain.vehicles.vehicle import Powertrain, Vehicle
from mockcar.domain.world.world import World
from tests.web.v2.conftest import Grant, vehicle_with

SUCCESS = {"status": "success", "message": "Successfully sent request to vehicle"}


def test_unlock_then_lock_is_read_back(client: TestClient, world: World, grant: Grant) -> None:
    vehicle = next(v for v in world.vehicles.values() if not v.doors_open)
    headers = grant(vehicle)
    security = f"/v2.0/vehicles/{vehicle.id}/security"
    unlocked = client.post(security, json={"action": "UNLOCK"}, headers=headers)
    assert unlocked.status_code == 200
    assert unlocked.json() == SUCCESS
    assert "sc-data-age" not in unlocked.headers
    assert client.get(security, headers=headers).json()["isLocked"] is False
    assert client.post(security, json={"action": "LOCK"}, headers=headers).json() == SUCCESS
    assert client.get(security, headers=headers).json()["isLocked"] is True


def test_lock_refuses_while_a_door_is_open(client: TestClient, world: World, grant: Grant) -> None:
    vehicle = vehicle_with(world, Powertrain.ICE)
    vehicle.doors_open = frozenset({"backLeft"})
    vehicle.state.locked = False
    response = client.post(
        f"/v2.0/vehicles/{vehicle.id}/security", json={"action": "LOCK"}, headers=grant(vehicle)
    )
    assert response.status_code == 409
    assert (response.json()["type"], response.json()["code"]) == ("VEHICLE_STATE", "DOOR_OPEN")
    assert "backLeft" in response.headers["mockcar-hint"]
    assert vehicle.state.locked is False


def test_command_body_must_name_a_known_action(
    client: TestClient, world: World, grant: Grant
) -> None:
    vehicle = vehicle_with(world, Powertrain.ICE)
    path = f"/v2.0/vehicles/{vehicle.id}/security"
    for body in ({"action": "OPEN"}, {}, None):
        response = client.post(path, json=body, headers=grant(vehicle))
        assert response.status_code == 400
        assert response.json()["type"] == "VALIDATION"
        assert "LOCK, UNLOCK" in response.headers["mockcar-hint"]
    garbage = client.post(path, content=b"{not json", headers=grant(vehicle))
    assert garbage.status_code == 400


def test_start_charge_needs_the_plug(client: TestClient, world: World, grant: Grant) -> None:
    vehicle = vehicle_with(world, Powertrain.BEV)
    vehicle.state.plugged_in = False
    vehicle.state.charging = False
    path = f"/v2.0/vehicles/{vehicle.id}/charge"
    refused = client.post(path, json={"action": "START"}, headers=grant(vehicle))
    assert refused.status_code == 409
    assert refused.json()["code"] == "CHARGING_PLUG_NOT_CONNECTED"

    vehicle.state.plugged_in = True
    vehicle.state.battery_level = 0.3
    vehicle.state.charge_limit = 0.8
    assert client.post(path, json={"action": "START"}, headers=grant(vehicle)).json() == SUCCESS
    assert client.get(path, headers=grant(vehicle)).json() == {
        "isPluggedIn": True, "state": "CHARGING",
    }
    client.post(path, json={"action": "STOP"}, headers=grant(vehicle))
    assert client.get(path, headers=grant(vehicle)).json()["state"] == "NOT_CHARGING"


def charging_ready(world: World) -> Vehicle:
    vehicle = vehicle_with(world, Powertrain.BEV)
    vehicle.state.plugged_in, vehicle.state.charging = True, False
    vehicle.state.battery_level, vehicle.state.charge_limit = 0.3, 0.8
    vehicle.state.moving = False
    return vehicle


def error_of(response: Any) -> tuple[int, str, str | None]:
    body = response.json()
    return response.status_code, body["type"], body["code"]


def test_start_charge_while_charging_or_full(client: TestClient, world: World, grant: Grant) -> None:
    vehicle = charging_ready(world)
    path = f"/v2.0/vehicles/{vehicle.id}/charge"
    assert client.post(path, json={"action": "START"}, headers=grant(vehicle)).json() == SUCCESS
    again = client.post(path, json={"action": "START"}, headers=grant(vehicle))
    assert error_of(again) == (409, "VEHICLE_STATE", "CHARGING_IN_PROGRESS")
    vehicle.state.charging, vehicle.state.battery_level = False, 0.8
    full = client.post(path, json={"action": "START"}, headers=grant(vehicle))
    assert error_of(full) == (409, "VEHICLE_STATE", "FULLY_CHARGED")
    assert "80%" in full.headers["mockcar-hint"]


@pytest.mark.parametrize(
    ("path", "body"),
    [("/charge", {"action": "START"}), ("/charge", {"action": "STOP"}),
     ("/security", {"action": "UNLOCK"})],
)
def test_a_moving_vehicle_refuses_in_motion(
    client: TestClient, world: World, grant: Grant, path: str, body: dict[str, str]
) -> None:
    vehicle = charging_ready(world)
    vehicle.state.moving, vehicle.state.speed_kmh = True, 88.0
    vehicle.state.locked = True
    response = client.post(f"/v2.0/vehicles/{vehicle.id}{path}", json=body,
                           headers=grant(vehicle))
    assert error_of(response) == (409, "VEHICLE_STATE", "IN_MOTION")
    assert "88 km/h" in response.headers["mockcar-hint"]
    assert vehicle.state.charging is False and vehicle.state.locked is True


def test_a_moving_vehicle_still_locks(client: TestClient, world: World, grant: Grant) -> None:
    vehicle = vehicle_with(world, Powertrain.ICE)
    vehicle.doors_open, vehicle.state.moving, vehicle.state.locked = frozenset(), True, False
    response = client.post(f"/v2.0/vehicles/{vehicle.id}/security", json={"action": "LOCK"},
                           headers=grant(vehicle))
    assert response.json() == SUCCESS and vehicle.state.locked is True


@pytest.mark.parametrize(
    ("powertrain", "opened", "code"),
    [(Powertrain.ICE, "rear", "TRUNK_OPEN"), (Powertrain.ICE, "front", "HOOD_OPEN"),
     (Powertrain.BEV, "front", "TRUNK_OPEN")],
)
def test_lock_refuses_with_the_trunk_or_hood_open(
    client: TestClient, world: World, grant: Grant, powertrain: Powertrain, opened: str,
    code: str,
) -> None:
    vehicle = vehicle_with(world, powertrain)
    vehicle.doors_open, vehicle.storage_open = frozenset(), frozenset({opened})
    vehicle.state.locked = False
    path = f"/v2.0/vehicles/{vehicle.id}/security"
    response = client.post(path, json={"action": "LOCK"}, headers=grant(vehicle))
    assert error_of(response) == (409, "VEHICLE_STATE", code)
    storage = client.get(path, headers=grant(vehicle)).json()["storage"]
    assert {"type": opened, "status": "OPEN"} in storage


def test_tesla_commands_need_the_virtual_key(client: TestClient, world: World, grant: Grant) -> None:
    tesla = next(v for v in world.vehicles.values() if v.make == "TESLA")
    tesla.state.virtual_key_paired = False
    tesla.state.moving = False
    response = client.post(f"/v2.0/vehicles/{tesla.id}/security", json={"action": "UNLOCK"},
                           headers=grant(tesla))
    assert error_of(response) == (400, "CONNECTED_SERVICES_ACCOUNT", "VIRTUAL_KEY_REQUIRED")
    assert response.json()["resolution"] == {
        "type": "ACTION_REQUIRED", "url": "https://www.tesla.com/_ak/smartcar.com"}
    reads = client.get(f"/v2.0/vehicles/{tesla.id}/security", headers=grant(tesla))
    assert reads.status_code == 200, "reads need no virtual key"
    tesla.state.virtual_key_paired = True
    assert client.post(f"/v2.0/vehicles/{tesla.id}/security", json={"action": "UNLOCK"},
                       headers=grant(tesla)).json() == SUCCESS


def test_stop_when_not_charging_succeeds(client: TestClient, world: World, grant: Grant) -> None:
    vehicle = charging_ready(world)
    response = client.post(f"/v2.0/vehicles/{vehicle.id}/charge", json={"action": "STOP"},
                           headers=grant(vehicle))
    assert response.json() == SUCCESS


def test_commands_move_the_data_age(client: TestClient, world: World, grant: Grant) -> None:
    vehicle = charging_ready(world)
    world.clock.advance(timedelta(minutes=5))
    client.post(f"/v2.0/vehicles/{vehicle.id}/charge", json={"action": "START"},
                headers=grant(vehicle))
    read = client.get(f"/v2.0/vehicles/{vehicle.id}/charge", headers=grant(vehicle))
    assert read.headers["sc-data-age"] == read.headers["sc-fetched-at"] == \
        "2026-11-23T09:35:00.000Z"
