"""Signals the vehicle page sets by hand: open windows show in the security reading, a
hand-set oil life holds while the odometer moves (and a BEV has none to set), and the
estimated latencies a vehicle's page lists follow the realistic policy's make factors."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from mockcar.domain.vehicles import overrides, readings
from mockcar.domain.vehicles.vehicle import Location, Powertrain, Region, Vehicle, VehicleState
from mockcar.domain.world import latency

NOW = datetime(2026, 5, 1, tzinfo=UTC)


def _vehicle(powertrain: Powertrain) -> Vehicle:
    return Vehicle(
        id="v", make="FORD", model="F-150", year=2022, vin="1FTEB2VDXNR545615",
        powertrain=powertrain, region=Region.US,
        state=VehicleState(odometer_km=10.0, location=Location(1, 2),
                           fuel_level=0.5 if powertrain.has_fuel else None,
                           battery_level=0.5 if powertrain.has_battery else None),
        updated_at=NOW,
    )


def test_open_windows_read_open_in_the_security_reading() -> None:
    car = _vehicle(Powertrain.ICE)
    overrides.apply(car, {"windows_open": ["frontLeft", "backRight"]}, NOW)
    shown = {w.type: w.status for w in car.security().windows}
    assert shown == {"frontLeft": "OPEN", "frontRight": "CLOSED", "backLeft": "CLOSED",
                     "backRight": "OPEN"}
    with pytest.raises(overrides.OverrideError, match="windows_open: unknown sunroof"):
        overrides.apply(car, {"windows_open": ["sunroof"]}, NOW)


def test_a_hand_set_oil_life_holds_while_the_car_drives() -> None:
    car = _vehicle(Powertrain.ICE)
    overrides.apply(car, {"oil_life": 0.07}, NOW)
    assert readings.engine_oil_life(car) == 0.07
    overrides.apply(car, {"odometer_km": 5000}, NOW)
    assert readings.engine_oil_life(car) == 0.07


def test_a_bev_has_no_oil_life_to_set() -> None:
    car = _vehicle(Powertrain.BEV)
    with pytest.raises(overrides.OverrideError, match="no combustion engine"):
        overrides.apply(car, {"oil_life": 0.5}, NOW)
    assert car.state.oil_life is None


def test_estimated_latencies_follow_the_make_and_the_kind_of_endpoint() -> None:
    typical = latency.estimated("UNKNOWN MAKE", "GET", "/odometer", static=False)
    assert (typical.median_ms, typical.p90_ms) == (1_800, 4_500)
    # Hyundai answers reads from its cloud's cache (fast) and commands slowly.
    hyundai_read = latency.estimated("HYUNDAI", "GET", "/odometer", static=False)
    hyundai_lock = latency.estimated("HYUNDAI", "POST", "/security", static=False)
    assert hyundai_read.median_ms == 900 and hyundai_lock.median_ms == 12_000
    static = latency.estimated("HYUNDAI", "GET", "/", static=True)
    assert static.median_ms == 250
