"""Test mode as Smartcar runs it, walked through the real Connect pages (form posts) and
read with the official Python SDK: the brand picked decides the account's vehicles, the
first is the brand's plug-in hybrid (a Chevrolet account's is a Volt) and answers every
read and command, a VIN login's make follows the VIN, and signing in at a brand lists
only that brand's vehicles in simulated mode too.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import smartcar

from mockcar.domain.world.scopes import PERMISSIONS
from mockcar.settings import Settings
from mockcar.testing import MockcarServer
from mockcar.testing.sdk import smartcar_sdk_pointed_at
from tests.support.forms import Page, choose_all_vehicles, open_page

EVERY_PERMISSION = sorted(PERMISSIONS)


@pytest.fixture(scope="module")
def server() -> Iterator[MockcarServer]:
    with MockcarServer() as running, smartcar_sdk_pointed_at(running.url):
        yield running


def auth_client(server: MockcarServer, mode: str = "test") -> smartcar.AuthClient:
    app = next(iter(server.world.applications.values()))
    return smartcar.AuthClient(app.client_id, app.client_secret, app.redirect_uris[0],
                               mode=mode)


def walk(server: MockcarServer, brand: str, email: str, *, mode: str = "test",
         password: str = "any password",
         scope: list[str] = EVERY_PERMISSION) -> dict[str, list[str]]:
    """Continue, press the brand's button, sign in, keep every vehicle Connect lists
    and allow: the query of the redirect back to the application."""
    url = auth_client(server, mode).get_auth_url(scope, {"force_prompt": True})
    with httpx.Client(timeout=10) as client:
        page = open_page(client, url).submit(client, "continue-button")
        assert page.has(brand), f"the brand list offers {brand}"
        page = page.submit(client, brand)
        page = page.submit(client, "sign-in-button",
                           fill={"username": email, "password": password})
        if page.has("approval-button"):
            page = choose_all_vehicles(client, page).submit(client, "approval-button")
    return redirect_query(page)


def redirect_query(page: Page) -> dict[str, list[str]]:
    assert page.response.is_redirect, page.html
    return parse_qs(urlsplit(page.response.headers["location"]).query)


def connect(server: MockcarServer, brand: str, email: str) -> tuple[str, list[str]]:
    """A test-mode walk at `brand`: the access token and the connected vehicle ids."""
    query = walk(server, brand, email)
    access = auth_client(server).exchange_code(query["code"][0]).access_token
    return access, list(smartcar.get_vehicles(access).vehicles)


def test_a_chevrolet_test_account_starts_with_a_volt_that_answers_everything(
    server: MockcarServer,
) -> None:
    access, vehicle_ids = connect(server, "CHEVROLET", "volt-owner@example.com")
    car = smartcar.Vehicle(vehicle_ids[0], access)
    attributes = car.attributes()
    assert (attributes.make, attributes.model) == ("CHEVROLET", "Volt")
    assert len(car.vin().vin) == 17
    assert car.odometer().distance > 0
    assert -90 <= car.location().latitude <= 90
    assert car.lock_status().is_locked in (True, False)
    battery = car.battery()
    assert 0 < battery.percent_remaining < 1 and battery.range > 0
    assert car.battery_capacity().capacity > 0
    assert car.nominal_capacity().availableCapacities
    charge = car.charge()
    assert (charge.is_plugged_in, charge.state) == (True, "CHARGING")
    assert 0.5 <= car.get_charge_limit().limit <= 1
    fuel = car.fuel()
    assert fuel.amount_remaining > 0 and 0 < fuel.percent_remaining <= 1
    assert 0 <= car.engine_oil().life_remaining <= 1
    assert car.tire_pressure().front_left > 0
    assert isinstance(car.service_history().items, list)
    assert car.diagnostic_system_status().systems
    assert isinstance(car.diagnostic_trouble_codes().active_codes, list)
    assert sorted(car.permissions({"limit": 100}).permissions) == EVERY_PERMISSION
    batch = car.batch(["/battery", "/fuel", "/engine/oil", "/tires/pressure", "/charge"])
    assert batch.battery().percent_remaining == battery.percent_remaining
    assert batch.fuel().amount_remaining == fuel.amount_remaining
    assert car.request("GET", "chevrolet/charge/voltmeter").body["voltage"] > 0
    assert car.request("GET", "chevrolet/charge/completion").body["time"]

    assert car.unlock().status == "success"
    assert car.lock_status().is_locked is False
    assert car.lock().status == "success"
    assert car.lock_status().is_locked is True
    assert car.start_charge().status == "success"  # already charging: a test car accepts
    assert car.stop_charge().status == "success"
    assert car.charge().state == "NOT_CHARGING"
    assert car.start_charge().status == "success"
    assert car.charge().state == "CHARGING"
    assert car.set_charge_limit(0.9).status == "success"
    assert car.get_charge_limit().limit == 0.9
    assert car.send_destination(37.7749, -122.4194).status == "success"


@pytest.mark.parametrize(("brand", "plug_in_hybrid"), [
    ("FORD", True), ("TESLA", False), ("KIA", True), ("BMW", True), ("CHEVROLET", True),
])
def test_every_vehicle_of_a_test_account_has_the_brand_picked(
    server: MockcarServer, brand: str, plug_in_hybrid: bool
) -> None:
    access, vehicle_ids = connect(server, brand, "4-vehicles@smartcar.com")
    assert len(vehicle_ids) == 4
    cars = [smartcar.Vehicle(v, access) for v in vehicle_ids]
    assert [car.attributes().make for car in cars] == [brand] * 4
    first = cars[0]
    assert first.battery().percent_remaining > 0  # a Tesla's a battery electric car
    if plug_in_hybrid:
        assert first.fuel().amount_remaining > 0
    assert first.start_charge().status == "success"


def test_one_email_is_one_account_with_each_brands_vehicles(server: MockcarServer) -> None:
    at_kia, kia_ids = connect(server, "KIA", "two-brands@example.com")
    at_ford, ford_ids = connect(server, "FORD", "two-brands@example.com")
    assert set(kia_ids).isdisjoint(ford_ids)
    assert smartcar.get_user(at_kia).id == smartcar.get_user(at_ford).id
    _, kia_again = connect(server, "KIA", "two-brands@example.com")
    assert kia_again == kia_ids


@pytest.mark.parametrize(("vin", "make"), [
    ("1G1RC6E42BU100001", "CHEVROLET"), ("1GCUYDED5LZ100002", "CHEVROLET"),
    ("5YJ3E1EA0NF123456", "TESLA"), ("7SAYGDEE0PF100003", "TESLA"),
    ("1FTFW1E50NF100004", "FORD"), ("WBA5R1C05LF100005", "BMW"),
    ("KNDCM3LD0P5100006", "KIA"), ("JTMAB3FV0PD100007", "TOYOTA"),
    ("WVWZZZ1KZAW100008", "VOLKSWAGEN"), ("0SCAUDI0155C49A95", "AUDI"),
])
def test_a_vin_login_takes_its_make_from_the_vin(
    server: MockcarServer, vin: str, make: str
) -> None:
    access, vehicle_ids = connect(server, "HONDA", f"{vin}@fuel.smartcar.com")
    (car,) = (smartcar.Vehicle(v, access) for v in vehicle_ids)
    assert (car.vin().vin, car.attributes().make) == (vin, make)
    assert car.fuel().amount_remaining > 0
    with pytest.raises(smartcar.SmartcarException) as refused:
        car.battery()
    assert (refused.value.code, refused.value.status_code) == ("VEHICLE_NOT_CAPABLE", 501)


def test_smartcars_single_select_test_login(server: MockcarServer) -> None:
    vin = "0SCAUDI037A5ADB1C"
    url = auth_client(server).get_auth_url(["read_vehicle_info", "read_vin"],
                                           {"single_select": {"vin": vin}})
    with httpx.Client(timeout=10) as client:
        page = open_page(client, url).submit(client, "continue-button")
        page = page.submit(client, "AUDI").submit(client, "sign-in-button", fill={
            "username": "smartcar@successful-request.com", "password": "any password"})
        final = page.submit(client, "approval-button")
    code = redirect_query(final)["code"][0]
    access = auth_client(server).exchange_code(code).access_token
    (vehicle_id,) = smartcar.get_vehicles(access).vehicles
    car = smartcar.Vehicle(vehicle_id, access)
    assert (car.vin().vin, car.attributes().make) == (vin, "AUDI")


def test_a_simulated_owner_sees_only_the_brand_signed_in_at(server: MockcarServer) -> None:
    owner = server.world.owners["alice@example.com"]
    makes = {server.world.vehicles[v].make for v in owner.vehicle_ids}
    assert "CHEVROLET" not in makes and "TOYOTA" in makes
    refused = walk(server, "CHEVROLET", owner.email, mode="simulated",
                   password=owner.password)
    assert refused["error"] == ["no_vehicles"]
    assert refused["error_description"] == [
        "No vehicles found. Please add vehicles to your account and try again."]

    query = walk(server, "TOYOTA", owner.email, mode="simulated", password=owner.password)
    access = auth_client(server, "simulated").exchange_code(query["code"][0]).access_token
    listed = smartcar.get_vehicles(access).vehicles
    toyotas = [v for v in owner.vehicle_ids if server.world.vehicles[v].make == "TOYOTA"]
    assert sorted(listed) == sorted(toyotas) and len(toyotas) < len(owner.vehicle_ids)


def test_a_scenario_owner_in_test_mode_keeps_their_own_vehicles(server: MockcarServer) -> None:
    refused = walk(server, "CHEVROLET", "alice@example.com")
    assert refused["error"] == ["no_vehicles"]
    _, vehicle_ids = connect(server, "TESLA", "alice@example.com")
    owner = server.world.owners["alice@example.com"]
    assert vehicle_ids == [v for v in owner.vehicle_ids
                           if server.world.vehicles[v].make == "TESLA"]


def described(server: MockcarServer, brand: str, email: str) -> list[tuple[str, ...]]:
    access, vehicle_ids = connect(server, brand, email)
    cars = [smartcar.Vehicle(v, access) for v in vehicle_ids]
    return [(v, car.vin().vin, car.attributes().model, str(car.odometer().distance))
            for v, car in zip(vehicle_ids, cars, strict=True)]


def test_the_same_seed_gives_the_same_accounts(server: MockcarServer) -> None:
    first = described(server, "BMW", "3-vehicles@smartcar.com")
    with MockcarServer() as same_seed, smartcar_sdk_pointed_at(same_seed.url):
        assert described(same_seed, "BMW", "3-vehicles@smartcar.com") == first
    with MockcarServer(Settings(seed=99)) as other_seed, \
            smartcar_sdk_pointed_at(other_seed.url):
        other = described(other_seed, "BMW", "3-vehicles@smartcar.com")
    assert {vin for _, vin, _, _ in other}.isdisjoint(vin for _, vin, _, _ in first)
