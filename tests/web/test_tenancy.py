"""Requests reach their tenant's World: Connect by client id and then by session, the
token endpoint by HTTP Basic client id, the Vehicle API by access token."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from datetime import timedelta
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest

from mockcar.domain.world.tenants import ScenarioChoice, Tenant, Tenants, new_application
from mockcar.scenario import load_world
from mockcar.settings import Settings, default_scenario
from mockcar.testing import MockcarServer
from tests.support.forms import open_page

SCOPE = "read_vehicle_info read_odometer control_security read_security"


@pytest.fixture(scope="module")
def server() -> Iterator[MockcarServer]:
    with MockcarServer(Settings()) as running:
        yield running


@pytest.fixture
def http(server: MockcarServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=10) as client:
        yield client


def register(server: MockcarServer) -> Tenant:
    world = load_world(default_scenario())
    tenants: Tenants = server.app.state.tenants
    return tenants.register(world, ScenarioChoice(), new_application(world))


def connect(http: httpx.Client, tenant: Tenant, email: str = "alice@example.com",
            password: str = "alice-password") -> str:
    """Walk the Connect pages for `tenant`'s application; the code it redirects with."""
    app = tenant.application
    url = "/oauth/authorize?" + urlencode({
        "response_type": "code", "client_id": app.client_id, "mode": "simulated",
        "redirect_uri": app.redirect_uris[0], "scope": SCOPE, "state": "s",
    })
    page = open_page(http, url).submit(http, "continue-button")
    if page.has("TESLA"):
        page = page.submit(http, "TESLA")
    page = page.submit(http, "sign-in-button", fill={"username": email, "password": password})
    done = page.submit(http, "approval-button")
    assert done.response.status_code == 302, done.html
    return parse_qs(urlsplit(done.response.headers["location"]).query)["code"][0]


def basic(tenant: Tenant) -> dict[str, str]:
    app = tenant.application
    raw = base64.b64encode(f"{app.client_id}:{app.client_secret}".encode()).decode()
    return {"Authorization": f"Basic {raw}"}


def exchange(http: httpx.Client, tenant: Tenant, code: str) -> httpx.Response:
    app = tenant.application
    return http.post("/oauth/token", headers=basic(tenant), data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": app.redirect_uris[0],
    })


def test_a_tenant_walks_connect_exchanges_and_calls_the_api_in_its_own_world(
    server: MockcarServer, http: httpx.Client
) -> None:
    tenant, other = register(server), register(server)
    code = connect(http, tenant)
    assert code in tenant.world.codes
    assert code not in other.world.codes and code not in server.world.codes
    assert not tenant.world.connect_sessions  # the flow ended in the tenant's World

    # Another tenant cannot redeem the code, even with its own valid credentials.
    refused = http.post("/oauth/token", headers=basic(other),
                        data={"grant_type": "authorization_code", "code": code})
    assert (refused.status_code, refused.json()["error"]) == (400, "invalid_grant")

    pair = exchange(http, tenant, code)
    assert pair.status_code == 200, pair.text
    auth = {"Authorization": f"Bearer {pair.json()['access_token']}"}
    vehicles = http.get("/v2.0/vehicles", headers=auth).json()["vehicles"]
    assert vehicles and set(vehicles) <= set(tenant.world.vehicles)

    # Unlocking in the tenant's World leaves the same vehicle elsewhere untouched.
    vehicle_id = vehicles[0]
    assert http.post(f"/v2.0/vehicles/{vehicle_id}/security", headers=auth,
                     json={"action": "UNLOCK"}).status_code == 200
    assert tenant.world.vehicles[vehicle_id].state.locked is False
    assert other.world.vehicles[vehicle_id].state.locked is True
    assert server.world.vehicles[vehicle_id].state.locked is True

    # Refresh goes to the same World.
    refreshed = http.post("/oauth/token", headers=basic(tenant), data={
        "grant_type": "refresh_token", "refresh_token": pair.json()["refresh_token"]})
    assert refreshed.status_code == 200, refreshed.text
    new_auth = {"Authorization": f"Bearer {refreshed.json()['access_token']}"}
    assert http.get("/v2.0/vehicles", headers=new_auth).json()["vehicles"] == vehicles


def test_a_removed_tenant_answers_nothing_any_more(
    server: MockcarServer, http: httpx.Client
) -> None:
    tenant = register(server)
    pair = exchange(http, tenant, connect(http, tenant)).json()
    auth = {"Authorization": f"Bearer {pair['access_token']}"}
    assert http.get("/v2.0/user", headers=auth).status_code == 200
    server.app.state.tenants.remove(tenant.client_id)
    assert http.get("/v2.0/user", headers=auth).status_code == 401
    gone = http.get("/oauth/authorize", params={
        "response_type": "code", "client_id": tenant.client_id, "mode": "test"})
    assert gone.status_code == 400
    assert "No application with client_id" in gone.text


def test_tenant_clocks_are_their_own(server: MockcarServer) -> None:
    tenant, other = register(server), register(server)
    before = other.world.now()
    tenant.world.clock.advance(timedelta(days=30))
    assert tenant.world.now() - other.world.now() > timedelta(days=29)
    assert other.world.now() - before < timedelta(minutes=1)


def test_the_scenario_world_still_serves_its_own_applications(
    server: MockcarServer, http: httpx.Client
) -> None:
    register(server)
    app = next(iter(server.world.applications.values()))
    preamble = http.get("/oauth/authorize", params={
        "response_type": "code", "client_id": app.client_id, "mode": "test"})
    assert preamble.status_code == 200
    assert any(True for _ in server.world.connect_sessions)
