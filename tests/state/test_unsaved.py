"""A state file that cannot be written while mockcar runs (its disk full): every request
whose change cannot be saved is answered 503 in its endpoint's own error shape, never a
2xx for a change that is not kept, nor a traceback. Once the disk has room, the next
change saves what waited too."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from mockcar.app import create_app
from mockcar.domain.world.world import World
from mockcar.scenario import load_world
from mockcar.settings import Settings, default_scenario
from mockcar.state.keeper import StateKeeper, open_state
from mockcar.state.sqlite_store import SQLiteStore, describe
from mockcar.state.store import Change, Ledger, StoreError

CLIENT_ID = "d3e0a9b1-0000-4000-8000-000000000001"
SECRET = "demo-client-secret"
MANAGEMENT = {"Authorization": "Bearer demo-management-token", "Host": "localhost"}


class FullDisk(SQLiteStore):
    """The SQLite store on a disk that can be filled: a full disk fails every write with
    the error SQLite raises then (SQLITE_FULL)."""

    full = False

    def fill(self) -> None:
        self.full = True

    def free(self) -> None:
        self.full = False

    def apply(self, changes: Sequence[Change], meta: Mapping[str, str] | None = None) -> None:
        if self.full:
            raise StoreError(describe(self.path, sqlite3.OperationalError(
                "database or disk is full")))
        super().apply(changes, meta)


@pytest.fixture
def disk(tmp_path: Path) -> Iterator[FullDisk]:
    store = FullDisk(tmp_path / "mockcar.db")
    yield store
    store.close()


@pytest.fixture
def world() -> World:
    return load_world(default_scenario())


@pytest.fixture
def client(world: World, disk: FullDisk, tmp_path: Path) -> Iterator[TestClient]:
    keeper = StateKeeper(disk, Ledger(disk), tmp_path / "mockcar.db")
    app = create_app(Settings(), world, keeper=keeper)
    with TestClient(app, base_url="http://localhost") as test_client:
        yield test_client


@pytest.fixture
def pair(client: TestClient) -> dict[str, Any]:
    answer = client.post(f"/_mockcar/applications/{CLIENT_ID}/connect",
                         json={"exchange": True}, headers=MANAGEMENT)
    assert answer.status_code == 200, answer.text
    found: dict[str, Any] = answer.json()
    return found


def test_every_host_answers_503_in_its_own_shape_while_the_disk_is_full(
        client: TestClient, disk: FullDisk, pair: dict[str, Any]) -> None:
    vehicle = pair["vehicles"][0]
    app_token = client.post("/oauth2/token", data={
        "grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": SECRET})
    assert app_token.status_code == 200, app_token.text
    disk.fill()

    # API v2: Smartcar's envelope, a SERVER error with the status in the body.
    v2 = client.post(f"/v2.0/vehicles/{vehicle}/security", json={"action": "UNLOCK"},
                     headers={"Authorization": f"Bearer {pair['access_token']}"})
    assert v2.status_code == 503
    assert v2.json()["type"] == "SERVER" and v2.json()["statusCode"] == 503
    assert v2.json()["resolution"]["type"] == "RETRY_LATER"

    # API v3: errors[].
    v3 = client.post(f"/v3/vehicles/{vehicle}/commands/security/lock", headers={
        "Authorization": f"Bearer {app_token.json()['access_token']}",
        "sc-user-id": pair["user_id"]})
    assert v3.status_code == 503, v3.text
    assert v3.json()["errors"][0]["status"] == "503"

    # The control API: {error, message, status}.
    control = client.post("/_mockcar/clock/advance", json={"hours": 1},
                          headers={"Host": "localhost"})
    assert control.status_code == 503
    assert control.json()["error"] == "state_unavailable"
    assert control.json()["status"] == 503

    # The token endpoint: OAuth's {error, error_description}.
    token = client.post("/oauth/token", data={
        "grant_type": "refresh_token", "refresh_token": pair["refresh_token"]},
        auth=(CLIENT_ID, SECRET))
    assert token.status_code == 503
    assert token.json()["error"] == "temporarily_unavailable"

    # Connect: an HTML page (what waits unsaved is saved before any answer).
    page = client.get("/oauth/authorize", params={
        "response_type": "code", "client_id": CLIENT_ID, "mode": "test"})
    assert page.status_code == 503
    assert page.headers["content-type"].startswith("text/html")

    # A plain read of a World with nothing that a read changes is served from memory.
    read = client.get(f"/v2.0/vehicles/{vehicle}/odometer",
                      headers={"Authorization": f"Bearer {pair['access_token']}"})
    assert read.status_code == 200


def test_once_the_disk_has_room_the_waiting_changes_are_saved(
        client: TestClient, disk: FullDisk, pair: dict[str, Any], tmp_path: Path) -> None:
    vehicle = pair["vehicles"][0]
    headers = {"Authorization": f"Bearer {pair['access_token']}"}
    disk.fill()
    assert client.post("/_mockcar/clock/advance", json={"hours": 1},
                       headers={"Host": "localhost"}).status_code == 503
    disk.free()
    answer = client.post(f"/v2.0/vehicles/{vehicle}/security", json={"action": "UNLOCK"},
                         headers=headers)
    assert answer.status_code == 200
    clock = client.get("/_mockcar/clock", headers={"Host": "localhost"}).json()
    disk.close()

    restored = load_world(default_scenario())
    keeper = open_state(tmp_path / "mockcar.db", default_scenario(), None, restored)
    try:
        app = create_app(Settings(), restored, keeper=keeper)
        with TestClient(app, base_url="http://localhost") as after:
            assert after.get(f"/v2.0/vehicles/{vehicle}/security",
                             headers=headers).json()["isLocked"] is False
            assert after.get("/_mockcar/clock",
                             headers={"Host": "localhost"}).json()["now"][:13] == \
                clock["now"][:13]
    finally:
        keeper.close()
