"""A long-running API v3 command acts on its car when the World's clock reaches it, on
some later request that never looked that car up: with `--state`, that effect is saved
like any other and is there after a restart."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.testclient import TestClient

from mockcar.app import create_app
from mockcar.domain.world.executions import CommandPolicy
from mockcar.scenario import load_world
from mockcar.settings import Settings, default_scenario
from mockcar.state.keeper import open_state

CLIENT_ID = "d3e0a9b1-0000-4000-8000-000000000001"
MANAGEMENT = {"Authorization": "Bearer demo-management-token", "Host": "localhost"}
CONTROL = {"Host": "localhost"}


def served(path: Path) -> TestClient:
    world = load_world(default_scenario())
    # Unlocking is long-running here: answered 202 PENDING, acted on 40 s later.
    world.command_policy = CommandPolicy({"*": frozenset({"security-unlock"})}, seconds=40)
    keeper = open_state(path, default_scenario(), None, world)
    return TestClient(create_app(Settings(), world, keeper=keeper), base_url="http://localhost")


def test_a_long_running_unlock_that_settled_is_there_after_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "mockcar.db"
    with served(path) as client:
        assert client.post("/_mockcar/clock/freeze", json={}, headers=CONTROL).status_code == 200
        pair: dict[str, Any] = client.post(f"/_mockcar/applications/{CLIENT_ID}/connect",
                                           json={"exchange": True}, headers=MANAGEMENT).json()
        app_token = client.post("/oauth2/token", data={
            "grant_type": "client_credentials", "client_id": CLIENT_ID,
            "client_secret": "demo-client-secret"}).json()["access_token"]
        owner = {"Authorization": f"Bearer {pair['access_token']}"}
        vehicle = next(v for v in pair["vehicles"] if client.get(
            f"/v2.0/vehicles/{v}/security", headers=owner).json()["isLocked"])
        started = client.post(f"/v3/vehicles/{vehicle}/commands/security/unlock", headers={
            "Authorization": f"Bearer {app_token}", "sc-user-id": pair["user_id"]})
        assert started.status_code == 202, started.text
        assert client.post("/_mockcar/clock/advance", json={"seconds": 41},
                           headers=CONTROL).status_code == 200
        # A read of another car settles the execution: the unlock acts now.
        other = next(v for v in pair["vehicles"] if v != vehicle)
        assert client.get(f"/v2.0/vehicles/{other}/odometer", headers=owner).status_code == 200
        assert client.get(f"/v2.0/vehicles/{vehicle}/security",
                          headers=owner).json()["isLocked"] is False

    with served(path) as after:
        answer = after.get(f"/v2.0/vehicles/{vehicle}/security", headers=owner)
        assert answer.status_code == 200, answer.text
        assert answer.json()["isLocked"] is False
