"""The official Python SDK's API v3 calls against a live server, unchanged: a vehicle
access token from the v2 code flow (what the SDK has), then `Vehicle.get_signals`,
`Vehicle.get_signal` and `smartcar.smartcar.get_vehicle` (not re-exported by the
package), whose origin is `SMARTCAR_VEHICLE_API_V3_ORIGIN` → `smartcar.config.
VEHICLE_API_ORIGIN`."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import smartcar
import smartcar.smartcar
from smartcar.exception import SmartcarException

from mockcar.domain.signals import reading as catalogue
from mockcar.domain.world.world import Mode, World
from mockcar.testing import MockcarServer
from mockcar.testing.sdk import smartcar_sdk_pointed_at
from tests.support.forms import choose_all_vehicles, open_page

SCOPE = ["read_vehicle_info", "read_odometer", "read_battery", "read_charge"]


@pytest.fixture(scope="module")
def server() -> Iterator[MockcarServer]:
    with MockcarServer() as running, smartcar_sdk_pointed_at(running.url):
        yield running


@pytest.fixture(scope="module")
def session(server: MockcarServer) -> tuple[str, str]:
    """(access token, battery vehicle id) from Connect and the SDK's code exchange."""
    import httpx

    world: World = server.world
    app = next(iter(world.applications.values()))
    owner = next(o for o in world.owners.values() if o.password and any(
        still(world, v) for v in o.vehicle_ids))
    auth = smartcar.AuthClient(app.client_id, app.client_secret, app.redirect_uris[0],
                               mode=Mode.SIMULATED)
    url = auth.get_auth_url(SCOPE, {"state": "sdk-v3"})
    with httpx.Client(timeout=10) as client:
        page = open_page(client, url).submit(client, "continue-button")
        page = page.submit(client, world.vehicles[owner.vehicle_ids[0]].make)
        page = page.submit(client, "sign-in-button",
                           fill={"username": owner.email, "password": owner.password})
        final = choose_all_vehicles(client, page).submit(client, "approval-button")
    code = final.response.headers["location"].split("code=")[1].split("&")[0]
    access = auth.exchange_code(code)
    vehicle = next(v for v in owner.vehicle_ids if still(world, v))
    return access.access_token, vehicle


def still(world: World, vehicle_id: str) -> bool:
    """A battery car without a timeline: the server's clock runs, so a car that moves in
    time would read differently a moment later."""
    vehicle = world.vehicles[vehicle_id]
    return vehicle.powertrain.has_battery and vehicle.motion is None


def test_get_signals(server: MockcarServer, session: tuple[str, str]) -> None:
    token, vehicle_id = session
    response = smartcar.Vehicle(vehicle_id, token).get_signals()
    body = response["body"]
    assert [s["id"] for s in body["data"]] == list(catalogue.codes())
    assert body["data"][0]["attributes"]["status"]["value"] == "SUCCESS"
    assert body["meta"]["totalCount"] == len(catalogue.codes())
    odometer = next(s for s in body["data"] if s["id"] == "odometer-traveleddistance")
    expected = round(server.world.vehicles[vehicle_id].odometer_km(), 2)
    assert odometer["attributes"]["body"] == {"unit": "kilometers", "value": expected}
    # Not granted read_location: the signal says so, the request still succeeds.
    location = next(s for s in body["data"] if s["id"] == "location-preciselocation")
    assert location["attributes"]["status"]["error"]["type"] == "PERMISSION"
    assert response["headers"]["content-type"] == "application/json"
    assert response["headers"]["sc-request-id"]


def test_get_signal(server: MockcarServer, session: tuple[str, str]) -> None:
    token, vehicle_id = session
    vehicle = smartcar.Vehicle(vehicle_id, token, {"unit_system": "imperial"})
    body = vehicle.get_signal("tractionbattery-stateofcharge")["body"]
    battery = server.world.vehicles[vehicle_id].battery()
    assert body["id"] == "tractionbattery-stateofcharge"
    # v3 bodies name their unit and stay metric whatever sc-unit-system says.
    assert body["attributes"]["body"] == {
        "unit": "percent", "value": round(battery.percent_remaining * 100, 2)}
    assert isinstance(body["meta"]["retrievedAt"], int)


def test_get_vehicle(server: MockcarServer, session: tuple[str, str]) -> None:
    token, vehicle_id = session
    response = smartcar.smartcar.get_vehicle(token, vehicle_id)
    car = server.world.vehicles[vehicle_id]
    assert response["body"] == {
        "id": vehicle_id, "type": "vehicle",
        "attributes": {"make": car.make, "model": car.model, "year": car.year,
                       "powertrainType": str(car.powertrain)},
        "links": {"self": f"/vehicles/{vehicle_id}"}}


def test_v3_errors_reach_the_sdk_as_sdk_error_with_the_raw_body(
    session: tuple[str, str],
) -> None:
    """Neither SDK parses `errors[]`: Python raises its
    generic exception carrying the body."""
    token, vehicle_id = session
    with pytest.raises(SmartcarException) as refused:
        smartcar.Vehicle(vehicle_id, token).get_signal("odometer-nope")
    assert (refused.value.status_code, refused.value.type) == (404, "SDK_ERROR")
    assert '"type":"RESOURCE_NOT_FOUND"' in str(refused.value.message)
    with pytest.raises(SmartcarException) as unknown:
        smartcar.smartcar.get_vehicle("not-a-token", vehicle_id)
    assert unknown.value.status_code == 401
