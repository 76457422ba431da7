"""`DELETE /v2.0/vehicles/{id}/application`: the app disconnects a vehicle
(https://smartcar.com/docs/api-reference/delete-disconnect)."""

from __future__ import annotations

from starlette.testclient import TestClient

from mockcar.domain.world.world import World
from tests.web.v2.conftest import Grant, owner_of

V2 = "/v2.0/vehicles"


def test_disconnect_stops_the_token_for_that_vehicle_only(
    client: TestClient, world: World, grant: Grant
) -> None:
    owner = max(world.owners.values(), key=lambda o: len(o.vehicle_ids))
    gone, kept = owner.vehicle_ids[:2]
    app = next(iter(world.applications.values()))
    connection = world.connect(app.client_id, owner, [gone, kept], ["read_vin"], "test")
    token = world.issue_token(connection.id, app.client_id, "access-1", "refresh-1")
    auth = {"Authorization": f"Bearer {token.access_token}"}
    assert client.get(f"{V2}/{gone}/vin", headers=auth).status_code == 200

    response = client.delete(f"{V2}/{gone}/application", headers=auth)
    assert response.status_code == 200
    assert response.json() == {"status": "success"}
    assert response.headers["content-type"] == "application/json"
    assert len(response.headers["sc-request-id"]) == 36

    refused = client.get(f"{V2}/{gone}/vin", headers=auth)
    assert refused.status_code == 400 and refused.json()["type"] == "VALIDATION"
    assert client.get(f"{V2}/{kept}/vin", headers=auth).status_code == 200
    assert client.get(f"{V2}/", headers=auth).json()["vehicles"] == [kept]


def test_disconnecting_the_last_vehicle_ends_the_token(
    client: TestClient, world: World, grant: Grant
) -> None:
    vehicle = next(iter(world.vehicles.values()))
    auth = grant(vehicle)
    assert client.delete(f"{V2}/{vehicle.id}/application/", headers=auth).status_code == 200
    after = client.get(f"{V2}/{vehicle.id}/vin", headers=auth)
    assert after.status_code == 401
    assert after.json()["type"] == "AUTHENTICATION"
    assert client.get("/v2.0/vehicles", headers=auth).status_code == 401
    assert owner_of(world, vehicle).vehicle_ids  # the car itself stays the owner's


def test_disconnect_needs_the_owners_token(client: TestClient, world: World,
                                           grant: Grant) -> None:
    first, second = list(world.vehicles.values())[:2]
    no_token = client.delete(f"{V2}/{first.id}/application")
    assert no_token.status_code == 401 and no_token.json()["code"] is None
    other = client.delete(f"{V2}/{second.id}/application", headers=grant(first))
    assert other.status_code == 400
    assert (other.json()["type"], other.json()["code"]) == ("VALIDATION", "PARAMETER")


def test_other_methods_on_application_are_405(client: TestClient, world: World,
                                              grant: Grant) -> None:
    vehicle = next(iter(world.vehicles.values()))
    response = client.get(f"{V2}/{vehicle.id}/application", headers=grant(vehicle))
    assert response.status_code == 405
    assert response.headers["allow"] == "DELETE"
    assert response.json()["statusCode"] == 405
