"""GET /v3/vehicles/{id} (with and without the trailing slash), the v3 error envelope on
every failure under /v3/, test-mode error logins and fault rules on API v3."""

from __future__ import annotations

from starlette.testclient import TestClient

from mockcar.domain.vehicles.vehicle import Powertrain
from mockcar.domain.world.scopes import PERMISSIONS
from mockcar.domain.world.world import World
from tests.web.v3.conftest import (
    V3_APP,
    Connect,
    as_user,
    connect_token,
    only_error,
    vehicle_with,
)


def test_the_vehicle_resource_with_and_without_a_trailing_slash(
    client: TestClient, world: World, connect: Connect, token: str
) -> None:
    ice = vehicle_with(world, Powertrain.ICE)
    connection = connect(ice, ("read_odometer",))
    expected = {"id": ice.id, "type": "vehicle",
                "attributes": {"make": ice.make, "model": ice.model, "year": ice.year,
                               "powertrainType": "ICE"},
                "links": {"self": f"/vehicles/{ice.id}"}}
    for path in (f"/v3/vehicles/{ice.id}", f"/v3/vehicles/{ice.id}/"):
        by_app = client.get(path, headers=as_user(token, connection.user_id))
        assert by_app.status_code == 200 and by_app.json() == expected
        by_owner = client.get(path, headers=connect_token(world, connection))
        assert by_owner.status_code == 200 and by_owner.json() == expected
    assert "sc-request-id" in by_owner.headers


def test_every_failure_under_v3_is_in_the_v3_envelope(
    client: TestClient, world: World, connect: Connect, token: str
) -> None:
    bev = vehicle_with(world, Powertrain.BEV)
    headers = as_user(token, connect(bev).user_id)
    unknown_path = client.get("/v3/nowhere", headers=headers)
    assert unknown_path.status_code == 404
    assert only_error(unknown_path.json())["code"] == "PATH"
    unknown_sub_path = client.get(f"/v3/vehicles/{bev.id}/odometer", headers=headers)
    assert unknown_sub_path.status_code == 404
    assert only_error(unknown_sub_path.json())["type"] == "RESOURCE_NOT_FOUND"
    wrong_method = client.delete(f"/v3/vehicles/{bev.id}/signals", headers=headers)
    assert wrong_method.status_code == 405 and wrong_method.headers["allow"] == "GET"
    error = only_error(wrong_method.json())
    assert (error["status"], error["type"], error["code"]) == (
        "405", "VALIDATION", "INVALID_INPUT_FORMAT")
    put = client.put("/v3/connections", headers=headers)
    assert put.status_code == 405 and put.headers["allow"] == "GET"
    no_token = client.get(f"/v3/vehicles/{bev.id}/signals")
    assert no_token.status_code == 401
    error = only_error(no_token.json())
    assert error["resolution"] == {"type": None}
    assert error["links"] == {
        "about": "https://smartcar.com/docs/errors/api-errors/authentication-errors#null"}
    assert no_token.headers["content-type"] == "application/json"


def test_a_test_mode_vehicle_state_login_errors_each_non_static_signal(
    client: TestClient, world: World, token: str
) -> None:
    owner = world.sign_in("VEHICLE_STATE.ASLEEP@smartcar.com", "x", "test")
    vehicle = world.vehicles[owner.vehicle_ids[0]]
    connection = world.connect(V3_APP.client_id, owner, [vehicle.id], sorted(PERMISSIONS),
                               "test")
    headers = as_user(token, connection.user_id)
    body = client.get(f"/v3/vehicles/{vehicle.id}/signals", headers=headers).json()
    found = {s["id"]: s["attributes"] for s in body["data"]}
    assert found["vehicleidentification-vin"]["status"] == {"value": "SUCCESS"}
    asleep = found["odometer-traveleddistance"]["status"]
    assert asleep["value"] == "ERROR"
    assert (asleep["error"]["type"], asleep["error"]["code"]) == ("VEHICLE_STATE", "ASLEEP")
    assert client.get(f"/v3/vehicles/{vehicle.id}", headers=headers).status_code == 200
    refused = client.post(f"/v3/vehicles/{vehicle.id}/commands/security/lock",
                          headers=headers)
    assert refused.status_code == 409
    assert only_error(refused.json())["code"] == "ASLEEP"


def test_a_rate_limit_login_fails_the_request_with_retry_after(
    client: TestClient, world: World, token: str
) -> None:
    owner = world.sign_in("RATE_LIMIT.VEHICLE@smartcar.com", "x", "test")
    vehicle = world.vehicles[owner.vehicle_ids[0]]
    connection = world.connect(V3_APP.client_id, owner, [vehicle.id], sorted(PERMISSIONS),
                               "test")
    response = client.get(f"/v3/vehicles/{vehicle.id}/signals",
                          headers=as_user(token, connection.user_id))
    assert response.status_code == 429
    assert response.headers["retry-after"] == "60"
    error = only_error(response.json())
    assert (error["type"], error["code"], error["resolution"]) == (
        "RATE_LIMIT", "VEHICLE", {"type": "RETRY_LATER"})


def test_an_authentication_failed_login_points_at_connect_reauthentication(
    client: TestClient, world: World, token: str
) -> None:
    owner = world.sign_in("CONNECTED_SERVICES_ACCOUNT.AUTHENTICATION_FAILED@smartcar.com",
                          "x", "test")
    vehicle = world.vehicles[owner.vehicle_ids[0]]
    connection = world.connect(V3_APP.client_id, owner, [vehicle.id], sorted(PERMISSIONS),
                               "test")
    response = client.post(f"/v3/vehicles/{vehicle.id}/commands/security/unlock",
                           headers=as_user(token, connection.user_id))
    assert response.status_code == 400
    url = only_error(response.json())["resolution"]
    assert isinstance(url, dict) and url["type"] == "REAUTHENTICATE"
    assert url["url"].startswith("http://localhost/oauth/reauthenticate?response_type="
                                 "vehicle_id&client_id=" + V3_APP.client_id)


def test_fault_rules_answer_v3_requests_too(
    client: TestClient, world: World, connect: Connect, token: str
) -> None:
    bev = vehicle_with(world, Powertrain.BEV)
    headers = as_user(token, connect(bev).user_id)
    world.faults.add("UPSTREAM", "NO_RESPONSE", endpoint="/signals*", times=1)
    failed = client.get(f"/v3/vehicles/{bev.id}/signals/odometer-traveleddistance",
                        headers=headers)
    assert failed.status_code == 502
    assert only_error(failed.json())["code"] == "NO_RESPONSE"
    assert client.get(f"/v3/vehicles/{bev.id}/signals/odometer-traveleddistance",
                      headers=headers).status_code == 200
