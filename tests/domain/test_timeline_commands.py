"""Commands and overrides on top of a timeline: each holds until the timeline's next event
that sets the same thing (mockcar.domain.timelines.timeline, "Commands and overrides")."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from mockcar.domain.vehicles import charging, overrides
from mockcar.domain.vehicles.charge_curve import ChargeCurve
from mockcar.domain.vehicles.vehicle import ChargeState, Vehicle
from mockcar.errors import SmartcarError
from tests.support.timelines import CAPACITY_KWH, START, drive, parked, vehicle
from tests.support.timelines import charging as charge_for


def t(hours: float) -> datetime:
    return START + timedelta(hours=hours)


def level(car: Vehicle, hours: float) -> float:
    return car.at(t(hours)).battery().percent_remaining


def test_a_lock_holds_until_an_unlock_and_a_drive_locks_again() -> None:
    car = vehicle([parked(2), drive(), parked(5)], repeat=True)
    car.unlock(t(0.5))
    assert car.at(t(1.9)).security().is_locked is False
    car.lock(t(1.0))
    assert car.at(t(1.5)).security().is_locked is True
    car.unlock(t(1.6))
    assert car.at(t(1.9)).security().is_locked is False
    assert car.at(t(2.1)).security().is_locked is True  # it drove off
    assert car.at(t(5)).security().is_locked is True  # and stays locked after


def test_a_driving_vehicle_refuses_unlock_and_charging_with_in_motion() -> None:
    car = vehicle([parked(1), drive(speed_kmh=30)])
    for command in (car.unlock, car.start_charge, car.stop_charge):
        with pytest.raises(SmartcarError) as refused:
            command(t(1.1))
        assert (refused.value.type, refused.value.code) == ("VEHICLE_STATE", "IN_MOTION")
        assert "30 km/h" in str(refused.value.message)
    car.lock(t(1.1))  # locking a moving car is fine: it is what cars do themselves
    car.unlock(t(1.6))  # arrived: 11 km at 30 km/h takes 22 minutes
    assert car.at(t(1.7)).security().is_locked is False


def test_stop_pauses_charging_until_start() -> None:
    car = vehicle([charge_for(10, kw=7.4)], battery=0.3, limit=0.9)
    car.stop_charge(t(1))
    paused = level(car, 1)
    assert level(car, 3) == paused
    assert car.at(t(3)).charge().state is ChargeState.NOT_CHARGING
    car.start_charge(t(3))
    curve = ChargeCurve.of(7.4, CAPACITY_KWH)
    assert level(car, 4) == pytest.approx(curve.after(paused, 1, 0.9))
    with pytest.raises(SmartcarError) as again:
        car.start_charge(t(4))
    assert again.value.code == "CHARGING_IN_PROGRESS"


def test_a_stop_lasts_until_the_next_charging_session() -> None:
    car = vehicle([charge_for(4), parked(4)], repeat=True, battery=0.2, limit=1.0)
    car.stop_charge(t(1))
    assert level(car, 3.9) == level(car, 1)
    assert level(car, 9) > level(car, 8.01)  # the next cycle plugs in and charges


def test_the_charge_limit_moves_where_charging_stops() -> None:
    car = vehicle([charge_for(24)], battery=0.5, limit=0.9)
    car.set_charge_limit(0.6, t(0.5))
    assert level(car, 0.5) < 0.6
    assert level(car, 6) == pytest.approx(0.6)
    assert car.at(t(6)).charge().state is ChargeState.FULLY_CHARGED
    with pytest.raises(SmartcarError) as full:
        car.start_charge(t(6))
    assert full.value.code == "FULLY_CHARGED"
    car.set_charge_limit(0.8, t(6))
    assert car.at(t(6.5)).charge().state is ChargeState.CHARGING
    assert level(car, 20) == pytest.approx(0.8)
    car.set_charge_limit(0.5, t(21))  # below the level: it stays, and reads full
    assert level(car, 23) == pytest.approx(0.8)
    assert car.at(t(23)).charge().state is ChargeState.FULLY_CHARGED


def test_charge_commands_need_the_plug_the_timeline_gives() -> None:
    car = vehicle([parked(1), charge_for(2), parked(1)], repeat=True)
    with pytest.raises(SmartcarError) as unplugged:
        car.start_charge(t(0.5))
    assert unplugged.value.code == "CHARGING_PLUG_NOT_CONNECTED"
    car.stop_charge(t(1.5))  # plugged in by the timeline now
    assert car.at(t(1.9)).charge().state is ChargeState.NOT_CHARGING


def test_an_override_holds_until_the_timeline_sets_the_same_field() -> None:
    car = vehicle([parked(3), drive(), parked(10)], repeat=True, battery=0.4, limit=0.9)
    overrides.apply(car, {"plugged_in": True, "charging": True}, t(1))
    home = charging.charger(car)
    power = home.voltage * home.max_amps * home.phases / 1000
    curve = ChargeCurve.of(power, CAPACITY_KWH)
    assert level(car, 2) == pytest.approx(curve.after(0.4, 1, 0.9))  # at the home charger
    assert car.at(t(3.1)).state.plugged_in is False  # driving off unplugs
    overrides.apply(car, {"odometer_km": 5}, t(4))
    assert car.at(t(4)).odometer_km() == 5
    assert car.at(t(3 + 13 + 3.5)).odometer_km() > 5  # and counts on from there


def test_an_override_that_stops_a_drive_holds_it_until_the_next_event() -> None:
    car = vehicle([drive(speed_kmh=20), parked(5)], repeat=True)
    overrides.apply(car, {"moving": False}, t(0.2))
    where = car.at(t(0.2)).location()
    assert car.at(t(0.4)).location() == where and not car.at(t(0.4)).state.moving
    assert car.at(t(0.4)).odometer_km() == car.at(t(0.2)).odometer_km()


def test_amperage_caps_the_charging_power_from_now_on() -> None:
    car = vehicle([charge_for(10, kw=11)], battery=0.2, limit=1.0)
    before = level(car, 1)
    charging.set_amperage(car, 8, t(1))
    spec = charging.charger(car)
    slow = ChargeCurve.of(spec.voltage * 8 * spec.phases / 1000, CAPACITY_KWH)
    assert level(car, 2) == pytest.approx(slow.after(before, 1, 1.0))
    assert level(car, 1) == before  # the past is not rewritten


def test_settling_changes_no_reading() -> None:
    car = vehicle([parked(1), drive(), charge_for(3), parked(2)], repeat=True, battery=0.35)
    before = [car.at(t(h)) for h in (5, 30, 100)]
    car.settle(t(1.2))
    car.settle(t(4))
    for h, old in zip((5, 30, 100), before, strict=True):
        new = car.at(t(h))
        assert new.state.battery_level == pytest.approx(old.state.battery_level, abs=1e-12)
        assert new.state.odometer_km == pytest.approx(old.state.odometer_km, abs=1e-9)
        assert (new.state.location, new.state.plugged_in) == (old.state.location,
                                                              old.state.plugged_in)
