"""The tables of API v2.0 vehicle endpoints (reference: smartcar-v2.md §3.1, §3.3): reads
with their permission, body and data headers; commands with their permission and the
`action` values their JSON body may carry."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
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


Act = Callable[[Vehicle, datetime], None]


@dataclass(frozen=True)
class Command:
    path: str
    operation: str
    permission: str
    actions: Mapping[str, Act]  # body {"action": <key>} -> what the vehicle does


COMMANDS: tuple[Command, ...] = (
    Command("/security", "lock_unlock", "control_security",
            {"LOCK": Vehicle.lock, "UNLOCK": Vehicle.unlock}),
    Command("/charge", "start_stop_charge", "control_charge",
            {"START": Vehicle.start_charge, "STOP": Vehicle.stop_charge}),
)
