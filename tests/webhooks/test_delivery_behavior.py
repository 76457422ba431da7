"""Webhook delivery as https://smartcar.com/docs/api-reference/webhooks/delivery-behavior
describes it, seen by a real receiver on a live server: the documented headers and
envelope, 4 attempts at 0, 25, 75 and 175 s of World time (the test advances the frozen
clock through the control API; nothing sleeps through a wait), the event dropped after
them while later events still go, VEHICLE_ERROR at the webhook's error callback URL, and
the control API's test payload. Every signed delivery is checked with the official SDK's
`smartcar.verify_payload`."""

from __future__ import annotations

import itertools
import socket
import struct
import threading
import time
from datetime import timedelta
from typing import Self

import httpx
import pytest
import smartcar

from mockcar.domain.webhooks.deliveries import Attempt, DeliveryPolicy
from mockcar.domain.world.world import Application, World
from mockcar.testing.server import MockcarServer
from tests.webhooks.conftest import (
    FAST,
    ICE,
    START,
    TESLA,
    Hook,
    advance,
    subscribe_vehicle,
)
from tests.webhooks.receiver import DEADLINE, Received, Receiver

START_MS = int(START.timestamp() * 1000)


def _passes(server: MockcarServer, count: int) -> None:
    """Wait until the dispatcher has completed `count` passes in all."""
    end = time.monotonic() + DEADLINE
    while server.app.state.dispatcher.passes < count:
        assert time.monotonic() < end, "the dispatcher made no pass"
        time.sleep(0.01)


def _settled(server: MockcarServer) -> None:
    """Wait for two whole dispatcher passes, so whatever was due has been sent."""
    _passes(server, server.app.state.dispatcher.passes + 2)


def _signed(app: Application, delivery: Received) -> None:
    assert delivery.signature is not None
    assert smartcar.verify_payload(app.management_token, delivery.signature, delivery.raw)


def test_every_delivery_carries_the_documented_headers_and_envelope(
    world: World, app: Application, hook: Hook, receiver: Receiver, server: MockcarServer
) -> None:
    webhook = hook(signals=("closure-islocked",))
    subscribe_vehicle(server, world, TESLA, webhook.id)
    [verify] = receiver.wait_kind("VERIFY")
    [state] = receiver.wait_kind("VEHICLE_STATE")

    for delivery in (verify, state):
        assert delivery.headers["content-type"] == "application/json"
        assert delivery.headers["user-agent"] == "Smartcar/4.0"
        assert int(delivery.headers["content-length"]) == len(delivery.raw.encode())
        meta = delivery.json["meta"]
        assert {"version", "webhookId", "webhookName", "deliveryId", "deliveredAt"} <= set(meta)
        assert (meta["version"], meta["webhookId"], meta["webhookName"]) == (
            "4.0", webhook.id, webhook.name)
        assert meta["deliveredAt"] == START_MS  # epoch ms of World time: the clock is frozen
    assert "sc-signature" not in verify.headers  # VERIFY is answered, not verified
    assert "vehicleId" not in verify.json
    _signed(app, state)
    body = state.json
    assert list(body)[:3] == ["eventId", "eventType", "vehicleId"]
    assert (body["eventType"], body["vehicleId"]) == ("VEHICLE_STATE", TESLA)
    assert body["data"]["vehicle"]["id"] == TESLA
    assert body["meta"]["signalCount"] == 1


def test_a_failing_receiver_gets_four_attempts_at_0_25_75_175_seconds_of_world_time(
    world: World, app: Application, hook: Hook, receiver: Receiver, server: MockcarServer
) -> None:
    world.deliveries.policy = DeliveryPolicy()  # Smartcar's documented schedule
    receiver.default = 500
    webhook = hook(signals=("closure-islocked",))
    headers = subscribe_vehicle(server, world, TESLA, webhook.id)
    receiver.wait_kind("VEHICLE_STATE")

    for waited, offset, count in ((25, 25, 2), (50, 75, 3), (100, 175, 4)):
        advance(server, waited - 1)
        _settled(server)
        assert len(receiver.of("VEHICLE_STATE")) == count - 1, f"early before {offset} s"
        advance(server, 1)
        receiver.wait_kind("VEHICLE_STATE", count)
    advance(server, 3600)  # the event was dropped: no fifth attempt, however long
    _settled(server)

    attempts = receiver.of("VEHICLE_STATE")
    assert [a.json["meta"]["deliveredAt"] - START_MS for a in attempts] == [
        0, 25_000, 75_000, 175_000]
    assert [a.status for a in attempts] == [500] * 4
    assert len({a.json["eventId"] for a in attempts}) == 1
    assert len({a.json["meta"]["deliveryId"] for a in attempts}) == 4
    for delivery in attempts:
        _signed(app, delivery)
        assert delivery.headers["user-agent"] == "Smartcar/4.0"
    logged = world.deliveries.attempts(kind="VEHICLE_STATE")
    assert [(a.attempt, a.retry_in_seconds) for a in logged] == [
        (1, 25), (2, 50), (3, 100), (4, None)]
    assert [a.sent_at for a in logged] == [START + timedelta(seconds=s)
                                          for s in (0, 25, 75, 175)]
    assert [a.retry_at for a in logged] == [START + timedelta(seconds=s)
                                           for s in (25, 75, 175)] + [None]

    # Later events still go.
    receiver.default = 200
    unlocked = httpx.post(f"{server.url}/v2.0/vehicles/{TESLA}/security",
                          json={"action": "UNLOCK"}, headers=headers)
    assert unlocked.status_code == 200
    later = receiver.wait_kind("VEHICLE_STATE", 5)[4]
    assert later.status == 200 and later.json["eventId"] != attempts[0].json["eventId"]
    assert later.json["triggers"][0]["type"] == "SIGNAL_UPDATED"
    _signed(app, later)


def test_the_documented_schedule_is_what_a_new_world_uses(server: MockcarServer) -> None:
    registered = httpx.post(f"{server.url}/_mockcar/applications", json={"name": "Fresh"})
    mine = registered.json()
    policy = httpx.get(
        f"{server.url}/_mockcar/applications/{mine['client_id']}/deliveries/policy",
        headers={"Authorization": f"Bearer {mine['management_token']}"})
    assert policy.json() == {"timeout_seconds": 15, "verify_timeout_seconds": 15,
                             "retry_base_seconds": 25, "max_attempts": 4,
                             "retry_schedule_seconds": [25, 50, 100]}


def test_vehicle_errors_go_to_the_error_callback_url(
    world: World, app: Application, receiver: Receiver, server: MockcarServer
) -> None:
    base = f"{server.url}/_mockcar/applications/{app.client_id}"
    amt = {"Authorization": f"Bearer {app.management_token}"}
    with Receiver(app.management_token) as errors:
        created = httpx.post(f"{base}/webhooks", headers=amt, json={
            "id": "wh-errors", "url": receiver.url, "error_url": errors.url,
            "signals": ["odometer-traveleddistance", "tractionbattery-stateofcharge"]})
        assert created.status_code == 201, created.text
        assert created.json()["error_url"] == errors.url
        receiver.wait_kind("VERIFY")
        subscribe_vehicle(server, world, ICE, "wh-errors")
        [error] = errors.wait_kind("VEHICLE_ERROR")
        receiver.wait_kind("VEHICLE_STATE")
        _settled(server)
        assert [r.kind for r in errors.received] == ["VEHICLE_ERROR"]  # no VERIFY there
    assert "VEHICLE_ERROR" not in [r.kind for r in receiver.received]
    _signed(app, error)
    assert error.headers["user-agent"] == "Smartcar/4.0"
    assert error.json["vehicleId"] == ICE
    [problem] = error.json["data"]["errors"]
    assert (problem["type"], problem["code"], problem["state"]) == (
        "COMPATIBILITY", "VEHICLE_NOT_CAPABLE", "ERROR")
    [logged] = _logged(world, "VEHICLE_ERROR", 1)
    assert logged.url == errors.url and logged.outcome == "delivered"


def test_the_control_api_sends_a_test_payload(
    world: World, app: Application, hook: Hook, receiver: Receiver, server: MockcarServer
) -> None:
    webhook = hook(signals=("closure-islocked", "odometer-traveleddistance"))
    base = f"{server.url}/_mockcar/applications/{app.client_id}"
    amt = {"Authorization": f"Bearer {app.management_token}"}
    sent = httpx.post(f"{base}/webhooks/{webhook.id}/test", headers=amt,
                      json={"vehicle_id": TESLA})
    assert sent.status_code == 202, sent.text
    answer = sent.json()
    assert (answer["event_type"], answer["webhook_id"], answer["vehicle_id"]) == (
        "VEHICLE_STATE", webhook.id, TESLA)
    # Never verified yet: it is challenged first, as every delivery is.
    [verify, test] = receiver.wait_for(lambda seen: len(seen) >= 2)[:2]
    assert (verify.kind, test.kind) == ("VERIFY", "VEHICLE_STATE")
    _signed(app, test)
    assert test.headers["user-agent"] == "Smartcar/4.0"
    body = test.json
    assert body["eventId"] == answer["event_id"]
    assert body["meta"]["mode"] == "TEST" and body["vehicleId"] == TESLA
    assert body["triggers"] == [{"type": "FIRST_DELIVERY"}]
    assert [s["code"] for s in body["data"]["signals"]] == [
        "closure-islocked", "odometer-traveleddistance"]
    # Without a vehicle named, one of the World's is reported; the subscriptions are
    # untouched.
    again = httpx.post(f"{base}/webhooks/{webhook.id}/test", headers=amt, json={})
    assert again.status_code == 202 and again.json()["vehicle_id"] in world.vehicles
    receiver.wait_kind("VEHICLE_STATE", 2)
    assert world.deliveries.watches == {}

    missing = httpx.post(f"{base}/webhooks/{webhook.id}/test", headers=amt,
                         json={"vehicle_id": "no-such-car"})
    assert missing.status_code == 404 and "no-such-car" in missing.json()["message"]
    unknown = httpx.post(f"{base}/webhooks/nope/test", headers=amt, json={})
    assert unknown.status_code == 404
    typo = httpx.post(f"{base}/webhooks/{webhook.id}/test", headers=amt, json={"vehicle": 1})
    assert typo.status_code == 400
    v2 = httpx.post(f"{base}/webhooks", headers=amt, json={
        "id": "wh-v2", "version": "v2", "url": receiver.url})
    assert v2.status_code == 201
    refused = httpx.post(f"{base}/webhooks/wh-v2/test", headers=amt, json={})
    assert refused.status_code == 409 and "v3" in refused.json()["message"]


def test_a_redirect_is_a_failure_and_is_retried(
    world: World, app: Application, hook: Hook, receiver: Receiver, server: MockcarServer
) -> None:
    receiver.statuses = [302]
    webhook = hook(signals=("closure-islocked",))
    subscribe_vehicle(server, world, TESLA, webhook.id)
    receiver.wait_kind("VEHICLE_STATE")
    advance(server, FAST.retry_base_seconds)
    redirected, retried = receiver.wait_kind("VEHICLE_STATE", 2)
    assert (redirected.status, retried.status) == (302, 200)
    assert redirected.json["eventId"] == retried.json["eventId"]
    assert [(a.outcome, a.status) for a in _logged(world, "VEHICLE_STATE", 2)] == [
        ("failed", 302), ("delivered", 200)]


@pytest.mark.parametrize("answer", ["reset", "refused"])
def test_a_reset_or_refused_connection_is_a_failure_and_is_retried(
    answer: str, world: World, app: Application, receiver: Receiver, server: MockcarServer
) -> None:
    base = f"{server.url}/_mockcar/applications/{app.client_id}"
    amt = {"Authorization": f"Bearer {app.management_token}"}
    with _Resetting() as resetting:
        # The data URL verifies; VEHICLE_ERROR goes to a URL that resets or refuses.
        error_url = resetting.url if answer == "reset" else f"http://127.0.0.1:{_closed_port()}/"
        created = httpx.post(f"{base}/webhooks", headers=amt, json={
            "id": "wh-broken", "url": receiver.url, "error_url": error_url,
            "signals": ["tractionbattery-stateofcharge"]})
        assert created.status_code == 201, created.text
        subscribe_vehicle(server, world, ICE, "wh-broken")
        first = _logged(world, "VEHICLE_ERROR", 1)[0]
        advance(server, FAST.retry_base_seconds)
        attempts = _logged(world, "VEHICLE_ERROR", 2)
    assert first.outcome == "unreachable" and first.status is None
    assert first.retry_in_seconds == FAST.retry_base_seconds
    assert [a.attempt for a in attempts] == [1, 2]
    assert {a.event_id for a in attempts} == {first.event_id}
    assert {a.url for a in attempts} == {error_url}


def _logged(world: World, kind: str, count: int) -> list[Attempt]:
    end = time.monotonic() + DEADLINE
    while len(found := world.deliveries.attempts(kind=kind)) < count:
        assert time.monotonic() < end, f"only {len(found)} {kind} attempts logged"
        time.sleep(0.01)
    return found


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class _Resetting:
    """A listener on 127.0.0.1 that resets every connection it accepts (linger 0)."""

    def __init__(self) -> None:
        self._socket = socket.create_server(("127.0.0.1", 0))
        self._socket.settimeout(0.05)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True, name="resetting")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._socket.getsockname()[1]}/errors"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self._socket.accept()
            except TimeoutError:
                continue
            connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                  struct.pack("ii", 1, 0))
            connection.close()

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._socket.close()


def test_with_a_running_clock_the_retries_come_in_world_time(
    world: World, app: Application, hook: Hook, receiver: Receiver, server: MockcarServer
) -> None:
    world.deliveries.policy = DeliveryPolicy()
    world.clock.set_speed(1000)  # 175 s of World time pass in a fifth of a wall second
    world.clock.unfreeze()
    receiver.default = 500
    webhook = hook(signals=("closure-islocked",))
    subscribe_vehicle(server, world, TESLA, webhook.id)

    attempts = receiver.wait_kind("VEHICLE_STATE", 4)
    sent = [a.json["meta"]["deliveredAt"] for a in attempts]
    waits = [later - earlier for earlier, later in itertools.pairwise(sent)]
    # Each wait is at least the documented one (the clock runs on while a pass comes).
    assert [w >= least for w, least in zip(waits, (25_000, 50_000, 100_000), strict=True)] == [
        True] * 3, waits
    assert len({a.json["eventId"] for a in attempts}) == 1
    for delivery in attempts:
        _signed(app, delivery)
    logged = _logged(world, "VEHICLE_STATE", 4)
    assert [a.retry_in_seconds for a in logged] == [25, 50, 100, None]
