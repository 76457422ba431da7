"""A webhook retry pending in a snapshot is sent by the server the snapshot is restored
into, when that server's clock reaches it: same event, a new delivery; and the
subscription goes on there without a second first delivery."""

from __future__ import annotations

import httpx

from mockcar.domain.world.clock import Clock
from mockcar.domain.world.world import World
from mockcar.scenario import load_world
from mockcar.settings import default_scenario
from mockcar.testing.server import MockcarServer
from tests.webhooks.conftest import FAST, START, TESLA, Hook, advance, connect
from tests.webhooks.receiver import Receiver


def test_a_pending_retry_is_sent_by_the_restored_server(
    world: World, hook: Hook, receiver: Receiver, server: MockcarServer,
) -> None:
    receiver.statuses = [500]
    webhook = hook(signals=("closure-islocked",))
    _, headers = connect(world, TESLA)
    subscribed = httpx.post(f"{server.url}/v2.0/vehicles/{TESLA}/webhooks/{webhook.id}",
                            headers=headers)
    assert subscribed.status_code == 200, subscribed.text
    [failed] = receiver.wait_kind("VEHICLE_STATE")
    assert failed.status == 500
    taken = httpx.get(f"{server.url}/_mockcar/snapshot").json()
    assert taken["world"]["webhook_queue"]["retries"]["retries"][0]["attempt"] == 2

    fresh = load_world(default_scenario(), clock=Clock(frozen_at=START))
    with MockcarServer(world=fresh) as other:
        restored = httpx.post(f"{other.url}/_mockcar/snapshot", json=taken)
        assert restored.status_code == 200, restored.text
        advance(other, FAST.retry_base_seconds)
        failed, retried = receiver.wait_kind("VEHICLE_STATE", 2)
        assert retried.status == 200
        assert retried.json["eventId"] == failed.json["eventId"]
        assert retried.json["meta"]["deliveryId"] != failed.json["meta"]["deliveryId"]
        # The token of the first server reads on the second.
        assert httpx.get(f"{other.url}/v2.0/vehicles/{TESLA}/odometer",
                         headers=headers).status_code == 200
    # Verified once, on the first server: the second knew, and sent no new first delivery.
    assert [r.kind for r in receiver.received] == ["VERIFY", "VEHICLE_STATE", "VEHICLE_STATE"]
