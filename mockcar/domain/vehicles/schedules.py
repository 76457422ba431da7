"""Charging schedules and saved charging locations, as vehicles keep them.

Three makes expose three shapes (https://smartcar.com/docs/api-reference/about-brand-specific):
Tesla's start or
departure time, Nissan's weekly windows (at most three), Ford and Lincoln's schedules per
saved charging location. Times are `HH:MM`, 24-hour, as the wire carries them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from mockcar.errors import SmartcarError

_HH_MM = re.compile(r"([01]\d|2[0-3]):[0-5]\d")
DAYS = ("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY")
MAX_WEEKLY_SCHEDULES = 3


def check_time(value: object, field_path: list[str | int]) -> str:
    """`value` if it is an `HH:MM` time, else VALIDATION:PARAMETER naming the field."""
    if isinstance(value, str) and _HH_MM.fullmatch(value):
        return value
    raise invalid(field_path, "must be a time as HH:MM (24-hour)")


def invalid(field_path: list[str | int], message: str) -> SmartcarError:
    """VALIDATION:PARAMETER with Smartcar's `detail` shape
    (https://smartcar.com/docs/errors/api-errors/validation-errors)."""
    name = ".".join(str(part) for part in field_path)
    return SmartcarError(
        "VALIDATION", "PARAMETER", message=f"'{name}' {message}.",
        detail=[{"field": list(field_path), "message": message}],
    )


@dataclass(frozen=True)
class ScheduleSlot:
    enabled: bool = False
    time: str | None = None


@dataclass(frozen=True)
class TeslaSchedule:
    """Only one of the two can be enabled at a time (Tesla's rule)."""

    start_time: ScheduleSlot = field(default_factory=ScheduleSlot)
    departure_time: ScheduleSlot = field(default_factory=ScheduleSlot)


@dataclass(frozen=True)
class WeeklySchedule:
    start: str
    end: str
    days: tuple[str, ...]


@dataclass(frozen=True)
class TimeWindow:
    start: str
    end: str


@dataclass(frozen=True)
class ChargingLocation:
    latitude: float
    longitude: float
    charge_limit: float
    weekday: tuple[TimeWindow, ...] = ()
    weekend: tuple[TimeWindow, ...] = ()


@dataclass(frozen=True)
class ChargeSchedule:
    """A charging window set through API v3's charge schedules
    (https://smartcar.com/docs/api-reference/commands/overview): at a location, from
    `start` to `stop` (`HH:MM`, UTC; a stop before the start ends the next day) on `days`."""

    id: str
    schedule_type: str  # daily | weekly | workweek
    latitude: float
    longitude: float
    start: str
    stop: str
    days: tuple[str, ...]


def in_window(schedules: tuple[ChargeSchedule, ...], moment: datetime) -> bool:
    """Whether `moment` (UTC) falls inside a window of any schedule; True without any."""
    if not schedules:
        return True
    clock = moment.strftime("%H:%M")
    today = DAYS[moment.weekday()]
    yesterday = DAYS[(moment - timedelta(days=1)).weekday()]
    for s in schedules:
        if s.start <= s.stop:
            if today in s.days and s.start <= clock < s.stop:
                return True
        elif (today in s.days and clock >= s.start) or (yesterday in s.days and clock < s.stop):
            return True
    return False
