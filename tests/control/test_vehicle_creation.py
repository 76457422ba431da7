"""Adding a vehicle the way Smartcar's Vehicle Simulator does, over the control API:
connected at once (the answer's tokens work on the Vehicle API, with every permission the
car has a use for, for 2 hours), or not (the generated credentials sign in through
Connect), a VIN decoded to its make, a trip profile, and clear refusals."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

import pytest
from starlette.testclient import TestClient

from mockcar.domain.world.world import World
from mockcar.scenario.catalog import vin as vins
from tests.control.helpers import Register, bearer

EV = {"make": "TESLA", "model": "Model 3", "year": 2022, "powertrain": "BEV",
      "battery": {"level": 0.63}}


def created(client: TestClient, path: str = "/_mockcar/vehicles",
            **body: object) -> dict[str, Any]:
    answer = client.post(path, json=body)
    assert answer.status_code == 201, answer.text
    result: dict[str, Any] = answer.json()
    return result


def test_a_vehicle_created_connected_answers_with_working_tokens(client: TestClient,
                                                                 world: World) -> None:
    car = created(client, vehicle=EV, connect={})
    connection = car["connection"]
    assert connection["application"] == next(iter(world.applications))
    assert connection["expires_in"] == 7200 and connection["token_type"] == "Bearer"
    issued = datetime.fromisoformat(connection["access_expires_at"]) - timedelta(hours=2)
    assert issued == world.now()
    assert "read_battery" in connection["permissions"]
    assert "control_security" in connection["permissions"]
    assert "read_fuel" not in connection["permissions"]  # a BEV has no tank
    assert "read_engine_oil" not in connection["permissions"]
    listed = client.get("/v2.0/vehicles", headers=bearer(connection)).json()
    assert listed["vehicles"] == [car["id"]]
    api = f"/v2.0/vehicles/{car['id']}"
    attributes = client.get(api, headers=bearer(connection)).json()
    assert (attributes["make"], attributes["model"], attributes["year"]) == (
        "TESLA", "Model 3", 2022)
    battery = client.get(api + "/battery", headers=bearer(connection)).json()
    assert battery["percentRemaining"] == 0.63
    fuel = client.get(api + "/fuel", headers=bearer(connection))
    assert fuel.status_code in (403, 501)  # not granted, or not capable: never served


def test_an_ice_car_gets_fuel_and_oil_and_no_battery(client: TestClient) -> None:
    car = created(client, vehicle={"make": "FORD", "model": "F-150", "powertrain": "ICE"},
                  connect={})
    permissions = car["connection"]["permissions"]
    assert {"read_fuel", "read_engine_oil"} <= set(permissions)
    assert "read_battery" not in permissions and "control_charge" not in permissions


def test_a_vehicle_created_disconnected_signs_in_with_generated_credentials(
        client: TestClient, register: Register) -> None:
    app = register()
    client.headers.update(app.auth)
    car = created(client, app.path("/vehicles"), vehicle=EV)
    assert "connection" not in car
    credentials = car["credentials"]
    assert credentials["email"].endswith("@simulated.mockcar.example")
    assert car["owner"] == credentials["email"] and len(credentials["password"]) >= 12
    other = created(client, app.path("/vehicles"), vehicle=EV)
    assert other["credentials"]["email"] != credentials["email"]
    signed = client.post(app.path("/connect"), json={
        "email": credentials["email"], "password": credentials["password"],
        "mode": "simulated", "exchange": True})
    assert signed.status_code == 200, signed.text
    assert signed.json()["vehicles"] == [car["id"]]
    wrong = client.post(app.path("/connect"), json={
        "email": credentials["email"], "password": "not it", "mode": "simulated"})
    assert wrong.status_code == 400


def test_an_existing_owner_gets_the_vehicle_and_keeps_the_password(client: TestClient,
                                                                   world: World) -> None:
    alice = world.owners["alice@example.com"]
    before = len(alice.vehicle_ids)
    car = created(client, owner="Alice@example.com", vehicle=EV)
    assert car["credentials"] == {"email": "alice@example.com", "password": alice.password}
    assert len(alice.vehicle_ids) == before + 1 and alice.vehicle_ids[-1] == car["id"]


def test_a_vin_is_decoded_to_its_make(client: TestClient) -> None:
    vin = vins.generate("1FT", 2021, random.Random(3))
    car = created(client, vehicle={"vin": vin})
    assert (car["vin"], car["make"]) == (vin, "FORD")
    unknown = client.post("/_mockcar/vehicles", json={
        "vehicle": {"vin": vins.generate("ZZZ", 2021, random.Random(3))}})
    assert unknown.status_code == 400
    assert unknown.json()["problems"][0].startswith("vehicle.vin:")


def test_a_trip_profile_moves_the_vehicle_with_the_clock(client: TestClient) -> None:
    car = created(client, vehicle={"make": "TESLA", "powertrain": "BEV",
                                   "timeline": {"profile": "commute"}})
    odometers = {car["state"]["odometer_km"]}
    for _ in range(6):
        client.post("/_mockcar/clock/advance", json={"hours": 4})
        odometers.add(client.get(f"/_mockcar/vehicles/{car['id']}").json()
                      ["state"]["odometer_km"])
    assert len(odometers) > 1
    charging = created(client, vehicle={"make": "TESLA", "powertrain": "BEV",
                                        "plugged_in": True, "charging": True})
    assert charging["state"]["charging"] is True


@pytest.mark.parametrize(("connect", "problem"), [
    ({"application": "nope"}, "connect.application: no application 'nope'"),
    ({"app": "x"}, "connect.app: not a field"),
])
def test_a_bad_connection_is_refused_and_nothing_is_made(client: TestClient, world: World,
                                                         connect: dict[str, str], problem: str) -> None:
    before = len(world.vehicles)
    answer = client.post("/_mockcar/vehicles", json={"vehicle": EV, "connect": connect})
    assert answer.status_code == 400
    assert any(p.startswith(problem) for p in answer.json()["problems"]), answer.json()
    assert len(world.vehicles) == before
