"""API v2.0 handlers: authenticate, find the vehicle, check the permission, call the
domain, serialize with `wire`. Domain errors propagate to the app's error handler."""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from mockcar.domain.units import UnitSystem
from mockcar.domain.vehicle import Vehicle
from mockcar.domain.world import Connection, World, require_permission
from mockcar.errors import SmartcarError
from mockcar.web import tenancy
from mockcar.web.v2 import wire
from mockcar.web.v2.endpoints import Command, Headers, Read

Handler = Callable[[Request], Awaitable[Response]]

VERSION = re.compile(r"\d+\.\d+")
VEHICLES_PAGE = (10, 50)  # default and maximum `limit` of GET /vehicles
PERMISSIONS_PAGE = (25, 100)


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
    return _world(request).vehicle_for(connection, request.path_params["vehicle_id"])


def _paging(request: Request, default: int, maximum: int) -> tuple[int, int]:
    def number(name: str, fallback: int, low: int, high: int) -> int:
        raw = request.query_params.get(name)
        if raw is None or raw == "":
            return fallback
        if not raw.isdigit() or not low <= int(raw) <= high:
            raise SmartcarError(
                "VALIDATION", "PARAMETER",
                message=f"'{name}' must be an integer from {low} to {high}.",
                detail=[{"field": [name], "message": f"must be between {low} and {high}"}],
            )
        return int(raw)

    return number("limit", default, 1, maximum), number("offset", 0, 0, 10**9)


def _json(body: dict[str, Any], headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(body, headers=headers)


async def get_user(request: Request) -> Response:
    return _json({"id": _connection(request).user_id})


async def get_vehicles(request: Request) -> Response:
    connection = _connection(request)
    limit, offset = _paging(request, *VEHICLES_PAGE)
    return _json(wire.page("vehicles", connection.vehicle_ids, offset, limit))


async def get_permissions(request: Request) -> Response:
    connection = _connection(request)
    _vehicle(request, connection)
    limit, offset = _paging(request, *PERMISSIONS_PAGE)
    return _json(wire.page("permissions", connection.permissions, offset, limit))


def read_handler(read: Read) -> Handler:
    """One handler per row of the read table, named after its Smartcar operation."""

    async def handler(request: Request) -> Response:
        connection = _connection(request)
        vehicle = _vehicle(request, connection)
        require_permission(connection, read.permission)
        system = UnitSystem.parse(request.headers.get("sc-unit-system"))
        body = read.render(vehicle, system)
        headers: dict[str, str] = {}
        if read.headers is not Headers.STATIC:
            headers |= wire.data_headers(vehicle, _world(request).now())
        if read.headers is Headers.UNITS:
            headers |= wire.unit_header(system)
        return _json(body, headers)

    handler.__name__ = handler.__qualname__ = read.operation
    return handler


async def _action(request: Request, allowed: tuple[str, ...]) -> str:
    """The `action` of a command body, or VALIDATION naming what is accepted."""
    try:
        body = json.loads(await request.body() or b"null")
    except (ValueError, UnicodeDecodeError):
        body = None
    action = body.get("action") if isinstance(body, dict) else None
    if action not in allowed:
        raise SmartcarError(
            "VALIDATION", None,
            message=f"The JSON body needs \"action\": one of {', '.join(allowed)}.",
            detail=[{"field": ["action"], "message": f"must be one of {', '.join(allowed)}"}],
        )
    return str(action)


def command_handler(command: Command) -> Handler:
    """One handler per command row: check the body's action against the row, then the
    permission, then let the vehicle act (its state may refuse)."""

    async def handler(request: Request) -> Response:
        connection = _connection(request)
        vehicle = _vehicle(request, connection)
        action = await _action(request, tuple(command.actions))
        require_permission(connection, command.permission)
        command.actions[action](vehicle, _world(request).now())
        return _json(wire.ACTION_SUCCESS)

    handler.__name__ = handler.__qualname__ = command.operation
    return handler
