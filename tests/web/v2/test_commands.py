"""Commands act on the vehicle's state, and a read afterwards shows their effect."""

from __future__ import annotations

from starlette.testclient import TestClient

from mockcar.domain.vehicle import Powertrain
from mockcar.domain.world import World
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
    assert "backLeft" in response.json()["description"]
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
        assert "LOCK, UNLOCK" in response.json()["description"]
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
