"""A World's records: read, applied onto a World fresh from the same scenario, and read
again give the same records; what they carry works in the restored World."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from mockcar.domain.vehicles import overrides
from mockcar.domain.world.world import Mode, World
from mockcar.scenario.build import load_world
from mockcar.state.records import RecordError, Records, apply_records, world_records

SCENARIOS = Path(__file__).parents[2] / "scenarios"


def fresh(name: str = "default.yaml") -> World:
    return load_world(SCENARIOS / name)


def round_trip(world: World, name: str = "default.yaml") -> tuple[Records, World]:
    records = json.loads(json.dumps(world_records(world)))
    restored = fresh(name)
    apply_records(restored, records)
    return records, restored


def test_an_unchanged_world_records_no_vehicle_and_no_owner() -> None:
    world = fresh("mixed-fleet-1000.yaml")
    for key in list(world.vehicles)[:50]:
        world.vehicles[key].at(world.now())  # reads make fleet vehicles; they stay base
    records = world_records(world)
    assert records["vehicles"] == {}
    assert records["owners"] == {}


def test_tokens_connections_and_a_command_survive_a_round_trip() -> None:
    world = fresh()
    owner = next(world.owners.added())
    app = next(iter(world.applications.values()))
    connection = world.connect(app.client_id, owner, owner.vehicle_ids, ["control_security"],
                               Mode.TEST)
    code = world.issue_code(connection, None)
    first = world.issue_token(connection.id, app.client_id, "access-1", "refresh-1",
                              code=code.code)
    second = world.issue_token(connection.id, app.client_id, "access-2", "refresh-2",
                               code=code.code)
    world.spend_refresh_token(first, second)
    vehicle = world.vehicles[owner.vehicle_ids[0]]
    vehicle.unlock(world.now())
    world.clock.advance(timedelta(minutes=30))

    records, restored = round_trip(world)

    assert world_records(restored) == records
    assert restored.authenticate("access-2").id == connection.id
    assert restored.tokens_by_refresh["refresh-1"].successor is restored.tokens_by_access[
        "access-2"]
    assert restored.vehicles[vehicle.id].state.locked is False
    assert abs((restored.now() - world.now()).total_seconds()) < 60
    assert "access-1" not in json.dumps(list(records["tokens"]))  # keys are hashes


def test_a_test_mode_owner_and_an_override_of_a_fleet_vehicle_survive() -> None:
    world = fresh("mixed-fleet-1000.yaml")
    owner = world.sign_in("someone@example.com", "x", Mode.TEST, "tesla")
    fleet_id = next(iter(world.vehicles.fleets()[0].vehicle_id(i) for i in range(3, 4)))
    overrides.apply(world.vehicles[fleet_id], {"locked": False, "odometer_km": 1234.5},
                    world.now())
    world.faults.add("VEHICLE_STATE", "ASLEEP", endpoint="/odometer", times=3)
    world.faults.trip("GET", "/odometer", None)

    records, restored = round_trip(world, "mixed-fleet-1000.yaml")

    assert set(records["vehicles"]) == {fleet_id, *owner.vehicle_ids}
    assert world_records(restored) == records
    assert restored.owners["someone@example.com"].vehicle_ids == owner.vehicle_ids
    assert restored.vehicles[fleet_id].state.odometer_km == 1234.5
    assert [r.hits for r in restored.faults] == [1]


def test_a_record_of_an_unknown_section_or_a_bad_time_is_refused_in_one_line() -> None:
    with pytest.raises(RecordError, match="unknown section"):
        apply_records(fresh(), {"weather": {}})
    with pytest.raises(RecordError, match="clock"):
        apply_records(fresh(), {"clock": {"clock": {"anchor": "yesterday", "speed": 1,
                                                    "wall_anchor": 0, "frozen_at": None}}})


def test_every_section_survives_a_round_trip_and_goes_on_alike() -> None:
    from dataclasses import replace

    from mockcar.domain.webhooks.deliveries import DeliveryPolicy
    from mockcar.domain.webhooks.webhook import Webhook
    from mockcar.domain.world import application_tokens
    from mockcar.domain.world.clock import Clock
    from mockcar.domain.world.rate_limits import RateLimitSettings
    from mockcar.errors import SmartcarError

    start = datetime(2030, 1, 7, 10, 30, tzinfo=UTC)

    def build() -> World:
        return load_world(SCENARIOS / "default.yaml", clock=Clock(frozen_at=start))

    world = build()
    app = next(iter(world.applications.values()))
    world.applications[app.client_id] = replace(
        app, webhooks=(*app.webhooks, Webhook(id="added", name="Added at run time")))
    application_tokens.issue(world, app.client_id, "application-token")
    owner = next(world.owners.added())
    car = owner.vehicle_ids[0]
    now = world.now()

    def refuse(_: datetime) -> None:
        raise SmartcarError("VEHICLE_STATE", "ASLEEP")

    world.executions.start(car, "lock", {}, lambda _: None, now, long_running=False)
    world.executions.start(car, "unlock", {"x": 1}, refuse, now, long_running=True, seconds=5)
    world.executions.start(car, "charge-start", {}, lambda _: None, now, long_running=True,
                           seconds=500)
    world.executions.settle(now + timedelta(seconds=10))
    world.faults.add("VEHICLE_STATE", "ASLEEP", start="10:00", end="11:00", probability=0.5,
                     seed=world.seed)
    for _ in range(5):
        world.faults.trip("GET", "/odometer", car)
    world.rate_limits.configure(RateLimitSettings(enabled=True, vehicle_capacity=3))
    world.rate_limits.check(app.client_id, car, now)
    world.subscriptions["added"] = {car}
    watch = world.deliveries.subscribed("added", car, owner.id, now)
    watch.baseline, watch.errors = {"odometer": 1.5}, {("VEHICLE_STATE", "ASLEEP"): ("x",)}
    world.deliveries.status("added").status = "VERIFIED"
    world.deliveries.policy = DeliveryPolicy(retry_base_seconds=2.0)
    world.latency.restore_awake({car: now + timedelta(minutes=2)})

    records = json.loads(json.dumps(world_records(world)))
    restored = build()
    apply_records(restored, records)

    assert world_records(restored) == records
    assert [e.status for e in restored.executions.by_id.values()] == [
        "SUCCESS", "FAILED", "PENDING"]
    failed, pending = list(restored.executions.by_id.values())[1:]
    assert failed.error is not None and failed.error.code == "ASLEEP"
    # The pending one's action could not be kept: when due it fails as unanswered.
    restored.executions.settle(now + timedelta(seconds=600))
    assert pending.status == "FAILED" and pending.error is not None
    assert (pending.error.type, pending.error.code) == ("UPSTREAM", "NO_RESPONSE")
    assert application_tokens.authenticate(restored, "application-token").client_id == (
        app.client_id)
    # The probability's draws go on where they were: both Worlds fail the same requests.
    assert [world.faults.trip("GET", "/odometer", car) is None for _ in range(20)] == [
        restored.faults.trip("GET", "/odometer", car) is None for _ in range(20)]
    assert restored.deliveries.watch("added", car) is not None
    assert restored.deliveries.watch("added", car).errors == watch.errors  # type: ignore[union-attr]
    assert "added" in {w.id for w in restored.applications[app.client_id].webhooks}
    assert restored.latency.awake_until == {car: now + timedelta(minutes=2)}


def test_reading_a_scenario_vehicle_does_not_record_it() -> None:
    world = fresh()
    owner = next(world.owners.added())
    for vehicle_id in owner.vehicle_ids:
        world.vehicles[vehicle_id].at(world.now())
    assert world_records(world)["vehicles"] == {}
    world.vehicles[owner.vehicle_ids[1]].state.odometer_km += 1
    assert list(world_records(world)["vehicles"]) == [owner.vehicle_ids[1]]


def test_reading_records_makes_only_the_vehicles_touched_since_the_last_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    world = fresh("mixed-fleet-1000.yaml")
    fleet = world.vehicles.fleets()[0]
    made: list[int] = []
    make = type(fleet).make_vehicle

    def counted(self: Any, index: int) -> Any:
        made.append(index)
        return make(self, index)

    monkeypatch.setattr(type(fleet), "make_vehicle", counted)
    for index in (5, 6, 7):
        overrides.apply(world.vehicles[fleet.vehicle_id(index)], {"locked": False},
                        world.now())
    made.clear()
    assert len(world_records(world)["vehicles"]) == 3
    assert sorted(made) == [5, 6, 7]  # each one's base, drawn again; no other vehicle
    made.clear()
    world_records(world)
    assert made == []


def test_a_change_after_a_read_is_recorded_even_at_the_same_instant() -> None:
    from mockcar.domain.world.clock import Clock

    world = load_world(SCENARIOS / "mixed-fleet-1000.yaml",
                       clock=Clock(frozen_at=datetime(2030, 1, 7, tzinfo=UTC)))
    car = world.vehicles.fleets()[0].vehicle_id(9)
    world.vehicles[car].at(world.now())
    assert world_records(world)["vehicles"] == {}  # read, unchanged: seen, not recorded
    overrides.apply(world.vehicles[car], {"odometer_km": 4321.0}, world.now())
    assert world_records(world)["vehicles"][car]["state"]["odometer_km"] == 4321.0
    overrides.apply(world.vehicles[car], {"odometer_km": 4400.0}, world.now())
    assert world_records(world)["vehicles"][car]["state"]["odometer_km"] == 4400.0
