"""VEHICLE_ERROR and the v2 envelopes on a live server: scheduled payloads in the batch
item shape when the clock reaches a slot, eventBased charging events after a command
(https://smartcar.com/docs/api-reference/webhooks/events/overview)."""

from __future__ import annotations

import httpx
import smartcar

from mockcar.domain.webhooks.webhook import V2, Trigger
from mockcar.domain.world.world import Application, World
from mockcar.testing.server import MockcarServer
from tests.webhooks.conftest import ICE, LEAF, START, TESLA, Hook, subscribe_vehicle
from tests.webhooks.receiver import Receiver


def test_a_signal_the_vehicle_lacks_is_an_error_in_the_state_and_a_vehicle_error(
    world: World, app: Application, hook: Hook, receiver: Receiver, server: MockcarServer
) -> None:
    webhook = hook(signals=("odometer-traveleddistance", "tractionbattery-stateofcharge"))
    subscribe_vehicle(server, world, ICE, webhook.id)

    state = receiver.wait_kind("VEHICLE_STATE")[0].json
    signals = {s["code"]: s for s in state["data"]["signals"]}
    assert signals["tractionbattery-stateofcharge"]["status"] == {
        "value": "ERROR", "error": {"type": "COMPATIBILITY", "code": "VEHICLE_NOT_CAPABLE"}}
    assert "body" not in signals["tractionbattery-stateofcharge"]
    assert signals["odometer-traveleddistance"]["status"] == {"value": "SUCCESS"}

    error = receiver.wait_kind("VEHICLE_ERROR")[0]
    assert error.signature is not None
    assert smartcar.verify_payload(app.management_token, error.signature, error.raw)
    body = error.json
    assert body["data"]["vehicle"]["id"] == ICE
    [reported] = body["data"]["errors"]
    assert (reported["type"], reported["code"], reported["state"]) == (
        "COMPATIBILITY", "VEHICLE_NOT_CAPABLE", "ERROR")
    assert reported["signals"] == [{"code": "tractionbattery-stateofcharge",
                                    "name": "StateOfCharge", "group": "TractionBattery"}]
    assert reported["docURL"].startswith("https://smartcar.com/docs/errors/api-errors/")
    assert body["meta"]["version"] == "4.0" and body["meta"]["webhookId"] == webhook.id


def test_a_v2_scheduled_webhook_delivers_batch_items_when_its_slot_comes(
    world: World, app: Application, hook: Hook, receiver: Receiver, server: MockcarServer
) -> None:
    webhook = hook(version=V2, trigger=Trigger(every_seconds=3600),
                   signals=("/odometer", "/fuel"))
    subscribe_vehicle(server, world, TESLA, webhook.id)
    assert receiver.received == []  # a scheduled v2 webhook sends nothing on subscribe

    advanced = httpx.post(f"{server.url}/_mockcar/clock/advance", json={"minutes": 30})
    assert advanced.status_code == 200  # 09:30 -> 10:00, the next hour

    scheduled = receiver.wait_kind("scheduled")[0]
    verify = receiver.received[0]
    assert verify.json == {"version": "2.0", "webhookId": webhook.id, "eventName": "verify",
                           "payload": {"challenge": verify.json["payload"]["challenge"]}}
    assert scheduled.signature is not None
    assert smartcar.verify_payload(app.management_token, scheduled.signature, scheduled.raw)
    body = scheduled.json
    assert (body["version"], body["webhookId"], body["eventName"], body["mode"]) == (
        "2.0", webhook.id, "scheduled", "test")
    [vehicle] = body["payload"]["vehicles"]
    assert vehicle["vehicleId"] == TESLA and vehicle["requestId"]
    odometer, fuel = vehicle["data"]
    assert (odometer["path"], odometer["code"]) == ("/odometer", 200)
    assert set(odometer["body"]) == {"distance"} and odometer["body"]["distance"] > 0
    assert odometer["headers"]["sc-fetched-at"].startswith(
        START.replace(hour=10, minute=0).strftime("%Y-%m-%dT%H:%M"))
    assert (fuel["path"], fuel["code"]) == ("/fuel", 501)  # a BEV has no tank
    assert (fuel["body"]["type"], fuel["body"]["code"]) == ("COMPATIBILITY",
                                                            "VEHICLE_NOT_CAPABLE")
    assert fuel["body"]["requestId"] == vehicle["requestId"]


def test_a_v2_event_based_webhook_tells_charging_started(
    world: World, app: Application, hook: Hook, receiver: Receiver, server: MockcarServer
) -> None:
    webhook = hook(version=V2)
    headers = subscribe_vehicle(server, world, LEAF, webhook.id)

    started = httpx.post(f"{server.url}/v2.0/vehicles/{LEAF}/charge",
                         json={"action": "START"}, headers=headers)
    assert started.status_code == 200, started.text

    event = receiver.wait_kind("eventBased")[0]
    assert event.signature is not None
    assert smartcar.verify_payload(app.management_token, event.signature, event.raw)
    body = event.json
    assert (body["eventName"], body["webhookId"], body["mode"]) == ("eventBased", webhook.id,
                                                                    "test")
    payload = body["payload"]
    assert (payload["vehicleId"], payload["eventType"]) == (LEAF, "CHARGING_STARTED")
    assert payload["eventTime"] == "2026-11-23T09:30:00.000Z"
    assert payload["eventId"]
