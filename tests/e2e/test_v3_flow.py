"""API v3 end to end on a live server, as a new Smartcar app integrates it
(https://smartcar.com/docs/api-reference/vehicles-api-intro): an application token from the
client-credentials grant, Connect walked through its HTML forms ending with `user_id`,
the user's connections, the vehicle, its signals, commands, and reading them back — over
plain HTTP, with no mockcar code on the client side."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest

from mockcar.domain.world.world import Owner
from mockcar.scenario import load_world
from mockcar.settings import Settings, default_scenario
from mockcar.testing import MockcarServer
from tests.support.forms import choose_all_vehicles, open_page
from tests.web.v3.conftest import V3_APP

SCOPE = "read_vehicle_info read_odometer read_battery read_charge read_security " \
        "control_security control_charge"


@pytest.fixture(scope="module")
def server() -> Iterator[MockcarServer]:
    world = load_world(default_scenario())
    world.add_application(V3_APP)
    with MockcarServer(Settings(), world) as running:
        yield running


def electric_owner(server: MockcarServer) -> Owner:
    """An owner with a password (live mode) and a battery car without a timeline (one
    driving on a timeline would refuse the unlock below with IN_MOTION)."""
    return next(o for o in server.world.owners.values() if o.password and any(
        still(server, v) for v in o.vehicle_ids))


def still(server: MockcarServer, vehicle_id: str) -> bool:
    vehicle = server.world.vehicles[vehicle_id]
    return vehicle.powertrain.has_battery and vehicle.motion is None


def test_the_v3_integration_path(server: MockcarServer) -> None:
    owner = electric_owner(server)
    with httpx.Client(base_url=server.url, timeout=10) as http:
        # 1. The application token.
        issued = http.post("/oauth2/token", data={
            "grant_type": "client_credentials", "client_id": V3_APP.client_id,
            "client_secret": V3_APP.client_secret})
        assert issued.status_code == 200
        assert set(issued.json()) == {"access_token", "token_type", "expires_in"}
        app_auth = {"Authorization": f"Bearer {issued.json()['access_token']}"}

        # 2. Connect, through the pages a browser would get, back with user_id.
        query = urlencode({"response_type": "code", "client_id": V3_APP.client_id,
                           "scope": SCOPE, "state": "st-7", "mode": "live"})
        page = open_page(http, f"{server.url}/oauth/authorize?{query}")
        page = page.submit(http, "continue-button")
        # The brand of a still battery car: Connect lists the owner's cars of that make.
        make = next(server.world.vehicles[v].make for v in owner.vehicle_ids
                    if still(server, v))
        page = page.submit(http, make)
        page = page.submit(http, "sign-in-button",
                           fill={"username": owner.email, "password": owner.password})
        final = choose_all_vehicles(http, page).submit(http, "approval-button")
        back = parse_qs(urlsplit(final.response.headers["location"]).query)
        assert set(back) == {"user_id", "state"} and back["state"] == ["st-7"]
        user_id = back["user_id"][0]

        # 3. The user's vehicles, from their connections.
        listed = http.get("/v3/connections", params={"filter[userId]": user_id},
                          headers=app_auth).json()
        vehicle_ids = [c["relationships"]["vehicle"]["data"]["id"] for c in listed["data"]]
        assert sorted(vehicle_ids) == sorted(
            v for v in owner.vehicle_ids if server.world.vehicles[v].make == make)
        assert all(sorted(c["attributes"]["permissions"]) == sorted(SCOPE.split())
                   for c in listed["data"])
        bev = next(v for v in vehicle_ids if still(server, v))
        user = {**app_auth, "sc-user-id": user_id}

        # 4. The vehicle, then its signals.
        vehicle = http.get(f"/v3/vehicles/{bev}", headers=user).json()
        assert vehicle["attributes"]["make"] == server.world.vehicles[bev].make
        signals = http.get(f"/v3/vehicles/{bev}/signals", headers=user).json()
        by_code = {s["id"]: s["attributes"] for s in signals["data"]}
        assert by_code["odometer-traveleddistance"]["status"] == {"value": "SUCCESS"}
        assert by_code["tractionbattery-stateofcharge"]["body"]["unit"] == "percent"
        assert by_code["location-preciselocation"]["status"]["error"]["type"] == "PERMISSION"

        # 5. Commands, read back as signals.
        was_locked = by_code["closure-islocked"]["body"]["value"]
        action = "unlock" if was_locked else "lock"
        done = http.post(f"/v3/vehicles/{bev}/commands/security/{action}", headers=user)
        assert done.status_code == 200
        assert done.json()["data"]["attributes"]["status"] == {"value": "SUCCESS"}
        locked = http.get(f"/v3/vehicles/{bev}/signals/closure-islocked", headers=user).json()
        assert locked["attributes"]["body"] == {"value": not was_locked}
        limit = http.post(f"/v3/vehicles/{bev}/commands/charge/set-limit", headers=user,
                          json={"data": {"attributes": {"percent": 85}}})
        assert limit.status_code == 200
        limits = http.get(f"/v3/vehicles/{bev}/signals/charge-chargelimits", headers=user)
        assert limits.json()["attributes"]["body"]["activeLimit"] == 85.0

        # 6. The user leaves: their connections go, and with them the access.
        assert http.delete(f"/v3/users/{user_id}", headers=app_auth).status_code == 204
        gone = http.get(f"/v3/vehicles/{bev}/signals", headers=user)
        assert gone.status_code == 403
        assert gone.json()["errors"][0]["code"] == "ACCESS_DENIED"
