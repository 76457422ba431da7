"""Deliveries received by a real HTTP receiver from a live server, checked with the
official SDK's `verify_payload` and `hash_challenge`
(https://smartcar.com/docs/integrations/webhooks/payload-verification)."""

from __future__ import annotations

import json

import httpx
import smartcar

from mockcar.domain.world.world import Application, World
from mockcar.testing.server import MockcarServer
from tests.webhooks.conftest import TESLA, Hook, connect
from tests.webhooks.receiver import Receiver


def _subscribe(server: MockcarServer, headers: dict[str, str], vehicle_id: str,
               webhook_id: str) -> None:
    response = httpx.post(f"{server.url}/v2.0/vehicles/{vehicle_id}/webhooks/{webhook_id}",
                          headers=headers)
    assert response.status_code == 200, response.text


def test_first_delivery_follows_the_verify_challenge_and_is_signed(
    world: World, app: Application, hook: Hook, receiver: Receiver, server: MockcarServer
) -> None:
    webhook = hook(signals=("odometer-traveleddistance", "closure-islocked"))
    connection, headers = connect(world, TESLA)
    _subscribe(server, headers, TESLA, webhook.id)

    state = receiver.wait_kind("VEHICLE_STATE")[0]
    verify, first = receiver.received[0], receiver.received[1]
    assert verify.kind == "VERIFY" and first is state
    # VERIFY is not signed; the receiver answered it with the SDK's hash_challenge.
    assert verify.signature is None
    assert verify.json["meta"]["webhookId"] == webhook.id
    # Every other delivery is signed with the management token over the raw body.
    assert state.signature is not None
    assert smartcar.verify_payload(app.management_token, state.signature, state.raw)
    assert not smartcar.verify_payload("another-token", state.signature, state.raw)
    assert json.dumps(state.json, separators=(",", ":"), ensure_ascii=False) == state.raw
    body = state.json
    assert body["triggers"] == [{"type": "FIRST_DELIVERY"}]
    assert body["data"]["user"] == {"id": connection.user_id}
    assert body["data"]["vehicle"]["id"] == TESLA
    assert [s["code"] for s in body["data"]["signals"]] == list(webhook.signals)
    assert body["meta"]["version"] == "4.0"
    assert body["meta"]["webhookId"] == webhook.id
    assert body["meta"]["signalCount"] == 2
    locked = next(s for s in body["data"]["signals"] if s["code"] == "closure-islocked")
    assert locked["body"] == {"value": True}
    assert locked["status"] == {"value": "SUCCESS"}


def test_a_command_changes_a_signal_and_the_change_is_delivered(
    world: World, app: Application, hook: Hook, receiver: Receiver, server: MockcarServer
) -> None:
    webhook = hook(signals=("odometer-traveleddistance", "closure-islocked"))
    _, headers = connect(world, TESLA)
    _subscribe(server, headers, TESLA, webhook.id)
    receiver.wait_kind("VEHICLE_STATE")

    unlocked = httpx.post(f"{server.url}/v2.0/vehicles/{TESLA}/security",
                          json={"action": "UNLOCK"}, headers=headers)
    assert unlocked.status_code == 200, unlocked.text

    first, update = receiver.wait_kind("VEHICLE_STATE", 2)[:2]
    assert update.json["triggers"] == [{
        "type": "SIGNAL_UPDATED",
        "signal": {"code": "closure-islocked", "name": "IsLocked", "group": "Closure"},
    }]
    signals = {s["code"]: s for s in update.json["data"]["signals"]}
    assert signals["closure-islocked"]["body"] == {"value": False}
    assert update.json["eventId"] != first.json["eventId"]
    assert update.signature is not None
    assert smartcar.verify_payload(app.management_token, update.signature, update.raw)
