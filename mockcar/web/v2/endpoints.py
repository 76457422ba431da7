"""The table of API v2.0 vehicle reads: path, Smartcar operation, permission, body and
which data headers it carries (reference: smartcar-v2.md §3.1, §3.3)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any

from mockcar.domain.units import UnitSystem
from mockcar.domain.vehicle import Vehicle
from mockcar.web.v2 import wire

Renderer = Callable[[Vehicle, UnitSystem], dict[str, Any]]


class Headers(Enum):
    """Which `sc-*` headers a read carries besides `sc-request-id`."""

    STATIC = "static"  # vin, attributes: nothing was fetched from the car
    DATA = "data"  # sc-data-age and sc-fetched-at
    UNITS = "units"  # data headers plus sc-unit-system


@dataclass(frozen=True)
class Read:
    path: str  # below /vehicles/{id}; "" is the attributes endpoint
    operation: str
    permission: str
    render: Renderer
    headers: Headers


READS: tuple[Read, ...] = (
    Read("", "get_attributes", "read_vehicle_info", wire.attributes, Headers.STATIC),
    Read("/vin", "get_vin", "read_vin", wire.vin, Headers.STATIC),
    Read("/odometer", "get_odometer", "read_odometer", wire.odometer, Headers.UNITS),
    Read("/location", "get_location", "read_location", wire.location, Headers.DATA),
    Read("/battery", "get_battery", "read_battery", wire.battery, Headers.UNITS),
    Read("/battery/capacity", "get_battery_capacity", "read_battery", wire.battery_capacity,
         Headers.DATA),
    Read("/fuel", "get_fuel", "read_fuel", wire.fuel, Headers.UNITS),
    Read("/charge", "get_charge", "read_charge", wire.charge, Headers.DATA),
    Read("/charge/limit", "get_charge_limit", "read_charge", wire.charge_limit, Headers.DATA),
    Read("/security", "get_lock_status", "read_security", wire.security, Headers.DATA),
)
