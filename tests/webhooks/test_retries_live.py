"""Retries after failure and a receiver that never answers, on a live server: the event
keeps its id, every attempt gets a new delivery id, attempts are bounded, a retry waits
for the World's clock, and the API keeps answering while a delivery hangs."""

from __future__ import annotations

import time

import httpx
import smartcar

from mockcar.domain.webhooks.deliveries import DELIVERED, FAILED, SKIPPED, TIMEOUT, Attempt
from mockcar.domain.world.world import Application, World
from mockcar.testing.server import MockcarServer
from tests.webhooks.conftest import FAST, HANGING, TESLA, Hook, advance, connect
from tests.webhooks.receiver import DEADLINE, HANG, Receiver


def _subscribe(server: MockcarServer, world: World, webhook_id: str) -> dict[str, str]:
    _, headers = connect(world, TESLA)
    response = httpx.post(f"{server.url}/v2.0/vehicles/{TESLA}/webhooks/{webhook_id}",
                          headers=headers)
    assert response.status_code == 200, response.text
    return headers


def _logged(world: World, kind: str, count: int) -> list[Attempt]:
    """Poll the World's delivery log until `count` attempts of `kind` are there."""
    end = time.monotonic() + DEADLINE
    while True:
        found = world.deliveries.attempts(kind=kind)
        if len(found) >= count:
            return found
        assert time.monotonic() < end, f"only {len(found)} {kind} attempts logged"
        time.sleep(0.01)


def _passed(server: MockcarServer, count: int) -> None:
    """Wait until the dispatcher has made `count` passes."""
    end = time.monotonic() + DEADLINE
    while server.app.state.dispatcher.passes < count:
        assert time.monotonic() < end, "the dispatcher made no pass"
        time.sleep(0.01)


def test_a_failed_delivery_is_retried_with_the_same_event_id(
    world: World, app: Application, hook: Hook, receiver: Receiver, server: MockcarServer
) -> None:
    receiver.statuses = [500]
    webhook = hook(signals=("closure-islocked",))
    _subscribe(server, world, webhook.id)
    receiver.wait_kind("VEHICLE_STATE")
    _logged(world, "VEHICLE_STATE", 1)
    # The frozen clock holds the retry back however long the wall clock runs: a pass
    # runs at every request and every second, and none of them sends it.
    passes = server.app.state.dispatcher.passes
    httpx.get(f"{server.url}/_mockcar/health")
    _passed(server, passes + 2)
    assert len(receiver.of("VEHICLE_STATE")) == 1
    advance(server, FAST.retry_base_seconds)

    failed, retried = receiver.wait_kind("VEHICLE_STATE", 2)
    assert (failed.status, retried.status) == (500, 200)
    assert failed.json["eventId"] == retried.json["eventId"]
    assert failed.json["meta"]["deliveryId"] != retried.json["meta"]["deliveryId"]
    for delivery in (failed, retried):
        assert delivery.signature is not None
        assert smartcar.verify_payload(app.management_token, delivery.signature, delivery.raw)
    first, second = _logged(world, "VEHICLE_STATE", 2)
    assert (first.attempt, first.outcome, first.status) == (1, FAILED, 500)
    assert first.retry_in_seconds == FAST.retry_base_seconds
    assert (second.attempt, second.outcome, second.status) == (2, DELIVERED, 200)
    assert second.retry_in_seconds is None
    assert {first.delivery_id, second.delivery_id} == {
        failed.json["meta"]["deliveryId"], retried.json["meta"]["deliveryId"]}


def test_a_receiver_that_never_answers_gets_bounded_retries_and_the_api_still_answers(
    world: World, hook: Hook, receiver: Receiver, server: MockcarServer
) -> None:
    receiver.default = HANG
    world.deliveries.policy = HANGING
    webhook = hook(signals=("closure-islocked",))
    headers = _subscribe(server, world, webhook.id)
    receiver.wait_kind("VEHICLE_STATE")  # the first attempt is now hanging

    odometer = httpx.get(f"{server.url}/v2.0/vehicles/{TESLA}/odometer", headers=headers)
    assert odometer.status_code == 200
    health = httpx.get(f"{server.url}/_mockcar/health")
    assert health.status_code == 200

    for count in range(1, FAST.max_attempts):  # each timed-out attempt's retry comes due
        _logged(world, "VEHICLE_STATE", count)
        advance(server, 1)
    attempts = _logged(world, "VEHICLE_STATE", FAST.max_attempts)
    assert [a.attempt for a in attempts] == [1, 2, 3]
    assert {a.outcome for a in attempts} == {TIMEOUT}
    assert len({a.event_id for a in attempts}) == 1
    assert len({a.delivery_id for a in attempts}) == 3
    assert [a.retry_in_seconds for a in attempts] == [0.02, 0.04, None]
    assert len(receiver.wait_kind("VEHICLE_STATE", 3)) == 3


def test_a_webhook_that_fails_the_challenge_gets_nothing_else(
    world: World, hook: Hook, receiver: Receiver, server: MockcarServer
) -> None:
    receiver.verify = False
    webhook = hook(signals=("closure-islocked",))
    _subscribe(server, world, webhook.id)

    verify = _logged(world, "VERIFY", 1)[0]
    skipped = _logged(world, "VEHICLE_STATE", 1)[0]
    assert verify.outcome == FAILED
    assert "hash_challenge" in verify.detail
    assert skipped.outcome == SKIPPED and skipped.delivery_id is None
    assert world.deliveries.status(webhook.id).status == "failed"
    assert [r.kind for r in receiver.received] == ["VERIFY"]
