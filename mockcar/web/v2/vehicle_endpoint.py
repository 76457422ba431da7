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

Steps 2–4 (`guard`) and 6's reads (`render`) are HTTP-free, in mockcar.wire.v2.reads:
batch and scheduled webhooks run them per item and keep each error inside its item; the
batch waits once (`wait`).
"""

from __future__ import annotations

import asyncio

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from mockcar.domain.vehicles.units import UnitSystem
from mockcar.domain.vehicles.vehicle import Vehicle
from mockcar.domain.world.world import Connection
from mockcar.web import tenancy
from mockcar.web.handler import Handler
from mockcar.web.v2 import account as handlers
from mockcar.wire.v2 import request_parsing as bodies
from mockcar.wire.v2.context import Context
from mockcar.wire.v2.endpoint_table import COMMANDS, Command, Read
from mockcar.wire.v2.make_endpoint_table import BRAND_COMMANDS
from mockcar.wire.v2.reads import ALL_READS, guard, render, wrong_case_error

ALL_COMMANDS: tuple[Command, ...] = COMMANDS + BRAND_COMMANDS


def context(request: Request, connection: Connection) -> Context:
    return Context(
        units=UnitSystem.parse(request.headers.get("sc-unit-system")),
        now=handlers._world(request).now(),
        query=request.query_params,
        connection=connection,
        origin_of=lambda: str(request.base_url).rstrip("/"),
    )


async def wait(request: Request, vehicle: Vehicle, ctx: Context, *, static: bool) -> None:
    """Step 5. The delay is computed by the domain; the sleep is `app.state.sleep` when
    the app has one (tests put a recorder there), else asyncio's."""
    seconds = handlers._world(request).latency.delay(
        vehicle.id, vehicle.make, request.method, tenancy.endpoint(request), static=static,
        asleep=vehicle.at(ctx.now).state.asleep, now=ctx.now)
    if seconds > 0:
        await getattr(request.app.state, "sleep", asyncio.sleep)(seconds)


def read_handler(read: Read) -> Handler:
    """One handler per read row, named after its Smartcar operation."""
    target = read.target

    async def handler(request: Request) -> Response:
        connection = handlers._connection(request)
        vehicle = handlers._vehicle(request, connection)
        ctx = context(request, connection)
        # The vehicle as it reads at the request's time, computed once: a timeline
        # vehicle's state is walked here, and the wait and the body read this snapshot
        # (whose own `at` is the snapshot itself).
        vehicle = vehicle.at(ctx.now)
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


def wrong_case(sub_path: str) -> Handler:
    """A handler for `/{MAKE}/...`: authenticate as any endpoint does, then refuse."""

    async def handler(request: Request) -> Response:
        connection = handlers._connection(request)
        handlers._vehicle(request, connection)
        raise wrong_case_error(sub_path)

    return handler


HANDLERS: dict[tuple[str, str], Handler] = {
    **{("GET", read.path): read_handler(read) for read in ALL_READS},
    **{(c.method, c.path): command_handler(c) for c in ALL_COMMANDS},
}
