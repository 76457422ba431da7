"""A v2 `scheduled` webhook's items are the batch endpoint's: at the same clock time and
through the same connection, each `data[]` item equals what `POST /vehicles/{id}/batch`
answers for that path (its permissions, capabilities and test-mode errors included),
except the request id each one carries
(https://smartcar.com/docs/api-reference/batch)."""

from __future__ import annotations

from typing import Any

import httpx

from mockcar.domain.webhooks.webhook import V2, Trigger
from mockcar.domain.world.scopes import PERMISSIONS
from mockcar.domain.world.world import Application, World
from mockcar.testing.server import MockcarServer
from tests.webhooks.conftest import TESLA, Hook, connect
from tests.webhooks.receiver import Receiver

PATHS = ("/odometer", "/location", "/fuel", "/nope", "/", "tires/pressure?x=1")


def _scheduled_and_batch(server: MockcarServer, world: World, hook: Hook,
                         receiver: Receiver, permissions: tuple[str, ...],
                         trigger: tuple[str, str] | None = None,
                         ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    webhook = hook(version=V2, trigger=Trigger(every_seconds=3600), signals=PATHS)
    connection, headers = connect(world, TESLA, permissions)
    subscribed = httpx.post(f"{server.url}/v2.0/vehicles/{TESLA}/webhooks/{webhook.id}",
                            headers=headers)
    assert subscribed.status_code == 200, subscribed.text
    connection.error_trigger = trigger
    advanced = httpx.post(f"{server.url}/_mockcar/clock/advance", json={"minutes": 30})
    assert advanced.status_code == 200  # the frozen clock now stands at the slot
    [vehicle] = receiver.wait_kind("scheduled")[0].json["payload"]["vehicles"]
    batch = httpx.post(f"{server.url}/v2.0/vehicles/{TESLA}/batch", headers=headers,
                       json={"requests": [{"path": p} for p in PATHS]})
    assert batch.status_code == 200, batch.text
    responses: list[dict[str, Any]] = batch.json()["responses"]
    request_id = batch.headers["sc-request-id"]
    for item in responses:
        if item["code"] != 200:
            assert item["body"]["requestId"] == request_id
            item["body"]["requestId"] = vehicle["requestId"]
    return vehicle, responses


def test_items_equal_the_batch_answer_with_its_permission_and_capability_errors(
    world: World, app: Application, hook: Hook, receiver: Receiver, server: MockcarServer
) -> None:
    granted = tuple(sorted(set(PERMISSIONS) - {"read_location"}))
    vehicle, responses = _scheduled_and_batch(server, world, hook, receiver, granted)
    assert vehicle["data"] == responses
    codes = [item["code"] for item in vehicle["data"]]
    assert codes == [200, 403, 501, 404, 200, 200]


def test_a_test_mode_error_carries_an_absolute_reauthentication_url(
    world: World, app: Application, hook: Hook, receiver: Receiver, server: MockcarServer
) -> None:
    vehicle, responses = _scheduled_and_batch(
        server, world, hook, receiver, tuple(sorted(PERMISSIONS)),
        trigger=("CONNECTED_SERVICES_ACCOUNT", "AUTHENTICATION_FAILED"))
    assert vehicle["data"] == responses
    odometer = vehicle["data"][0]
    assert odometer["code"] == 400
    assert odometer["body"]["resolution"]["url"].startswith(
        f"{server.url}/oauth/reauthenticate?")
