"""Vehicles that move in time (mockcar.domain.timelines.timeline): what each segment does to the
readings, how a timeline repeats or ends, and the data age a reading carries."""

from __future__ import annotations

import math
from datetime import timedelta

import pytest

from mockcar.domain.timelines.route import Route, bearing, distance_km
from mockcar.domain.timelines.timeline import REFUEL_AT, refuelled
from mockcar.domain.vehicles import charging
from mockcar.domain.vehicles.charge_curve import ChargeCurve, taper_for
from mockcar.domain.vehicles.vehicle import ChargeState, Location, Powertrain, Vehicle
from tests.support.timelines import (
    CAPACITY_KWH,
    HOME,
    RANGE_KM,
    START,
    TANK_L,
    WORK,
    asleep,
    drive,
    parked,
    vehicle,
)
from tests.support.timelines import charging as charge_for

LEG_KM = distance_km(HOME, WORK)


def at(car: Vehicle, hours: float) -> Vehicle:
    return car.at(START + timedelta(hours=hours))


# -- routes and the curve ---------------------------------------------------------------


def test_a_route_measures_its_legs_and_interpolates_on_them() -> None:
    corner = Location(45.1, 7.1)
    path = Route.through([HOME, WORK, corner])
    assert LEG_KM == pytest.approx(11.119, abs=1e-3)  # 0.1 degree of latitude
    assert path.length_km == pytest.approx(LEG_KM + distance_km(WORK, corner))
    middle = path.position(LEG_KM / 2)
    assert middle.latitude == pytest.approx(45.05) and middle.longitude == pytest.approx(7.0)
    assert path.position(-5) == HOME and path.position(1e9) == corner
    assert path.heading(1.0) == 0.0  # north
    assert path.heading(LEG_KM + 1) == pytest.approx(bearing(WORK, corner), abs=0.1)
    assert 85 < path.heading(LEG_KM + 1) < 95  # east, give or take the meridians
    with pytest.raises(ValueError, match="two points"):
        Route.through([HOME])


def test_the_curve_tapers_linearly_and_stops_at_the_limit() -> None:
    assert (taper_for(11), taper_for(22), taper_for(150)) == (0.8, 0.8, 0.15)
    ac = ChargeCurve.of(11.0, 60.0)
    assert ac.power_at(0.0) == pytest.approx(11.0)
    assert ac.power_at(1.0) == pytest.approx(11.0 * 0.8)
    hours = ac.hours_to(0.2, 0.8)
    assert ac.after(0.2, hours, 1.0) == pytest.approx(0.8)
    assert ac.after(0.2, hours * 10, 0.8) == 0.8  # stops at the limit
    assert ac.after(0.9, 5, 0.8) == 0.9  # above a lowered limit: stays
    # Slower than a flat 11 kW at the top, as a taper should be.
    assert hours > (0.6 * 60.0) / (11.0 * 0.9)
    dc = ChargeCurve.of(150.0, 75.0)
    assert 35 < dc.hours_to(0.1, 0.8) * 60 < 45  # a typical 10-80% fast charge


# -- segments ----------------------------------------------------------------------------


def test_before_its_start_a_vehicle_reads_as_the_scenario_gave_it() -> None:
    car = vehicle([drive()])
    early = car.at(START - timedelta(hours=1))
    assert (early.state.odometer_km, early.state.location, early.state.moving) == (
        1000.0, HOME, False)


def test_driving_moves_along_the_route_and_adds_the_distance() -> None:
    car = vehicle([parked(1), drive(speed_kmh=40)])
    car.state.locked = False
    halfway = at(car, 1 + LEG_KM / 40 / 2)
    state = halfway.state
    assert state.odometer_km == pytest.approx(1000 + LEG_KM / 2)
    assert state.location.latitude == pytest.approx(45.05)
    assert (state.moving, state.speed_kmh, state.heading, state.locked) == (True, 40.0, 0.0, True)
    used = LEG_KM / 2 * CAPACITY_KWH / RANGE_KM / CAPACITY_KWH
    assert state.battery_level == pytest.approx(0.5 - used)
    assert halfway.battery().range_km == pytest.approx((0.5 - used) * RANGE_KM, abs=0.1)
    assert halfway.speed_kmh() == 40.0


def test_a_drive_ends_parked_where_its_route_ends_and_the_odometer_keeps() -> None:
    car = vehicle([drive(speed_kmh=50), parked(5)], repeat=True)
    after = at(car, 2).state
    assert (after.location, after.moving, after.speed_kmh) == (WORK, False, 0.0)
    assert after.heading == 0.0  # still facing north, the way it drove
    assert after.odometer_km == pytest.approx(1000 + LEG_KM)


def test_charging_rises_along_the_curve_to_the_limit() -> None:
    car = vehicle([charge_for(10, kw=11)], battery=0.3, limit=0.8)
    curve = ChargeCurve.of(11.0, CAPACITY_KWH)
    one_hour = at(car, 1)
    assert one_hour.state.battery_level == pytest.approx(curve.after(0.3, 1, 0.8))
    assert one_hour.charge().state is ChargeState.CHARGING
    assert charging.power_kw(one_hour) == pytest.approx(curve.power_at(one_hour.battery()
                                                                       .percent_remaining), 0.01)
    done = at(car, 9.9)
    assert (done.state.battery_level, done.charge().state) == (0.8, ChargeState.FULLY_CHARGED)


def test_completion_is_when_the_clock_finds_the_limit_reached() -> None:
    car = vehicle([charge_for(12, kw=7.4)], battery=0.25, limit=0.9)
    now = START + timedelta(hours=2)
    finish = charging.completion(car.at(now), now)
    assert car.at(finish - timedelta(minutes=1)).charge().state is ChargeState.CHARGING
    assert car.at(finish + timedelta(seconds=1)).charge().state is ChargeState.FULLY_CHARGED


def test_a_charging_segment_unplugs_when_it_ends() -> None:
    car = vehicle([charge_for(1), parked(2)], repeat=True)
    later = at(car, 1.5)
    assert (later.state.plugged_in, later.state.charging) == (False, False)
    assert later.charge().state is ChargeState.NOT_CHARGING
    assert at(car, 3.2).state.plugged_in  # the next cycle plugs in again


def test_asleep_and_the_age_of_its_data() -> None:
    car = vehicle([parked(2), asleep(6)], repeat=True)
    awake, sleeping = at(car, 1), at(car, 5)
    assert (awake.state.asleep, awake.updated_at) == (False, START + timedelta(hours=1))
    assert sleeping.state.asleep
    assert sleeping.updated_at == START + timedelta(hours=2)  # when it fell asleep
    next_night = at(car, 8 + 4)
    assert next_night.updated_at == START + timedelta(hours=10)


def test_a_timeline_that_ends_stays_in_its_last_state() -> None:
    car = vehicle([drive(), charge_for(1)], battery=0.2, limit=0.6)
    years_later = at(car, 24 * 800)
    assert years_later.state.plugged_in and years_later.state.location == WORK
    assert (years_later.battery().percent_remaining, years_later.charge().state) == (
        0.6, ChargeState.FULLY_CHARGED)
    final_drive = vehicle([parked(1), drive()])
    assert at(final_drive, 50).state.location == WORK and not at(final_drive, 50).state.moving


def test_a_parked_segment_with_a_location_moves_the_vehicle_there() -> None:
    there = Location(44.0, 8.0)
    car = vehicle([parked(1), parked(1, at=there)])
    assert at(car, 0.5).state.location == HOME
    assert at(car, 1.5).state.location == there


# -- repeating ----------------------------------------------------------------------------


def commute(**options: object) -> Vehicle:
    back = Route.through([WORK, HOME])
    return vehicle([parked(8), drive(40), parked(8), drive(40, back), charge_for(6, kw=7.4),
                    asleep(24 - 16 - 2 * LEG_KM / 40 - 6)], repeat=True, **options)  # type: ignore[arg-type]


def test_a_day_repeats_with_the_odometer_carried_over() -> None:
    car = commute()
    for day in (1, 2, 30, 365):
        noon = at(car, day * 24 + 12)
        assert noon.state.odometer_km == pytest.approx(1000 + (2 * day + 1) * LEG_KM)
        assert noon.state.location == WORK


def test_a_year_folded_at_once_equals_the_year_day_by_day() -> None:
    """The closed form (cycles folded through their affine pieces) against the same
    vehicle settled at the start of every day, which walks each day for real."""
    folded, stepped = commute(battery=0.3, kwh_per_km=1.2), commute(battery=0.3,
                                                                    kwh_per_km=1.2)
    for day in range(1, 366):
        stepped.settle(START + timedelta(hours=24 * day))
    for hours in (24 * 365 + 9, 24 * 365 + 20):
        a, b = at(folded, hours).state, at(stepped, hours).state
        assert a.battery_level == pytest.approx(b.battery_level, abs=1e-9)
        assert a.odometer_km == pytest.approx(b.odometer_km, abs=1e-6)
        assert (a.location, a.plugged_in, a.asleep) == (b.location, b.plugged_in, b.asleep)


# -- fuel --------------------------------------------------------------------------------


def test_combustion_cars_burn_fuel_by_distance_and_refuel_when_low() -> None:
    car = vehicle([drive(40), parked(1), drive(40, Route.through([WORK, HOME])), parked(2)],
                  repeat=True, powertrain=Powertrain.ICE, fuel=0.5)
    per_leg = LEG_KM * (TANK_L / 1000) / TANK_L
    assert at(car, 1).state.fuel_level == pytest.approx(0.5 - per_leg)
    assert at(car, 1).fuel().amount_liters == pytest.approx((0.5 - per_leg) * TANK_L, abs=0.1)
    # Enough days for a refill: the level never drops below the refuel mark.
    levels = [at(car, h).state.fuel_level or 0 for h in range(0, 24 * 60, 7)]
    assert min(levels) >= REFUEL_AT - 1e-9 and max(levels[10:]) > 0.9


def test_refuelling_is_a_saw_tooth_in_the_fuel_burnt() -> None:
    assert refuelled(0.5, 0.2) == pytest.approx(0.3)
    assert refuelled(0.5, 0.4) == pytest.approx(REFUEL_AT)
    assert refuelled(0.5, 0.5) == pytest.approx(1 - 0.1)
    assert refuelled(0.05, 0.1) == pytest.approx(0.9)  # below the mark: refilled first


def test_a_phev_drives_on_electricity_then_on_fuel() -> None:
    long_way = Route.through([HOME, Location(46.0, 7.0)])  # 111 km
    car = vehicle([drive(100, long_way)], powertrain=Powertrain.PHEV, battery=0.1, fuel=0.8)
    electric_km = 0.1 * CAPACITY_KWH / (CAPACITY_KWH / RANGE_KM)  # 40 km
    there = at(car, 2).state
    assert there.battery_level == 0.0
    burnt = (long_way.length_km - electric_km) * 0.05 / TANK_L
    assert there.fuel_level == pytest.approx(0.8 - burnt)
    assert math.isclose(at(car, 0.3).state.fuel_level or 0, 0.8)  # still electric
