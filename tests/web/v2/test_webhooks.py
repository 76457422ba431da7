"""Webhook subscribe (owner's bearer token) and unsubscribe (application management
token as bearer): https://smartcar.com/docs/api-reference/webhooks/subscribe-webhook."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from mockcar.domain.webhooks import membership as webhooks
from mockcar.domain.world.world import Application, World
from mockcar.web.v2 import VEHICLE_ENDPOINTS
from tests.web.v2.conftest import Grant

V2 = "/v2.0/vehicles"


@pytest.fixture
def app(world: World) -> Application:
    return next(iter(world.applications.values()))


@pytest.fixture
def webhook_id(app: Application) -> str:
    return app.webhooks[0].id


def test_subscribe_answers_ids_and_records_the_subscription(
    client: TestClient, world: World, grant: Grant, webhook_id: str
) -> None:
    vehicle = next(iter(world.vehicles.values()))
    response = client.post(f"{V2}/{vehicle.id}/webhooks/{webhook_id}", headers=grant(vehicle))
    assert response.status_code == 200
    assert response.json() == {"webhookId": webhook_id, "vehicleId": vehicle.id}
    assert "sc-unit-system" not in response.headers
    assert webhooks.subscribers(world, webhook_id) == {vehicle.id}


def test_unsubscribe_with_the_management_token(
    client: TestClient, world: World, grant: Grant, app: Application, webhook_id: str
) -> None:
    vehicle = next(iter(world.vehicles.values()))
    url = f"{V2}/{vehicle.id}/webhooks/{webhook_id}"
    client.post(url, headers=grant(vehicle))
    response = client.request("DELETE", url, json={},  # Node sends an empty object
                              headers={"Authorization": f"Bearer {app.management_token}"})
    assert response.status_code == 200
    assert response.json() == {"status": "success"}
    assert webhooks.subscribers(world, webhook_id) == frozenset()


def test_unknown_webhook_is_validation_with_code_null(
    client: TestClient, world: World, grant: Grant
) -> None:
    vehicle = next(iter(world.vehicles.values()))
    response = client.post(f"{V2}/{vehicle.id}/webhooks/not-a-webhook", headers=grant(vehicle))
    assert response.status_code == 400
    body = response.json()
    assert (body["type"], body["code"], body["statusCode"]) == ("VALIDATION", None, 400)
    assert body["detail"] == [{"field": ["webhook_id"],
                               "message": "is not a webhook of this application"}]
    assert body["requestId"] == response.headers["sc-request-id"]


@pytest.mark.parametrize("authorization", [None, "Bearer wrong-amt", "Basic ZGVmYXVsdDp4"])
def test_unsubscribe_with_a_bad_management_token_is_401(
    client: TestClient, world: World, webhook_id: str, authorization: str | None
) -> None:
    vehicle = next(iter(world.vehicles.values()))
    headers = {"Authorization": authorization} if authorization else {}
    response = client.delete(f"{V2}/{vehicle.id}/webhooks/{webhook_id}", headers=headers)
    assert response.status_code == 401
    assert (response.json()["type"], response.json()["code"]) == ("AUTHENTICATION", None)


def test_unsubscribe_refuses_the_owners_access_token(
    client: TestClient, world: World, grant: Grant, webhook_id: str
) -> None:
    vehicle = next(iter(world.vehicles.values()))
    response = client.delete(f"{V2}/{vehicle.id}/webhooks/{webhook_id}", headers=grant(vehicle))
    assert response.status_code == 401
    assert "management token" in response.headers["mockcar-hint"]


def test_subscribe_needs_a_token_for_that_vehicle(
    client: TestClient, world: World, grant: Grant, webhook_id: str
) -> None:
    first, second = list(world.vehicles.values())[:2]
    response = client.post(f"{V2}/{second.id}/webhooks/{webhook_id}", headers=grant(first))
    assert response.status_code == 400 and response.json()["code"] == "PARAMETER"
    anonymous = client.post(f"{V2}/{first.id}/webhooks/{webhook_id}")
    assert anonymous.status_code == 401


def test_webhook_paths_and_methods(client: TestClient, world: World, grant: Grant,
                                   webhook_id: str) -> None:
    assert ("POST", "/webhooks/{webhook_id}") in VEHICLE_ENDPOINTS
    vehicle = next(iter(world.vehicles.values()))
    auth = grant(vehicle)
    wrong = client.get(f"{V2}/{vehicle.id}/webhooks/{webhook_id}", headers=auth)
    assert wrong.status_code == 405
    assert wrong.headers["allow"] == "DELETE, POST"
    nested = client.post(f"{V2}/{vehicle.id}/webhooks/{webhook_id}/extra", headers=auth)
    assert nested.status_code == 404
    literal = client.post(f"{V2}/{vehicle.id}/webhooks/%7Bwebhook_id%7D", headers=auth)
    assert literal.status_code == 400 and literal.json()["type"] == "VALIDATION"
    slash = client.post(f"{V2}/{vehicle.id}/webhooks/{webhook_id}/", headers=auth)
    assert slash.status_code == 200
