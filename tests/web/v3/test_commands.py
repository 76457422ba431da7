"""API v3 commands: command-execution resources, the same domain rules as API v2, and
state read back through both APIs."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from mockcar.domain.vehicles.vehicle import Location, Powertrain
from mockcar.domain.world.world import World
from tests.web.v3.conftest import (
    START,
    Connect,
    as_user,
    connect_token,
    only_error,
    vehicle_with,
)

ISO = START.isoformat(timespec="milliseconds")[:23] + "Z"


def command(client: TestClient, vehicle_id: str, path: str, headers: dict[str, str],
            attributes: dict[str, Any] | None = None) -> Any:
    body = {"data": {"attributes": attributes}} if attributes is not None else None
    return client.post(f"/v3/vehicles/{vehicle_id}/commands/{path}", headers=headers,
                       json=body)


def test_lock_and_unlock_answer_command_executions_read_back_by_v2_and_v3(
    client: TestClient, world: World, connect: Connect, token: str
) -> None:
    bev = vehicle_with(world, Powertrain.BEV)
    connection = connect(bev)
    headers = as_user(token, connection.user_id)
    unlocked = command(client, bev.id, "security/unlock", headers)
    assert unlocked.status_code == 200
    data = unlocked.json()["data"]
    assert data["id"].startswith("exec_") and data["type"] == "command-execution"
    assert data["attributes"] == {"commandType": "security-unlock",
                                  "status": {"value": "SUCCESS"}, "executionMode": "sync",
                                  "parameters": {}}
    assert data["meta"] == {"executedAt": ISO, "completedAt": ISO, "durationInSeconds": 0}
    v2 = connect_token(world, connection)
    assert client.get(f"/v2.0/vehicles/{bev.id}/security", headers=v2).json()["isLocked"] is False
    locked = client.get(f"/v3/vehicles/{bev.id}/signals/closure-islocked", headers=headers)
    assert locked.json()["attributes"]["body"] == {"value": False}
    again = command(client, bev.id, "security/lock", headers)
    assert again.json()["data"]["attributes"]["commandType"] == "security-lock"
    assert client.get(f"/v2.0/vehicles/{bev.id}/security", headers=v2).json()["isLocked"] is True
    assert again.json()["data"]["id"] != data["id"]


def test_charge_start_stop_and_set_limit(
    client: TestClient, world: World, connect: Connect, token: str
) -> None:
    bev = vehicle_with(world, Powertrain.BEV)
    bev.state.plugged_in, bev.state.charging = True, False
    bev.state.battery_level, bev.state.charge_limit = 0.4, 0.8
    headers = as_user(token, connect(bev).user_id)
    started = command(client, bev.id, "charge/start", headers)
    assert started.status_code == 200 and bev.state.charging
    assert started.json()["data"]["attributes"]["commandType"] == "charge-start"
    status = client.get(f"/v3/vehicles/{bev.id}/signals/charge-detailedchargingstatus",
                        headers=headers)
    assert status.json()["attributes"]["body"] == {"value": "CHARGING"}
    again = command(client, bev.id, "charge/start", headers)
    assert again.status_code == 409
    assert only_error(again.json())["code"] == "CHARGING_IN_PROGRESS"
    assert command(client, bev.id, "charge/stop", headers).status_code == 200
    assert not bev.state.charging
    limited = command(client, bev.id, "charge/set-limit", headers, {"percent": 90})
    assert limited.status_code == 200
    assert limited.json()["data"]["attributes"]["parameters"] == {"percent": 90}
    assert limited.json()["data"]["attributes"]["commandType"] == "charge-set-limit"
    assert bev.state.charge_limit == 0.9
    limits = client.get(f"/v3/vehicles/{bev.id}/signals/charge-chargelimits", headers=headers)
    assert limits.json()["attributes"]["body"]["activeLimit"] == 90.0


@pytest.mark.parametrize("attributes", [{"percent": 40}, {"percent": "80"}, {}])
def test_set_limit_validates_its_body(
    client: TestClient, world: World, connect: Connect, token: str,
    attributes: dict[str, Any],
) -> None:
    bev = vehicle_with(world, Powertrain.BEV)
    response = command(client, bev.id, "charge/set-limit", as_user(token, connect(bev).user_id),
                       attributes)
    assert response.status_code == 400
    error = only_error(response.json())
    assert (error["type"], error["code"]) == ("VALIDATION", "PARAMETER")
    assert "data.attributes.percent" in response.headers["mockcar-hint"]


def test_set_destination(client: TestClient, world: World, connect: Connect, token: str) -> None:
    ice = vehicle_with(world, Powertrain.ICE)
    headers = as_user(token, connect(ice).user_id)
    response = command(client, ice.id, "navigation/set-destination", headers,
                       {"latitude": 37.77, "longitude": -122.42})
    assert response.status_code == 200
    assert response.json()["data"]["attributes"]["parameters"] == {
        "latitude": 37.77, "longitude": -122.42}
    assert ice.state.destination == Location(37.77, -122.42)
    broken = client.post(f"/v3/vehicles/{ice.id}/commands/navigation/set-destination",
                         headers={**headers, "content-type": "application/json"},
                         content=b"{not json")
    assert broken.status_code == 400
    assert only_error(broken.json())["type"] == "VALIDATION"


def test_a_moving_car_refuses_unlock_with_in_motion(
    client: TestClient, world: World, connect: Connect, token: str
) -> None:
    bev = vehicle_with(world, Powertrain.BEV)
    bev.state.moving = True
    response = command(client, bev.id, "security/unlock", as_user(token, connect(bev).user_id))
    assert response.status_code == 409
    error = only_error(response.json())
    assert error["status"] == "409" and error["title"] == "In Motion"
    assert (error["type"], error["code"]) == ("VEHICLE_STATE", "IN_MOTION")
    assert error["links"] == {
        "about": "https://smartcar.com/docs/errors/api-errors/vehicle-state-errors#in-motion"}


def test_commands_need_their_permission_and_capability(
    client: TestClient, world: World, connect: Connect, token: str
) -> None:
    bev, ice = vehicle_with(world, Powertrain.BEV), vehicle_with(world, Powertrain.ICE)
    headers = as_user(token, connect(bev, ("read_odometer",)).user_id)
    refused = command(client, bev.id, "security/lock", headers)
    assert refused.status_code == 403
    error = only_error(refused.json())
    assert error["code"] == "ACCESS_DENIED" and "control_security" in refused.headers["mockcar-hint"]
    incapable = command(client, ice.id, "charge/start", as_user(token, connect(ice).user_id))
    assert incapable.status_code == 501
    assert only_error(incapable.json())["code"] == "VEHICLE_NOT_CAPABLE"


def test_commands_answer_only_post(
    client: TestClient, world: World, connect: Connect, token: str
) -> None:
    bev = vehicle_with(world, Powertrain.BEV)
    response = client.get(f"/v3/vehicles/{bev.id}/commands/security/lock",
                          headers=as_user(token, connect(bev).user_id))
    assert response.status_code == 405 and response.headers["allow"] == "POST"
    assert only_error(response.json())["status"] == "405"
