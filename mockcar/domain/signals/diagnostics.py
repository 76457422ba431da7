"""The bodies of the v3 Diagnostics and Service signals
(https://smartcar.com/docs/api-reference/signals/diagnostics,
https://smartcar.com/docs/api-reference/signals/service), read from the same diagnostics
and service history API v2 renders (mockcar.domain.vehicles.readings: `system_status`,
`trouble_codes`, `service_history`), so a TPMS alert on v2's /diagnostics/system_status
is the `diagnostics-tirepressure` signal's ALERT here.

Smartcar's pages name each diagnostic system without drawing its body; mockcar gives each
system signal v2's system shape, `{status: OK|ALERT, description}` (the description null
while OK), the trouble-code count `{value}` and list `{values: [{code, timestamp}]}`,
and engine oil life `{unit: percent, value}` as InternalCombustionEngine.OilLife. A
system a powertrain lacks (an engine's oil pressure on a BEV, the EV battery of an ICE
car) is VEHICLE_NOT_CAPABLE.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from mockcar.domain.signals.charge import PERCENT, iso, percent, unit, value
from mockcar.domain.vehicles import readings
from mockcar.domain.vehicles.vehicle import Vehicle, not_capable

Reader = Callable[[Vehicle, datetime], dict[str, Any]]

# Signal name -> (v2 system id whose status it shares, or None: always OK; the part it needs).
SYSTEMS: dict[str, tuple[str | None, str | None]] = {
    "ABS": ("SYSTEM_ABS", None),
    "ActiveSafety": (None, None),
    "Airbag": ("SYSTEM_AIRBAG", None),
    "BrakeFluid": ("SYSTEM_BRAKE_FLUID", None),
    "DriverAssistance": (None, None),
    "Emissions": (None, "engine"),
    "EVBatteryConditioning": (None, "battery"),
    "EVCharging": (None, "battery"),
    "EVDriveUnit": (None, "electric drive"),
    "EVHVBattery": ("SYSTEM_EV_HV_BATTERY", "electric drive"),
    "Lighting": (None, None),
    "MIL": ("SYSTEM_MIL", "engine"),
    "OilPressure": ("SYSTEM_OIL_PRESSURE", "engine"),
    "OilTemperature": (None, "engine"),
    "Telematics": (None, None),
    "TirePressure": ("SYSTEM_TPMS", None),
    "TirePressureMonitoring": (None, None),
    "Transmission": (None, None),
    "WasherFluid": (None, None),
    "WaterInFuel": (None, "engine"),
}


def _require(v: Vehicle, part: str | None) -> None:
    if part == "engine" and not v.powertrain.has_engine:
        raise not_capable(v, "has no combustion engine")
    if part == "battery" and not v.powertrain.has_battery:
        raise not_capable(v, "has no plug-in battery")
    if part == "electric drive" and str(v.powertrain) == "ICE":
        raise not_capable(v, "has no electric drive")


def system(name: str) -> Reader:
    """The reader of the diagnostic system signal `name` (a key of SYSTEMS)."""
    system_id, part = SYSTEMS[name]

    def read(v: Vehicle, now: datetime) -> dict[str, Any]:
        _require(v, part)
        found = next((s for s in readings.system_status(v, now) if s.system_id == system_id),
                     None)
        if found is None:
            return {"status": "OK", "description": None}
        return {"status": found.status, "description": found.description}

    return read


def dtc_count(v: Vehicle, now: datetime) -> dict[str, Any]:
    return value(len(readings.trouble_codes(v, now)))


def dtc_list(v: Vehicle, now: datetime) -> dict[str, Any]:
    return {"values": [{"code": c.code, "timestamp": iso(c.timestamp) if c.timestamp else None}
                       for c in readings.trouble_codes(v, now)]}


def oil_life(v: Vehicle, now: datetime) -> dict[str, Any]:
    _require(v, "engine")
    return unit(PERCENT, percent(readings.engine_oil_life(v)))


def in_service(v: Vehicle, now: datetime) -> dict[str, Any]:
    """At the dealer: never, unless a visit of its history is dated today."""
    return value(any(r.date.date() == now.date() for r in readings.service_history(v, now)))


def service_records(v: Vehicle, now: datetime) -> dict[str, Any]:
    """The last 12 months of v2's /service/history, newest first."""
    return {"values": [
        {"id": r.service_id, "date": iso(r.date),
         "odometer": {"unit": "kilometers", "value": r.odometer_km},
         "tasks": [{"id": t.task_id, "description": t.description} for t in r.tasks],
         "details": [{"type": kind, "value": text} for kind, text in r.details],
         "cost": {"currency": r.currency, "totalCost": r.total_cost}}
        for r in readings.service_history(v, now)]}
