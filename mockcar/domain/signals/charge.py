"""The bodies of the v3 Charge signals (https://smartcar.com/docs/api-reference/signals/charge),
read from the same charging model API v2's make-specific endpoints render
(mockcar.domain.vehicles.charging, makes), and the shape helpers every signal body shares. The
catalogue itself is mockcar.domain.signals.catalog.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from mockcar.domain.vehicles import charge_schedules, charging, makes, readings
from mockcar.domain.vehicles.vehicle import ChargeState, Vehicle

PERCENT, KM = "percent", "kilometers"
CHARGE_RECORD_DAYS = 30  # charge-chargerecords covers the last month, as BMW's v2 records


def unit(name: str, amount: float) -> dict[str, Any]:
    """`{unit, value}`, the shape of every measured signal."""
    return {"unit": name, "value": amount}


def value(of: object) -> dict[str, Any]:
    return {"value": of}


def percent(fraction: float) -> float:
    return round(fraction * 100, 2)


def iso(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds")[:23] + "Z"


# -- charge ---------------------------------------------------------------------------------


def amperage(v: Vehicle, now: datetime) -> dict[str, Any]:
    v.battery()
    return unit("ampere", charging.amperage(v) if v.is_charging() else 0)


def amperage_max(v: Vehicle, now: datetime) -> dict[str, Any]:
    v.battery()
    return unit("ampere", charging.charger(v).max_amps)


def amperage_requested(v: Vehicle, now: datetime) -> dict[str, Any]:
    v.battery()
    return unit("ampere", v.state.charge_amps or charging.charger(v).max_amps)


def voltage(v: Vehicle, now: datetime) -> dict[str, Any]:
    v.battery()
    return unit("volts", charging.voltage(v) if v.state.plugged_in else 0)


def wattage(v: Vehicle, now: datetime) -> dict[str, Any]:
    v.battery()
    watts = charging.power_kw(v) * 1000 if v.is_charging() else 0.0
    return unit("watts", round(watts, 1))


def energy_added(v: Vehicle, now: datetime) -> dict[str, Any]:
    v.battery()
    added = charging.session(v).energy_added_kwh if v.state.plugged_in else 0.0
    return unit("kWh", added)


def charge_rate(v: Vehicle, now: datetime) -> dict[str, Any]:
    return unit("km/h", charging.charge_rate_kmh(v))


def time_to_complete(v: Vehicle, now: datetime) -> dict[str, Any]:
    """Minutes until the charge limit at the current power; 0 when not charging."""
    if not v.is_charging():
        return value(0)
    return value(round((charging.completion(v, now) - now).total_seconds() / 60))


def is_charging(v: Vehicle, now: datetime) -> dict[str, Any]:
    return value(v.is_charging())


def plugged(v: Vehicle, now: datetime) -> dict[str, Any]:
    return value(v.charge().is_plugged_in)


def flap(v: Vehicle, now: datetime) -> dict[str, Any]:
    v.battery()
    return value(v.state.plugged_in or v.state.charge_port_open)


def fast_charger(v: Vehicle, now: datetime) -> dict[str, Any]:
    v.battery()
    return value(False)  # mockcar's cars charge on their home charger (charging.charger)


def detailed_status(v: Vehicle, now: datetime) -> dict[str, Any]:
    return value(v.charge().state.value)


def charge_limits(v: Vehicle, now: datetime) -> dict[str, Any]:
    limit = percent(v.charge_limit())
    return {"values": [{"type": "GLOBAL", "limit": limit, "condition": None}],
            "activeLimit": limit, "unit": PERCENT}


def charge_timers(v: Vehicle, now: datetime) -> dict[str, Any]:
    """Nissan's weekly windows as schedules, Tesla's departure time as a timer; then a
    LOCATION timer per API v3 charge schedule (mockcar.domain.vehicles.charge_schedules)."""
    v.battery()
    schedules = [{"start": s.start, "end": s.end, "days": list(s.days)}
                 for s in v.state.weekly_schedules]
    departure = v.state.tesla_schedule.departure_time
    timers = ([{"days": ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY",
                         "SUNDAY"], "time": departure.time}]
              if departure.enabled and departure.time else [])
    return {"values": [{"type": "GLOBAL", "condition": None, "schedules": schedules,
                        "departureTimers": timers, "isOEMOptimizationEnabled": False},
                       *charge_schedules.timers(v.state.charge_schedules)]}


def charge_records(v: Vehicle, now: datetime) -> dict[str, Any]:
    """The completed sessions of the last CHARGE_RECORD_DAYS, newest first (the same
    draw as BMW's v2 charge records)."""
    currency = readings.CURRENCIES.get(str(v.region), "USD")
    sessions = makes.charge_sessions(v, (now - timedelta(days=CHARGE_RECORD_DAYS)).date(), None, now)
    here = v.location()
    return {"values": [
        {
            "id": f"{v.id[:8]}-{int(s.start.timestamp())}",
            "cost": {"currency": currency,
                     "energyAmount": round(s.energy_kwh * (0.45 if s.is_public else 0.18), 2),
                     "otherAmount": 0.0},
            "startTime": iso(s.start), "endTime": iso(s.end),
            "location": {"name": s.location, "latitude": here.latitude,
                         "longitude": here.longitude},
            "energyAdded": s.energy_kwh,
            "connectorType": "CCS" if s.charging_type == "DC" else charging.charger(v).connector,
            "isPublicCharger": s.is_public,
            "startStateOfCharge": percent(s.start_level),
            "endStateOfCharge": percent(s.end_level),
        }
        for s in sessions
    ]}


def phases(v: Vehicle, now: datetime) -> dict[str, Any]:
    v.battery()
    return value(charging.charger(v).phases)


def connector(v: Vehicle, now: datetime) -> dict[str, Any]:
    v.battery()
    return value(charging.charger(v).connector)


def fast_type(v: Vehicle, now: datetime) -> dict[str, Any]:
    v.battery()
    return value("NACS" if v.make == "TESLA" else "CCS")


def port_color(v: Vehicle, now: datetime) -> dict[str, Any]:
    state = v.charge()
    colors = {ChargeState.CHARGING: "GREEN", ChargeState.FULLY_CHARGED: "GREEN",
              ChargeState.NOT_CHARGING: "BLUE"}
    return value(colors[state.state] if state.is_plugged_in else "OFF")
