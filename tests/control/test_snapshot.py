"""Snapshots through the control API: the whole server's and one application's state
taken, restored into a fresh server, and taken again; what they hold works there; bad
documents are refused in one line and change nothing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from mockcar.app import create_app
from mockcar.domain.world.clock import Clock
from mockcar.scenario import load_world
from mockcar.settings import Settings, default_scenario
from tests.control.conftest import START
from tests.control.helpers import App, Register, bearer, connect

COMMUTER = "5bc8fbbc-bde5-4099-8164-d8399f767c45"  # default.yaml: a commute across SF


@pytest.fixture
def other() -> Iterator[TestClient]:
    """A second, fresh server over the same scenario."""
    world = load_world(default_scenario(), clock=Clock(frozen_at=START))
    with TestClient(create_app(Settings(), world), base_url="http://localhost") as client:
        yield client


def snapshot_of(client: TestClient, path: str = "/_mockcar/snapshot",
                headers: dict[str, str] | None = None) -> dict[str, Any]:
    response = client.get(path, headers=headers)
    assert response.status_code == 200, response.text
    document: dict[str, Any] = response.json()
    return document


def restore(client: TestClient, document: Any, path: str = "/_mockcar/snapshot",
            headers: dict[str, str] | None = None) -> dict[str, Any]:
    response = client.post(path, json=document, headers=headers)
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def busy_application(client: TestClient, register: Register) -> tuple[App, dict[str, Any]]:
    """A registered application with a connection, an unlocked car, a fault rule hit once
    of twice, and a subscribed webhook."""
    app = register()
    answer = connect(client, app)
    first = answer["vehicles"][0]
    unlocked = client.post(f"/v2.0/vehicles/{first}/security", headers=bearer(answer),
                           json={"action": "UNLOCK"})
    assert unlocked.status_code == 200, unlocked.text
    fault = client.post(app.path("/faults"), headers=app.auth, json={
        "type": "VEHICLE_STATE", "code": "ASLEEP", "endpoint": "/odometer", "times": 2})
    assert fault.status_code == 201, fault.text
    assert client.get(f"/v2.0/vehicles/{first}/odometer",
                      headers=bearer(answer)).status_code == 409
    hook = client.post(app.path("/webhooks"), headers=app.auth,
                       json={"id": "kept-hook", "name": "Kept"})
    assert hook.status_code == 201, hook.text
    subscribed = client.post(f"/v2.0/vehicles/{first}/webhooks/kept-hook",
                             headers=bearer(answer))
    assert subscribed.status_code == 200, subscribed.text
    return app, answer


def test_a_server_snapshot_restored_into_a_fresh_server_is_taken_again_identical(
    client: TestClient, register: Register, other: TestClient,
) -> None:
    app, _ = busy_application(client, register)
    client.post("/_mockcar/clock/advance", json={"minutes": 20})
    taken = snapshot_of(client)
    assert (taken["format"], taken["version"], taken["scope"]) == (
        "mockcar.snapshot", 1, "server")
    assert list(taken["tenants"]) == [app.client_id]

    assert restore(other, taken) == {"status": "restored", "applications": 1}

    assert snapshot_of(other) == taken
    # Byte for byte, keys in the same order.
    assert other.get("/_mockcar/snapshot").content == client.get("/_mockcar/snapshot").content


def test_what_a_restored_server_holds_works_tokens_commands_faults_and_webhooks(
    client: TestClient, register: Register, other: TestClient,
) -> None:
    app, answer = busy_application(client, register)
    first = answer["vehicles"][0]
    restore(other, snapshot_of(client))
    headers = bearer(answer)

    security = other.get(f"/v2.0/vehicles/{first}/security", headers=headers)
    assert security.status_code == 200 and security.json()["isLocked"] is False
    # The rule fired once before the snapshot: once more, then the odometer answers.
    assert other.get(f"/v2.0/vehicles/{first}/odometer", headers=headers).status_code == 409
    assert other.get(f"/v2.0/vehicles/{first}/odometer", headers=headers).status_code == 200
    hooks = other.get(app.path("/webhooks"), headers=app.auth).json()["webhooks"]
    kept = next(h for h in hooks if h["id"] == "kept-hook")
    assert first in str(kept)
    refreshed = other.post("/oauth/token", headers=app.basic, data={
        "grant_type": "refresh_token", "refresh_token": answer["refresh_token"]})
    assert refreshed.status_code == 200, refreshed.text
    # The access token still expires when it did: two hours after it was issued.
    other.post(app.path("/clock/advance"), headers=app.auth, json={"minutes": 121})
    assert other.get(f"/v2.0/vehicles/{first}/security", headers=headers).status_code == 401


def test_a_commuting_car_goes_on_from_the_restored_clock(
    client: TestClient, other: TestClient,
) -> None:
    changed = client.post(f"/_mockcar/vehicles/{COMMUTER}/state", json={"odometer_km": 9000})
    assert changed.status_code == 200, changed.text
    restore(other, snapshot_of(client))
    for server in (client, other):
        server.post("/_mockcar/clock/advance", json={"hours": 9, "minutes": 15})
    here, there = (server.get(f"/_mockcar/vehicles/{COMMUTER}").json()
                   for server in (client, other))
    assert here == there
    assert here["state"]["odometer_km"] > 9000  # it drove on from the restored odometer


def test_an_application_snapshot_puts_its_world_back(
    client: TestClient, register: Register,
) -> None:
    app, answer = busy_application(client, register)
    first = answer["vehicles"][0]
    taken = snapshot_of(client, app.path("/snapshot"), app.auth)
    assert taken["scope"] == "application"
    assert taken["application"]["client_id"] == app.client_id

    client.post(f"/v2.0/vehicles/{first}/security", headers=bearer(answer),
                json={"action": "LOCK"})
    client.post(app.path("/faults/clear"), headers=app.auth)
    assert restore(client, taken, app.path("/snapshot"), app.auth) == {"status": "restored"}

    security = client.get(f"/v2.0/vehicles/{first}/security", headers=bearer(answer))
    assert security.status_code == 200 and security.json()["isLocked"] is False
    assert [f["hits"] for f in client.get(app.path("/faults"), headers=app.auth).json()[
        "faults"]] == [1]
    assert snapshot_of(client, app.path("/snapshot"), app.auth) == taken


@pytest.mark.parametrize(("change", "reason"), [
    (lambda d: {**d, "format": "firebase"}, "not a mockcar snapshot"),
    (lambda d: {**d, "version": 2}, "version 2, newer than this mockcar reads (1)"),
    (lambda d: {**d, "scope": "application"}, "not of the whole server"),
    (lambda d: {**d, "scenario": {**d["scenario"], "seed": 99}}, "this server runs"),
    (lambda d: {**d, "world": {**d["world"], "weather": {}}}, "unknown section"),
    (lambda d: {**d, "world": {**d["world"], "vehicles": {"no-such-car": {}}}},
     "no vehicle no-such-car"),
    (lambda d: {**d, "tenants": {"ghost": {}}}, "no tenant registration"),
])
def test_a_bad_document_is_refused_in_one_line_and_changes_nothing(
    client: TestClient, change: Any, reason: str,
) -> None:
    before = snapshot_of(client)
    response = client.post("/_mockcar/snapshot", json=change(before))
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["error"] == "invalid_request" and body["status"] == 400
    assert reason in body["message"] and "\n" not in body["message"]
    assert snapshot_of(client) == before


def test_another_registered_application_s_snapshot_is_rekeyed_to_this_one(
    client: TestClient, register: Register,
) -> None:
    theirs, _ = busy_application(client, register)
    answer = connect(client, theirs, "bob@example.com")
    mine = register()
    taken = snapshot_of(client, theirs.path("/snapshot"), theirs.auth)
    client.post(theirs.path("/delete"), headers=theirs.auth)

    restore(client, taken, mine.path("/snapshot"), mine.auth)

    # Their tokens are this application's now: read, and refreshed with its credentials.
    assert client.get("/v2.0/user", headers=bearer(answer)).status_code == 200
    refreshed = client.post("/oauth/token", headers=mine.basic, data={
        "grant_type": "refresh_token", "refresh_token": answer["refresh_token"]})
    assert refreshed.status_code == 200, refreshed.text
    again = snapshot_of(client, mine.path("/snapshot"), mine.auth)
    assert again["application"]["client_id"] == mine.client_id
    assert theirs.client_id not in str(again)
    assert again["world"]["applications"][mine.client_id]["management_token"] == (
        mine.body["management_token"])


def test_the_scenario_world_and_registered_applications_take_only_their_own_kind(
    client: TestClient, register: Register,
) -> None:
    mine = register()
    scenario_app = next(iter(client.app.state.world.applications.values()))  # type: ignore[attr-defined]
    scenario_auth = {"Authorization": f"Bearer {scenario_app.management_token}"}
    scenario_path = f"/_mockcar/applications/{scenario_app.client_id}/snapshot"
    of_scenario = snapshot_of(client, scenario_path, scenario_auth)
    assert of_scenario["application"]["registration"] is None
    refused = client.post(mine.path("/snapshot"), json=of_scenario, headers=mine.auth)
    assert refused.status_code == 400
    assert "is of the scenario World" in refused.json()["message"]

    of_mine = snapshot_of(client, mine.path("/snapshot"), mine.auth)
    refused = client.post(scenario_path, json=of_mine, headers=scenario_auth)
    assert refused.status_code == 400 and "restores only its own" in refused.json()["message"]
    server = client.post("/_mockcar/snapshot", json=of_mine)
    assert server.status_code == 400 and "not of the whole server" in server.json()["message"]
    assert restore(client, of_scenario, scenario_path, scenario_auth) == {"status": "restored"}


def test_a_snapshot_may_be_larger_than_other_control_bodies(client: TestClient) -> None:
    """Restoring takes bodies up to MOCKCAR_MAX_SCENARIO_BYTES (10 MiB), as registering
    an application with an inline scenario does; the rest of the control API 4 MiB."""
    taken = snapshot_of(client)
    padded = {**taken, "tenants": {}, "application": "x" * (5 * 2**20)}
    answer = client.post("/_mockcar/snapshot", json=padded)
    assert answer.status_code == 200, answer.text[:300]
    too_big = client.post("/_mockcar/clock/advance", content=b"{" + b" " * (5 * 2**20) + b"}",
                          headers={"content-type": "application/json"})
    assert too_big.status_code == 413


def test_a_commuting_car_added_at_run_time_comes_back_with_its_timeline(
    client: TestClient, other: TestClient,
) -> None:
    added = client.post("/_mockcar/vehicles", json={
        "owner": "newcomer@example.com",
        "vehicle": {"make": "TESLA", "model": "Model 3", "powertrain": "BEV",
                    "timeline": {"profile": "commute"}}})
    assert added.status_code == 201, added.text
    car = added.json()["id"]
    taken = snapshot_of(client)
    assert taken["world"]["vehicles"][car]["created"] is True
    restore(other, taken)
    assert snapshot_of(other) == taken
    for server in (client, other):
        server.post("/_mockcar/clock/advance", json={"hours": 7, "minutes": 40})
    here, there = (server.get(f"/_mockcar/vehicles/{car}").json() for server in (client, other))
    assert here == there
    assert other.get("/_mockcar/vehicles", params={"owner": "newcomer@example.com"}).json()[
        "vehicles"][0]["id"] == car
