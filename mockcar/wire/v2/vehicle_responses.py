"""API v2.0 wire shapes of the general vehicle endpoints: JSON bodies and response headers
(https://smartcar.com/docs/api-reference/headers and each endpoint's page under
https://smartcar.com/docs/api-reference/). Every field name the SDKs read is written here and
nowhere else (make-specific shapes: `wire_brands`).

Renderers take the vehicle and the request `Context`; they convert units on the way
out, as the domain keeps everything metric.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from mockcar.domain.vehicles import readings, units
from mockcar.domain.vehicles.units import UnitSystem
from mockcar.domain.vehicles.vehicle import Opening, Vehicle
from mockcar.wire.v2 import request_parsing as bodies
from mockcar.wire.v2.context import Context

ACTION_SUCCESS = {"status": "success", "message": "Successfully sent request to vehicle"}
PERMISSIONS_PAGE = (25, 100)  # default and maximum `limit` of GET /permissions


def timestamp(moment: datetime) -> str:
    """ISO 8601 UTC with exactly three fractional digits and a Z: Java parses
    `sc-data-age` with a fixed pattern and throws on anything else. Every moment
    here is UTC (the World's clock); isoformat is twice as fast as strftime."""
    return moment.isoformat(timespec="milliseconds")[:23] + "Z"


def optional_timestamp(moment: datetime | None) -> str | None:
    return timestamp(moment) if moment is not None else None


def data_headers(vehicle: Vehicle, now: datetime) -> dict[str, str]:
    return {"sc-data-age": timestamp(vehicle.updated_at), "sc-fetched-at": timestamp(now)}


def unit_header(system: UnitSystem) -> dict[str, str]:
    return {"sc-unit-system": system.value}


def number(value: float, places: int = 2) -> float:
    return round(value, places)


def attributes(vehicle: Vehicle, ctx: Context) -> dict[str, Any]:
    return {"id": vehicle.id, "make": vehicle.make, "model": vehicle.model, "year": vehicle.year}


def vin(vehicle: Vehicle, ctx: Context) -> dict[str, Any]:
    return {"vin": vehicle.vin}


def permissions(vehicle: Vehicle, ctx: Context) -> dict[str, Any]:
    limit, offset = bodies.paging(ctx.query, *PERMISSIONS_PAGE)
    return page("permissions", ctx.connection.permissions, offset, limit)


def odometer(vehicle: Vehicle, ctx: Context) -> dict[str, Any]:
    return {"distance": number(units.distance(vehicle.odometer_km(), ctx.units))}


def location(vehicle: Vehicle, ctx: Context) -> dict[str, Any]:
    here = vehicle.location()
    return {"latitude": here.latitude, "longitude": here.longitude}


def battery(vehicle: Vehicle, ctx: Context) -> dict[str, Any]:
    reading = vehicle.battery()
    return {
        "percentRemaining": number(reading.percent_remaining, 4),
        "range": number(units.distance(reading.range_km, ctx.units)),
    }


def battery_capacity(vehicle: Vehicle, ctx: Context) -> dict[str, Any]:
    return {"capacity": vehicle.battery_capacity()}


def nominal_capacity(vehicle: Vehicle, ctx: Context) -> dict[str, Any]:
    """`url` is Connect's battery-capacity selector, set while the pack is unknown
    (https://smartcar.com/docs/connect/user-selected-batcap); it points at this origin,
    where Connect lives."""
    reading = readings.nominal_capacity(vehicle)
    url = None
    if reading.nominal is None:
        token = uuid.uuid5(uuid.NAMESPACE_URL, f"battery-capacity:{ctx.connection.id}:"
                           f"{vehicle.id}")
        query = urlencode({"vehicle_id": vehicle.id, "client_id": ctx.connection.client_id,
                           "token": str(token), "response_type": "vehicle_id"})
        url = f"{ctx.origin}/battery-capacity?{query}&redirect_uri="
    return {
        "availableCapacities": [{"capacity": kwh, "description": text}
                                for kwh, text in reading.available],
        "capacity": ({"nominal": reading.nominal, "source": reading.source}
                     if reading.nominal is not None else None),
        "url": url,
    }


def fuel(vehicle: Vehicle, ctx: Context) -> dict[str, Any]:
    reading = vehicle.fuel()
    return {
        "amountRemaining": number(units.volume(reading.amount_liters, ctx.units)),
        "percentRemaining": number(reading.percent_remaining, 4),
        "range": number(units.distance(reading.range_km, ctx.units)),
    }


def charge(vehicle: Vehicle, ctx: Context) -> dict[str, Any]:
    reading = vehicle.charge()
    return {"isPluggedIn": reading.is_plugged_in, "state": reading.state.value}


def charge_limit(vehicle: Vehicle, ctx: Context) -> dict[str, Any]:
    return {"limit": vehicle.charge_limit()}


def engine_oil(vehicle: Vehicle, ctx: Context) -> dict[str, Any]:
    return {"lifeRemaining": readings.engine_oil_life(vehicle)}


def tire_pressure(vehicle: Vehicle, ctx: Context) -> dict[str, Any]:
    """kPa, or psi for imperial (`sc-unit-system`,
    https://smartcar.com/docs/api-reference/headers)."""
    tires = readings.tire_pressures(vehicle)

    def convert(kpa: float) -> float:
        return number(units.pressure(kpa, ctx.units), 1)

    return {
        "frontLeft": convert(tires.front_left), "frontRight": convert(tires.front_right),
        "backLeft": convert(tires.back_left), "backRight": convert(tires.back_right),
    }


def security(vehicle: Vehicle, ctx: Context) -> dict[str, Any]:
    reading = vehicle.security()

    def openings(items: tuple[Opening, ...]) -> list[dict[str, str]]:
        return [{"type": o.type, "status": o.status} for o in items]

    return {
        "isLocked": reading.is_locked,
        "doors": openings(reading.doors),
        "windows": openings(reading.windows),
        "sunroof": openings(reading.sunroof),
        "storage": openings(reading.storage),
        "chargingPort": openings(reading.charging_port),
    }


def service_history(vehicle: Vehicle, ctx: Context) -> list[dict[str, Any]]:
    """A top-level array. Shapes follow the SDKs' types where the
    docs disagree: string ids, `serviceDetails` as a list of {type, value}.
    `odometerDistance` follows the unit system, as the Node SDK documents."""
    start, end = bodies.date_range(ctx.query)
    return [
        {
            "serviceId": record.service_id,
            "serviceDate": timestamp(record.date),
            "odometerDistance": number(units.distance(record.odometer_km, ctx.units), 0),
            "serviceTasks": [{"taskId": t.task_id, "taskDescription": t.description}
                             for t in record.tasks],
            "serviceDetails": [{"type": kind, "value": value} for kind, value in record.details],
            "serviceCost": {"totalCost": record.total_cost, "currency": record.currency},
        }
        for record in readings.service_history(vehicle, ctx.now, start, end)
    ]


def system_status(vehicle: Vehicle, ctx: Context) -> dict[str, Any]:
    return {"systems": [
        {"systemId": s.system_id, "status": s.status, "description": s.description}
        for s in readings.system_status(vehicle, ctx.now)
    ]}


def trouble_codes(vehicle: Vehicle, ctx: Context) -> dict[str, Any]:
    return {"activeCodes": [
        {"code": c.code, "timestamp": optional_timestamp(c.timestamp)}
        for c in readings.trouble_codes(vehicle, ctx.now)
    ]}


def page(key: str, items: Sequence[str], offset: int, limit: int) -> dict[str, Any]:
    """`paging.count` is the total across pages, `offset` where this page starts
    (Python's SDK requires both keys)."""
    return {
        key: list(items[offset:offset + limit]),
        "paging": {"count": len(items), "offset": offset},
    }
