"""The control API's webhook operations (`/_mockcar/applications/{client_id}/webhooks`,
`…/deliveries`): configure webhooks at runtime, (re)verify them, read the delivery log,
shorten the retry schedule."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import httpx
import pytest
import smartcar
from starlette.testclient import TestClient

from mockcar.app import create_app
from mockcar.domain.world.world import Application, World
from mockcar.settings import Settings
from mockcar.testing.server import MockcarServer
from tests.webhooks.conftest import FAST, LEAF, TESLA, advance, connect
from tests.webhooks.receiver import DEADLINE, Receiver


def until(condition: Callable[[], bool]) -> None:
    end = time.monotonic() + DEADLINE
    while not condition():
        assert time.monotonic() < end, "the condition never held"
        time.sleep(0.01)


@pytest.fixture
def client(world: World) -> Iterator[TestClient]:
    yield TestClient(create_app(Settings(), world), base_url="http://localhost")  # no lifespan: nothing is sent


@pytest.fixture
def base(app: Application) -> str:
    return f"/_mockcar/applications/{app.client_id}"


@pytest.fixture
def amt(app: Application) -> dict[str, str]:
    return {"Authorization": f"Bearer {app.management_token}"}


def test_create_list_get_delete(client: TestClient, world: World, app: Application, base: str,
                                amt: dict[str, str]) -> None:
    created = client.post(f"{base}/webhooks", headers=amt, json={
        "id": "wh-hourly", "name": "Hourly", "url": "https://app.example/hooks",
        "version": "v2", "signals": ["/odometer", "/battery"],
        "trigger": {"schedule": {"every": "1h"}}})
    assert created.status_code == 201, created.text
    shown = created.json()
    assert shown == {
        "id": "wh-hourly", "name": "Hourly", "url": "https://app.example/hooks",
        "error_url": None, "version": "v2", "signals": ["/odometer", "/battery"],
        "trigger": {"schedule": {"every": 3600}},
        "verification": {"status": "pending", "detail": "challenge sent", "checked_at": None},
        "subscribers": [], "waiting": 0,
    }
    # A webhook with a url is challenged as soon as it is made.
    [verify] = list(world.deliveries.outbox)
    assert (verify.kind, verify.webhook_id) == ("VERIFY", "wh-hourly")

    listed = client.get(f"{base}/webhooks", headers=amt).json()["webhooks"]
    assert [w["id"] for w in listed] == [*(w.id for w in app.webhooks), "wh-hourly"]
    assert client.get(f"{base}/webhooks/wh-hourly", headers=amt).json() == shown
    # The application's own view lists it too.
    assert "wh-hourly" in [w["id"] for w in client.get(base, headers=amt).json()["webhooks"]]

    deleted = client.post(f"{base}/webhooks/wh-hourly/delete", headers=amt)
    assert deleted.json() == {"deleted": "wh-hourly"}
    assert client.get(f"{base}/webhooks/wh-hourly", headers=amt).status_code == 404


def test_bad_webhooks_are_refused_with_every_problem(client: TestClient, base: str,
                                                     amt: dict[str, str]) -> None:
    response = client.post(f"{base}/webhooks", headers=amt, json={
        "id": "a/b", "url": "ftp://x", "signals": ["odometer"], "trigger": "sometimes"})
    assert response.status_code == 400
    problems = response.json()["problems"]
    assert [p.split(":")[0] for p in problems] == ["id", "url", "signals", "trigger"]
    unknown = client.post(f"{base}/webhooks", headers=amt, json={"colour": "red"})
    assert unknown.status_code == 400 and "colour" in unknown.json()["message"]
    schedule = client.post(f"{base}/webhooks", headers=amt,
                           json={"trigger": {"schedule": {"every": "soon"}}})
    [problem] = schedule.json()["problems"]
    assert problem.startswith("trigger.schedule.every: must be a duration like 1h")
    assert problem.endswith("got 'soon'")


def test_the_webhook_operations_need_the_application(client: TestClient, base: str) -> None:
    assert client.get(f"{base}/webhooks").status_code == 401
    assert client.get(f"{base}/deliveries",
                      headers={"Authorization": "Bearer nope"}).status_code == 401


def test_policy(client: TestClient, base: str, amt: dict[str, str], world: World) -> None:
    assert client.get(f"{base}/deliveries/policy", headers=amt).json() == {
        "timeout_seconds": FAST.timeout_seconds,
        "verify_timeout_seconds": FAST.verify_timeout_seconds,
        "retry_base_seconds": FAST.retry_base_seconds, "max_attempts": FAST.max_attempts,
        "retry_schedule_seconds": [0.02, 0.04]}
    changed = client.post(f"{base}/deliveries/policy", headers=amt,
                          json={"retry_base_seconds": 1, "max_attempts": 4})
    assert changed.json()["retry_schedule_seconds"] == [1, 2, 4]
    assert world.deliveries.policy.timeout_seconds == FAST.timeout_seconds
    bad = client.post(f"{base}/deliveries/policy", headers=amt, json={"max_attempts": 0})
    assert bad.status_code == 400


def test_runtime_webhook_delivers_and_the_log_shows_every_attempt(
    world: World, app: Application, receiver: Receiver, server: MockcarServer
) -> None:
    base = f"{server.url}/_mockcar/applications/{app.client_id}"
    amt = {"Authorization": f"Bearer {app.management_token}"}
    receiver.statuses = [503]
    created = httpx.post(f"{base}/webhooks", headers=amt, json={
        "id": "wh-live", "url": receiver.url, "signals": ["closure-islocked"]})
    assert created.status_code == 201
    receiver.wait_kind("VERIFY")
    connection, _ = connect(world, TESLA)
    subscribed = httpx.post(f"{server.url}/v3/subscriptions", headers=amt, json={"data": {
        "attributes": {"webhookId": "wh-live", "userId": connection.user_id,
                       "vehicleId": TESLA}}})
    assert subscribed.status_code == 202
    receiver.wait_kind("VEHICLE_STATE")
    advance(server, FAST.retry_base_seconds)  # the retry is due in World time
    retried = receiver.wait_kind("VEHICLE_STATE", 2)[1]

    log = httpx.get(f"{base}/deliveries", headers=amt,
                    params={"event_type": "VEHICLE_STATE"}).json()["deliveries"]
    assert [(a["attempt"], a["outcome"], a["status"]) for a in log] == [
        (1, "failed", 503), (2, "delivered", 200)]
    assert log[1]["body"] == retried.raw
    assert log[1]["signature"] == retried.signature
    assert smartcar.verify_payload(app.management_token, log[1]["signature"], log[1]["body"])
    assert log[0]["event_id"] == log[1]["event_id"] == retried.json["eventId"]
    assert log[0]["retry_in_seconds"] == FAST.retry_base_seconds
    assert log[0]["retry_at"] == "2026-11-23T09:30:00.020Z"  # START + the first wait
    assert log[1]["retry_at"] is None
    shown = httpx.get(f"{base}/webhooks/wh-live", headers=amt).json()
    assert shown["verification"]["status"] == "verified"
    assert shown["subscribers"] == [TESLA]
    verify = httpx.get(f"{base}/deliveries", headers=amt,
                       params={"event_type": "VERIFY"}).json()["deliveries"]
    assert [(a["outcome"], a["detail"]) for a in verify] == [("delivered", "verified")]
    since = log[0]["seq"]
    newer = httpx.get(f"{base}/deliveries", headers=amt, params={"since": since}).json()
    assert [a["seq"] for a in newer["deliveries"]] == [log[1]["seq"]]

    cleared = httpx.post(f"{base}/deliveries/clear", headers=amt).json()
    assert cleared["cleared"] >= 3
    assert httpx.get(f"{base}/deliveries", headers=amt).json() == {"deliveries": []}


def test_a_failed_webhook_is_verified_again_and_then_delivers(
    world: World, app: Application, receiver: Receiver, server: MockcarServer
) -> None:
    base = f"{server.url}/_mockcar/applications/{app.client_id}"
    amt = {"Authorization": f"Bearer {app.management_token}"}
    receiver.verify = False
    httpx.post(f"{base}/webhooks", headers=amt,
               json={"id": "wh-fix", "url": receiver.url, "signals": ["closure-islocked"]})
    connection, _ = connect(world, LEAF)
    httpx.post(f"{server.url}/v3/subscriptions", headers=amt, json={"data": {"attributes": {
        "webhookId": "wh-fix", "userId": connection.user_id, "vehicleId": LEAF}}})
    receiver.wait_kind("VERIFY")
    until(lambda: httpx.get(f"{base}/webhooks/wh-fix", headers=amt).json()[
        "verification"]["status"] == "failed")

    receiver.verify = True  # the developer fixes the receiver and clicks "Verify"
    again = httpx.post(f"{base}/webhooks/wh-fix/verify", headers=amt)
    assert again.json()["verification"]["status"] == "pending"
    state = receiver.wait_kind("VEHICLE_STATE")[0]
    assert state.json["triggers"] == [{"type": "FIRST_DELIVERY"}]
    assert [r.kind for r in receiver.received] == ["VERIFY", "VERIFY", "VEHICLE_STATE"]
