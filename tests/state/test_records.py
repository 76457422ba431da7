"""A World's records: read, applied onto a World fresh from the same scenario, and read
again give the same records; what they carry works in the restored World."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

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
