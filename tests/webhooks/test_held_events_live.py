"""Events made while a webhook's verification is unanswered wait for it, up to a bound: a
receiver that never answers its challenge does not make a live server hold more with
every change. The newest wait, the older ones are logged as skipped, and once the
challenge is answered the ones kept go out. Through HTTP: the control API, API v2
commands and API v3's subscriptions, against a real receiver."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from typing import Any

import httpx

from mockcar.domain.world.world import Application, World
from mockcar.testing.server import MockcarServer
from tests.webhooks.conftest import FAST, TESLA, connect
from tests.webhooks.receiver import DEADLINE, Receiver

KEPT = 5


def eventually(check: Callable[[], Any]) -> Any:
    """Poll `check` until it returns something truthy; fail after DEADLINE seconds."""
    end = time.monotonic() + DEADLINE
    while True:
        found = check()
        if found:
            return found
        assert time.monotonic() < end, "the dispatcher did not get there in time"
        time.sleep(0.02)


def test_events_waiting_for_an_unanswered_challenge_stay_bounded_then_go(
    world: World, app: Application, receiver: Receiver, server: MockcarServer
) -> None:
    receiver.verify_hangs = True
    world.deliveries.policy = dataclasses.replace(FAST, verify_timeout_seconds=120)
    world.deliveries.held_capacity = KEPT
    base = f"{server.url}/_mockcar/applications/{app.client_id}"
    amt = {"Authorization": f"Bearer {app.management_token}"}
    created = httpx.post(f"{base}/webhooks", headers=amt, json={
        "id": "wh-held", "url": receiver.url, "signals": ["closure-islocked"]})
    assert created.status_code == 201, created.text
    receiver.wait_kind("VERIFY")
    connection, owner = connect(world, TESLA)
    subscribed = httpx.post(f"{server.url}/v3/subscriptions", headers=amt, json={"data": {
        "attributes": {"webhookId": "wh-held", "userId": connection.user_id,
                       "vehicleId": TESLA}}})
    assert subscribed.status_code == 202, subscribed.text

    def waiting() -> int:
        shown = httpx.get(f"{base}/webhooks/wh-held", headers=amt).json()
        assert shown["verification"]["status"] == "pending", shown
        count: int = shown["waiting"]
        return count

    def skipped() -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = httpx.get(f"{base}/deliveries", headers=amt, params={
            "webhook_id": "wh-held", "outcome": "skipped"}).json()["deliveries"]
        return found

    def made(events: int) -> Callable[[], bool]:
        return lambda: waiting() + len(skipped()) == events

    eventually(made(1))  # the FIRST_DELIVERY
    changes = 3 * KEPT
    for n in range(changes):
        action = ("UNLOCK", "LOCK")[n % 2]
        done = httpx.post(f"{server.url}/v2.0/vehicles/{TESLA}/security",
                          json={"action": action}, headers=owner)
        assert done.status_code == 200, done.text
        # Each change makes one event once the dispatcher has looked.
        eventually(made(n + 2))
        assert waiting() <= KEPT
    assert waiting() == KEPT
    dropped = skipped()
    assert len(dropped) == changes + 1 - KEPT
    assert all(a["event_type"] == "VEHICLE_STATE" and "verification" in a["detail"]
               for a in dropped)
    assert receiver.of("VEHICLE_STATE") == []

    receiver.verify_hangs = False  # the challenge is answered at last
    delivered = receiver.wait_kind("VEHICLE_STATE", KEPT)
    assert len(delivered) == KEPT
    # The newest waited (sent in any order): not the FIRST_DELIVERY, the oldest, but the
    # last KEPT changes, UNLOCK, LOCK, UNLOCK, LOCK, UNLOCK.
    assert all(d.json["triggers"][0]["type"] == "SIGNAL_UPDATED" for d in delivered)
    values = sorted(next(s["body"]["value"] for s in d.json["data"]["signals"]
                         if s["code"] == "closure-islocked") for d in delivered)
    assert values == [False, False, False, True, True]
    assert {d.json["eventId"] for d in delivered}.isdisjoint(
        {a["event_id"] for a in dropped})
