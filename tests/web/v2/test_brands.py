"""Make-specific endpoints: served for their make only, make lower-case in
the path, bodies from the vehicle's state, and commands whose effect reads back."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from starlette.testclient import TestClient

from mockcar.domain.vehicles.units import KM_PER_MILE
from mockcar.domain.vehicles.vehicle import Powertrain, Vehicle
from mockcar.domain.world.world import World
from mockcar.wire.v2.endpoint_table import Headers, Read
from mockcar.wire.v2.make_endpoint_table import BRAND_READS
from tests.web.v2.conftest import Grant, add_vehicle
from tests.web.v2.test_reads import TIMESTAMP, base

SUCCESS = {"status": "success", "message": "Successfully sent request to vehicle"}


def charging_car(world: World, make: str) -> Vehicle:
    """A car of `make` that is plugged in and charging from 40% to 90%."""
    vehicle = (next(v for v in world.vehicles.values() if v.make == make)
               if make == "TESLA" else add_vehicle(world, make, Powertrain.BEV))
    state = vehicle.state
    state.plugged_in, state.charging, state.battery_level, state.charge_limit = (
        True, True, 0.4, 0.9)
    state.moving, state.virtual_key_paired, state.charge_amps = False, True, None
    return vehicle


@pytest.mark.parametrize("read", BRAND_READS, ids=lambda r: r.path)
def test_every_make_specific_read_answers_for_its_make(
    client: TestClient, world: World, grant: Grant, read: Read
) -> None:
    make = read.path.split("/")[1].upper()
    vehicle = charging_car(world, make)
    response = client.get(base(vehicle.id) + read.path, headers=grant(vehicle))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    assert isinstance(response.json(), dict) and response.json()
    assert ("sc-data-age" in response.headers) is (read.headers is not Headers.STATIC)
    assert ("sc-unit-system" in response.headers) is (read.headers is Headers.UNITS)


@pytest.mark.parametrize("path", ["/tesla/compass", "/chevrolet/charge/voltmeter",
                                  "/bmw/charge/records", "/nissan/charge/schedule",
                                  "/audi/charge", "/ford/charge/schedule_by_location"])
def test_another_make_is_smartcar_not_capable(
    client: TestClient, world: World, grant: Grant, path: str
) -> None:
    vehicle = charging_car(world, "CADILLAC")
    response = client.get(base(vehicle.id) + path, headers=grant(vehicle))
    assert response.status_code == 501
    assert (response.json()["type"], response.json()["code"]) == (
        "COMPATIBILITY", "SMARTCAR_NOT_CAPABLE")
    assert "CADILLAC" in response.headers["mockcar-hint"]


@pytest.mark.parametrize("path", ["/TESLA/compass", "/Tesla/charge/ammeter"])
def test_an_upper_case_make_is_a_permission_error(
    client: TestClient, world: World, grant: Grant, path: str
) -> None:
    tesla = charging_car(world, "TESLA")
    response = client.get(base(tesla.id) + path, headers=grant(tesla))
    assert response.status_code == 403
    assert response.json()["type"] == "PERMISSION"
    assert "lower case" in response.headers["mockcar-hint"]
    unauthenticated = client.get(base(tesla.id) + path)
    assert unauthenticated.status_code == 401


def test_make_specific_reads_need_their_permission(
    client: TestClient, world: World, grant: Grant
) -> None:
    tesla = charging_car(world, "TESLA")
    response = client.get(base(tesla.id) + "/tesla/compass",
                          headers=grant(tesla, ("read_location",)))
    assert response.status_code == 403 and "read_compass" in response.headers["mockcar-hint"]


def test_session_readings_need_a_charging_car(client: TestClient, world: World, grant: Grant) -> None:
    volt = charging_car(world, "CHEVROLET")
    volt.state.charging = False
    completion = client.get(base(volt.id) + "/chevrolet/charge/completion", headers=grant(volt))
    assert (completion.status_code, completion.json()["code"]) == (409, "NOT_CHARGING")
    voltage = client.get(base(volt.id) + "/chevrolet/charge/voltmeter", headers=grant(volt))
    assert voltage.json() == {"voltage": 240.0}, "the plug alone gives a voltage"
    volt.state.plugged_in = False
    unplugged = client.get(base(volt.id) + "/chevrolet/charge/voltmeter", headers=grant(volt))
    assert (unplugged.status_code, unplugged.json()["code"]) == (
        409, "CHARGING_PLUG_NOT_CONNECTED")


def test_tesla_amperage_sets_the_charge_rate_and_completion(
    client: TestClient, world: World, grant: Grant
) -> None:
    tesla = charging_car(world, "TESLA")
    tesla_path = base(tesla.id) + "/tesla/charge"
    before = client.get(tesla_path + "/completion", headers=grant(tesla)).json()["time"]
    set_amps = client.post(tesla_path + "/ammeter", json={"amperage": 16}, headers=grant(tesla))
    assert set_amps.json() == {"status": "success",
                               "message": "Successfully sent the following amperage: 16"}
    assert client.get(tesla_path + "/ammeter", headers=grant(tesla)).json() == {"amperage": 16}
    assert client.get(tesla_path + "/wattmeter", headers=grant(tesla)).json() == {
        "wattage": 3.84}
    after = client.get(tesla_path + "/completion", headers=grant(tesla)).json()["time"]
    assert TIMESTAMP.fullmatch(after) and after > before, "slower charging ends later"
    overview = client.get(tesla_path, headers=grant(tesla)).json()
    assert (overview["amperage"], overview["state"], overview["isPluggedIn"]) == (
        16, "CHARGING", True)
    for bad in (0, 500, "many", 12.5):
        refused = client.post(tesla_path + "/ammeter", json={"amperage": bad},
                              headers=grant(tesla))
        assert refused.status_code == 400 and refused.json()["detail"][0]["field"] == [
            "amperage"]


def test_tesla_charge_schedule_reads_back(client: TestClient, world: World, grant: Grant) -> None:
    tesla = charging_car(world, "TESLA")
    path = base(tesla.id) + "/tesla/charge/schedule"
    assert client.get(path, headers=grant(tesla)).json() == {
        "departureTime": {"enabled": False, "time": None},
        "startTime": {"enabled": False, "time": None}}
    client.post(path, json={"type": "DEPARTURE_TIME", "enabled": True, "time": "07:15"},
                headers=grant(tesla))
    answer = client.post(path, json={"type": "START_TIME", "enable": True, "time": "23:30"},
                         headers=grant(tesla))
    expected = {"departureTime": {"enabled": False, "time": "07:15"},
                "startTime": {"enabled": True, "time": "23:30"}}
    assert answer.json() == expected, "only one kind is enabled at a time"
    assert client.get(path, headers=grant(tesla)).json() == expected
    bad = client.post(path, json={"type": "START_TIME", "enabled": True, "time": "25:00"},
                      headers=grant(tesla))
    assert bad.status_code == 400 and bad.json()["detail"][0]["field"] == ["time"]


def test_tesla_charge_port_door(client: TestClient, world: World, grant: Grant) -> None:
    tesla = charging_car(world, "TESLA")
    door = base(tesla.id) + "/tesla/charge/charge_port_door"
    refused = client.post(door, json={"action": "CLOSE"}, headers=grant(tesla))
    assert (refused.status_code, refused.json()["code"]) == (409, "CHARGING_PLUG_CONNECTED")
    tesla.state.plugged_in = tesla.state.charging = False
    assert client.post(door, json={"action": "OPEN"}, headers=grant(tesla)).json() == SUCCESS
    port = client.get(base(tesla.id) + "/security", headers=grant(tesla)).json()["chargingPort"]
    assert port == [{"type": "chargingPort", "status": "OPEN"}]
    client.post(door, json={"action": "CLOSE"}, headers=grant(tesla))
    assert tesla.state.charge_port_open is False


def test_tesla_climate_reads_back_in_either_unit_system(
    client: TestClient, world: World, grant: Grant
) -> None:
    tesla = charging_car(world, "TESLA")
    cabin = base(tesla.id) + "/tesla/climate/cabin"
    answer = client.post(cabin, json={"action": "START", "temperature": 23}, headers=grant(tesla))
    assert answer.json() == {"status": "ON", "temperature": 23.0}
    inside = client.get(base(tesla.id) + "/tesla/thermometer/interior", headers=grant(tesla))
    assert inside.json() == {"temperature": 23.0}
    fahrenheit = client.get(cabin, headers=grant(tesla, **{"sc-unit-system": "imperial"}))
    assert fahrenheit.json() == {"status": "ON", "temperature": 73.4}
    client.post(cabin, json={"action": "SET", "temperature": 68},
                headers=grant(tesla, **{"sc-unit-system": "imperial"}))
    assert tesla.state.cabin_target_c == 20.0
    too_hot = client.post(cabin, json={"action": "SET", "temperature": 40}, headers=grant(tesla))
    assert too_hot.status_code == 400 and "15.0 to 28.0" in too_hot.headers["mockcar-hint"]
    for part in ("defroster", "steering_wheel"):
        path = base(tesla.id) + f"/tesla/climate/{part}"
        assert client.get(path, headers=grant(tesla)).json() == {"status": "OFF"}
        assert client.post(path, json={"action": "START"}, headers=grant(tesla)).json() == {
            "status": "START"}
        assert client.get(path, headers=grant(tesla)).json() == {"status": "ON"}


def test_tesla_motion(client: TestClient, world: World, grant: Grant) -> None:
    tesla = charging_car(world, "TESLA")
    tesla.state.plugged_in = tesla.state.charging = False
    speed = base(tesla.id) + "/tesla/speedometer"
    assert client.get(speed, headers=grant(tesla)).json() == {"speed": 0.0}
    tesla.state.moving, tesla.state.speed_kmh, tesla.state.heading = True, 100.0, 200
    assert client.get(speed, headers=grant(tesla, **{"sc-unit-system": "imperial"})).json() == {
        "speed": round(100 / KM_PER_MILE, 2)}
    assert client.get(base(tesla.id) + "/tesla/compass", headers=grant(tesla)).json() == {
        "heading": 200, "direction": "S"}


def test_tesla_account_endpoints(client: TestClient, world: World, grant: Grant) -> None:
    tesla = charging_car(world, "TESLA")
    owner = next(o for o in world.owners.values() if tesla.id in o.vehicle_ids)
    headers = grant(tesla, ("read_user_profile", "control_charge", "read_odometer"))
    info = client.get(base(tesla.id) + "/tesla/user/info", headers=headers)
    assert info.json() == {"email": owner.email}
    access = client.get(base(tesla.id) + "/tesla/user/access", headers=headers).json()
    assert access == {"accessType": "OWNER",
                      "permissions": ["vehicle_charging_cmds", "vehicle_device_data"]}
    key = client.get(base(tesla.id) + "/tesla/virtual_key", headers=grant(tesla))
    assert key.json() == {"isPaired": True}


def test_tesla_records_stay_within_the_window(
    client: TestClient, world: World, grant: Grant
) -> None:
    tesla = charging_car(world, "TESLA")
    records = client.get(base(tesla.id) + "/tesla/charge/records", headers=grant(tesla)).json()
    days = [r["date"] for r in records["records"]]
    assert days and min(days) >= "2026-10-24" and max(days) <= "2026-11-23T23"
    for record in records["records"]:
        assert record["total"] == pytest.approx(
            record["home"] + record["other"] + record["superCharger"], abs=0.011)
    billing = client.get(base(tesla.id) + "/tesla/charge/records/billing",
                         params={"startDate": "2026-01-01", "page": "1"}, headers=grant(tesla))
    body = billing.json()
    assert isinstance(body["hasMoreData"], bool) and len(body["records"]) <= 10
    starts = [r["chargeStart"] for r in body["records"]]
    assert starts == sorted(starts, reverse=True)
    bad_page = client.get(base(tesla.id) + "/tesla/charge/records/billing",
                          params={"page": "0"}, headers=grant(tesla))
    assert bad_page.status_code == 400


def test_bmw_records_in_a_window(client: TestClient, world: World, grant: Grant) -> None:
    bmw = charging_car(world, "BMW")
    path = base(bmw.id) + "/bmw/charge/records"
    sessions = client.get(path, params={"startDate": "2026-09-01", "endDate": "2026-11-20"},
                          headers=grant(bmw)).json()["records"]
    assert sessions
    for session in sessions:
        assert "2026-09-01" <= session["chargeStart"] < session["chargeEnd"] < "2026-11-21"
        assert session["chargingType"] in ("AC", "DC")
        assert 0 <= session["startPercentRemaining"] < session["endPercentRemaining"] <= 1
    mini = charging_car(world, "MINI")
    assert client.get(base(mini.id) + "/mini/charge/records",
                      headers=grant(mini)).status_code == 200


def test_ford_schedule_by_location_put_reads_back(
    client: TestClient, world: World, grant: Grant
) -> None:
    ford = charging_car(world, "FORD")
    path = base(ford.id) + "/ford/charge/schedule_by_location"
    home = client.get(path, headers=grant(ford)).json()["chargingLocations"][0]
    spot = home["location"]
    body = {"chargingLocation": {"chargeLimit": 0.7, "chargingWindows": {
        "weekday": [{"start": "22:00", "end": "06:00"}], "weekend": []}}}
    answer = client.put(path, params=spot, json=body, headers=grant(ford))
    assert answer.json() == SUCCESS
    assert client.get(path, headers=grant(ford)).json() == {"chargingLocations": [{
        "chargeLimit": 0.7, "location": spot,
        "chargingSchedules": {"weekday": [{"start": "22:00", "end": "06:00"}], "weekend": []}}]}
    flat = {"chargeLimit": 0.8, "chargingSchedules": {"weekend": [{"start": "09:00",
                                                                    "end": "17:00"}]}}
    assert client.put(path, params=spot, json=flat, headers=grant(ford)).json() == SUCCESS
    elsewhere = client.put(path, params={"latitude": 10, "longitude": 10}, json=body,
                           headers=grant(ford))
    assert (elsewhere.status_code, elsewhere.json()["code"]) == (400, "PARAMETER")
    missing = client.put(path, json=body, headers=grant(ford))
    assert missing.status_code == 400 and missing.json()["detail"][0]["field"] == ["latitude"]


def test_nissan_weekly_schedules(client: TestClient, world: World, grant: Grant) -> None:
    leaf = next(v for v in world.vehicles.values() if v.make == "NISSAN")
    path = base(leaf.id) + "/nissan/charge/schedule"
    schedules = [{"start": "08:00", "end": "12:00", "days": ["FRIDAY", "MONDAY"]}]
    assert client.put(path, json={"chargeSchedules": schedules},
                      headers=grant(leaf)).json() == SUCCESS
    assert client.get(path, headers=grant(leaf)).json() == {"chargeSchedules": [
        {"start": "08:00", "end": "12:00", "days": ["MONDAY", "FRIDAY"]}]}
    too_many = client.put(path, json={"chargeSchedules": schedules * 4}, headers=grant(leaf))
    assert too_many.status_code == 400
    bad_day = client.post(path, json={"chargeSchedules": [{**schedules[0], "days": ["SOMEDAY"]}]},
                          headers=grant(leaf))
    assert bad_day.json()["detail"][0]["field"] == ["chargeSchedules", 0, "days"]


def test_audi_charge_follows_the_state(client: TestClient, world: World, grant: Grant) -> None:
    audi = charging_car(world, "AUDI")
    body = client.get(base(audi.id) + "/audi/charge", headers=grant(audi)).json()
    assert (body["chargingStatus"], body["isPluggedIn"], body["socLimit"]) == (
        "CHARGING", True, 0.9)
    assert body["wattage"] > 0 and TIMESTAMP.fullmatch(body["completionTime"])
    completion = datetime.fromisoformat(body["completionTime"])
    assert timedelta(0) < completion - world.now() < timedelta(hours=12)
    audi.state.plugged_in = False
    unplugged = client.get(base(audi.id) + "/audi/charge", headers=grant(audi)).json()
    assert (unplugged["isPluggedIn"], unplugged["completionTime"], unplugged["wattage"]) == (
        False, None, 0.0)
