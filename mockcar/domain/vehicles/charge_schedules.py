"""API v3 charge schedules on a vehicle (https://smartcar.com/docs/api-reference/commands/overview,
https://smartcar.com/docs/api-reference/charge-schedules/set-daily-charge-schedule).

Tesla takes daily, weekly and workweek schedules, Volvo daily only; any other make (and a
car without a traction battery) answers COMPATIBILITY:VEHICLE_NOT_CAPABLE. A schedule is a
charging window at a location: a plugged-in car with schedules charges only inside one of
them (`in_window`), which is what the charging simulation asks.

Where Smartcar is silent: the weekly body names its `days` (MONDAY..SUNDAY); workweek is
Monday to Friday, daily every day; times are UTC; a car keeps any number of schedules.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from mockcar.domain.vehicles.schedules import DAYS, ChargeSchedule, check_time, invalid
from mockcar.domain.vehicles.schedules import in_window as schedules_in_window
from mockcar.domain.vehicles.vehicle import Vehicle
from mockcar.errors import SmartcarError

SCHEDULE_TYPES = ("daily", "weekly", "workweek")
BY_MAKE: dict[str, frozenset[str]] = {
    "TESLA": frozenset(SCHEDULE_TYPES),
    "VOLVO": frozenset({"daily"}),
}
WORKWEEK = DAYS[:5]


def require_capable(vehicle: Vehicle, schedule_type: str) -> None:
    allowed = BY_MAKE.get(vehicle.make.upper(), frozenset())
    if schedule_type not in allowed or not vehicle.powertrain.has_battery:
        takes = ", ".join(sorted(allowed)) or "no charge schedules"
        raise SmartcarError(
            "COMPATIBILITY", "VEHICLE_NOT_CAPABLE",
            message=f"A {vehicle.make} takes {takes} (Smartcar's commands overview: Tesla "
            f"daily, weekly and workweek; Volvo daily only), not a {schedule_type} schedule.")


def _coordinate(location: dict[str, Any], name: str, bound: float) -> float:
    value = location.get(name)
    if isinstance(value, bool) or not isinstance(value, int | float) or abs(value) > bound:
        raise invalid(["data", "attributes", "location", name],
                      f"is required and must be a number from -{bound:g} to {bound:g}")
    return float(value)


def parse(schedule_type: str, attributes: dict[str, Any]) -> tuple[ChargeSchedule, dict[str, Any]]:
    """The schedule a body asks for, and the parameters echoed in its execution."""
    location = attributes.get("location")
    if not isinstance(location, dict):
        raise invalid(["data", "attributes", "location"],
                      "is required: {latitude, longitude}")
    latitude = _coordinate(location, "latitude", 90)
    longitude = _coordinate(location, "longitude", 180)
    start = check_time(attributes.get("startTime"), ["data", "attributes", "startTime"])
    stop = check_time(attributes.get("stopTime"), ["data", "attributes", "stopTime"])
    parameters: dict[str, Any] = {"location": {"latitude": latitude, "longitude": longitude},
                                  "startTime": start, "stopTime": stop}
    if schedule_type == "weekly":
        days = attributes.get("days")
        if (not isinstance(days, list) or not days
                or any(not isinstance(d, str) or d.upper() not in DAYS for d in days)):
            raise invalid(["data", "attributes", "days"],
                          f"is required: a list of {', '.join(DAYS)}")
        chosen = tuple(d for d in DAYS if d in {str(x).upper() for x in days})
        parameters["days"] = list(chosen)
    else:
        chosen = WORKWEEK if schedule_type == "workweek" else DAYS
    schedule = ChargeSchedule(f"sched_{uuid.uuid4().hex[:12]}", schedule_type, latitude,
                              longitude, start, stop, chosen)
    return schedule, parameters


def add(vehicle: Vehicle, schedule: ChargeSchedule, now: datetime) -> None:
    vehicle.settle(now)
    vehicle.state.charge_schedules = (*vehicle.state.charge_schedules, schedule)


def find(vehicle: Vehicle, schedule_id: str) -> ChargeSchedule:
    for schedule in vehicle.state.charge_schedules:
        if schedule.id == schedule_id:
            return schedule
    raise SmartcarError(
        "RESOURCE_NOT_FOUND", "PATH",
        message=f"Vehicle {vehicle.id} has no charge schedule {schedule_id!r}; its "
        "ChargeTimers signal lists the scheduleId of each.")


def remove(vehicle: Vehicle, schedule_id: str, now: datetime) -> None:
    find(vehicle, schedule_id)
    vehicle.settle(now)
    vehicle.state.charge_schedules = tuple(
        s for s in vehicle.state.charge_schedules if s.id != schedule_id)


def in_window(schedules: tuple[ChargeSchedule, ...], moment: datetime) -> bool:
    """Whether `moment` (UTC) falls inside a window of any schedule; True without any."""
    return schedules_in_window(schedules, moment)


def timers(schedules: tuple[ChargeSchedule, ...]) -> list[dict[str, Any]]:
    """The ChargeTimers signal's LOCATION timers, one per schedule."""
    return [{"type": "LOCATION",
             "condition": {"latitude": s.latitude, "longitude": s.longitude},
             "scheduleType": s.schedule_type, "scheduleId": s.id,
             "schedules": [{"start": s.start, "end": s.stop, "days": list(s.days)}],
             "departureTimers": [], "isOEMOptimizationEnabled": False}
            for s in schedules]
