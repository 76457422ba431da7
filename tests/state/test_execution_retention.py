"""API v3 executions a server no longer keeps (too old, or pushed out by newer ones) are
gone from its `--state` file and its snapshots too: after a restart, or a snapshot
restored into a fresh server, the same executions answer and the same ones are 404."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.testclient import TestClient

from mockcar.app import create_app
from mockcar.domain.world.executions import CommandPolicy
from mockcar.domain.world.world import World
from mockcar.scenario import load_world
from mockcar.settings import Settings, default_scenario
from mockcar.state.keeper import open_state

CLIENT_ID = "d3e0a9b1-0000-4000-8000-000000000001"
SECRET = "demo-client-secret"
MANAGEMENT = {"Authorization": "Bearer demo-management-token", "Host": "localhost"}
CONTROL = {"Host": "localhost"}
KEPT = 8


def world_keeping(executions: int) -> World:
    world = load_world(default_scenario())
    world.executions.capacity = executions
    return world


def served(path: Path | None, world: World) -> TestClient:
    keeper = open_state(path, default_scenario(), None, world) if path else None
    return TestClient(create_app(Settings(), world, keeper=keeper), base_url="http://localhost")


def app_headers(client: TestClient, user_id: str) -> dict[str, str]:
    token = client.post("/oauth2/token", data={
        "grant_type": "client_credentials", "client_id": CLIENT_ID,
        "client_secret": SECRET}).json()["access_token"]
    return {"Authorization": f"Bearer {token}", "sc-user-id": user_id}


def drive(client: TestClient, world: World) -> tuple[str, str, list[str]]:
    """Commands over two days of World time; (vehicle, user, execution ids in order)."""
    assert client.post("/_mockcar/clock/set", json={"at": "2026-11-23T11:00:00Z"},
                       headers=CONTROL).status_code == 200
    assert client.post("/_mockcar/clock/freeze", json={}, headers=CONTROL).status_code == 200
    pair: dict[str, Any] = client.post(f"/_mockcar/applications/{CLIENT_ID}/connect",
                                       json={"exchange": True}, headers=MANAGEMENT).json()
    vehicle = next(v for v in pair["vehicles"] if world.vehicles[v].motion is None)
    sent: list[str] = []
    for _ in range(2):
        headers = app_headers(client, pair["user_id"])
        for n in range(2 * KEPT):
            action = ("unlock", "lock")[n % 2]
            answered = client.post(f"/v3/vehicles/{vehicle}/commands/security/{action}",
                                   headers=headers)
            assert answered.status_code == 200, answered.text
            sent.append(answered.json()["data"]["id"])
        assert client.post("/_mockcar/clock/advance", json={"hours": 20},
                           headers=CONTROL).status_code == 200
    # One more request settles and trims: the first day's commands are 40 hours old.
    headers = app_headers(client, pair["user_id"])
    assert client.get(f"/v3/vehicles/{vehicle}/commands/executions/{sent[-1]}",
                      headers=headers).status_code == 200
    return vehicle, pair["user_id"], sent


def answers(client: TestClient, vehicle: str, user: str, sent: list[str]) -> list[int]:
    headers = app_headers(client, user)
    return [client.get(f"/v3/vehicles/{vehicle}/commands/executions/{e}",
                       headers=headers).status_code for e in sent]


def test_trimmed_executions_stay_trimmed_after_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "mockcar.db"
    world = world_keeping(KEPT)
    with served(path, world) as client:
        vehicle, user, sent = drive(client, world)
        before = answers(client, vehicle, user, sent)
        kept = list(world.executions.by_id)
    assert before == [404] * (len(sent) - KEPT) + [200] * KEPT
    assert kept == sent[-KEPT:]

    again = world_keeping(KEPT)
    with served(path, again) as after:
        # In the order started; those started at one World instant in any order.
        assert set(again.executions.by_id) == set(kept)
        assert answers(after, vehicle, user, sent) == before


def test_a_snapshot_holds_the_kept_executions_only(tmp_path: Path) -> None:
    world = world_keeping(KEPT)
    with served(None, world) as client:
        vehicle, user, sent = drive(client, world)
        snapshot = client.get("/_mockcar/snapshot", headers=CONTROL)
        assert snapshot.status_code == 200, snapshot.text
        before = answers(client, vehicle, user, sent)
    assert set(snapshot.json()["world"]["executions"]) == set(sent[-KEPT:])

    fresh = world_keeping(KEPT)
    with served(None, fresh) as restored:
        put = restored.post("/_mockcar/snapshot", json=snapshot.json(), headers=CONTROL)
        assert put.status_code == 200, put.text
        assert answers(restored, vehicle, user, sent) == before


def test_a_long_running_unlock_dropped_as_it_settles_is_there_after_a_restart(
    tmp_path: Path,
) -> None:
    path = tmp_path / "mockcar.db"

    def keeping_one() -> World:
        world = world_keeping(1)
        world.command_policy = CommandPolicy({"*": frozenset({"security-unlock"})},
                                             seconds=40)
        return world

    world = keeping_one()
    with served(path, world) as client:
        assert client.post("/_mockcar/clock/set", json={"at": "2026-11-23T11:00:00Z"},
                           headers=CONTROL).status_code == 200
        assert client.post("/_mockcar/clock/freeze", json={},
                           headers=CONTROL).status_code == 200
        pair: dict[str, Any] = client.post(f"/_mockcar/applications/{CLIENT_ID}/connect",
                                           json={"exchange": True}, headers=MANAGEMENT).json()
        parked = [v for v in pair["vehicles"] if world.vehicles[v].motion is None]
        unlocked = next(v for v in parked if world.vehicles[v].state.locked)
        headers = app_headers(client, pair["user_id"])
        started = client.post(f"/v3/vehicles/{unlocked}/commands/security/unlock",
                              headers=headers)
        assert started.status_code == 202, started.text
        assert client.post("/_mockcar/clock/advance", json={"seconds": 41},
                           headers=CONTROL).status_code == 200
        # A command to another car settles the unlock, and its own execution pushes the
        # settled one out: the World keeps one.
        other = next(v for v in parked if v != unlocked)
        assert client.post(f"/v3/vehicles/{other}/commands/security/lock",
                           headers=headers).status_code == 200
        assert started.json()["data"]["id"] not in world.executions.by_id
        assert world.vehicles[unlocked].state.locked is False

    again = keeping_one()
    with served(path, again):
        assert again.vehicles[unlocked].state.locked is False
