"""The official Python SDK against a live mockcar: every `smartcar.Vehicle` method turns
mockcar's answer into its typed response, make-specific endpoints answer through
`Vehicle.request`, and every error of the catalog reaches the SDK as a
`SmartcarException` with the right type, code, status, resolution and request id.

(Account-level calls, webhooks and disconnect: test_sdk_platform_conformance.py.)
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import smartcar

from mockcar.domain.connect.test_accounts import trigger_email
from mockcar.domain.vehicles.vehicle import Location, Powertrain, Vehicle
from mockcar.domain.world.scopes import PERMISSIONS
from mockcar.domain.world.world import World
from mockcar.errors import CATALOG
from mockcar.testing import MockcarServer
from mockcar.testing.sdk import smartcar_sdk_pointed_at
from mockcar.wire.v2.make_endpoint_table import BRAND_READS
from tests.support.forms import choose_all_vehicles, open_page
from tests.web.v2.conftest import add_vehicle, owner_of

ALL = tuple(sorted(PERMISSIONS))


@pytest.fixture(scope="module")
def server() -> Iterator[MockcarServer]:
    with MockcarServer() as running, smartcar_sdk_pointed_at(running.url):
        yield running


def token(world: World, vehicle: Vehicle, permissions: tuple[str, ...] = ALL) -> str:
    app = next(iter(world.applications.values()))
    connection = world.connect(app.client_id, owner_of(world, vehicle), [vehicle.id],
                               permissions, "test")
    issued = world.issue_token(connection.id, app.client_id, str(uuid.uuid4()),
                               str(uuid.uuid4()))
    return issued.access_token


def sdk_vehicle(world: World, vehicle: Vehicle, **options: Any) -> smartcar.Vehicle:
    return smartcar.Vehicle(vehicle.id, token(world, vehicle), options or None)


def charging_tesla(world: World) -> Vehicle:
    tesla = next(v for v in world.vehicles.values() if v.make == "TESLA")
    state = tesla.state
    state.plugged_in, state.charging, state.battery_level, state.charge_limit = (
        True, True, 0.42, 0.9)
    state.moving, state.virtual_key_paired = False, True
    return tesla


def assert_meta(meta: Any, *, data: bool = True, units: str | None = None) -> None:
    assert len(meta.request_id) == 36
    if data:
        assert meta.data_age.endswith("Z") and meta.fetched_at.endswith("Z")
    if units:
        assert meta.unit_system == units


def test_ev_reads(server: MockcarServer) -> None:
    world = server.world
    tesla = charging_tesla(world)
    car = sdk_vehicle(world, tesla)
    battery = car.battery()
    assert battery.percent_remaining == 0.42
    assert battery.range == pytest.approx(tesla.battery().range_km, abs=0.01)
    assert_meta(battery.meta, units="metric")
    assert car.battery_capacity().capacity == tesla.battery_capacity_kwh
    nominal = car.nominal_capacity()
    assert nominal.availableCapacities[0].capacity == tesla.battery_capacity_kwh
    assert nominal.availableCapacities[0].description is None
    assert nominal.capacity == {"nominal": tesla.battery_capacity_kwh, "source": "SMARTCAR"}
    assert nominal.url is None
    charge = car.charge()
    assert (charge.is_plugged_in, charge.state) == (True, "CHARGING")
    assert car.get_charge_limit().limit == 0.9
    pressures = car.tire_pressure()
    assert all(200 < p < 260 for p in pressures[:4])
    assert_meta(pressures.meta, units="metric")
    imperial = sdk_vehicle(world, tesla, unit_system="imperial").tire_pressure()
    assert imperial.front_left == pytest.approx(pressures.front_left / 6.894757, abs=0.06)
    assert_meta(imperial.meta, units="imperial")
    status = car.lock_status()
    assert isinstance(status.is_locked, bool) and len(status.doors) == 4
    assert [d["type"] for d in status.doors] == ["frontLeft", "frontRight", "backLeft",
                                                 "backRight"]
    attributes = car.attributes()
    assert (attributes.id, attributes.make, attributes.year) == (tesla.id, "TESLA", tesla.year)
    assert car.vin().vin == tesla.vin
    permissions = car.permissions({"limit": 5, "offset": 2})
    assert permissions.permissions == list(ALL[2:7])
    assert (permissions.paging.count, permissions.paging.offset) == (len(ALL), 2)
    assert car.permissions().paging.count == len(ALL)


def test_combustion_reads(server: MockcarServer) -> None:
    world = server.world
    ford = add_vehicle(world, "FORD", Powertrain.ICE, odometer_km=48_000.0)
    car = sdk_vehicle(world, ford)
    fuel = car.fuel()
    assert fuel.amount_remaining > 0 and 0 <= fuel.percent_remaining <= 1
    oil = car.engine_oil()
    assert 0 <= oil.life_remaining <= 1
    assert_meta(oil.meta)
    history = car.service_history("2015-01-01", "2026-12-31")
    assert isinstance(history.items, list) and len(history.items) == 4
    record = history.items[0]
    assert record["odometerDistance"] <= 48_000 and record["serviceCost"]["currency"] == "USD"
    assert_meta(history.meta, units="metric")
    assert isinstance(car.service_history().items, list)
    assert car.odometer().distance == 48_000


def test_diagnostics(server: MockcarServer) -> None:
    world = server.world
    chevy = add_vehicle(world, "CHEVROLET", Powertrain.ICE,
                        tire_pressures_kpa=(150.0, 240.0, 240.0, 240.0))
    car = sdk_vehicle(world, chevy)
    systems = car.diagnostic_system_status().systems
    tpms = next(s for s in systems if s.system_id == "SYSTEM_TPMS")
    assert tpms.status == "ALERT" and "frontLeft" in tpms.description
    assert next(s for s in systems if s.system_id == "SYSTEM_ABS").description is None
    codes = car.diagnostic_trouble_codes()
    assert isinstance(codes.active_codes, list)
    assert all(c.code[0] in "PCBU" for c in codes.active_codes)
    assert_meta(codes.meta)


def test_commands_act_and_read_back(server: MockcarServer) -> None:
    world = server.world
    tesla = charging_tesla(world)
    tesla.doors_open = frozenset()
    tesla.storage_open = frozenset()
    car = sdk_vehicle(world, tesla)
    unlocked = car.unlock()
    assert (unlocked.status, unlocked.message) == ("success",
                                                  "Successfully sent request to vehicle")
    assert len(unlocked.meta.request_id) == 36
    assert car.lock_status().is_locked is False
    assert car.lock().status == "success" and car.lock_status().is_locked is True
    assert car.stop_charge().status == "success"
    assert car.charge().state == "NOT_CHARGING"
    assert car.start_charge().status == "success"
    assert car.charge().state == "CHARGING"
    assert car.set_charge_limit(0.75).status == "success"
    assert car.get_charge_limit().limit == 0.75
    assert car.send_destination(40.7128, -74.006).message.startswith("Successfully")
    assert tesla.state.destination == Location(40.7128, -74.006)
    with pytest.raises(smartcar.SmartcarException) as busy:
        car.start_charge()
    assert (busy.value.type, busy.value.code, busy.value.status_code) == (
        "VEHICLE_STATE", "CHARGING_IN_PROGRESS", 409)
    with pytest.raises(smartcar.SmartcarException) as low:
        car.set_charge_limit(0.2)
    assert (low.value.type, low.value.code, low.value.status_code) == (
        "VALIDATION", "PARAMETER", 400)
    assert low.value.detail == [{"field": ["limit"], "message": "must be a number from 0.5 "
                                 "to 1.0"}]


def test_batch(server: MockcarServer) -> None:
    world = server.world
    tesla = charging_tesla(world)
    car = smartcar.Vehicle(tesla.id, token(world, tesla, ("read_odometer", "read_battery",
                                                          "read_charge", "read_vehicle_info",
                                                          "read_tires", "read_security",
                                                          "read_engine_oil")))
    found = car.batch(["/odometer", "battery", "/charge/limit", "/", "tires/pressure",
                       "/security", "/engine/oil", "/location", "/tesla/speedometer"])
    assert found.odometer().distance == pytest.approx(tesla.odometer_km(), abs=0.01)
    assert found.odometer().meta.unit_system == "metric"
    assert len(found.odometer().meta.request_id) == 36
    assert found.battery().percent_remaining == 0.42
    assert found.get_charge_limit().limit == tesla.state.charge_limit
    assert found.attributes().make == "TESLA"
    assert found.tire_pressure().front_left > 0
    assert isinstance(found.lock_status().is_locked, bool)
    assert found.meta.request_id == found.odometer().meta.request_id
    with pytest.raises(smartcar.SmartcarException) as oil:
        found.engine_oil()
    assert (oil.value.type, oil.value.code, oil.value.status_code) == (
        "COMPATIBILITY", "VEHICLE_NOT_CAPABLE", 501)
    with pytest.raises(smartcar.SmartcarException) as location:
        found.location()
    assert (location.value.type, location.value.status_code) == ("PERMISSION", 403)
    assert location.value.resolution == {"type": "REAUTHENTICATE", "url": None}
    with pytest.raises(smartcar.SmartcarException) as speed:
        found.tesla_speedometer()
    assert speed.value.description == CATALOG[("PERMISSION", None)].description


def test_batch_retry_after_reaches_the_sdk(server: MockcarServer) -> None:
    vehicle, headers = login(server.world, "RATE_LIMIT.VEHICLE@smartcar.com")
    car = smartcar.Vehicle(vehicle.id, headers)
    found = car.batch(["/vin", "/odometer"])
    assert found.vin().vin == vehicle.vin
    with pytest.raises(smartcar.SmartcarException) as limited:
        found.odometer()
    assert (limited.value.code, limited.value.retry_after) == ("VEHICLE", "60")


MAKES_FOR = {"tesla": "TESLA", "chevrolet": "CHEVROLET", "cadillac": "CADILLAC",
             "bmw": "BMW", "mini": "MINI", "ford": "FORD", "lincoln": "LINCOLN",
             "nissan": "NISSAN", "audi": "AUDI"}


def test_make_specific_reads_through_vehicle_request(server: MockcarServer) -> None:
    world = server.world
    tesla = charging_tesla(world)
    cars = {"TESLA": tesla}
    for make in set(MAKES_FOR.values()) - {"TESLA"}:
        cars[make] = add_vehicle(world, make, Powertrain.BEV, plugged_in=True, charging=True,
                                 battery_level=0.3, charge_limit=0.8)
    for read in BRAND_READS:
        vehicle = cars[MAKES_FOR[read.path.split("/")[1]]]
        answer = sdk_vehicle(world, vehicle).request("GET", read.path.lstrip("/"), {}, {})
        assert isinstance(answer.body, dict) and answer.body, read.path
        assert len(answer.meta.request_id) == 36


def test_make_specific_commands_through_vehicle_request(server: MockcarServer) -> None:
    world = server.world
    tesla = charging_tesla(world)
    car = sdk_vehicle(world, tesla)
    amps = car.request("POST", "tesla/charge/ammeter", {"amperage": 24}, {})
    assert amps.body == {"status": "success",
                         "message": "Successfully sent the following amperage: 24"}
    assert car.request("GET", "tesla/charge/ammeter", {}, {}).body == {"amperage": 24}
    cabin = car.request("POST", "tesla/climate/cabin", {"action": "SET", "temperature": 72},
                        {"sc-unit-system": "imperial"})
    assert cabin.body == {"status": "OFF", "temperature": 72.0}
    ford = add_vehicle(world, "FORD", Powertrain.BEV)
    ford_car = sdk_vehicle(world, ford)
    spot = ford_car.request("GET", "ford/charge/schedule_by_location", {}, {}).body[
        "chargingLocations"][0]["location"]
    path = (f"ford/charge/schedule_by_location?latitude={spot['latitude']}"
            f"&longitude={spot['longitude']}")
    body = {"chargeLimit": 0.85, "chargingSchedules": {"weekday": [], "weekend": []}}
    assert ford_car.request("PUT", path, body, {}).body["status"] == "success"
    with pytest.raises(smartcar.SmartcarException) as wrong_make:
        ford_car.request("GET", "tesla/compass", {}, {})
    assert (wrong_make.value.code, wrong_make.value.status_code) == ("SMARTCAR_NOT_CAPABLE", 501)
    with pytest.raises(smartcar.SmartcarException) as upper:
        car.request("GET", "TESLA/compass", {}, {})
    assert (upper.value.type, upper.value.status_code) == ("PERMISSION", 403)


def login(world: World, email: str) -> tuple[Vehicle, str]:
    owner = world.sign_in(email, "any", "test")
    vehicle = world.vehicles[owner.vehicle_ids[0]]
    return vehicle, token(world, vehicle)


@pytest.mark.parametrize("key", sorted(CATALOG, key=str), ids=lambda k: f"{k[0]}.{k[1]}")
def test_every_catalog_error_reaches_the_sdk(
    server: MockcarServer, key: tuple[str, str | None]
) -> None:
    spec = CATALOG[key]
    vehicle, access = login(server.world, trigger_email(key))
    with pytest.raises(smartcar.SmartcarException) as caught:
        smartcar.Vehicle(vehicle.id, access).odometer()
    error = caught.value
    assert (error.type, error.code, error.status_code) == (spec.type, spec.code, spec.status)
    assert error.description == spec.description
    assert len(error.request_id) == 36 and uuid.UUID(error.request_id).version == 4
    assert error.doc_url.startswith("https://smartcar.com/docs/errors/api-errors/")
    assert error.resolution["type"] == spec.resolution
    if spec.resolution_url:
        assert error.resolution["url"] == spec.resolution_url
    if key == ("CONNECTED_SERVICES_ACCOUNT", "AUTHENTICATION_FAILED"):
        url = urlsplit(error.resolution["url"])
        assert url.netloc == urlsplit(server.url).netloc
        assert parse_qs(url.query)["vehicle_id"] == [vehicle.id]
    assert getattr(error, "retry_after", None) == (
        str(spec.retry_after) if spec.retry_after is not None else None)
    code = f":{spec.code}" if spec.code else ""
    assert str(error) == f"{spec.type}{code} - {error.description}"
    assert smartcar.Vehicle(vehicle.id, access).vin().vin == vehicle.vin, "static still answers"


def test_legacy_v1_errors_reach_the_sdk(server: MockcarServer) -> None:
    vehicle, access = login(server.world, "VEHICLE_STATE.UNREACHABLE@smartcar.com")
    with pytest.raises(smartcar.SmartcarException) as caught:
        smartcar.Vehicle(vehicle.id, access, {"version": "1.0"}).odometer()
    error = caught.value
    assert (error.type, error.code, error.status_code) == ("vehicle_state_error",
                                                           "UNREACHABLE", 409)
    assert "unreachable" in error.message and len(error.request_id) == 36


def connect_in_test_mode(server: MockcarServer, email: str, scope: list[str]) -> str:
    """Walk Connect as a person with a test-mode login would; the access token."""
    app = next(iter(server.world.applications.values()))
    auth = smartcar.AuthClient(app.client_id, app.client_secret, app.redirect_uris[0],
                               mode="test")
    with httpx.Client(timeout=10) as client:
        page = open_page(client, auth.get_auth_url(scope)).submit(client, "continue-button")
        page = page.submit(client, "TESLA")
        page = page.submit(client, "sign-in-button",
                           fill={"username": email, "password": "anything"})
        page = choose_all_vehicles(client, page)
        final = page.submit(client, "approval-button")
    code = parse_qs(urlsplit(final.response.headers["location"]).query)["code"][0]
    return str(auth.exchange_code(code).access_token)


def test_a_trigger_email_through_connect(server: MockcarServer) -> None:
    access = connect_in_test_mode(server, "VEHICLE_STATE.DOOR_OPEN@smartcar.com",
                                  ["read_vin", "read_odometer", "control_security"])
    vehicle_id = smartcar.get_vehicles(access).vehicles[0]
    car = smartcar.Vehicle(vehicle_id, access)
    assert car.vin().vin == server.world.vehicles[vehicle_id].vin
    for call in (car.odometer, car.lock):
        with pytest.raises(smartcar.SmartcarException) as caught:
            call()
        assert (caught.value.type, caught.value.code, caught.value.status_code) == (
            "VEHICLE_STATE", "DOOR_OPEN", 409)


def test_a_vin_account_through_connect(server: MockcarServer) -> None:
    access = connect_in_test_mode(server, "0SCAUDI0155C49A95@fuel.smartcar.com",
                                  ["read_vin", "read_fuel", "read_battery"])
    car = smartcar.Vehicle(smartcar.get_vehicles(access).vehicles[0], access)
    assert car.vin().vin == "0SCAUDI0155C49A95"
    assert car.fuel().percent_remaining > 0
    with pytest.raises(smartcar.SmartcarException) as caught:
        car.battery()
    assert (caught.value.code, caught.value.status_code) == ("VEHICLE_NOT_CAPABLE", 501)
