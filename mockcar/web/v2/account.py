"""API v2.0 handlers of the account-level endpoints (user, vehicles) and the helpers
every vehicle endpoint starts with: the version segment, the bearer token, the vehicle.
Vehicle endpoints themselves are built from tables in `pipeline`. Domain errors
propagate to the app's error handler."""

from __future__ import annotations

import re
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from mockcar.domain.vehicles.vehicle import Vehicle
from mockcar.domain.world.world import Connection, World
from mockcar.errors import SmartcarError
from mockcar.web import tenancy
from mockcar.wire.v2 import request_parsing as bodies
from mockcar.wire.v2 import vehicle_responses as wire

VERSION = re.compile(r"\d+\.\d+")
VEHICLES_PAGE = (10, 50)  # default and maximum `limit` of GET /vehicles


def _world(request: Request) -> World:
    return tenancy.world(request)


def _connection(request: Request) -> Connection:
    """Check the version segment, then the bearer token."""
    version = request.path_params.get("version", "")
    if not VERSION.fullmatch(version):
        raise SmartcarError(
            "RESOURCE_NOT_FOUND", "VERSION",
            message=f"'v{version}' is not an API version; use /v2.0/.",
        )
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise SmartcarError(
            "AUTHENTICATION",
            message="Send the access token as 'Authorization: Bearer <access_token>'.",
        )
    return tenancy.authenticated(request, token.strip())


def _vehicle(request: Request, connection: Connection) -> Vehicle:
    """The vehicle of the path, once API v3's long-running commands due by now have
    reached it and the World's opt-in rate limits let the request through."""
    world = _world(request)
    found = world.vehicle_for(connection, request.path_params["vehicle_id"])
    now = world.now()
    world.executions.settle(now)
    world.rate_limits.check(connection.client_id, found.id, now)
    return found


def _paging(request: Request, default: int, maximum: int) -> tuple[int, int]:
    return bodies.paging(request.query_params, default, maximum)


def _json(body: dict[str, Any], headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(body, headers=headers)


async def get_user(request: Request) -> Response:
    return _json({"id": _connection(request).user_id})


async def get_vehicles(request: Request) -> Response:
    connection = _connection(request)
    limit, offset = _paging(request, *VEHICLES_PAGE)
    return _json(wire.page("vehicles", connection.vehicle_ids, offset, limit))
