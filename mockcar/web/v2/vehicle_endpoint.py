"""The path every vehicle endpoint takes, in order:

1. version segment and bearer token (`handlers._connection`), the vehicle the token
   covers (`handlers._vehicle`);
2. the endpoint's permission → 403 PERMISSION naming it
   (https://smartcar.com/docs/api-reference/permissions);
3. the vehicle's capability → 501 COMPATIBILITY (mockcar.domain.vehicles.capabilities);
4. a test-mode error trigger on the connection (`TYPE.CODE@smartcar.com`,
   https://smartcar.com/docs/errors/testing-errors) →
   that error, except on static endpoints;
5. the World's latency (mockcar.domain.world.latency): the request waits as the scenario
   says (none by default), and an asleep vehicle wakes slowly or answers ASLEEP;
6. the read or the command, whose domain rules may still refuse (409 VEHICLE_STATE).

`guard` and `render` are shared with batch, which runs steps 2–4 and 6 per sub-request
and keeps each error inside its sub-response; the batch waits once (`wait`).
"""

from __future__ import annotations

import asyncio
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from mockcar.domain.connect.test_accounts import triggered_error
from mockcar.domain.vehicles import capabilities
from mockcar.domain.vehicles.units import UnitSystem
from mockcar.domain.vehicles.vehicle import Vehicle
from mockcar.domain.world.world import Connection, require_permission
from mockcar.errors import SmartcarError
from mockcar.web import tenancy
from mockcar.web.handler import Handler
from mockcar.web.v2 import account as handlers
from mockcar.web.v2 import request_parsing as bodies
from mockcar.web.v2 import vehicle_responses as wire
from mockcar.web.v2.context import Context
from mockcar.web.v2.endpoint_table import COMMANDS, READS, Command, Headers, Read
from mockcar.web.v2.make_endpoint_table import BRAND_COMMANDS, BRAND_READS

ALL_READS: tuple[Read, ...] = READS + BRAND_READS
ALL_COMMANDS: tuple[Command, ...] = COMMANDS + BRAND_COMMANDS
READS_BY_PATH: dict[str, Read] = {read.path: read for read in ALL_READS}


def context(request: Request, connection: Connection) -> Context:
    return Context(
        units=UnitSystem.parse(request.headers.get("sc-unit-system")),
        now=handlers._world(request).now(),
        query=request.query_params,
        connection=connection,
        request=request,
    )


def guard(target: capabilities.Endpoint, vehicle: Vehicle, ctx: Context) -> None:
    """Steps 2–4: permission, capability, test-mode trigger."""
    connection = ctx.connection
    if target.permission is not None:
        require_permission(connection, target.permission)
    capabilities.require_capable(vehicle, target, vehicle.id)
    if connection.error_trigger is not None and not target.static:
        raise triggered_error(connection.error_trigger, connection.owner_email or "email",
                              connection.client_id, vehicle.id)


async def wait(request: Request, vehicle: Vehicle, ctx: Context, *, static: bool) -> None:
    """Step 5. The delay is computed by the domain; the sleep is `app.state.sleep` when
    the app has one (tests put a recorder there), else asyncio's."""
    seconds = handlers._world(request).latency.delay(
        vehicle.id, vehicle.make, request.method, tenancy.endpoint(request), static=static,
        asleep=vehicle.at(ctx.now).state.asleep, now=ctx.now)
    if seconds > 0:
        await getattr(request.app.state, "sleep", asyncio.sleep)(seconds)


def render(read: Read, vehicle: Vehicle, ctx: Context) -> tuple[Any, dict[str, str]]:
    """A read's body and its `sc-*` headers (https://smartcar.com/docs/api-reference/headers), from
    the vehicle as it
    reads at the request's time, so the body and `sc-data-age` agree."""
    vehicle = vehicle.at(ctx.now)
    body = read.render(vehicle, ctx)
    headers: dict[str, str] = {}
    if read.headers is not Headers.STATIC:
        headers |= wire.data_headers(vehicle, ctx.now)
    if read.headers is Headers.UNITS:
        headers |= wire.unit_header(ctx.units)
    return body, headers


def read_handler(read: Read) -> Handler:
    """One handler per read row, named after its Smartcar operation."""
    target = read.target

    async def handler(request: Request) -> Response:
        connection = handlers._connection(request)
        vehicle = handlers._vehicle(request, connection)
        ctx = context(request, connection)
        guard(target, vehicle, ctx)
        await wait(request, vehicle, ctx, static=target.static)
        body, headers = render(read, vehicle, ctx)
        return JSONResponse(body, headers=headers)

    handler.__name__ = handler.__qualname__ = read.operation
    return handler


def command_handler(command: Command) -> Handler:
    """One handler per command row: the guard first, then the body, then the vehicle,
    whose state may refuse."""
    target = command.target

    async def handler(request: Request) -> Response:
        connection = handlers._connection(request)
        vehicle = handlers._vehicle(request, connection)
        ctx = context(request, connection)
        guard(target, vehicle, ctx)
        body = bodies.parse_json(await request.body())
        await wait(request, vehicle, ctx, static=False)
        return JSONResponse(command.execute(vehicle, body, ctx))

    handler.__name__ = handler.__qualname__ = command.operation
    return handler


def wrong_case_error(sub_path: str) -> SmartcarError:
    """Smartcar answers PERMISSION when a make-specific path spells the make in
    upper case (https://smartcar.com/docs/api-reference/about-brand-specific)."""
    make = sub_path.split("/")[1]
    return SmartcarError(
        "PERMISSION",
        message=f"Make-specific paths spell the make in lower case: use "
        f"'/{make.lower()}/...', not '/{make}/...'.",
    )


def wrong_case(sub_path: str) -> Handler:
    """A handler for `/{MAKE}/...`: authenticate as any endpoint does, then refuse."""

    async def handler(request: Request) -> Response:
        connection = handlers._connection(request)
        handlers._vehicle(request, connection)
        raise wrong_case_error(sub_path)

    return handler


def lower_make_path(sub_path: str) -> str | None:
    """The endpoint path `sub_path` names with its make in the wrong case, if any."""
    segments = sub_path.split("/")
    if len(segments) < 3 or segments[1].lower() not in capabilities.BRAND_SEGMENTS:
        return None
    if segments[1] == segments[1].lower():
        return None
    return "/".join([segments[0], segments[1].lower(), *segments[2:]])


HANDLERS: dict[tuple[str, str], Handler] = {
    **{("GET", read.path): read_handler(read) for read in ALL_READS},
    **{(c.method, c.path): command_handler(c) for c in ALL_COMMANDS},
}
