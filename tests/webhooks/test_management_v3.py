"""Management API v3 subscriptions (https://smartcar.com/docs/api-reference/list-subscriptions):
create (202), list with filters and JSON:API paging, get, delete (204), authenticated by
the application management token; errors in `errors[]`."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
import smartcar
from starlette.testclient import TestClient

from mockcar.app import create_app
from mockcar.domain.world.world import Application, Connection, World
from mockcar.settings import Settings
from mockcar.testing.server import MockcarServer
from tests.webhooks.conftest import ICE, LEAF, TESLA, Hook, connect
from tests.webhooks.receiver import Receiver

PATH = "/v3/subscriptions"


@pytest.fixture
def client(world: World) -> Iterator[TestClient]:
    # No `with`: no lifespan, so no dispatcher sends anything; this is about the API.
    yield TestClient(create_app(Settings(), world), base_url="http://localhost")


@pytest.fixture
def amt(app: Application) -> dict[str, str]:
    return {"Authorization": f"Bearer {app.management_token}"}


def body(webhook_id: str, connection: Connection, vehicle_id: str) -> dict[str, object]:
    return {"data": {"attributes": {"webhookId": webhook_id, "userId": connection.user_id,
                                    "vehicleId": vehicle_id}}}


def test_create_list_get_delete(client: TestClient, world: World, hook: Hook,
                                amt: dict[str, str]) -> None:
    webhook = hook()
    connection, _ = connect(world, TESLA)

    created = client.post(PATH, json=body(webhook.id, connection, TESLA), headers=amt)
    assert created.status_code == 202
    assert created.json() == {"meta": {"message": "subscription creation in progress"}}
    assert TESLA in world.subscriptions[webhook.id]

    listed = client.get(PATH, headers=amt)
    assert listed.status_code == 200
    [item] = listed.json()["data"]
    assert item["type"] == "subscription"
    assert item["attributes"]["vehicle"] == {"make": "TESLA", "model": "Model 3",
                                             "year": 2022, "mode": "test",
                                             "powertrainType": "BEV"}
    assert item["relationships"]["webhook"]["data"] == {"type": "webhook", "id": webhook.id}
    assert item["relationships"]["user"]["data"]["id"] == connection.user_id
    assert item["relationships"]["vehicle"]["data"]["id"] == TESLA
    assert item["links"] == {"self": f"/subscriptions/{item['id']}"}

    one = client.get(f"{PATH}/{item['id']}", headers=amt)
    assert one.status_code == 200 and one.json() == {"data": item}
    assert client.get(f"{PATH}/{item['id']}/", headers=amt).json() == {"data": item}

    deleted = client.delete(f"{PATH}/{item['id']}", headers=amt)
    assert deleted.status_code == 204 and deleted.content == b""
    assert TESLA not in world.subscriptions[webhook.id]
    gone = client.get(f"{PATH}/{item['id']}", headers=amt)
    assert gone.status_code == 404
    assert gone.json()["errors"][0]["code"] == "not_found"


def test_v2_subscriptions_are_listed_too_and_filters_apply(
    client: TestClient, world: World, hook: Hook, amt: dict[str, str]
) -> None:
    webhook = hook()
    ids = {}
    for vehicle_id in (TESLA, ICE, LEAF):
        connection, headers = connect(world, vehicle_id)
        answer = client.post(f"/v2.0/vehicles/{vehicle_id}/webhooks/{webhook.id}",
                             headers=headers)
        assert answer.status_code == 200
        ids[vehicle_id] = connection.user_id

    every = client.get(PATH, headers=amt).json()
    assert every["meta"] == {"page": 1, "pageSize": 25, "totalCount": 3}
    by_vehicle = client.get(PATH, params={"filter[vehicleId]": ICE}, headers=amt).json()
    assert [d["relationships"]["vehicle"]["data"]["id"] for d in by_vehicle["data"]] == [ICE]
    by_user = client.get(PATH, params={"filter[userId]": ids[LEAF]}, headers=amt).json()
    assert [d["relationships"]["user"]["data"]["id"] for d in by_user["data"]] == [ids[LEAF]]
    other = client.get(PATH, params={"filter[webhookId]": "another"}, headers=amt).json()
    assert other["data"] == [] and other["meta"]["totalCount"] == 0
    live = client.get(PATH, params={"filter[vehicle.mode]": "live"}, headers=amt).json()
    assert live["data"] == []  # these connections are test mode


def test_paging(client: TestClient, world: World, hook: Hook, amt: dict[str, str]) -> None:
    webhook = hook()
    for vehicle_id in (TESLA, ICE, LEAF):
        connection, _ = connect(world, vehicle_id)
        assert client.post(PATH, json=body(webhook.id, connection, vehicle_id),
                           headers=amt).status_code == 202
    first = client.get(PATH, params={"page[size]": 2}, headers=amt).json()
    second = client.get(PATH, params={"page[size]": 2, "page[number]": 2}, headers=amt).json()
    assert len(first["data"]) == 2 and len(second["data"]) == 1
    assert {d["id"] for d in first["data"]}.isdisjoint(d["id"] for d in second["data"])
    assert first["links"]["next"] == "/subscriptions?page[number]=2&page[size]=2"
    assert first["links"]["previous"] is None
    assert second["links"]["next"] is None
    assert second["links"]["last"] == second["links"]["self"]
    assert first["meta"] == {"page": 1, "pageSize": 2, "totalCount": 3}


@pytest.mark.parametrize(("params", "text"), [
    ({"page[size]": "101"}, "at most 100"), ({"page[number]": "0"}, "page[number]"),
    ({"page[size]": "x"}, "page[size]"), ({"filter[vehicle.mode]": "test"}, "live or simulated"),
])
def test_bad_queries_are_400(client: TestClient, amt: dict[str, str], params: dict[str, str],
                             text: str) -> None:
    response = client.get(PATH, params=params, headers=amt)
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert (error["status"], error["code"], error["title"]) == ("400", "bad_request",
                                                                "Bad Request")
    assert text in error["detail"]


def test_refusals(client: TestClient, world: World, hook: Hook, amt: dict[str, str]) -> None:
    webhook = hook()
    connection, _ = connect(world, TESLA)
    good = body(webhook.id, connection, TESLA)
    assert client.post(PATH, json=good, headers=amt).status_code == 202

    def refused(json: object, headers: dict[str, str] = amt) -> tuple[int, str]:
        response = client.post(PATH, json=json, headers=headers)
        return response.status_code, response.json()["errors"][0]["code"]

    assert refused(good) == (409, "conflict")
    assert refused(body("nope", connection, TESLA)) == (404, "not_found")
    assert refused(body(webhook.id, connection, ICE)) == (404, "not_found")  # not connected
    assert refused({"data": {"attributes": {"webhookId": webhook.id}}}) == (400, "bad_request")
    assert refused([1, 2]) == (400, "bad_request")
    assert refused(good, {"Authorization": "Bearer wrong"}) == (401, "unauthorized")
    assert refused(good, {}) == (401, "unauthorized")
    put = client.put(PATH, json=good, headers=amt)
    assert put.status_code == 405 and put.headers["allow"] == "GET, POST"


def test_a_subscription_made_through_management_gets_its_first_delivery(
    world: World, app: Application, hook: Hook, receiver: Receiver, server: MockcarServer
) -> None:
    webhook = hook(signals=("tractionbattery-stateofcharge",))
    connection, _ = connect(world, LEAF)
    created = httpx.post(f"{server.url}{PATH}", json=body(webhook.id, connection, LEAF),
                         headers={"Authorization": f"Bearer {app.management_token}"})
    assert created.status_code == 202

    first = receiver.wait_kind("VEHICLE_STATE")[0]
    assert first.signature is not None
    assert smartcar.verify_payload(app.management_token, first.signature, first.raw)
    assert first.json["triggers"] == [{"type": "FIRST_DELIVERY"}]
    assert first.json["data"]["user"] == {"id": connection.user_id}
    [signal] = first.json["data"]["signals"]
    assert signal["body"] == {"unit": "percent", "value": 52.0}
