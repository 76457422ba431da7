"""Setting vehicle state directly: checked, all or nothing, with the fields that follow."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from mockcar.domain.vehicles import overrides
from mockcar.domain.vehicles.vehicle import Location, Powertrain, Region, Vehicle, VehicleState

NOW = datetime(2026, 5, 1, tzinfo=UTC)


def _vehicle(powertrain: Powertrain = Powertrain.BEV) -> Vehicle:
    return Vehicle(
        id="v", make="TESLA", model="Model 3", year=2022, vin="5YJ3E1EA0NF000001",
        powertrain=powertrain, region=Region.US,
        state=VehicleState(odometer_km=10.0, location=Location(1, 2), battery_level=0.5,
                           plugged_in=True, charging=True),
        updated_at=datetime(2026, 1, 1, tzinfo=UTC),
    )


def test_unplugging_stops_charging_and_stamps_the_vehicle() -> None:
    vehicle = _vehicle()
    assert overrides.apply(vehicle, {"plugged_in": False}, NOW) == ["plugged_in"]
    assert (vehicle.state.plugged_in, vehicle.state.charging) == (False, False)
    assert vehicle.updated_at == NOW


def test_every_field_sets_what_it_names() -> None:
    vehicle = _vehicle()
    overrides.apply(vehicle, {
        "locked": False, "doors_open": ["backLeft"], "storage_open": ["rear"],
        "odometer_km": 12, "location": {"latitude": -1.5, "longitude": 3},
        "moving": True, "speed_kmh": 80, "heading": 90, "battery_level": 1,
        "charge_limit": 0.9, "charge_port_open": True, "tire_pressures_kpa": [1, 2, 3, 4],
        "virtual_key_paired": False, "plugged_in": True, "charging": True,
    }, NOW)
    state = vehicle.state
    assert vehicle.doors_open == frozenset({"backLeft"})
    assert vehicle.storage_open == frozenset({"rear"})
    assert (state.locked, state.odometer_km, state.location) == (False, 12.0, Location(-1.5, 3))
    assert (state.moving, state.speed_kmh, state.heading) == (True, 80.0, 90.0)
    assert (state.battery_level, state.charge_limit, state.tire_pressures_kpa) == (
        1.0, 0.9, (1.0, 2.0, 3.0, 4.0))
    assert state.virtual_key_paired is False and state.charge_port_open is True
    overrides.apply(vehicle, {"moving": False}, NOW)
    assert vehicle.state.speed_kmh == 0


def test_nothing_changes_when_anything_is_wrong() -> None:
    vehicle = _vehicle(Powertrain.ICE)
    vehicle.state.battery_level = None
    with pytest.raises(overrides.OverrideError) as refused:
        overrides.apply(vehicle, {"locked": False, "battery_level": 0.2, "speed_kmh": True,
                                  "heading": 400, "tire_pressures_kpa": [1], "x": 1}, NOW)
    assert set(refused.value.problems) == {"battery_level", "speed_kmh", "heading",
                                           "tire_pressures_kpa", "x"}
    assert vehicle.state.locked is True
    with pytest.raises(overrides.OverrideError, match="charging: needs plugged_in"):
        overrides.apply(_vehicle(), {"plugged_in": False, "charging": True}, NOW)
    with pytest.raises(overrides.OverrideError, match="no fuel tank"):
        overrides.apply(_vehicle(), {"fuel_level": 0.5}, NOW)
