"""GET /v3/vehicles/{id}/signals and /signals/{code}: both credentials, the resource
shapes, paging, per-signal errors, and agreement with API v2 at the same clock."""

from __future__ import annotations

from datetime import timedelta

from starlette.testclient import TestClient

from mockcar.domain.signals import reading as catalogue
from mockcar.domain.vehicles.vehicle import Powertrain
from mockcar.domain.world.world import World
from mockcar.errors import CATALOG
from tests.web.v2.conftest import owner_of
from tests.web.v3.conftest import (
    START,
    V3_APP,
    Connect,
    as_user,
    connect_token,
    only_error,
    vehicle_with,
)

MS = int(START.timestamp() * 1000)


def test_all_signals_with_the_application_token_and_sc_user_id(
    client: TestClient, world: World, connect: Connect, token: str
) -> None:
    bev = vehicle_with(world, Powertrain.BEV)
    user = connect(bev).user_id
    response = client.get(f"/v3/vehicles/{bev.id}/signals", headers=as_user(token, user))
    assert response.status_code == 200
    body = response.json()
    codes = [s["id"] for s in body["data"]]
    assert codes == list(catalogue.codes())
    assert body["meta"] == {"page": 1, "pageSize": len(codes), "totalCount": len(codes)}
    assert body["links"]["self"] == f"/vehicles/{bev.id}/signals?page=1&pageSize={len(codes)}"
    assert body["links"]["previous"] is None and body["links"]["next"] is None
    assert body["included"]["vehicle"] == {
        "id": bev.id, "type": "vehicle",
        "attributes": {"make": bev.make, "model": bev.model, "year": bev.year,
                       "powertrainType": "BEV"},
        "links": {"self": f"/vehicles/{bev.id}"}}
    odometer = next(s for s in body["data"] if s["id"] == "odometer-traveleddistance")
    assert odometer == {
        "id": "odometer-traveleddistance", "type": "signal",
        "attributes": {"code": "odometer-traveleddistance", "name": "TraveledDistance",
                       "group": "Odometer", "status": {"value": "SUCCESS"},
                       "body": {"unit": "kilometers", "value": round(bev.odometer_km(), 2)}},
        "meta": {"retrievedAt": MS, "oemUpdatedAt": int(bev.updated_at.timestamp() * 1000)},
        "links": {"self": f"/vehicles/{bev.id}/signals/odometer-traveleddistance",
                  "vehicle": f"/vehicles/{bev.id}"}}


def test_a_signal_the_vehicle_lacks_is_an_error_inside_the_list(
    client: TestClient, world: World, connect: Connect, token: str
) -> None:
    bev = vehicle_with(world, Powertrain.BEV)
    headers = as_user(token, connect(bev).user_id)
    found = {s["id"]: s for s in client.get(f"/v3/vehicles/{bev.id}/signals",
                                            headers=headers).json()["data"]}
    fuel = found["internalcombustionengine-fuellevel"]["attributes"]
    assert "body" not in fuel
    assert fuel["status"]["value"] == "ERROR"
    assert fuel["status"]["error"]["type"] == "COMPATIBILITY"
    assert fuel["status"]["error"]["code"] == "VEHICLE_NOT_CAPABLE"
    assert fuel["status"]["error"]["description"] == CATALOG[
        ("COMPATIBILITY", "VEHICLE_NOT_CAPABLE")].description
    one = client.get(f"/v3/vehicles/{bev.id}/signals/internalcombustionengine-fuellevel",
                     headers=headers)
    assert one.status_code == 200
    assert one.json()["attributes"]["status"]["value"] == "ERROR"


def test_a_permission_not_granted_is_a_permission_error_per_signal(
    client: TestClient, world: World, connect: Connect, token: str
) -> None:
    bev = vehicle_with(world, Powertrain.BEV)
    headers = as_user(token, connect(bev, ("read_odometer",)).user_id)
    found = {s["id"]: s["attributes"] for s in client.get(
        f"/v3/vehicles/{bev.id}/signals", headers=headers).json()["data"]}
    assert found["odometer-traveleddistance"]["status"] == {"value": "SUCCESS"}
    error = found["tractionbattery-stateofcharge"]["status"]["error"]
    assert (error["type"], error["code"]) == ("PERMISSION", None)
    assert error["description"] == CATALOG[("PERMISSION", None)].description


def test_one_signal_is_a_top_level_resource_and_codes_are_case_insensitive(
    client: TestClient, world: World, connect: Connect, token: str
) -> None:
    bev = vehicle_with(world, Powertrain.BEV)
    headers = as_user(token, connect(bev).user_id)
    response = client.get(f"/v3/vehicles/{bev.id}/signals/TractionBattery-StateOfCharge/",
                          headers=headers)
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == "tractionbattery-stateofcharge" and "data" not in body
    assert body["attributes"]["body"] == {
        "unit": "percent", "value": round(bev.battery().percent_remaining * 100, 2)}


def test_an_unknown_signal_code_is_404_in_the_v3_envelope(
    client: TestClient, world: World, connect: Connect, token: str
) -> None:
    bev = vehicle_with(world, Powertrain.BEV)
    response = client.get(f"/v3/vehicles/{bev.id}/signals/odometer-nope",
                          headers=as_user(token, connect(bev).user_id))
    assert response.status_code == 404
    error = only_error(response.json())
    assert (error["status"], error["type"], error["code"]) == ("404", "RESOURCE_NOT_FOUND",
                                                               "PATH")
    assert "odometer-nope" in response.headers["mockcar-hint"]


def test_paging_with_page_and_page_size(
    client: TestClient, world: World, connect: Connect, token: str
) -> None:
    bev = vehicle_with(world, Powertrain.BEV)
    headers = as_user(token, connect(bev).user_id)
    total = len(catalogue.codes())
    second = client.get(f"/v3/vehicles/{bev.id}/signals?page=2&pageSize=10",
                        headers=headers).json()
    assert [s["id"] for s in second["data"]] == list(catalogue.codes()[10:20])
    assert second["meta"] == {"page": 2, "pageSize": 10, "totalCount": total}
    links = second["links"]
    last = -(-total // 10)
    assert links["previous"] == f"/vehicles/{bev.id}/signals?page=1&pageSize=10"
    assert links["next"] == f"/vehicles/{bev.id}/signals?page=3&pageSize=10"
    assert links["last"] == f"/vehicles/{bev.id}/signals?page={last}&pageSize=10"
    bad = client.get(f"/v3/vehicles/{bev.id}/signals?pageSize=0", headers=headers)
    assert bad.status_code == 400
    assert only_error(bad.json())["code"] == "PARAMETER"


def test_the_connect_access_token_reads_signals_without_sc_user_id(
    client: TestClient, world: World, connect: Connect
) -> None:
    ice = vehicle_with(world, Powertrain.ICE)
    headers = connect_token(world, connect(ice))
    response = client.get(f"/v3/vehicles/{ice.id}/signals/internalcombustionengine-fuellevel",
                          headers=headers)
    assert response.status_code == 200
    assert response.json()["attributes"]["body"] == {
        "unit": "percent", "value": round(ice.fuel().percent_remaining * 100, 2)}
    other = vehicle_with(world, Powertrain.BEV)
    refused = client.get(f"/v3/vehicles/{other.id}/signals", headers=headers)
    assert refused.status_code == 403
    assert only_error(refused.json())["code"] == "ACCESS_DENIED"


def test_v2_and_v3_agree_at_the_same_clock(
    client: TestClient, world: World, connect: Connect, token: str
) -> None:
    bev = vehicle_with(world, Powertrain.BEV)
    connection = connect(bev)
    v2 = connect_token(world, connection)
    v3 = as_user(token, connection.user_id)
    for _ in range(2):
        odometer = client.get(f"/v2.0/vehicles/{bev.id}/odometer", headers=v2).json()
        signal = client.get(f"/v3/vehicles/{bev.id}/signals/odometer-traveleddistance",
                            headers=v3).json()
        assert signal["attributes"]["body"]["value"] == odometer["distance"]
        battery = client.get(f"/v2.0/vehicles/{bev.id}/battery", headers=v2).json()
        soc = client.get(f"/v3/vehicles/{bev.id}/signals/tractionbattery-stateofcharge",
                         headers=v3).json()
        assert soc["attributes"]["body"]["value"] == round(battery["percentRemaining"] * 100, 2)
        location = client.get(f"/v2.0/vehicles/{bev.id}/location", headers=v2).json()
        precise = client.get(f"/v3/vehicles/{bev.id}/signals/location-preciselocation",
                             headers=v3).json()["attributes"]["body"]
        assert (precise["latitude"], precise["longitude"]) == (location["latitude"],
                                                              location["longitude"])
        # A change through the control surface of the domain shows in both at once.
        bev.state.odometer_km += 123.4
        bev.state.battery_level = 0.42


def test_sc_user_id_is_required_with_the_application_token(
    client: TestClient, world: World, connect: Connect, token: str
) -> None:
    bev = vehicle_with(world, Powertrain.BEV)
    connect(bev)
    response = client.get(f"/v3/vehicles/{bev.id}/signals",
                          headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 400
    error = only_error(response.json())
    assert (error["type"], error["code"]) == ("VALIDATION", "PARAMETER")
    assert "sc-user-id" in response.headers["mockcar-hint"]


def test_a_user_who_did_not_connect_the_vehicle_is_denied(
    client: TestClient, world: World, connect: Connect, token: str
) -> None:
    bev = vehicle_with(world, Powertrain.BEV)
    user = connect(bev).user_id
    elsewhere = next(v for v in world.vehicles.values()
                     if v.id not in owner_of(world, bev).vehicle_ids)
    response = client.get(f"/v3/vehicles/{elsewhere.id}/signals",
                          headers=as_user(token, user))
    assert response.status_code == 403
    error = only_error(response.json())
    assert (error["type"], error["code"], error["title"]) == (
        "PERMISSION", "ACCESS_DENIED", "Access Denied")
    # A user who connected the vehicle to another application only: not this one's.
    demo = next(a for a in world.applications.values() if a.client_id != V3_APP.client_id)
    theirs = world.connect(demo.client_id, owner_of(world, elsewhere), [elsewhere.id],
                           ["read_odometer"], "live")
    denied = client.get(f"/v3/vehicles/{elsewhere.id}/signals",
                        headers=as_user(token, theirs.user_id))
    assert denied.status_code == 403


def test_an_application_token_lives_one_hour(
    client: TestClient, world: World, connect: Connect, token: str
) -> None:
    bev = vehicle_with(world, Powertrain.BEV)
    headers = as_user(token, connect(bev).user_id)
    world.clock.advance(timedelta(minutes=59))
    assert client.get(f"/v3/vehicles/{bev.id}", headers=headers).status_code == 200
    world.clock.advance(timedelta(minutes=1))
    expired = client.get(f"/v3/vehicles/{bev.id}", headers=headers)
    assert expired.status_code == 401
    error = only_error(expired.json())
    assert (error["type"], error["code"], error["title"]) == (
        "AUTHENTICATION", "UNAUTHORIZED", "Unauthorized")
    assert "1 hour" in expired.headers["mockcar-hint"]


def test_v3_units_stay_metric_whatever_sc_unit_system_says(
    client: TestClient, world: World, connect: Connect, token: str
) -> None:
    """Smartcar does not say whether `sc-unit-system` changes v3 units: mockcar's v3
    bodies name their unit and ignore
    `sc-unit-system` (the Python SDK sends it with get_signals)."""
    ice = vehicle_with(world, Powertrain.ICE)
    headers = {**as_user(token, connect(ice).user_id), "sc-unit-system": "imperial"}
    path = f"/v3/vehicles/{ice.id}/signals/"
    odometer = client.get(path + "odometer-traveleddistance", headers=headers).json()
    assert odometer["attributes"]["body"] == {"unit": "kilometers",
                                              "value": round(ice.odometer_km(), 2)}
    fuel = client.get(path + "internalcombustionengine-amountremaining", headers=headers).json()
    assert fuel["attributes"]["body"]["unit"] == "liters"
