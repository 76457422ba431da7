"""The first path a user takes, end to end on a live server, with the official Python
SDK unchanged: Connect URL → HTML pages → code → tokens → vehicle data → refresh."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import smartcar

from mockcar.domain.vehicles.vehicle import Powertrain
from mockcar.domain.world.world import Owner
from mockcar.errors import CATALOG
from mockcar.testing import MockcarServer
from mockcar.testing.sdk import smartcar_sdk_pointed_at
from tests.support.forms import Page, choose_all_vehicles, open_page

SCOPE = [
    "read_vehicle_info", "read_vin", "read_odometer", "read_location", "read_battery",
    "read_fuel", "read_charge", "read_security", "control_security",
]


@pytest.fixture(scope="module")
def server() -> Iterator[MockcarServer]:
    with MockcarServer() as running, smartcar_sdk_pointed_at(running.url):
        yield running


@pytest.fixture
def auth_client(server: MockcarServer) -> smartcar.AuthClient:
    app = next(iter(server.world.applications.values()))
    return smartcar.AuthClient(app.client_id, app.client_secret, app.redirect_uris[0],
                               mode="simulated")


OWNER_MAKES: dict[str, str] = {}


def owner_with_several(server: MockcarServer) -> Owner:
    """The owner with the most vehicles of one make; Connect at that brand lists them."""
    world = server.world

    def most_of_one_make(owner: Owner) -> tuple[int, str]:
        makes = Counter(world.vehicles[v].make for v in owner.vehicle_ids)
        make, count = makes.most_common(1)[0] if makes else ("", 0)
        return count, make

    owner = max(world.owners.values(), key=most_of_one_make)
    OWNER_MAKES[owner.email] = most_of_one_make(owner)[1]
    return owner


def listed(server: MockcarServer, owner: Owner) -> list[str]:
    """The vehicles Connect lists at the brand the walk picks: that make's."""
    return [v.id for v in server.world.owner_vehicles(owner, OWNER_MAKES[owner.email])]


def walk_connect(url: str, owner: Owner, *, approve: bool = True) -> dict[str, list[str]]:
    """Press through Connect as a person would; return the redirect's query."""
    with httpx.Client(timeout=10) as client:
        page = open_page(client, url).submit(client, "continue-button")
        page = page.submit(client, brand_of(page, owner))
        page = page.submit(client, "sign-in-button",
                           fill={"username": owner.email, "password": owner.password})
        page = choose_all_vehicles(client, page)
        final = page.submit(client, "approval-button" if approve else "deny-button")
    location = final.response.headers["location"]
    return parse_qs(urlsplit(location).query)


def brand_of(page: Page, owner: Owner) -> str:
    """The brand button (its id is the make, as on Smartcar's Connect) of the owner's
    first vehicle."""
    make = OWNER_MAKES[owner.email]
    assert page.has(make), f"the brand list offers {make}"
    return make


def test_connect_exchange_read_control_and_refresh(
    server: MockcarServer, auth_client: smartcar.AuthClient
) -> None:
    owner = owner_with_several(server)
    url = auth_client.get_auth_url(SCOPE, {"state": "state-42", "force_prompt": True})
    assert url.startswith(server.url + "/oauth/authorize?")
    query = walk_connect(url, owner)
    assert query["state"] == ["state-42"]
    access = auth_client.exchange_code(query["code"][0])
    assert access.token_type == "Bearer" and access.expires_in == 7200

    vehicles = smartcar.get_vehicles(access.access_token)
    assert len(listed(server, owner)) > 1
    assert sorted(vehicles.vehicles) == sorted(listed(server, owner))
    assert vehicles.paging.count == len(listed(server, owner))
    first_page = smartcar.get_vehicles(access.access_token, {"limit": 1, "offset": 1})
    assert first_page.vehicles == vehicles.vehicles[1:2]
    assert smartcar.get_user(access.access_token).id == owner.id

    for vehicle_id in vehicles.vehicles:
        simulated = server.world.vehicles[vehicle_id]
        vehicle = smartcar.Vehicle(vehicle_id, access.access_token)
        attributes = vehicle.attributes()
        assert (attributes.make, attributes.model, attributes.year) == (
            simulated.make, simulated.model, simulated.year)
        assert vehicle.vin().vin == simulated.vin
        odometer = vehicle.odometer()
        assert odometer.distance == pytest.approx(simulated.odometer_km(), abs=0.01)
        assert odometer.meta.unit_system == "metric"
        assert len(odometer.meta.request_id) == 36
        assert vehicle.location().latitude == simulated.location().latitude
        if simulated.powertrain.has_battery:
            assert 0 <= vehicle.battery().percent_remaining <= 1
            assert vehicle.charge().state in ("CHARGING", "FULLY_CHARGED", "NOT_CHARGING")
        else:
            with pytest.raises(smartcar.SmartcarException) as refused:
                vehicle.battery()
            assert refused.value.type == "COMPATIBILITY"
            assert refused.value.code == "VEHICLE_NOT_CAPABLE"
            assert refused.value.status_code == 501
        if simulated.powertrain.has_fuel:
            assert vehicle.fuel().amount_remaining > 0
        assert sorted(vehicle.permissions().permissions) == sorted(SCOPE)

        assert vehicle.unlock().status == "success"
        assert vehicle.lock_status().is_locked is False
        if simulated.doors_open:
            with pytest.raises(smartcar.SmartcarException) as door_open:
                vehicle.lock()
            assert (door_open.value.type, door_open.value.code) == ("VEHICLE_STATE", "DOOR_OPEN")
            assert vehicle.lock_status().is_locked is False
        else:
            assert vehicle.lock().message == "Successfully sent request to vehicle"
            assert vehicle.lock_status().is_locked is True

    refreshed = auth_client.exchange_refresh_token(access.refresh_token)
    assert refreshed.access_token != access.access_token
    assert refreshed.refresh_token != access.refresh_token
    vehicle = smartcar.Vehicle(vehicles.vehicles[0], refreshed.access_token)
    assert vehicle.vin().vin == server.world.vehicles[vehicles.vehicles[0]].vin


def test_imperial_units_through_the_sdk(
    server: MockcarServer, auth_client: smartcar.AuthClient
) -> None:
    owner = owner_with_several(server)
    query = walk_connect(auth_client.get_auth_url(SCOPE), owner)
    token = auth_client.exchange_code(query["code"][0]).access_token
    vehicle_id = listed(server, owner)[0]
    simulated = server.world.vehicles[vehicle_id]
    imperial = smartcar.Vehicle(vehicle_id, token, {"unit_system": "imperial"}).odometer()
    assert imperial.meta.unit_system == "imperial"
    assert imperial.distance == pytest.approx(simulated.odometer_km() / 1.609344, abs=0.01)


def test_denied_consent_and_sdk_errors(
    server: MockcarServer, auth_client: smartcar.AuthClient
) -> None:
    owner = owner_with_several(server)
    denied = walk_connect(auth_client.get_auth_url(SCOPE, {"state": "no"}), owner,
                          approve=False)
    assert denied["error"] == ["access_denied"]
    assert denied["state"] == ["no"]

    with pytest.raises(smartcar.SmartcarException) as bad_code:
        auth_client.exchange_code("not-a-code")
    assert bad_code.value.status_code == 400
    assert bad_code.value.type == "invalid_grant"

    query = walk_connect(auth_client.get_auth_url(["read_odometer"]), owner)
    token = auth_client.exchange_code(query["code"][0]).access_token
    ice = next(v for v in listed(server, owner)
               if server.world.vehicles[v].powertrain is not Powertrain.BEV)
    with pytest.raises(smartcar.SmartcarException) as missing:
        smartcar.Vehicle(ice, token).location()
    assert missing.value.status_code == 403
    assert missing.value.type == "PERMISSION"
    assert missing.value.description == CATALOG[("PERMISSION", None)].description
    assert missing.value.resolution == {"type": "REAUTHENTICATE", "url": None}
