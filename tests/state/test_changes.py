"""With `--state`, a commit reads only what changed (mockcar.state.pending): each kind
of change, made through the HTTP API, must be in the records the commit writes, and the
records written must be the World's, read afresh, with nothing noted missing.

Each test drives a server in process with a state file, watches the changes each
request's commit writes, and ends by comparing every record written with the live
World's records computed from scratch (no cache), and a World restored from them with
the live one."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from mockcar.app import create_app
from mockcar.domain.world.executions import CommandPolicy
from mockcar.domain.world.world import World
from mockcar.scenario import load_world
from mockcar.settings import Settings, default_scenario
from mockcar.state.codec import encode, key_of
from mockcar.state.fleet_records import vehicle_record
from mockcar.state.keeper import StateKeeper, open_state
from mockcar.state.records import (
    Records,
    apply_records,
    code_record,
    connection_record,
    token_record,
    world_records,
)
from mockcar.state.service_records import execution_record
from mockcar.state.store import SCENARIO, Change, Store

CLIENT_ID = "d3e0a9b1-0000-4000-8000-000000000001"
SECRET = "demo-client-secret"
MANAGEMENT = {"Authorization": "Bearer demo-management-token", "Host": "localhost"}
CONTROL = {"Host": "localhost"}


@dataclass
class Spy:
    """The keeper's store, noting each batch of changes written."""

    store: Store
    batches: list[list[Change]] = field(default_factory=list)

    def apply(self, changes: Sequence[Change], meta: Any = None) -> None:
        self.store.apply(changes, meta)
        self.batches.append(list(changes))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)


@dataclass
class Served:
    client: TestClient
    world: World
    keeper: StateKeeper
    spy: Spy

    def written(self) -> list[Change]:
        """The changes written since the last call."""
        found = [change for batch in self.spy.batches for change in batch]
        self.spy.batches.clear()
        return found

    def sections(self) -> set[str]:
        return {change.section for change in self.written()}

    def connect(self) -> dict[str, Any]:
        answer = self.client.post(f"/_mockcar/applications/{CLIENT_ID}/connect",
                                  json={"exchange": True}, headers=MANAGEMENT)
        assert answer.status_code == 200, answer.text
        pair: dict[str, Any] = answer.json()
        return pair


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    world = load_world(default_scenario())
    # Unlocking through API v3 is long-running here: pending, acted on 40 s later.
    world.command_policy = CommandPolicy({"*": frozenset({"security-unlock"})}, seconds=40)
    keeper = open_state(tmp_path / "mockcar.db", default_scenario(), None, world)
    spy = Spy(keeper.store)
    keeper.store = spy
    with TestClient(create_app(Settings(), world, keeper=keeper),
                    base_url="http://localhost") as client:
        served = Served(client, world, keeper, spy)
        # Every request's changes are written before its answer: each starts clean.
        assert client.post("/_mockcar/clock/freeze", json={}, headers=CONTROL).status_code == 200
        served.written()
        yield served
        check_written_is_the_world(served)


def truth(world: World) -> Records:
    """The World's records computed from scratch, bypassing the caches the incremental
    reads keep (what a missed note would leave stale)."""
    records = world_records(world)  # the other sections are read whole every time
    records["tokens"] = {key_of(a): token_record(t) for a, t in world.tokens_by_access.items()}
    records["codes"] = {key_of(c): code_record(code) for c, code in world.codes.items()}
    records["connections"] = {cid: connection_record(c) for cid, c in world.connections.items()}
    records["application_tokens"] = {key_of(a): encode(t)
                                     for a, t in world.application_tokens.items()}
    records["executions"] = {eid: execution_record(e)
                             for eid, e in world.executions.by_id.items()}
    return records


def check_written_is_the_world(served: Served) -> None:
    written = served.keeper.ledger.written.get(SCENARIO, {})
    live = truth(served.world)
    vehicles = written.get("vehicles", {})
    for vid, record in vehicles.items():  # a car written is the car as it is now
        made = served.world.vehicles.get_made(vid)
        assert made is not None
        assert record == vehicle_record(made, record["created"]), vid
    for section, entries in live.items():
        if section not in ("vehicles", "owners"):
            assert written.get(section, {}) == entries, section
    # What the file holds is what was written, and a World restored from it is the live one.
    assert served.spy.store.load().get(SCENARIO, {}) == written
    restored = load_world(default_scenario())
    restored.command_policy = served.world.command_policy
    apply_records(restored, written)
    again = truth(restored)
    for section, entries in live.items():
        if section not in ("vehicles", "owners", "latency"):
            assert again[section] == entries, section
    assert again["vehicles"] == vehicles


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_connecting_writes_the_connection_its_code_and_its_token_pair(served: Served) -> None:
    pair = served.connect()
    changes = served.written()
    assert {c.section for c in changes} >= {"connections", "codes", "tokens"}
    tokens = [c.record for c in changes if c.section == "tokens"]
    assert [t["access_token"] for t in tokens if t] == [pair["access_token"]]
    codes = [c.record for c in changes if c.section == "codes"]
    assert codes and all(code is not None and code["used"] for code in codes)


def test_a_refresh_writes_the_rotated_pair_and_its_successor(served: Served) -> None:
    pair = served.connect()
    served.written()
    refreshed = served.client.post("/oauth/token", data={
        "grant_type": "refresh_token", "refresh_token": pair["refresh_token"]},
        auth=(CLIENT_ID, SECRET))
    assert refreshed.status_code == 200, refreshed.text
    tokens = {c.key: c.record for c in served.written() if c.section == "tokens"}
    old, new = tokens[key_of(pair["access_token"])], tokens[key_of(
        refreshed.json()["access_token"])]
    assert old is not None and new is not None
    assert old["refreshed_at"] is not None
    assert old["successor"] == key_of(new["access_token"])


def test_a_replayed_code_writes_every_pair_it_revoked(served: Served) -> None:
    code = served.client.post(f"/_mockcar/applications/{CLIENT_ID}/connect",
                              json={"redirect_uri": "http://localhost:8000/exchange"},
                              headers=MANAGEMENT).json()["code"]
    exchange = {"grant_type": "authorization_code", "code": code,
                "redirect_uri": "http://localhost:8000/exchange"}
    first = served.client.post("/oauth/token", data=exchange, auth=(CLIENT_ID, SECRET))
    assert first.status_code == 200, first.text
    served.written()
    replayed = served.client.post("/oauth/token", data=exchange, auth=(CLIENT_ID, SECRET))
    assert replayed.status_code == 400, replayed.text
    revoked = [c.record for c in served.written() if c.section == "tokens"]
    assert [r["revoked"] for r in revoked if r] == [True]


def test_a_disconnect_writes_the_connection_it_changed(served: Served) -> None:
    pair = served.connect()
    served.written()
    vehicle = pair["vehicles"][0]
    gone = served.client.delete(f"/v2.0/vehicles/{vehicle}/application",
                                headers=bearer(pair["access_token"]))
    assert gone.status_code == 200, gone.text
    connections = [c for c in served.written() if c.section == "connections"]
    assert len(connections) == 1
    record = connections[0].record
    if record is not None:  # the consent covered other cars: it lost this one
        assert vehicle not in record["vehicle_ids"]


def test_a_revoke_through_the_control_api_deletes_the_connection(served: Served) -> None:
    pair = served.connect()
    served.written()
    revoked = served.client.post(f"/_mockcar/applications/{CLIENT_ID}/connections/revoke",
                                 json={"user_id": pair["user_id"]}, headers=MANAGEMENT)
    assert revoked.status_code == 200, revoked.text
    connections = [c for c in served.written() if c.section == "connections"]
    assert connections and all(c.record is None for c in connections)


def test_expired_codes_and_dead_pairs_are_deleted_when_new_ones_are_issued(
        served: Served) -> None:
    old = served.connect()
    served.written()
    assert served.client.post("/_mockcar/clock/advance", json={"seconds": 61 * 86400},
                              headers=CONTROL).status_code == 200
    served.written()
    served.connect()
    changes = served.written()
    deleted = {(c.section, c.key) for c in changes if c.record is None}
    assert ("tokens", key_of(old["access_token"])) in deleted
    assert any(section == "codes" for section, _ in deleted)


def test_an_application_token_is_written(served: Served) -> None:
    issued = served.client.post("/oauth2/token", data={
        "grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": SECRET})
    assert issued.status_code == 200, issued.text
    tokens = [c for c in served.written() if c.section == "application_tokens"]
    assert [c.key for c in tokens] == [key_of(issued.json()["access_token"])]


def test_a_command_writes_its_car_and_nothing_else(served: Served) -> None:
    pair = served.connect()
    served.written()
    headers = bearer(pair["access_token"])
    for vehicle in pair["vehicles"]:
        for action in ("UNLOCK", "LOCK"):
            answer = served.client.post(f"/v2.0/vehicles/{vehicle}/security",
                                        json={"action": action}, headers=headers)
            if answer.status_code != 200:
                break
            changes = served.written()
            assert [(c.section, c.key) for c in changes] == [("vehicles", vehicle)]
            assert changes[0].record is not None
            assert changes[0].record["state"]["locked"] is (action == "LOCK")


def test_a_long_running_command_writes_its_execution_and_its_car_when_it_settles(
        served: Served) -> None:
    pair = served.connect()
    app_token = served.client.post("/oauth2/token", data={
        "grant_type": "client_credentials", "client_id": CLIENT_ID,
        "client_secret": SECRET}).json()["access_token"]
    owner = bearer(pair["access_token"])
    vehicle = next(v for v in pair["vehicles"] if served.client.get(
        f"/v2.0/vehicles/{v}/security", headers=owner).json()["isLocked"])
    served.written()
    started = served.client.post(f"/v3/vehicles/{vehicle}/commands/security/unlock", headers={
        **bearer(app_token), "sc-user-id": pair["user_id"]})
    assert started.status_code == 202, started.text
    executions = [c.record for c in served.written() if c.section == "executions"]
    assert [e["status"] for e in executions if e] == ["PENDING"]
    assert served.client.post("/_mockcar/clock/advance", json={"seconds": 41},
                              headers=CONTROL).status_code == 200
    served.written()
    other = next(v for v in pair["vehicles"] if v != vehicle)
    assert served.client.get(f"/v2.0/vehicles/{other}/odometer",
                             headers=owner).status_code == 200
    changes = {(c.section, c.key): c.record for c in served.written()}
    settled = [r for (section, _), r in changes.items() if section == "executions"]
    assert [e["status"] for e in settled if e] == ["SUCCESS"]
    car = changes[("vehicles", vehicle)]
    assert car is not None and car["state"]["locked"] is False


def test_an_override_through_the_control_api_writes_its_car(served: Served) -> None:
    pair = served.connect()
    served.written()
    vehicle = pair["vehicles"][0]
    changed = served.client.post(f"/_mockcar/vehicles/{vehicle}/state",
                                 json={"odometer_km": 4321.0}, headers=CONTROL)
    assert changed.status_code == 200, changed.text
    records = {(c.section, c.key): c.record for c in served.written()}
    record = records[("vehicles", vehicle)]
    assert record is not None and record["state"]["odometer_km"] == 4321.0


def test_clock_faults_rate_limits_and_subscriptions_are_written(served: Served) -> None:
    pair = served.connect()
    served.written()
    vehicle = pair["vehicles"][0]
    assert served.client.post("/_mockcar/clock/advance", json={"seconds": 3600},
                              headers=CONTROL).status_code == 200
    assert "clock" in served.sections()
    fault = served.client.post("/_mockcar/faults", json={
        "endpoint": "/odometer", "type": "VEHICLE_STATE", "code": "ASLEEP", "times": 3},
        headers=CONTROL)
    assert fault.status_code in (200, 201), fault.text
    assert "faults" in served.sections()
    tripped = served.client.get(f"/v2.0/vehicles/{vehicle}/odometer",
                                headers=bearer(pair["access_token"]))
    assert tripped.status_code == 409, tripped.text
    assert "faults" in served.sections()  # its counter
    limits = served.client.post("/_mockcar/rate-limits",
                                json={"enabled": True, "vehicle_capacity": 5}, headers=CONTROL)
    assert limits.status_code == 200, limits.text
    assert "rate_limits" in served.sections()
    webhook = "5d2a2f6e-3b1c-4c8e-9a47-1f0b8e6d2c11"
    subscribed = served.client.post(f"/v2.0/vehicles/{vehicle}/webhooks/{webhook}",
                                    headers=bearer(pair["access_token"]))
    assert subscribed.status_code == 200, subscribed.text
    assert "subscriptions" in served.sections()


def test_a_restored_snapshot_is_written_whole(served: Served) -> None:
    pair = served.connect()
    snapshot = served.client.get("/_mockcar/snapshot", headers=CONTROL).json()
    served.connect()
    served.written()
    restored = served.client.post("/_mockcar/snapshot", json=snapshot, headers=CONTROL)
    assert restored.status_code == 200, restored.text
    # The second connection's records are gone from the file: a new World, read whole.
    deleted = [c for c in served.written() if c.record is None]
    assert any(c.section == "tokens" for c in deleted)
    served.world = served.client.app.state.world  # type: ignore[attr-defined]
    assert served.client.get(f"/v2.0/vehicles/{pair['vehicles'][0]}/odometer",
                             headers=bearer(pair["access_token"])).status_code == 200


def test_a_tracked_mapping_that_outgrows_its_notes_is_read_whole() -> None:
    world = load_world(default_scenario())
    owner = next(world.owners.added())
    app = next(iter(world.applications.values()))
    connection = world.connect(app.client_id, owner, owner.vehicle_ids, ["read_odometer"],
                               "test")
    world_records(world)
    # Codes expire in 10 minutes and are dropped as new ones are issued: the notes of
    # 5,000 codes come and gone outgrow the one code held, and are dropped unread.
    for _ in range(5000):
        world.issue_code(connection, None)
        world.clock.advance(timedelta(minutes=11))
    assert world.codes.touched is None  # type: ignore[attr-defined]
    last = world.issue_code(connection, None)
    # Read whole instead: exactly the codes held, the others gone from the records.
    assert list(world_records(world)["codes"]) == [key_of(code) for code in world.codes]
    assert key_of(last.code) in world_records(world)["codes"]
    assert world.codes.touched == {}  # type: ignore[attr-defined]
