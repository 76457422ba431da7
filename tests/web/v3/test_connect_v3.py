"""Connect's API v3 variants on a live server, walked through the served HTML forms: an
application configured with `connect_redirect: user_id` gets `user_id` and `state` back
(no code), and `/oauth/reauthenticate` ends with `vehicle_id` and `state`."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest
from starlette.testclient import TestClient

from mockcar.app import create_app
from mockcar.domain.world.world import Owner
from mockcar.scenario import load_world
from mockcar.settings import Settings, default_scenario
from mockcar.testing import MockcarServer
from tests.support.forms import Page, choose_all_vehicles, open_page
from tests.web.v3.conftest import V3_APP


@pytest.fixture(scope="module")
def server() -> Iterator[MockcarServer]:
    world = load_world(default_scenario())
    world.add_application(V3_APP)
    with MockcarServer(Settings(), world) as running:
        yield running


def owner_with_several(server: MockcarServer) -> Owner:
    return max(server.world.owners.values(), key=lambda o: len(o.vehicle_ids))


def listed(server: MockcarServer, owner: Owner) -> list[str]:
    """The owner's vehicles Connect lists at the brand `connect` picks (the make of
    their first vehicle)."""
    make = server.world.vehicles[owner.vehicle_ids[0]].make
    return [v for v in owner.vehicle_ids if server.world.vehicles[v].make == make]


def redirect_query(page: Page) -> dict[str, list[str]]:
    assert page.response.status_code == 302, page.html[:500]
    return parse_qs(urlsplit(page.response.headers["location"]).query)


def connect(server: MockcarServer, client_id: str, owner: Owner, state: str) -> Page:
    make = server.world.vehicles[owner.vehicle_ids[0]].make
    query = urlencode({"response_type": "code", "client_id": client_id, "state": state,
                       "scope": "read_vehicle_info read_odometer", "mode": "live"})
    with httpx.Client(timeout=10) as client:
        page = open_page(client, f"{server.url}/oauth/authorize?{query}")
        page = page.submit(client, "continue-button").submit(client, make)
        page = page.submit(client, "sign-in-button",
                           fill={"username": owner.email, "password": owner.password})
        return choose_all_vehicles(client, page).submit(client, "approval-button")


def test_a_v3_application_gets_user_id_and_state_and_no_code(server: MockcarServer) -> None:
    owner = owner_with_several(server)
    final = connect(server, V3_APP.client_id, owner, "0facda3319")
    location = final.response.headers["location"]
    assert location.startswith(V3_APP.redirect_uris[0] + "?")
    assert redirect_query(final) == {"user_id": [owner.id], "state": ["0facda3319"]}
    connections = [c for c in server.world.connections.values()
                   if c.client_id == V3_APP.client_id and c.user_id == owner.id]
    assert connections and set(connections[-1].vehicle_ids) == set(listed(server, owner))
    assert not any(code.client_id == V3_APP.client_id for code in server.world.codes.values())


def test_a_v2_application_still_gets_a_code(server: MockcarServer) -> None:
    demo = next(a for a in server.world.applications.values()
                if a.client_id != V3_APP.client_id)
    assert demo.connect_redirect == "code"
    query = redirect_query(connect(server, demo.client_id, owner_with_several(server), "s"))
    assert set(query) == {"code", "state"}


def reauthenticate_url(server: MockcarServer, **params: str) -> str:
    return f"{server.url}/oauth/reauthenticate?{urlencode(params)}"


def test_reauthentication_signs_the_owner_in_again_and_returns_vehicle_id(
    server: MockcarServer,
) -> None:
    owner = owner_with_several(server)
    connect(server, V3_APP.client_id, owner, "first")
    vehicle_id = listed(server, owner)[-1]
    url = reauthenticate_url(server, response_type="vehicle_id", client_id=V3_APP.client_id,
                             vehicle_id=vehicle_id, state="again")
    with httpx.Client(timeout=10) as client:
        preamble = open_page(client, url)
        assert preamble.response.status_code == 200 and preamble.has("continue-button")
        sign_in = preamble.submit(client, "continue-button")
        assert sign_in.has("sign-in-button"), "the make is known: straight to sign-in"
        someone_else = next(o for o in server.world.owners.values()
                            if vehicle_id not in o.vehicle_ids and o.password)
        refused = sign_in.submit(client, "sign-in-button", fill={
            "username": someone_else.email, "password": someone_else.password})
        assert refused.response.status_code == 401
        assert "does not have the vehicle" in refused.html
        final = refused.submit(client, "sign-in-button",
                               fill={"username": owner.email, "password": owner.password})
    assert redirect_query(final) == {"vehicle_id": [vehicle_id], "state": ["again"]}


@pytest.mark.parametrize(("params", "says"), [
    ({"response_type": "code"}, "Unsupported response_type"),
    ({"response_type": "vehicle_id"}, "vehicle_id"),
    ({"response_type": "vehicle_id", "vehicle_id": "not-connected"}, "is not connected"),
    ({"response_type": "vehicle_id", "vehicle_id": "x", "redirect_uri": "https://evil.example"},
     "is not registered"),
])
def test_bad_reauthentication_requests_are_error_pages(
    server: MockcarServer, params: dict[str, str], says: str
) -> None:
    with httpx.Client(timeout=10) as client:
        response = client.get(reauthenticate_url(server, client_id=V3_APP.client_id, **params))
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/html")
    assert says in response.text


def test_a_tenant_registered_from_a_v3_scenario_gets_the_user_id_redirect() -> None:
    yaml = (default_scenario().read_text()
            .replace("    management_token: demo-management-token\n",
                     "    management_token: demo-management-token\n"
                     "    connect_redirect: user_id\n", 1))
    app = create_app(Settings())
    with TestClient(app, base_url="http://localhost") as http:
        created = http.post("/_mockcar/applications", json={"scenario_yaml": yaml})
        assert created.status_code == 201, created.text
        tenant = app.state.tenants.get(created.json()["client_id"])
    assert tenant.application.connect_redirect == "user_id"
    assert next(iter(app.state.world.applications.values())).connect_redirect == "code"
