"""Vehicles through the control API: read them, set their state (and see the Vehicle API
and commands follow), add new ones as a scenario would."""

from __future__ import annotations

from starlette.testclient import TestClient

from mockcar.domain.vehicles.overrides import FIELDS
from mockcar.domain.vehicles.vehicle import Powertrain
from mockcar.domain.world.world import World
from mockcar.web.control import schemas as control_schemas
from tests.control.helpers import ALICE, Register, bearer, connect


def test_vehicles_are_found_by_id_or_vin(client: TestClient, world: World) -> None:
    listed = client.get("/_mockcar/vehicles").json()["vehicles"]
    assert {v["id"] for v in listed} == set(world.vehicles)
    one = next(iter(world.vehicles.values()))
    by_id = client.get(f"/_mockcar/vehicles/{one.id}").json()
    by_vin = client.get(f"/_mockcar/vehicles/{one.vin.lower()}").json()
    assert by_id == by_vin
    assert by_id["vin"] == one.vin and by_id["state"]["locked"] == one.state.locked
    missing = client.get("/_mockcar/vehicles/nope")
    assert (missing.status_code, missing.json()["error"]) == (404, "not_found")


def test_unplugging_and_opening_a_door_show_in_the_api_and_refuse_commands(
    client: TestClient, register: Register
) -> None:
    app = register()
    answer = connect(client, app)
    state = client.get(app.path("/state"), headers=app.auth).json()
    ev = next(v for v in state["vehicles"] if v["powertrain"] == "BEV"
              and v["id"] in answer["vehicles"])
    path = app.path(f"/vehicles/{ev['id']}/state")
    changed = client.post(path, headers=app.auth, json={
        "plugged_in": False, "doors_open": ["frontLeft"], "battery_level": 0.25})
    assert changed.status_code == 200, changed.text
    assert changed.json()["state"]["plugged_in"] is False
    assert changed.json()["doors_open"] == ["frontLeft"]
    api = f"/v2.0/vehicles/{ev['id']}"
    assert client.get(api + "/charge", headers=bearer(answer)).json()["isPluggedIn"] is False
    assert client.get(api + "/battery", headers=bearer(answer)).json()["percentRemaining"] == 0.25
    lock = client.post(api + "/security", headers=bearer(answer), json={"action": "LOCK"})
    assert (lock.status_code, lock.json()["code"]) == (409, "DOOR_OPEN")
    start = client.post(api + "/charge", headers=bearer(answer), json={"action": "START"})
    assert (start.status_code, start.json()["code"]) == (409, "CHARGING_PLUG_NOT_CONNECTED")


def test_moving_a_vehicle(client: TestClient, register: Register) -> None:
    app = register()
    answer = connect(client, app)
    vehicle = answer["vehicles"][0]
    moved = client.post(app.path(f"/vehicles/{vehicle}/state"), headers=app.auth, json={
        "location": {"latitude": 48.85, "longitude": 2.35}, "moving": True, "speed_kmh": 50,
        "odometer_km": 30000})
    assert moved.status_code == 200, moved.text
    api = f"/v2.0/vehicles/{vehicle}"
    assert client.get(api + "/location", headers=bearer(answer)).json() == {
        "latitude": 48.85, "longitude": 2.35}
    unlock = client.post(api + "/security", headers=bearer(answer), json={"action": "UNLOCK"})
    assert (unlock.status_code, unlock.json()["code"]) == (409, "IN_MOTION")
    parked = client.post(app.path(f"/vehicles/{vehicle}/state"), headers=app.auth,
                         json={"moving": False}).json()
    assert parked["state"]["speed_kmh"] == 0


def test_a_bad_change_changes_nothing_and_names_every_field(
    client: TestClient, world: World
) -> None:
    ice = next(v for v in world.vehicles.values() if v.powertrain is Powertrain.ICE)
    before = client.get(f"/_mockcar/vehicles/{ice.id}").json()
    refused = client.post(f"/_mockcar/vehicles/{ice.id}/state", json={
        "locked": False, "battery_level": 0.5, "fuel_level": 2, "doors_open": ["roof"],
        "location": {"latitude": 100, "longitude": 0}})
    assert refused.status_code == 400
    problems = refused.json()["problems"]
    assert any(p.startswith("battery_level: a ICE vehicle has no EV battery") for p in problems)
    assert "fuel_level: must be from 0 to 1, got 2" in problems
    assert any(p.startswith("doors_open: unknown roof") for p in problems)
    assert any(p.startswith("location:") for p in problems)
    assert client.get(f"/_mockcar/vehicles/{ice.id}").json() == before
    unknown = client.post(f"/_mockcar/vehicles/{ice.id}/state", json={"vin": "X"})
    assert unknown.status_code == 400 and "vin: unknown field" in unknown.json()["problems"]


def test_the_settable_fields_are_documented() -> None:
    assert set(control_schemas.OVERRIDE["properties"]) == set(FIELDS)


def test_adding_a_vehicle_to_a_new_and_an_existing_owner(
    client: TestClient, register: Register
) -> None:
    app = register()
    made = client.post(app.path("/vehicles"), headers=app.auth, json={
        "owner": "new@example.com", "password": "pw", "country": "DE",
        "vehicle": {"make": "BMW", "powertrain": "BEV", "battery": {"level": 0.4}}})
    assert made.status_code == 201, made.text
    vehicle = made.json()
    assert (vehicle["make"], vehicle["powertrain"], vehicle["region"]) == ("BMW", "BEV", "EUROPE")
    assert vehicle["state"]["battery_level"] == 0.4 and vehicle["owner"] == "new@example.com"
    answer = connect(client, app, "new@example.com", mode="simulated", password="pw")
    assert answer["vehicles"] == [vehicle["id"]]

    second = client.post(app.path("/vehicles"), headers=app.auth, json={
        "owner": ALICE[0], "vehicle": {"vin": "1FTVW1EL0NW000099", "make": "FORD",
                                       "model": "F-150 Lightning"}}).json()
    alice = connect(client, app)
    assert second["id"] in alice["vehicles"]
    again = client.post(app.path("/vehicles"), headers=app.auth, json={
        "owner": "x@example.com", "vehicle": {"vin": "1FTVW1EL0NW000099"}})
    assert again.status_code == 400
    assert "taken" in again.json()["problems"][0]


def test_an_unusable_vehicle_is_refused_in_scenario_terms(client: TestClient) -> None:
    refused = client.post("/_mockcar/vehicles", json={
        "owner": "not-an-email", "vehicle": {"powertrain": "ICE", "battery": {"level": 0.5},
                                             "yaer": 2020}})
    assert refused.status_code == 400
    problems = refused.json()["problems"]
    assert any(p.startswith("owner.email:") for p in problems), problems
    assert any("vehicle.yaer" in p and "did you mean 'year'" in p for p in problems), problems
