"""API v3 commands under `/v3/vehicles/{id}/commands/...`, answering command-execution
resources (https://smartcar.com/docs/api-reference/evs/set-charge-limit shows one).

Each runs the very domain command API v2 runs (Vehicle.lock, start_charge, ...), behind
the same permission (control_security, control_charge, control_navigation) and the same
capability row, so a v3 lock is read back by v2 and v3 alike. Every command runs
synchronously: 200 with `executionMode: "sync"`. A refused command fails the request with
its error in the `errors` envelope (409 VEHICLE_STATE, 501 COMPATIBILITY, 403
PERMISSION); mockcar never answers 202 (README "API v3").
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from mockcar import jsontext
from mockcar.domain.connect.test_accounts import triggered_error
from mockcar.domain.vehicles import capabilities
from mockcar.domain.vehicles.schedules import invalid
from mockcar.domain.vehicles.vehicle import Location, Vehicle
from mockcar.errors import SmartcarError
from mockcar.web.handler import Handler
from mockcar.web.v3 import access
from mockcar.web.v3 import responses as wire

# (vehicle, the body's data.attributes, now) -> the parameters echoed in the execution
Run = Callable[[Vehicle, dict[str, Any], datetime], dict[str, Any]]
PERCENT_RANGE = (50, 100)  # what set-limit accepts, as v2's 0.5–1.0
BASE = "/v3/vehicles/{vehicle_id}/commands"


@dataclass(frozen=True)
class Command:
    path: str  # below BASE
    command_type: str  # the execution's `commandType`
    v2_method: str  # the v2 capability row the command shares
    v2_path: str
    run: Run

    @property
    def target(self) -> capabilities.Endpoint:
        found = capabilities.endpoint(self.v2_method, self.v2_path)
        assert found is not None, f"no capability row {self.v2_method} {self.v2_path}"
        return found


def _plain(action: Callable[[Vehicle, datetime], None]) -> Run:
    def run(vehicle: Vehicle, attributes: dict[str, Any], now: datetime) -> dict[str, Any]:
        action(vehicle, now)
        return {}

    return run


def _number(attributes: dict[str, Any], name: str) -> float:
    value = attributes.get(name)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise invalid(["data", "attributes", name], "is required and must be a number")
    return float(value)


def _set_limit(vehicle: Vehicle, attributes: dict[str, Any], now: datetime) -> dict[str, Any]:
    percent = _number(attributes, "percent")
    low, high = PERCENT_RANGE
    if not low <= percent <= high:
        raise invalid(["data", "attributes", "percent"], f"must be from {low} to {high}")
    vehicle.set_charge_limit(percent / 100, now)
    return {"percent": int(percent) if percent == int(percent) else percent}


def _destination(vehicle: Vehicle, attributes: dict[str, Any], now: datetime) -> dict[str, Any]:
    latitude, longitude = _number(attributes, "latitude"), _number(attributes, "longitude")
    vehicle.send_destination(Location(latitude, longitude), now)
    return {"latitude": latitude, "longitude": longitude}


COMMANDS: tuple[Command, ...] = (
    Command("/security/lock", "security-lock", "POST", "/security", _plain(Vehicle.lock)),
    Command("/security/unlock", "security-unlock", "POST", "/security",
            _plain(Vehicle.unlock)),
    Command("/charge/start", "charge-start", "POST", "/charge", _plain(Vehicle.start_charge)),
    Command("/charge/stop", "charge-stop", "POST", "/charge", _plain(Vehicle.stop_charge)),
    Command("/charge/set-limit", "charge-set-limit", "POST", "/charge/limit", _set_limit),
    Command("/navigation/set-destination", "navigation-set-destination", "POST",
            "/navigation/destination", _destination),
)


async def _attributes(request: Request) -> dict[str, Any]:
    """`data.attributes` of a JSON:API body; an empty body is `{}` (lock needs none)."""
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        body = jsontext.loads(raw)
    except ValueError:
        raise SmartcarError(
            "VALIDATION", message="The body is not JSON: send "
            '{"data": {"attributes": {...}}}.') from None
    data = body.get("data") if isinstance(body, dict) else None
    attributes = data.get("attributes", {}) if isinstance(data, dict) else None
    if not isinstance(attributes, dict):
        raise invalid(["data", "attributes"], "must be an object")
    return attributes


def handler(command: Command) -> Handler:
    target = command.target

    async def execute(request: Request) -> Response:
        found = access.vehicle(request, "/commands" + command.path)
        if target.permission is not None and target.permission not in found.permissions:
            granted = ", ".join(found.permissions) or "none"
            raise SmartcarError(
                "PERMISSION",
                message=f"{command.command_type} needs the '{target.permission}' "
                f"permission; the owner granted: {granted}.")
        capabilities.require_capable(found.vehicle, target, found.vehicle.id)
        if found.error_trigger is not None:
            raise triggered_error(found.error_trigger, found.owner_email or "email",
                                  found.client_id, found.vehicle.id)
        attributes = await _attributes(request)
        now = found.world.now()
        parameters = command.run(found.vehicle, attributes, now)
        execution = f"exec_{uuid.uuid4().hex}"
        return JSONResponse(wire.command_execution(execution, command.command_type,
                                                   parameters, now))

    execute.__name__ = execute.__qualname__ = command.command_type.replace("-", "_")
    return execute
