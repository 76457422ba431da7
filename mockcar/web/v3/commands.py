"""API v3 commands under `/v3/vehicles/{id}/commands/...`, answering command-execution
resources (https://smartcar.com/docs/api-reference/commands/overview,
https://smartcar.com/docs/api-reference/security/unlock-doors).

Each runs the very domain command API v2 runs (Vehicle.lock, start_charge, ...), behind
the same permission (control_security, control_charge, control_navigation) and the same
capability row, so a v3 lock is read back by v2 and v3 alike. The body is never the new
state. A command the World's policy calls long-running for the vehicle's make
(mockcar.domain.world.executions) answers 202 with `executionMode: "async"` and status
`PENDING`; the car acts when the World clock reaches `completedAt`, and
`GET .../commands/executions/{execution_id}` reads the outcome. Any other command runs
within the request (after the World's latency for a command) and answers 200 with
`executionMode: "sync"`; its refusal fails the request in the `errors` envelope (409
VEHICLE_STATE, 501 COMPATIBILITY, 403 PERMISSION).
"""

from __future__ import annotations

import asyncio
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
from mockcar.domain.world.executions import RETENTION, Execution
from mockcar.errors import SmartcarError
from mockcar.web.handler import Handler
from mockcar.web.v3 import access
from mockcar.web.v3 import responses as wire

RETENTION_TEXT = f"{RETENTION.total_seconds() / 3600:g} hours"

# The body's data.attributes -> the parameters echoed in the execution (VALIDATION if bad).
Parse = Callable[[dict[str, Any]], dict[str, Any]]
# (vehicle, the parameters, when the car acts) -> None; raises what the car refuses.
Act = Callable[[Vehicle, dict[str, Any], datetime], None]
PERCENT_RANGE = (50, 100)  # what set-limit accepts, as v2's 0.5–1.0
BASE = "/v3/vehicles/{vehicle_id}/commands"


def _no_body(attributes: dict[str, Any]) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class Command:
    path: str  # below BASE
    command_type: str  # the execution's `commandType`
    v2_method: str  # the v2 capability row the command shares
    v2_path: str
    act: Act
    parse: Parse = _no_body

    @property
    def target(self) -> capabilities.Endpoint:
        found = capabilities.endpoint(self.v2_method, self.v2_path)
        assert found is not None, f"no capability row {self.v2_method} {self.v2_path}"
        return found


def _plain(action: Callable[[Vehicle, datetime], None]) -> Act:
    def act(vehicle: Vehicle, parameters: dict[str, Any], now: datetime) -> None:
        action(vehicle, now)

    return act


def _number(attributes: dict[str, Any], name: str) -> float:
    value = attributes.get(name)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise invalid(["data", "attributes", name], "is required and must be a number")
    return float(value)


def _percent(attributes: dict[str, Any]) -> dict[str, Any]:
    percent = _number(attributes, "percent")
    low, high = PERCENT_RANGE
    if not low <= percent <= high:
        raise invalid(["data", "attributes", "percent"], f"must be from {low} to {high}")
    return {"percent": int(percent) if percent == int(percent) else percent}


def _set_limit(vehicle: Vehicle, parameters: dict[str, Any], now: datetime) -> None:
    vehicle.set_charge_limit(parameters["percent"] / 100, now)


def _coordinates(attributes: dict[str, Any]) -> dict[str, Any]:
    return {"latitude": _number(attributes, "latitude"),
            "longitude": _number(attributes, "longitude")}


def _destination(vehicle: Vehicle, parameters: dict[str, Any], now: datetime) -> None:
    vehicle.send_destination(Location(parameters["latitude"], parameters["longitude"]), now)


COMMANDS: tuple[Command, ...] = (
    Command("/security/lock", "security-lock", "POST", "/security", _plain(Vehicle.lock)),
    Command("/security/unlock", "security-unlock", "POST", "/security",
            _plain(Vehicle.unlock)),
    Command("/charge/start", "charge-start", "POST", "/charge", _plain(Vehicle.start_charge)),
    Command("/charge/stop", "charge-stop", "POST", "/charge", _plain(Vehicle.stop_charge)),
    Command("/charge/set-limit", "charge-set-limit", "POST", "/charge/limit", _set_limit,
            _percent),
    Command("/navigation/set-destination", "navigation-set-destination", "POST",
            "/navigation/destination", _destination, _coordinates),
)


async def attributes_of(request: Request) -> dict[str, Any]:
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


def check_access(found: access.VehicleAccess, target: capabilities.Endpoint,
                 command_type: str) -> None:
    """An application token with `sc-user-id` (Smartcar's command pages require both),
    then the permission, the capability row and a test-mode login's error, in v2's order."""
    if not found.application:
        raise SmartcarError(
            "AUTHENTICATION",
            message=f"{command_type} takes an application token (POST /oauth2/token, "
            "grant_type=client_credentials) with the sc-user-id header, not an owner's "
            "access token.")
    if target.permission is not None and target.permission not in found.permissions:
        granted = ", ".join(found.permissions) or "none"
        raise SmartcarError(
            "PERMISSION",
            message=f"{command_type} needs the '{target.permission}' "
            f"permission; the owner granted: {granted}.")
    capabilities.require_capable(found.vehicle, target, found.vehicle.id)
    if found.error_trigger is not None:
        raise triggered_error(found.error_trigger, found.owner_email or "email",
                              found.client_id, found.vehicle.id)


async def start(request: Request, found: access.VehicleAccess, command_type: str,
                parameters: dict[str, Any], action: Callable[[datetime], None],
                schedule: dict[str, Any] | None = None, endpoint: str = "/commands"
                ) -> Response:
    """Runs `action` as the World's policy says (now, or long-running) and answers the
    execution: 200 sync (after the World's latency for `endpoint`, below
    /v3/vehicles/{id}), 202 async."""
    world, vehicle = found.world, found.vehicle
    now = world.now()
    policy = world.command_policy
    long_running = policy.is_long_running(vehicle.make, command_type)
    if long_running:
        seconds = policy.seconds
    else:
        seconds = world.latency.delay(vehicle.id, vehicle.make, "POST", endpoint,
                                      static=False, asleep=vehicle.at(now).state.asleep,
                                      now=now)
        if seconds > 0:
            await getattr(request.app.state, "sleep", asyncio.sleep)(seconds)
    execution = world.executions.start(vehicle.id, command_type, parameters, action, now,
                                       long_running=long_running, seconds=seconds,
                                       schedule=schedule)
    return JSONResponse(wire.command_execution(execution),
                        status_code=202 if long_running else 200)


def handler(command: Command) -> Handler:
    target = command.target

    async def execute(request: Request) -> Response:
        found = access.vehicle(request, "/commands" + command.path)
        check_access(found, target, command.command_type)
        attributes = await attributes_of(request)
        vehicle = found.vehicle
        # Validate the body now, whatever the mode: a bad body is the request's error.
        parameters = command.parse(attributes)

        def act(moment: datetime) -> None:
            command.act(vehicle, parameters, moment)

        return await start(request, found, command.command_type, parameters, act,
                           endpoint="/commands" + command.path)

    execute.__name__ = execute.__qualname__ = command.command_type.replace("-", "_")
    return execute


async def get_execution(request: Request) -> Response:
    """A command execution of this vehicle by id, as it stands at the World's now."""
    found = access.vehicle(request, "/commands/executions")
    execution_id = str(request.path_params["execution_id"])
    world = found.world
    execution: Execution | None = world.executions.get(found.vehicle.id, execution_id,
                                                       world.now())
    if execution is None:
        raise SmartcarError(
            "RESOURCE_NOT_FOUND", "PATH",
            message=f"Vehicle {found.vehicle.id} has no command execution {execution_id!r} "
            f"(mockcar keeps a settled execution {RETENTION_TEXT} of World time, the "
            f"latest {world.executions.capacity:,} of a World).")
    return JSONResponse(wire.command_execution(execution))
