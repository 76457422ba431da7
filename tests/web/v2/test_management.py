"""Management API: `GET`/`DELETE /v2.0/management/connections` with
`Basic base64("default:" + AMT)`
(https://smartcar.com/docs/api-reference/management/get-vehicle-connections)."""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest
from starlette.testclient import TestClient

from mockcar.domain.world.world import Application, Owner, World
from mockcar.errors import CATALOG
from tests.web.v2.conftest import START

URL = "/v2.0/management/connections"


def basic(user: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


@pytest.fixture
def app(world: World) -> Application:
    return next(iter(world.applications.values()))


@pytest.fixture
def auth(app: Application) -> dict[str, str]:
    return basic("default", app.management_token)


def owners(world: World) -> list[Owner]:
    return [o for o in world.owners.values() if o.vehicle_ids]


@pytest.fixture
def connected(world: World, app: Application) -> list[Owner]:
    """Every scenario owner connected to the app, an hour apart (the last newest)."""
    found = owners(world)
    for hour, owner in enumerate(found):
        world.clock.set(START + timedelta(hours=hour))
        world.connect(app.client_id, owner, owner.vehicle_ids, ["read_vin"], "simulated")
    return found


def test_list_is_newest_first_one_entry_per_vehicle(
    client: TestClient, auth: dict[str, str], connected: list[Owner]
) -> None:
    response = client.get(URL, headers=auth, params={"limit": 100})
    assert response.status_code == 200
    body = response.json()
    assert body["paging"] == {"cursor": None}
    entries = body["connections"]
    assert [e["userId"] for e in entries] == [
        o.id for o in reversed(connected) for _ in o.vehicle_ids]
    newest = connected[-1]
    assert entries[0] == {
        "vehicleId": min(newest.vehicle_ids), "userId": newest.id,
        "connectedAt": (START + timedelta(hours=len(connected) - 1)).strftime(
            "%Y-%m-%dT%H:%M:%S.000Z"),
        "mode": "simulated",
    }


def test_default_limit_is_ten_and_the_cursor_walks_every_page(
    client: TestClient, auth: dict[str, str], connected: list[Owner]
) -> None:
    total = sum(len(o.vehicle_ids) for o in connected)
    first = client.get(URL + "/", headers=auth).json()
    assert len(first["connections"]) == min(10, total)
    seen = []
    cursor = None
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = client.get(URL, headers=auth, params=params).json()
        seen += page["connections"]
        cursor = page["paging"]["cursor"]
        if cursor is None:
            break
        assert len(page["connections"]) == 3
    assert len(seen) == total
    assert len({(e["vehicleId"], e["userId"]) for e in seen}) == total


def test_filters(client: TestClient, auth: dict[str, str], connected: list[Owner]) -> None:
    alice = connected[0]
    by_user = client.get(URL, headers=auth, params={"user_id": alice.id}).json()
    assert sorted(e["vehicleId"] for e in by_user["connections"]) == sorted(alice.vehicle_ids)
    vehicle = alice.vehicle_ids[1]
    by_vehicle = client.get(URL, headers=auth, params={"vehicle_id": vehicle}).json()
    assert [e["vehicleId"] for e in by_vehicle["connections"]] == [vehicle]
    assert client.get(URL, headers=auth, params={"mode": "live"}).json()["connections"] == []


def test_delete_by_vehicle_then_by_user(
    client: TestClient, world: World, app: Application, auth: dict[str, str]
) -> None:
    alice, chloe = owners(world)[:2]
    alice_token = world.issue_token(
        world.connect(app.client_id, alice, alice.vehicle_ids, ["read_vin"], "test").id,
        app.client_id, "alice-access", "alice-refresh")
    chloe_token = world.issue_token(
        world.connect(app.client_id, chloe, chloe.vehicle_ids, ["read_vin"], "test").id,
        app.client_id, "chloe-access", "chloe-refresh")
    gone = alice.vehicle_ids[0]

    deleted = client.delete(URL + "/", headers=auth, params={"vehicle_id": gone})
    assert deleted.status_code == 200
    assert deleted.json() == {"connections": [{"vehicleId": gone, "userId": alice.id}]}
    bearer = {"Authorization": f"Bearer {alice_token.access_token}"}
    assert client.get(f"/v2.0/vehicles/{gone}/vin", headers=bearer).status_code == 400
    kept = alice.vehicle_ids[1]
    assert client.get(f"/v2.0/vehicles/{kept}/vin", headers=bearer).status_code == 200

    by_user = client.delete(URL, headers=auth, params={"user_id": chloe.id}).json()
    assert sorted(e["vehicleId"] for e in by_user["connections"]) == sorted(chloe.vehicle_ids)
    chloe_bearer = {"Authorization": f"Bearer {chloe_token.access_token}"}
    assert client.get("/v2.0/vehicles", headers=chloe_bearer).status_code == 401
    listed = client.get(URL, headers=auth, params={"limit": 100}).json()["connections"]
    assert {e["userId"] for e in listed} == {alice.id}


def test_delete_needs_a_filter(client: TestClient, auth: dict[str, str]) -> None:
    response = client.delete(URL, headers=auth)
    assert response.status_code == 400
    assert (response.json()["type"], response.json()["code"]) == ("VALIDATION", None)
    assert response.json()["detail"][0]["field"] == ["vehicle_id", "user_id"]


@pytest.mark.parametrize("params, field", [
    ({"limit": "0"}, "limit"), ({"limit": "101"}, "limit"), ({"limit": "ten"}, "limit"),
    ({"cursor": "not-ours"}, "cursor"), ({"mode": "sandbox"}, "mode"),
])
def test_bad_query_is_validation_with_detail(
    client: TestClient, auth: dict[str, str], params: dict[str, str], field: str
) -> None:
    response = client.get(URL, headers=auth, params=params)
    assert response.status_code == 400
    body = response.json()
    assert (body["type"], body["code"]) == ("VALIDATION", "PARAMETER")
    assert body["detail"][0]["field"] == [field]


def test_another_applications_connections_are_not_seen(
    client: TestClient, world: World, app: Application, connected: list[Owner]
) -> None:
    other = Application("other-client", "s", "Other", ("https://o.example/cb",), "other-amt")
    world.add_application(other)
    response = client.get(URL, headers=basic("default", "other-amt"))
    assert response.json() == {"connections": [], "paging": {"cursor": None}}


@pytest.mark.parametrize("headers", [
    {},
    {"Authorization": "Bearer demo-management-token"},
    {"Authorization": "Basic !!!"},
    {"Authorization": "Basic " + base64.b64encode(b"no-colon").decode()},
    basic("default", "wrong-token"),
    basic("admin", "demo-management-token"),
])
def test_bad_credentials_are_401(client: TestClient, headers: dict[str, str]) -> None:
    for method in ("GET", "DELETE"):
        response = client.request(method, URL, headers=headers, params={"user_id": "x"})
        assert response.status_code == 401
        body = response.json()
        assert (body["type"], body["code"], body["statusCode"]) == ("AUTHENTICATION", None, 401)
        assert body["description"] == CATALOG[("AUTHENTICATION", None)].description
        assert "default" in response.headers["mockcar-hint"]


def test_version_segment_and_methods(client: TestClient, auth: dict[str, str]) -> None:
    assert client.get("/v1.5/management/connections", headers=auth).status_code == 200
    wrong = client.get("/vX/management/connections", headers=auth)
    assert (wrong.status_code, wrong.json()["code"]) == (404, "VERSION")
    post = client.post(URL, headers=auth)
    assert post.status_code == 405
    assert set(post.headers["allow"].split(", ")) == {"DELETE", "GET", "HEAD"}
