"""Tesla's make-specific readings and commands (shapes from Smartcar's Tesla pages, e.g.
https://smartcar.com/docs/api-reference/tesla/get-battery): heading, temperatures, climate, the
charge schedule, charge and billing records, alerts, extended attributes and the account's
access.

Everything is derived from the vehicle's state and its seed; commands change the state,
and the readings show it (a cabin set to 23 °C reads 23 °C inside while the climate runs).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from mockcar.domain.vehicles.readings import seeded
from mockcar.domain.vehicles.schedules import ScheduleSlot, TeslaSchedule, check_time, invalid
from mockcar.domain.vehicles.vehicle import Vehicle

CABIN_RANGE_C = (15.0, 28.0)  # what Tesla's climate accepts
RECORDS_DEFAULT_DAYS = 30
BILLING_PAGE_SIZE = 10
_POINTS = ("N", "NE", "E", "SE", "S", "SW", "W", "NW")
_SUPERCHARGERS = ("Los Gatos, CA", "Fremont, CA", "Kettleman City, CA", "Barstow, CA",
                  "Tejon Ranch, CA", "Gilroy, CA")


# -- motion and temperatures -------------------------------------------------------------


def heading(vehicle: Vehicle) -> int:
    given = vehicle.state.heading
    if given is not None:
        return int(given) % 360
    return seeded(vehicle, "heading").randrange(360)


def direction(degrees: int) -> str:
    """The 8-point compass direction of a heading."""
    return _POINTS[round(degrees / 45) % 8]


def exterior_c(vehicle: Vehicle, now: datetime) -> float:
    """A season- and latitude-shaped outdoor temperature, steady within a day."""
    latitude = vehicle.location().latitude
    warmest_month = 7 if latitude >= 0 else 1
    season = math.cos((now.month - warmest_month) / 12 * 2 * math.pi)
    jitter = seeded(vehicle, f"weather:{now.date()}").uniform(-2, 2)
    return round(24 - abs(latitude) * 0.3 + season * 9 + jitter, 1)


def interior_c(vehicle: Vehicle, now: datetime) -> float:
    """The cabin target while the climate runs; else a parked car's greenhouse."""
    if vehicle.state.climate_on:
        return vehicle.state.cabin_target_c
    return round(exterior_c(vehicle, now) + 3.0, 1)


# -- climate ------------------------------------------------------------------------------


def set_cabin(vehicle: Vehicle, action: str, temperature_c: float | None, now: datetime) -> None:
    """START/STOP the climate or SET its target; a temperature may come with any."""
    vehicle.require_command_access()
    if temperature_c is not None:
        low, high = CABIN_RANGE_C
        if not low <= temperature_c <= high:
            raise invalid(["temperature"], f"must be from {low} to {high} °C "
                          f"(the vehicle's climate limits)")
        vehicle.state.cabin_target_c = round(temperature_c, 1)
    if action == "START":
        vehicle.state.climate_on = True
    elif action == "STOP":
        vehicle.state.climate_on = False
    vehicle.updated_at = now


def set_defroster(vehicle: Vehicle, on: bool, now: datetime) -> None:
    vehicle.require_command_access()
    vehicle.state.defroster_on = on
    vehicle.updated_at = now


def set_steering_heater(vehicle: Vehicle, on: bool, now: datetime) -> None:
    vehicle.require_command_access()
    vehicle.state.steering_heater_on = on
    vehicle.updated_at = now


# -- charge schedule -----------------------------------------------------------------------

SCHEDULE_TYPES = ("START_TIME", "DEPARTURE_TIME")


def set_schedule(
    vehicle: Vehicle, kind: str, enabled: bool, at: object, now: datetime
) -> TeslaSchedule:
    """Enable or disable one kind of schedule; enabling one disables the other, as only
    one can be on at a time."""
    vehicle.battery()
    if kind not in SCHEDULE_TYPES:
        raise invalid(["type"], f"must be one of {', '.join(SCHEDULE_TYPES)}")
    slot = ScheduleSlot(enabled, check_time(at, ["time"]))
    vehicle.require_command_access()
    current = vehicle.state.tesla_schedule

    def other(old: ScheduleSlot) -> ScheduleSlot:
        return ScheduleSlot(False, old.time) if enabled else old

    if kind == "START_TIME":
        schedule = TeslaSchedule(slot, other(current.departure_time))
    else:
        schedule = TeslaSchedule(other(current.start_time), slot)
    vehicle.state.tesla_schedule = schedule
    vehicle.updated_at = now
    return schedule


# -- records ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DailyCharge:
    day: datetime
    home_kwh: float
    other_kwh: float
    supercharger_kwh: float

    @property
    def total_kwh(self) -> float:
        return round(self.home_kwh + self.other_kwh + self.supercharger_kwh, 2)


@dataclass(frozen=True)
class BillingRecord:
    record_id: str
    start: datetime
    end: datetime
    energy_kwh: float
    energy_cost: float
    other_cost: float
    currency: str
    location: str


def record_window(start: date | None, end: date | None, today: date) -> tuple[date, date]:
    """Smartcar's default: the last 30 days up to today."""
    end = end or today
    start = start or end - timedelta(days=RECORDS_DEFAULT_DAYS)
    if start > end:
        raise invalid(["startDate"], "must not be after endDate")
    return start, end


def _days(start: date, end: date, today: date) -> list[date]:
    last = min(end, today)
    return [start + timedelta(days=i) for i in range((last - start).days + 1)]


def charge_records(
    vehicle: Vehicle, start: date | None, end: date | None, now: datetime
) -> tuple[DailyCharge, ...]:
    """Energy charged per day where the car charged at all; drawn per (car, day), so a
    day's record never changes."""
    vehicle.battery()
    first, last = record_window(start, end, now.date())
    records = []
    for day in _days(first, last, now.date()):
        rng = seeded(vehicle, f"charge-day:{day}")
        if rng.random() < 0.45:
            continue
        home, other = round(rng.uniform(0, 30), 2), round(rng.uniform(0, 8) * rng.random(), 2)
        supercharger = round(rng.uniform(15, 60), 2) if rng.random() < 0.15 else 0.0
        records.append(DailyCharge(datetime.combine(day, time(), UTC), home, other, supercharger))
    return tuple(records)


def billing_records(
    vehicle: Vehicle, start: date | None, end: date | None, page: int, now: datetime
) -> tuple[tuple[BillingRecord, ...], bool]:
    """Supercharger sessions, newest first, BILLING_PAGE_SIZE a page; and whether more
    pages follow."""
    sessions = []
    for daily in charge_records(vehicle, start, end, now):
        if not daily.supercharger_kwh:
            continue
        rng = seeded(vehicle, f"billing:{daily.day.date()}")
        began = daily.day + timedelta(hours=rng.uniform(7, 20))
        sessions.append(BillingRecord(
            record_id=f"GF{rng.randrange(10**11):011d}-3-{int(began.timestamp())}",
            start=began, end=began + timedelta(minutes=rng.uniform(20, 50)),
            energy_kwh=daily.supercharger_kwh,
            energy_cost=round(daily.supercharger_kwh * 0.48, 2),
            other_cost=round(rng.choice((0.0, 0.0, 1.0, 2.5)), 2),
            currency="USD", location=rng.choice(_SUPERCHARGERS),
        ))
    sessions.reverse()
    begin = (page - 1) * BILLING_PAGE_SIZE
    return tuple(sessions[begin:begin + BILLING_PAGE_SIZE]), begin + BILLING_PAGE_SIZE < len(
        sessions
    )


# -- alerts, attributes, account ----------------------------------------------------------

_ALERTS = (
    ("Charging_Complete", ("customer",), "Charging complete"),
    ("CHG_a012_PowerSharing", ("service",), "Power sharing reduced charge rate"),
    ("VCFRONT_a180_lowVoltageBattery", ("service-fix", "customer"),
     "Low voltage battery needs service"),
    ("TPMS_a112_softWarn", ("customer",), "Tire pressure low"),
)


@dataclass(frozen=True)
class Alert:
    name: str
    at: datetime
    audience: tuple[str, ...]
    text: str


def alerts(vehicle: Vehicle, now: datetime) -> tuple[Alert, ...]:
    """Up to three recent alerts from the last week, newest first."""
    rng = seeded(vehicle, f"alerts:{now.date()}")
    chosen = rng.sample(_ALERTS, rng.randrange(4))
    found = [Alert(name, now - timedelta(hours=rng.uniform(1, 168)), audience, text)
             for name, audience, text in chosen]
    return tuple(sorted(found, key=lambda a: a.at, reverse=True))


@dataclass(frozen=True)
class Attributes:
    firmware: str
    trim: str
    nickname: str
    efficiency_package: str
    performance_package: str
    driver_assist: str
    drive_unit_front: str
    drive_unit_rear: str
    sentry_available: bool
    sentry_enabled: bool
    exterior_color: str
    exterior_trim: str
    interior_trim: str
    wheel_diameter_mm: float
    wheel_style: str
    at_home: bool


def attributes(vehicle: Vehicle) -> Attributes:
    rng = seeded(vehicle, "tesla-attributes")
    dual = rng.random() < 0.6
    return Attributes(
        firmware=f"{max(vehicle.year, 2022) + 1}.{rng.randrange(2, 44)}.{rng.randrange(1, 12)} "
        f"{rng.getrandbits(48):012x}",
        trim=rng.choice(("50", "74", "74d", "p74d", "100d")),
        nickname=rng.choice(("Sparky", "Volta", "Blue Thunder", "Ampere", "Tommy")),
        efficiency_package=f"MY{max(vehicle.year, 2021)}",
        performance_package=rng.choice(("Base", "Performance")),
        driver_assist=rng.choice(("TeslaAP3", "TeslaAP4")),
        drive_unit_front="PM216MOSFET" if dual else "NoneOrSmall",
        drive_unit_rear="PM216MOSFET",
        sentry_available=True, sentry_enabled=rng.random() < 0.5,
        exterior_color=rng.choice(("SolidBlack", "PearlWhite", "DeepBlue", "RedMulticoat")),
        exterior_trim=rng.choice(("Black", "Chrome")), interior_trim="Black2",
        wheel_diameter_mm=rng.choice((457.2, 482.6, 508.0)),
        wheel_style=rng.choice(("Apollo", "Gemini", "Induction")),
        # A parked car on its home charger is at home; mockcar knows no other home.
        at_home=vehicle.state.plugged_in and not vehicle.state.moving,
    )


def tesla_permissions(smartcar_permissions: tuple[str, ...]) -> tuple[str, ...]:
    """The Tesla account scopes that back the Smartcar permissions granted."""
    scopes = set()
    for permission in smartcar_permissions:
        if permission in ("control_charge", "read_charge_records"):
            scopes.add("vehicle_charging_cmds")
        elif permission == "read_location":
            scopes.add("vehicle_location")
        elif permission.startswith("control_"):
            scopes.add("vehicle_cmds")
        elif permission.startswith("read_"):
            scopes.add("vehicle_device_data")
    return tuple(sorted(scopes))

