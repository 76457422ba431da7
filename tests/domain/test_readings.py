"""Derived readings and the charging and Tesla models: deterministic per world seed, and
moved by the state commands change."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from mockcar.domain.vehicles import charging, readings, tesla
from mockcar.domain.vehicles.schedules import ScheduleSlot
from mockcar.domain.vehicles.vehicle import Location, Powertrain, Vehicle
from mockcar.domain.world.clock import Clock
from mockcar.domain.world.world import World
from mockcar.errors import SmartcarError
from mockcar.scenario import load_world
from mockcar.settings import default_scenario

NOW = datetime(2026, 7, 15, 12, tzinfo=UTC)


def fresh_world() -> World:
    return load_world(default_scenario(), clock=Clock(frozen_at=NOW))


def of(world: World, powertrain: Powertrain) -> Vehicle:
    return next(v for v in world.vehicles.values() if v.powertrain is powertrain)


def charging_bev(world: World) -> Vehicle:
    vehicle = next(v for v in world.vehicles.values() if v.make == "TESLA")
    state = vehicle.state
    state.plugged_in, state.charging, state.battery_level, state.charge_limit = (
        True, True, 0.5, 0.9)
    return vehicle


def test_the_same_seed_reads_the_same_values() -> None:
    one, two = fresh_world(), fresh_world()
    for vehicle in one.vehicles.values():
        twin = two.vehicles[vehicle.id]
        assert readings.tire_pressures(vehicle) == readings.tire_pressures(twin)
        assert readings.trouble_codes(vehicle, NOW) == readings.trouble_codes(twin, NOW)
        assert readings.service_history(vehicle, NOW) == readings.service_history(twin, NOW)
        assert tesla.attributes(vehicle) == tesla.attributes(twin)


def test_oil_life_follows_the_odometer() -> None:
    car = of(fresh_world(), Powertrain.ICE)
    life = readings.engine_oil_life(car)
    car.state.odometer_km += readings.OIL_CHANGE_KM
    assert readings.engine_oil_life(car) == life, "one full interval later: the same point"
    with pytest.raises(SmartcarError, match="combustion engine"):
        readings.engine_oil_life(of(fresh_world(), Powertrain.BEV))


def test_service_history_window_and_order() -> None:
    car = of(fresh_world(), Powertrain.ICE)
    car.state.odometer_km = 100_000.0
    everything = readings.service_history(car, NOW, datetime(1990, 1, 1, tzinfo=UTC))
    assert len(everything) == 8
    assert [r.date for r in everything] == sorted((r.date for r in everything), reverse=True)
    assert all(r.odometer_km <= 100_000 and r.date <= NOW for r in everything)
    middle = everything[3].date
    window = readings.service_history(car, NOW, middle - timedelta(seconds=1),
                                      middle + timedelta(seconds=1))
    assert [r.service_id for r in window] == [everything[3].service_id]


def test_low_tires_raise_the_tpms() -> None:
    car = of(fresh_world(), Powertrain.ICE)
    car.state.tire_pressures_kpa = (240.0, 180.0, 240.0, 240.0)
    systems = {s.system_id: s for s in readings.system_status(car, NOW)}
    assert systems["SYSTEM_TPMS"].status == "ALERT"
    assert "frontRight" in (systems["SYSTEM_TPMS"].description or "")
    car.state.tire_pressures_kpa = (240.0, 240.0, 240.0, 240.0)
    systems = {s.system_id: s for s in readings.system_status(car, NOW)}
    assert systems["SYSTEM_TPMS"].status == "OK"


def test_charging_power_and_completion() -> None:
    car = charging_bev(fresh_world())
    car.state.charge_amps = 32
    assert charging.power_kw(car) == pytest.approx(240 * 32 / 1000)
    hours = (0.9 - 0.5) * car.battery_capacity() / (charging.power_kw(car) * 0.9)
    assert charging.completion(car, NOW) == NOW + timedelta(hours=hours)
    car.state.charge_limit = 0.5
    with pytest.raises(SmartcarError) as full:
        charging.amperage(car)
    assert full.value.code == "NOT_CHARGING"


def test_amperage_bounds() -> None:
    car = charging_bev(fresh_world())
    top = charging.charger(car).max_amps
    assert charging.set_amperage(car, top, NOW) == top
    for bad in (0, top + 1, 7.5, True, "16"):
        with pytest.raises(SmartcarError) as refused:
            charging.set_amperage(car, bad, NOW)
        assert refused.value.code == "PARAMETER"


@pytest.mark.parametrize(("degrees", "point"),
                         [(0, "N"), (22, "N"), (23, "NE"), (90, "E"), (200, "S"), (338, "N"),
                          (315, "NW")])
def test_compass_points(degrees: int, point: str) -> None:
    assert tesla.direction(degrees) == point


def test_summer_is_warmer_than_winter_in_the_north() -> None:
    car = next(v for v in fresh_world().vehicles.values() if v.make == "TESLA")
    car.state.location = Location(40.0, -100.0)
    assert tesla.exterior_c(car, NOW) > tesla.exterior_c(car, NOW.replace(month=1)) + 10
    assert tesla.interior_c(car, NOW) == pytest.approx(tesla.exterior_c(car, NOW) + 3)
    car.state.climate_on, car.state.cabin_target_c = True, 19.5
    assert tesla.interior_c(car, NOW) == 19.5


def test_tesla_schedules_are_exclusive() -> None:
    car = charging_bev(fresh_world())
    tesla.set_schedule(car, "START_TIME", True, "22:00", NOW)
    schedule = tesla.set_schedule(car, "DEPARTURE_TIME", True, "07:00", NOW)
    assert schedule.start_time == ScheduleSlot(False, "22:00")
    assert schedule.departure_time == ScheduleSlot(True, "07:00")
    disabled = tesla.set_schedule(car, "DEPARTURE_TIME", False, "07:00", NOW)
    assert disabled.start_time == ScheduleSlot(False, "22:00"), "disabling touches no other"
    with pytest.raises(SmartcarError):
        tesla.set_schedule(car, "SOMETIME", True, "07:00", NOW)


def test_tesla_scopes_for_smartcar_permissions() -> None:
    assert tesla.tesla_permissions(("read_location", "read_odometer", "control_security",
                                    "read_charge_records")) == (
        "vehicle_charging_cmds", "vehicle_cmds", "vehicle_device_data", "vehicle_location")


def test_vehicle_command_rules() -> None:
    car = charging_bev(fresh_world())
    with pytest.raises(SmartcarError) as low:
        car.set_charge_limit(0.49, NOW)
    assert (low.value.code, low.value.detail) == (
        "PARAMETER", [{"field": ["limit"], "message": "must be a number from 0.5 to 1.0"}])
    car.set_charge_limit(0.555, NOW)
    assert car.state.charge_limit == 0.56
    with pytest.raises(SmartcarError):
        car.send_destination(Location(0, 181), NOW)
    car.send_destination(Location(-33.9, 151.2), NOW)
    assert car.state.destination == Location(-33.9, 151.2) and car.updated_at == NOW
