"""The tables of API v2.0 vehicle endpoints (https://smartcar.com/docs/api-reference/headers): reads
with their body and data headers, commands with what they do to the vehicle. The
permission and capability of each row come from the domain's table
(mockcar.domain.vehicles.capabilities), so the Vehicle API and the Compatibility API agree.
Make-specific rows are in `mockcar.wire.v2.make_endpoint_table`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any

from mockcar.domain.vehicles import capabilities
from mockcar.domain.vehicles.vehicle import Location, Vehicle
from mockcar.wire.v2 import request_parsing as bodies
from mockcar.wire.v2 import vehicle_responses as wire
from mockcar.wire.v2.context import Context

Renderer = Callable[[Vehicle, Context], Any]
Executor = Callable[[Vehicle, Any, Context], dict[str, Any]]  # (vehicle, JSON body, ctx)


class Headers(Enum):
    """Which `sc-*` headers a read carries besides `sc-request-id`
    (https://smartcar.com/docs/api-reference/headers)."""

    STATIC = "static"  # vin, attributes, permissions: nothing was fetched from the car
    DATA = "data"  # sc-data-age and sc-fetched-at
    UNITS = "units"  # data headers plus sc-unit-system


@dataclass(frozen=True)
class Read:
    path: str  # below /vehicles/{id}; "" is the attributes endpoint
    operation: str
    render: Renderer
    headers: Headers

    @property
    def target(self) -> capabilities.Endpoint:
        found = capabilities.endpoint("GET", self.path)
        assert found is not None, f"GET {self.path} is missing from the capability table"
        return found

    @property
    def permission(self) -> str | None:
        return self.target.permission


@dataclass(frozen=True)
class Command:
    method: str
    path: str
    operation: str
    execute: Executor

    @property
    def target(self) -> capabilities.Endpoint:
        found = capabilities.endpoint(self.method, self.path)
        assert found is not None, f"{self.method} {self.path} is missing from the table"
        return found

    @property
    def permission(self) -> str | None:
        return self.target.permission


def actions(table: dict[str, Callable[[Vehicle, Any], None]]) -> Executor:
    """A command whose body is `{"action": <one of table>}`, answering Smartcar's
    action success."""

    def execute(vehicle: Vehicle, body: Any, ctx: Context) -> dict[str, Any]:
        table[bodies.action(body, tuple(table))](vehicle, ctx.now)
        return wire.ACTION_SUCCESS

    return execute


def set_charge_limit(vehicle: Vehicle, body: Any, ctx: Context) -> dict[str, Any]:
    vehicle.set_charge_limit(bodies.number(bodies.field(body, "limit"), "limit"), ctx.now)
    return wire.ACTION_SUCCESS


def send_destination(vehicle: Vehicle, body: Any, ctx: Context) -> dict[str, Any]:
    latitude = bodies.number(bodies.field(body, "latitude"), "latitude")
    longitude = bodies.number(bodies.field(body, "longitude"), "longitude")
    vehicle.send_destination(Location(latitude, longitude), ctx.now)
    return wire.ACTION_SUCCESS


_S, _D, _U = Headers.STATIC, Headers.DATA, Headers.UNITS

READS: tuple[Read, ...] = (
    Read("", "get_attributes", wire.attributes, _S),
    Read("/vin", "get_vin", wire.vin, _S),
    Read("/permissions", "get_permissions", wire.permissions, _S),
    Read("/odometer", "get_odometer", wire.odometer, _U),
    Read("/location", "get_location", wire.location, _D),
    Read("/battery", "get_battery", wire.battery, _U),
    Read("/battery/capacity", "get_battery_capacity", wire.battery_capacity, _D),
    Read("/battery/nominal_capacity", "get_nominal_capacity", wire.nominal_capacity, _D),
    Read("/fuel", "get_fuel", wire.fuel, _U),
    Read("/charge", "get_charge", wire.charge, _D),
    Read("/charge/limit", "get_charge_limit", wire.charge_limit, _D),
    Read("/security", "get_lock_status", wire.security, _D),
    Read("/engine/oil", "get_engine_oil", wire.engine_oil, _D),
    Read("/tires/pressure", "get_tire_pressure", wire.tire_pressure, _U),
    Read("/service/history", "get_service_history", wire.service_history, _U),
    Read("/diagnostics/system_status", "get_system_status", wire.system_status, _D),
    Read("/diagnostics/dtcs", "get_trouble_codes", wire.trouble_codes, _D),
)

COMMANDS: tuple[Command, ...] = (
    Command("POST", "/security", "lock_unlock",
            actions({"LOCK": Vehicle.lock, "UNLOCK": Vehicle.unlock})),
    Command("POST", "/charge", "start_stop_charge",
            actions({"START": Vehicle.start_charge, "STOP": Vehicle.stop_charge})),
    Command("POST", "/charge/limit", "set_charge_limit", set_charge_limit),
    Command("POST", "/navigation/destination", "send_destination", send_destination),
)
