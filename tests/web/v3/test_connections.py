"""GET /v3/connections (filters, JSON:API paging), one connection, DELETE a connection and
a user: the application token's view of who connected what."""

from __future__ import annotations

from datetime import timedelta

from starlette.testclient import TestClient

from mockcar.domain.vehicles.vehicle import Powertrain
from mockcar.domain.world.world import World
from tests.web.v2.conftest import owner_of
from tests.web.v3.conftest import (
    START,
    V3_APP,
    Connect,
    as_user,
    connect_token,
    only_error,
    vehicle_with,
)


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_one_connection_per_user_and_vehicle_with_its_attributes(
    client: TestClient, world: World, connect: Connect, token: str
) -> None:
    bev = vehicle_with(world, Powertrain.BEV)
    first = connect(bev, ("read_odometer",))
    world.clock.advance(timedelta(minutes=5))
    connect(bev, ("read_battery",), mode="test")  # the same user reconnects the car
    body = client.get("/v3/connections", headers=auth(token)).json()
    assert body["meta"] == {"page": 1, "pageSize": 10, "totalCount": 1}
    (found,) = body["data"]
    assert found["type"] == "connection"
    assert found["attributes"] == {
        "permissions": ["read_odometer", "read_battery"],
        "vehicle": {"mode": "live", "make": bev.make, "model": bev.model, "year": bev.year,
                    "powertrainType": "BEV"}}
    assert found["relationships"] == {
        "vehicle": {"data": {"id": bev.id, "type": "vehicle"},
                    "links": {"related": f"/vehicles/{bev.id}"}},
        "user": {"data": {"id": first.user_id, "type": "user"}}}
    iso = START.isoformat(timespec="milliseconds")[:23] + "Z"
    later = (START + timedelta(minutes=5)).isoformat(timespec="milliseconds")[:23] + "Z"
    assert found["meta"] == {"createdAt": iso, "updatedAt": later}
    assert found["links"] == {"self": f"/connections/{found['id']}"}
    one = client.get(f"/v3/connections/{found['id']}/", headers=auth(token))
    assert one.status_code == 200 and one.json() == {"data": found}


def test_filters_and_paging(client: TestClient, world: World, connect: Connect,
                            token: str) -> None:
    owner = max(world.owners.values(), key=lambda o: len(o.vehicle_ids))
    cars = [world.vehicles[v] for v in owner.vehicle_ids]
    assert len(cars) >= 2
    for car in cars:
        connect(car)
        world.clock.advance(timedelta(seconds=1))
    other = next(v for v in world.vehicles.values() if v.id not in owner.vehicle_ids)
    stranger = connect(other, mode="test")
    everything = client.get("/v3/connections", headers=auth(token)).json()
    assert everything["meta"]["totalCount"] == len(cars) + 1
    # Newest first.
    assert everything["data"][0]["relationships"]["vehicle"]["data"]["id"] == other.id
    mine = client.get(f"/v3/connections?filter[userId]={owner.id}", headers=auth(token)).json()
    assert {c["relationships"]["user"]["data"]["id"] for c in mine["data"]} == {owner.id}
    assert mine["meta"]["totalCount"] == len(cars)
    by_header = client.get("/v3/connections", headers=as_user(token, owner.id)).json()
    assert by_header["meta"]["totalCount"] == len(cars)
    by_vehicle = client.get(f"/v3/connections?filter[vehicleId]={cars[0].id}",
                            headers=auth(token)).json()
    assert [c["relationships"]["vehicle"]["data"]["id"] for c in by_vehicle["data"]] == [
        cars[0].id]
    simulated = client.get("/v3/connections?filter[vehicle.mode]=simulated",
                           headers=auth(token)).json()
    assert [c["relationships"]["user"]["data"]["id"] for c in simulated["data"]] == [
        stranger.user_id]
    page = client.get("/v3/connections?page[size]=1&page[number]=2", headers=auth(token)).json()
    assert page["meta"] == {"page": 2, "pageSize": 1, "totalCount": len(cars) + 1}
    assert page["data"][0]["id"] == everything["data"][1]["id"]
    assert page["links"]["previous"] == "/connections?page[number]=1&page[size]=1"
    assert page["links"]["first"] == "/connections?page[number]=1&page[size]=1"
    for bad in ("page[size]=101", "page[number]=0", "filter[vehicle.mode]=test"):
        refused = client.get(f"/v3/connections?{bad}", headers=auth(token))
        assert refused.status_code == 400, bad
        assert only_error(refused.json())["code"] == "PARAMETER"


def test_only_this_applications_connections_are_listed(
    client: TestClient, world: World, connect: Connect, token: str
) -> None:
    bev = vehicle_with(world, Powertrain.BEV)
    demo = next(a for a in world.applications.values() if a.client_id != V3_APP.client_id)
    world.connect(demo.client_id, owner_of(world, bev), [bev.id], ["read_odometer"], "live")
    assert client.get("/v3/connections", headers=auth(token)).json()["data"] == []


def test_delete_a_connection_ends_access_for_v3_and_v2(
    client: TestClient, world: World, connect: Connect, token: str
) -> None:
    bev = vehicle_with(world, Powertrain.BEV)
    connection = connect(bev)
    v2 = connect_token(world, connection)
    listed = client.get("/v3/connections", headers=auth(token)).json()["data"]
    deleted = client.delete(f"/v3/connections/{listed[0]['id']}", headers=auth(token))
    assert deleted.status_code == 204 and deleted.content == b""
    assert client.get("/v3/connections", headers=auth(token)).json()["data"] == []
    signals = client.get(f"/v3/vehicles/{bev.id}/signals",
                         headers=as_user(token, connection.user_id))
    assert signals.status_code == 403
    assert client.get(f"/v2.0/vehicles/{bev.id}/odometer", headers=v2).status_code == 401
    again = client.delete(f"/v3/connections/{listed[0]['id']}", headers=auth(token))
    assert again.status_code == 404
    assert only_error(again.json())["type"] == "RESOURCE_NOT_FOUND"


def test_delete_a_user_ends_all_their_connections(
    client: TestClient, world: World, connect: Connect, token: str
) -> None:
    owner = max(world.owners.values(), key=lambda o: len(o.vehicle_ids))
    for vehicle_id in owner.vehicle_ids:
        connect(world.vehicles[vehicle_id])
    other = connect(next(v for v in world.vehicles.values() if v.id not in owner.vehicle_ids))
    response = client.delete(f"/v3/users/{owner.id}", headers=auth(token))
    assert response.status_code == 204
    left = client.get("/v3/connections", headers=auth(token)).json()["data"]
    assert [c["relationships"]["user"]["data"]["id"] for c in left] == [other.user_id]
    gone = client.delete(f"/v3/users/{owner.id}", headers=auth(token))
    assert gone.status_code == 404


def test_connections_take_the_application_token_only(
    client: TestClient, world: World, connect: Connect
) -> None:
    connection = connect(vehicle_with(world, Powertrain.BEV))
    owner_token = client.get("/v3/connections", headers=connect_token(world, connection))
    assert owner_token.status_code == 401
    only_error(owner_token.json())
    assert "application token" in owner_token.headers["mockcar-hint"]
    missing = client.get("/v3/connections")
    assert missing.status_code == 401
    assert only_error(missing.json())["code"] == "UNAUTHORIZED"
    unknown = client.get("/v3/connections/nope", headers=auth("not-a-token"))
    assert unknown.status_code == 401
