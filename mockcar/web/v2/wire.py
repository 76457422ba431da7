"""API v2.0 wire shapes: JSON bodies and response headers (reference: smartcar-v2.md
§3.1–3.4). Every field name the SDKs read is written here and nowhere else."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from mockcar.domain import units
from mockcar.domain.units import UnitSystem
from mockcar.domain.vehicle import Opening, Vehicle

ACTION_SUCCESS = {"status": "success", "message": "Successfully sent request to vehicle"}


def timestamp(moment: datetime) -> str:
    """ISO 8601 UTC with exactly three fractional digits and a Z: Java parses
    `sc-data-age` with a fixed pattern and throws on anything else (§0.5)."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def data_headers(vehicle: Vehicle, now: datetime) -> dict[str, str]:
    return {"sc-data-age": timestamp(vehicle.updated_at), "sc-fetched-at": timestamp(now)}


def unit_header(system: UnitSystem) -> dict[str, str]:
    return {"sc-unit-system": system.value}


def _number(value: float, places: int = 2) -> float:
    return round(value, places)


def attributes(vehicle: Vehicle, system: UnitSystem) -> dict[str, Any]:
    return {"id": vehicle.id, "make": vehicle.make, "model": vehicle.model, "year": vehicle.year}


def vin(vehicle: Vehicle, system: UnitSystem) -> dict[str, Any]:
    return {"vin": vehicle.vin}


def odometer(vehicle: Vehicle, system: UnitSystem) -> dict[str, Any]:
    return {"distance": _number(units.distance(vehicle.odometer_km(), system))}


def location(vehicle: Vehicle, system: UnitSystem) -> dict[str, Any]:
    here = vehicle.location()
    return {"latitude": here.latitude, "longitude": here.longitude}


def battery(vehicle: Vehicle, system: UnitSystem) -> dict[str, Any]:
    reading = vehicle.battery()
    return {
        "percentRemaining": _number(reading.percent_remaining, 4),
        "range": _number(units.distance(reading.range_km, system)),
    }


def battery_capacity(vehicle: Vehicle, system: UnitSystem) -> dict[str, Any]:
    return {"capacity": vehicle.battery_capacity()}


def fuel(vehicle: Vehicle, system: UnitSystem) -> dict[str, Any]:
    reading = vehicle.fuel()
    return {
        "amountRemaining": _number(units.volume(reading.amount_liters, system)),
        "percentRemaining": _number(reading.percent_remaining, 4),
        "range": _number(units.distance(reading.range_km, system)),
    }


def charge(vehicle: Vehicle, system: UnitSystem) -> dict[str, Any]:
    reading = vehicle.charge()
    return {"isPluggedIn": reading.is_plugged_in, "state": reading.state.value}


def charge_limit(vehicle: Vehicle, system: UnitSystem) -> dict[str, Any]:
    return {"limit": vehicle.charge_limit()}


def security(vehicle: Vehicle, system: UnitSystem) -> dict[str, Any]:
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


def page(key: str, items: Sequence[str], offset: int, limit: int) -> dict[str, Any]:
    """`paging.count` is the total across pages, `offset` where this page starts
    (Python's SDK requires both keys)."""
    return {
        key: list(items[offset:offset + limit]),
        "paging": {"count": len(items), "offset": offset},
    }
