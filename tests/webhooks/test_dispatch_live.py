"""The dispatcher on a live server, beyond one delivery: signals that change as a vehicle
moves with the clock, no ordering promised between a retry and a newer event, a
registered application's own World and management token, and a clean stop while a
receiver hangs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import smartcar

from mockcar.domain.webhooks.deliveries import DeliveryPolicy
from mockcar.domain.world.clock import Clock
from mockcar.domain.world.world import Application, World
from mockcar.scenario import load_world
from mockcar.settings import Settings
from mockcar.testing.server import MockcarServer
from tests.webhooks.conftest import FAST, START, TESLA, Hook, advance, connect
from tests.webhooks.receiver import HANG, Receiver

DRIVER = "0b7c1c1e-5a4f-4d0e-9a57-3c1d2e3f4a5b"
AMT = "timeline-management-token"
TIMELINE = """\
version: 1
applications:
  - name: Fleet app
    client_id: fleet-app
    client_secret: s
    redirect_uris: [http://localhost:8000/exchange]
    management_token: {amt}
    webhooks:
      - id: wh-odometer
        name: Odometer
        url: {url}
        signals: [odometer-traveleddistance]
owners:
  - email: driver@example.com
    password: p
    vehicles:
      - id: {vehicle}
        make: TESLA
        model: Model 3
        powertrain: BEV
        odometer: 1000
        timeline:
          start: {start}
          repeat: true
          segments:
            - kind: driving
              speed: 60
              route: [{{latitude: 37.70, longitude: -122.45}},
                      {{latitude: 38.20, longitude: -122.45}}]
            - {{kind: parked, duration: 1h}}
"""


def test_a_moving_vehicle_reports_its_odometer_as_the_clock_advances(tmp_path: Path) -> None:
    with Receiver(AMT) as receiver:
        path = tmp_path / "timeline.yaml"
        path.write_text(TIMELINE.format(amt=AMT, url=receiver.url, vehicle=DRIVER,
                                        start=START.isoformat()))
        world = load_world(path, clock=Clock(frozen_at=START))
        world.deliveries.policy = FAST
        _, headers = connect(world, DRIVER)
        with MockcarServer(Settings(scenario=path), world=world) as server:
            subscribed = httpx.post(f"{server.url}/v2.0/vehicles/{DRIVER}/webhooks/wh-odometer",
                                    headers=headers)
            assert subscribed.status_code == 200
            first = receiver.wait_kind("VEHICLE_STATE")[0].json
            advanced = httpx.post(f"{server.url}/_mockcar/clock/advance", json={"minutes": 10})
            assert advanced.status_code == 200
            moved = receiver.wait_kind("VEHICLE_STATE", 2)[1]

    def odometer(body: Any) -> float:
        [signal] = body["data"]["signals"]
        return float(signal["body"]["value"])

    assert first["triggers"] == [{"type": "FIRST_DELIVERY"}]
    assert odometer(first) == 1000
    assert moved.json["triggers"][0]["type"] == "SIGNAL_UPDATED"
    assert abs(odometer(moved.json) - 1010) < 0.01  # 10 minutes at 60 km/h
    assert moved.signature is not None
    assert smartcar.verify_payload(AMT, moved.signature, moved.raw)


def test_a_retry_may_arrive_after_a_newer_event(
    world: World, hook: Hook, receiver: Receiver, server: MockcarServer
) -> None:
    world.deliveries.policy = DeliveryPolicy(timeout_seconds=5, retry_base_seconds=1,
                                             max_attempts=2)
    receiver.statuses = [500]
    webhook = hook(signals=("closure-islocked",))
    _, headers = connect(world, TESLA)
    httpx.post(f"{server.url}/v2.0/vehicles/{TESLA}/webhooks/{webhook.id}", headers=headers)
    receiver.wait_kind("VEHICLE_STATE")  # the first delivery failed; its retry waits 1 s
    httpx.post(f"{server.url}/v2.0/vehicles/{TESLA}/security", json={"action": "UNLOCK"},
               headers=headers)
    receiver.wait_kind("VEHICLE_STATE", 2)  # the newer event, while the clock stands
    advance(server, 1)  # now the retry is due

    failed, newer, retried = receiver.wait_kind("VEHICLE_STATE", 3)
    assert [r.status for r in (failed, newer, retried)] == [500, 200, 200]
    assert newer.json["triggers"][0]["type"] == "SIGNAL_UPDATED"
    assert retried.json["eventId"] == failed.json["eventId"] != newer.json["eventId"]
    assert retried.json["triggers"] == [{"type": "FIRST_DELIVERY"}]

    # Receivers order by the signals' own times: the retry carries the older state.
    def locked(body: Any) -> bool:
        [signal] = body["data"]["signals"]
        return bool(signal["body"]["value"])

    assert locked(retried.json) and not locked(newer.json)


def test_a_registered_application_delivers_from_its_own_world(
    app: Application, server: MockcarServer
) -> None:
    registered = httpx.post(f"{server.url}/_mockcar/applications", json={"name": "Mine"})
    assert registered.status_code == 201
    mine = registered.json()
    base = f"{server.url}/_mockcar/applications/{mine['client_id']}"
    amt = {"Authorization": f"Bearer {mine['management_token']}"}
    with Receiver(mine["management_token"]) as receiver:
        httpx.post(f"{base}/deliveries/policy", headers=amt,
                   json={"timeout_seconds": 5, "retry_base_seconds": 0.05})
        created = httpx.post(f"{base}/webhooks", headers=amt, json={
            "id": "wh-mine", "url": receiver.url, "signals": ["closure-islocked"]})
        assert created.status_code == 201
        connected = httpx.post(f"{base}/connect", headers=amt,
                               json={"email": "alice@example.com", "exchange": True})
        answer = connected.json()
        vehicle_id = answer["vehicles"][0]
        subscribed = httpx.post(f"{server.url}/v3/subscriptions", headers=amt, json={
            "data": {"attributes": {"webhookId": "wh-mine", "userId": answer["user_id"],
                                    "vehicleId": vehicle_id}}})
        assert subscribed.status_code == 202
        first = receiver.wait_kind("VEHICLE_STATE")[0]
    assert first.signature is not None
    assert smartcar.verify_payload(mine["management_token"], first.signature, first.raw)
    assert not smartcar.verify_payload(app.management_token, first.signature, first.raw)
    assert first.json["data"]["vehicle"]["id"] == vehicle_id
    # The scenario World saw none of it.
    assert "wh-mine" not in server.world.subscriptions
    assert json.loads(first.raw)["meta"]["webhookId"] == "wh-mine"


def test_the_server_stops_while_a_delivery_hangs(world: World, hook: Hook,
                                                 receiver: Receiver) -> None:
    world.deliveries.policy = DeliveryPolicy(timeout_seconds=60, max_attempts=1)
    receiver.default = HANG
    webhook = hook(signals=("closure-islocked",))
    _, headers = connect(world, TESLA)
    server = MockcarServer(world=world).start()
    try:
        httpx.post(f"{server.url}/v2.0/vehicles/{TESLA}/webhooks/{webhook.id}",
                   headers=headers)
        receiver.wait_kind("VEHICLE_STATE")  # hanging for up to a minute
    finally:
        server.stop()
    assert not server._thread.is_alive()
    assert server.app.state.dispatcher is None
