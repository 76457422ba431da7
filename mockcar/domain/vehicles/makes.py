"""Make-specific readings and commands beyond Tesla's
(https://smartcar.com/docs/api-reference/about-brand-specific):
BMW and MINI charge records, Ford and Lincoln charge schedules per saved location,
Nissan weekly charge schedules, Audi's charge status. Chevrolet and Cadillac's voltmeter
and completion time are the shared charging model (mockcar.domain.vehicles.charging).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from mockcar.domain.vehicles import charging
from mockcar.domain.vehicles.readings import seeded
from mockcar.domain.vehicles.schedules import (
    DAYS,
    MAX_WEEKLY_SCHEDULES,
    ChargingLocation,
    TimeWindow,
    WeeklySchedule,
    check_time,
    invalid,
)
from mockcar.domain.vehicles.tesla import record_window
from mockcar.domain.vehicles.vehicle import CHARGE_LIMIT_RANGE, Vehicle

SAME_PLACE_DEGREES = 0.001  # about 100 m: a PUT's latitude/longitude names a saved location
_PUBLIC_SITES = ("Cockfosters Road, Barnet", "Marktplatz 1, München", "Ionity A9 Fürholzen",
                 "Westfield Garage, London")


# -- BMW and MINI -------------------------------------------------------------------------


@dataclass(frozen=True)
class ChargeSession:
    start: datetime
    end: datetime
    location: str
    energy_kwh: float
    is_public: bool
    start_level: float
    end_level: float
    charging_type: str  # AC | DC


def charge_sessions(
    vehicle: Vehicle, start: date | None, end: date | None, now: datetime
) -> tuple[ChargeSession, ...]:
    """Completed sessions within the window (default: the last 30 days), newest first;
    drawn per (car, day)."""
    capacity = vehicle.battery_capacity()
    first, last = record_window(start, end, now.date())
    sessions = []
    day = first
    while day <= min(last, now.date()):
        rng = seeded(vehicle, f"session:{day}")
        if rng.random() < 0.3:
            public = rng.random() < 0.4
            begin = datetime.combine(day, time(), now.tzinfo) + timedelta(
                hours=rng.uniform(6, 21))
            low = round(rng.uniform(0.1, 0.6), 2)
            high = round(min(1.0, low + rng.uniform(0.2, 0.6)), 2)
            kw = 50.0 if public and rng.random() < 0.5 else 11.0
            hours = (high - low) * capacity / kw
            if begin + timedelta(hours=hours) <= now:
                sessions.append(ChargeSession(
                    begin, begin + timedelta(hours=hours),
                    rng.choice(_PUBLIC_SITES) if public else "Home",
                    round((high - low) * capacity, 2), public, low, high,
                    "DC" if kw > 11 else "AC",
                ))
        day += timedelta(days=1)
    return tuple(reversed(sessions))


# -- Ford and Lincoln -----------------------------------------------------------------------


def charging_locations(vehicle: Vehicle) -> tuple[ChargingLocation, ...]:
    """Saved locations; a car that was never given any has one, home, where it is now,
    with its charge limit and no schedule (it charges whenever plugged in)."""
    vehicle.battery()
    saved = vehicle.state.charging_locations
    if saved is not None:
        return saved
    here = vehicle.location()
    return (ChargingLocation(round(here.latitude, 4), round(here.longitude, 4),
                             vehicle.state.charge_limit),)


def set_location_schedule(
    vehicle: Vehicle, latitude: float, longitude: float, charge_limit: object,
    weekday: object, weekend: object, now: datetime,
) -> ChargingLocation:
    """Replace the limit and windows of the saved location at (latitude, longitude);
    a place the car has not charged at is VALIDATION:PARAMETER."""
    saved = list(charging_locations(vehicle))
    index = next((i for i, spot in enumerate(saved)
                  if abs(spot.latitude - latitude) <= SAME_PLACE_DEGREES
                  and abs(spot.longitude - longitude) <= SAME_PLACE_DEGREES), None)
    if index is None:
        known = "; ".join(f"{s.latitude},{s.longitude}" for s in saved)
        raise invalid(["latitude", "longitude"],
                      f"must name a saved charging location (saved: {known})")
    spot = saved[index]
    limit = spot.charge_limit
    if charge_limit is not None:
        low, high = CHARGE_LIMIT_RANGE
        if isinstance(charge_limit, bool) or not isinstance(charge_limit, int | float) \
                or not low <= charge_limit <= high:
            raise invalid(["chargeLimit"], f"must be a number from {low} to {high}")
        limit = float(charge_limit)
    vehicle.require_command_access()
    updated = ChargingLocation(spot.latitude, spot.longitude, limit,
                               _windows(weekday, "weekday"), _windows(weekend, "weekend"))
    saved[index] = updated
    vehicle.state.charging_locations = tuple(saved)
    vehicle.updated_at = now
    return updated


def _windows(raw: object, key: str) -> tuple[TimeWindow, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise invalid(["chargingSchedules", key], "must be a list of {start, end}")
    windows = []
    for i, item in enumerate(raw):
        if not isinstance(item, dict):
            raise invalid(["chargingSchedules", key, i], "must be an object {start, end}")
        windows.append(TimeWindow(check_time(item.get("start"), ["chargingSchedules", key, i,
                                                                  "start"]),
                                  check_time(item.get("end"), ["chargingSchedules", key, i,
                                                               "end"])))
    return tuple(windows)


# -- Nissan ---------------------------------------------------------------------------------


def set_weekly_schedules(vehicle: Vehicle, raw: object, now: datetime) -> None:
    """Replace the schedules: at most three, each with start, end and days."""
    vehicle.battery()
    if not isinstance(raw, list):
        raise invalid(["chargeSchedules"], "is required: a list of {start, end, days}")
    if len(raw) > MAX_WEEKLY_SCHEDULES:
        raise invalid(["chargeSchedules"], f"may hold at most {MAX_WEEKLY_SCHEDULES} schedules")
    schedules = []
    for i, item in enumerate(raw):
        if not isinstance(item, dict):
            raise invalid(["chargeSchedules", i], "must be an object {start, end, days}")
        days = item.get("days")
        if not isinstance(days, list) or not days or any(d not in DAYS for d in days):
            raise invalid(["chargeSchedules", i, "days"],
                          f"must be a non-empty list of {', '.join(DAYS)}")
        schedules.append(WeeklySchedule(
            check_time(item.get("start"), ["chargeSchedules", i, "start"]),
            check_time(item.get("end"), ["chargeSchedules", i, "end"]),
            tuple(d for d in DAYS if d in days),
        ))
    vehicle.require_command_access()
    vehicle.state.weekly_schedules = tuple(schedules)
    vehicle.updated_at = now


# -- Audi ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AudiCharge:
    status: str  # CHARGING | FULLY_CHARGED | NOT_CHARGING
    plugged_in: bool
    power_kw: float
    rate_kmh: float
    charge_type: str | None  # ac | dc
    port_color: str
    port_latch: str
    completion: datetime | None
    soc_limit: float
    external_power: str


def audi_charge(vehicle: Vehicle, now: datetime) -> AudiCharge:
    reading = vehicle.charge()
    is_charging = vehicle.is_charging()
    return AudiCharge(
        status=reading.state.value, plugged_in=reading.is_plugged_in,
        power_kw=charging.power_kw(vehicle) if is_charging else 0.0,
        rate_kmh=charging.charge_rate_kmh(vehicle),
        charge_type="ac" if reading.is_plugged_in else None,
        port_color="green" if is_charging else ("white" if reading.is_plugged_in else "off"),
        port_latch="locked" if reading.is_plugged_in else "unlocked",
        completion=charging.completion(vehicle, now) if is_charging else None,
        soc_limit=vehicle.state.charge_limit,
        external_power="active" if reading.is_plugged_in else "unavailable",
    )

