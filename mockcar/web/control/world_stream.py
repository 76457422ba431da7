"""A World as it changes, as server-sent events
(https://html.spec.whatwg.org/multipage/server-sent-events.html): the dashboard's live
views (a vehicle's page, the Vehicles list's states, the webhooks page, the clock
widget of every page) read it instead of polling, and so can a script (`curl -N`).

* `GET /_mockcar/stream`: the scenario World;
* `GET /_mockcar/applications/{client_id}/stream`: an application's, with its
  credentials, as every route under /applications/{client_id}/.

Query parameters say what to follow; the clock always comes:

    vehicle=<id or VIN>      `readings`, `timeline`, `connections`, `webhooks` (with
                             `limit` recent deliveries, 20 by default) and `faults`: what
                             GET …/vehicles/{id}/readings, /timeline, /connections,
                             /webhooks and GET …/faults answer
    vehicles=<id>,<id>,...   `states`: {"vehicles": [...]}, each as GET …/vehicles lists
                             it (at most 50; an id the World no longer has is left out)
    deliveries=<seq>         `deliveries`: {"deliveries": [...]}, the delivery attempts
                             after seq of the World's applications' webhooks (of the
                             application's only, under /applications/{client_id}/), as
                             GET …/applications/{client_id}/deliveries?since=seq lists them
    heartbeat=<seconds>      between keep-alive comments (15)

Each event's `data:` is that JSON, built by the same functions as those routes. All are
sent at connect, then each again only when it changed (looked at every `TICK` seconds,
and at once when the clock jumps):
`clock` when its time jumped (advanced, set, frozen, resumed or its speed changed), not
as it runs; `readings` when anything but `at`, the moment it was read, changed. When
the followed vehicle is gone (the World was reset without it), `missing` carries the
control API's 404 body, once; when the World itself is gone (its application deleted,
its credentials changed), `error` carries the error body and the stream ends.

A stream ends when its client goes away and when the server shuts down: the streams
are counted with the journal's (mockcar.web.control.journal_stream), which
`end_streams(app)` ends. These routes are not in the control operation table, for the
journal stream's reason: that table answers JSON, and the Postman tour, which runs every
route of it, cannot read a stream that does not end.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncGenerator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from mockcar.domain.vehicles.vehicle import Vehicle
from mockcar.domain.world import vehicle_listing
from mockcar.domain.world.world import World
from mockcar.web.control import responses as wire
from mockcar.web.control import schemas as s
from mockcar.web.control import vehicle_detail as control_vehicle
from mockcar.web.control import webhooks as control_webhooks
from mockcar.web.control import world as control_world
from mockcar.web.control.journal_stream import (
    HEARTBEAT_PARAMETER,
    RETRY_MS,
    EventStream,
    Stream,
    Streams,
    encode_event,
    get_only,
    heartbeat_of,
    stream_operation,
    streams_of,
)
from mockcar.web.control.operations import (
    APPLICATION_PREFIX,
    PREFIX,
    Context,
    ControlError,
    invalid,
    not_found,
)
from mockcar.web.control.routes import ALL_METHODS, aim
from mockcar.web.handler import with_operations

PATH = "/stream"
TICK = 1.0  # seconds between looks at the World
QUICK = 0.25  # seconds between looks at its clock alone: a jump is sent at once
MAX_VEHICLES = 50  # ids in `vehicles`: the Vehicles list's page
JUMP = 1.0  # World seconds the clock may stray from where running puts it
PARAMETERS = ("vehicle", "vehicles", "deliveries", "limit", "heartbeat")

Json = dict[str, Any]


@dataclass(frozen=True)
class Follow:
    """What one stream follows, from its query."""

    vehicle: str | None = None
    vehicles: tuple[str, ...] = ()
    deliveries: int | None = None  # attempts after this seq
    limit: int = control_vehicle.DELIVERIES_SHOWN


def _whole(name: str, raw: str, problems: list[str]) -> int:
    if not raw.isdigit() or len(raw) > 12:
        problems.append(f"{name}: must be a whole number")
        return 0
    return int(raw)


def follow_of(request: Request) -> Follow:
    """The stream's query, every problem with it at once (400)."""
    query = request.query_params
    problems = [f"{name}: unknown parameter" for name in sorted(set(query))
                if name not in PARAMETERS]
    vehicle = query.get("vehicle") or None
    vehicles: tuple[str, ...] = ()
    if query.get("vehicles"):
        vehicles = tuple(dict.fromkeys(v.strip() for v in query["vehicles"].split(",")
                                       if v.strip()))
        if len(vehicles) > MAX_VEHICLES:
            problems.append(f"vehicles: at most {MAX_VEHICLES} ids")
    deliveries = (_whole("deliveries", query["deliveries"], problems)
                  if query.get("deliveries") else None)
    limit = (_whole("limit", query["limit"], problems) if query.get("limit")
             else control_vehicle.DELIVERIES_SHOWN)
    if problems:
        raise invalid("The stream's parameters have problems; see `problems` (it takes "
                      + ", ".join(PARAMETERS) + ").", problems)
    return Follow(vehicle, vehicles, deliveries, limit)


def _vehicle(world: World, wanted: str) -> Vehicle | None:
    return world.vehicles.get(wanted) or world.vehicle_by_vin(wanted.upper())


def _missing(wanted: str) -> ControlError:
    return not_found(f"No vehicle {wanted!r} in this world (ids and VINs are listed by "
                     "GET …/vehicles).")


async def snapshot(context: Context, follow: Follow) -> dict[str, Json]:
    """Event name -> its JSON, as the World reads now."""
    world = context.target_world
    now = world.now()
    found: dict[str, Json] = {"clock": await control_world.get_clock(context)}
    if follow.vehicle is not None:
        vehicle = _vehicle(world, follow.vehicle)
        if vehicle is None:
            found["missing"] = _missing(follow.vehicle).body()
        else:
            found["readings"] = control_vehicle.readings_of(vehicle, now)
            found["timeline"] = control_vehicle.timeline_of(vehicle, now)
            found["connections"] = control_vehicle.connections_of(world, vehicle)
            found["webhooks"] = control_vehicle.webhooks_of(world, vehicle, follow.limit)
            found["faults"] = await control_world.list_faults(context)
    if follow.vehicles:
        # As the listing reads them: a fleet's vehicle is made, not kept (peek).
        found["states"] = {"vehicles": [
            wire.vehicle(vehicle.at(now), world.owner_of(vehicle.id))
            for wanted in follow.vehicles
            if (vehicle := vehicle_listing.peek(world, wanted)) is not None]}
    if follow.deliveries is not None:
        applications = ([context.application] if context.application is not None
                        else list(world.applications.values()))
        mine = {hook.id for application in applications
                for hook in world.applications[application.client_id].webhooks}
        found["deliveries"] = {"deliveries": [
            control_webhooks.attempt(a) for a in world.deliveries.attempts()
            if a.webhook_id in mine and a.seq > follow.deliveries]}
    return found


def _key(name: str, data: Json) -> str:
    """What must differ for `name` to be sent again."""
    if name == "readings":
        data = {k: v for k, v in data.items() if k != "at"}
    return json.dumps(data, sort_keys=True, separators=(",", ":"))


@dataclass
class _ClockSeen:
    now: datetime
    frozen: bool
    speed: float
    at: float  # time.monotonic() when read

    def jumped(self, clock: Json, moment: float) -> bool:
        if clock["frozen"] != self.frozen or clock["speed"] != self.speed:
            return True
        running = 0.0 if self.frozen else (moment - self.at) * self.speed
        expected = self.now.timestamp() + running
        return abs(_moment(clock["now"]).timestamp() - expected) > JUMP * max(1.0, self.speed)


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _changed(found: dict[str, Json], seen: dict[str, str],
             clock: _ClockSeen | None) -> tuple[list[tuple[str, Json]], _ClockSeen | None]:
    out: list[tuple[str, Json]] = []
    moment = time.monotonic()
    for name, data in found.items():
        if name == "clock":
            if clock is None or clock.jumped(data, moment):
                clock = _ClockSeen(_moment(data["now"]), data["frozen"], data["speed"], moment)
                out.append((name, data))
            continue
        key = _key(name, data)
        if seen.get(name) != key:
            seen[name] = key
            out.append((name, data))
    if "missing" not in found:
        seen.pop("missing", None)  # back: a later loss is told again
    else:
        for gone in ("readings", "timeline", "connections", "webhooks", "faults"):
            seen.pop(gone, None)  # back with the same values: sent again
    return out, clock


async def _wait(stream: Stream, world: World) -> bool:
    """Until the next look at the World: `TICK` seconds, or less when its clock jumps
    (its line, read every `QUICK` seconds, is a tuple compare). True: the stream was
    ended (the server shuts down: `Stream.end` marks it)."""
    line, due = world.clock.line(), time.monotonic() + TICK
    while (left := due - time.monotonic()) > 0:
        await asyncio.sleep(min(QUICK, left))
        if stream.ended:
            return True
        if world.clock.line() != line:
            return False
    return stream.ended


async def _events(context: Context, scoped: bool, follow: Follow, heartbeat: float,
                  streams: Streams) -> AsyncGenerator[bytes, None]:
    stream = Stream()
    streams.open.add(stream)
    try:
        yield f"retry: {RETRY_MS}\n: mockcar World\n\n".encode()
        seen: dict[str, str] = {}
        clock: _ClockSeen | None = None
        spoke = time.monotonic()  # when the last event or comment went
        while not stream.ended:
            try:
                aim(context, scoped)  # the World may have been replaced (reset, restore)
                found = await snapshot(context, follow)
            except ControlError as error:
                yield encode_event("error", error.body())
                break
            changed, clock = _changed(found, seen, clock)
            for name, data in changed:
                yield encode_event(name, data)
            if changed:
                spoke = time.monotonic()
            elif time.monotonic() - spoke >= heartbeat:
                yield b": keep-alive\n\n"
                spoke = time.monotonic()
            if await _wait(stream, context.target_world):
                break
    finally:
        streams.open.discard(stream)


SCENARIO, APPLICATION = "scenario", "application"


def _endpoint(which: str) -> Any:
    async def stream_world(request: Request) -> Response:
        get_only(request)
        context = Context(request, {}, request.app.state.tenants, request.app.state.scenarios)
        scoped = which == APPLICATION
        aim(context, scoped)
        follow, heartbeat = follow_of(request), heartbeat_of(request)
        if follow.vehicle is not None and _vehicle(context.target_world,
                                                   follow.vehicle) is None:
            raise _missing(follow.vehicle)
        streams = streams_of(request.app.state)
        streams.admit()
        return EventStream(_events(context, scoped, follow, heartbeat, streams))

    # Every method reaches it, so a wrong one gets the control API's 405, not the
    # catch-all's 404.
    return with_operations(stream_world, {"GET": "stream_world"})


stream_world = _endpoint(SCENARIO)
routes: list[BaseRoute] = [
    Route(PREFIX + PATH, stream_world, methods=ALL_METHODS),
    Route(APPLICATION_PREFIX + PATH, _endpoint(APPLICATION), methods=ALL_METHODS),
]


# -- OpenAPI ------------------------------------------------------------------------------

_DESCRIPTION = (
    "Server-sent events, each `data:` the JSON of a control route: `event: clock` (GET "
    "…/clock) at connect and when the clock jumps (advanced, set, frozen, resumed, its "
    "speed changed); with `vehicle`, `readings`, `timeline`, `connections`, `webhooks` "
    "(GET …/vehicles/{id}/…) and `faults` (GET …/faults); with `vehicles`, `states` "
    "(`{\"vehicles\": [...]}` as GET …/vehicles lists them); with `deliveries`, "
    "`deliveries` (as GET …/applications/{client_id}/deliveries?since=). Each is sent at "
    f"connect, then again only when it changed (looked at every {TICK:g} s, and at once "
    "when the clock jumps; `readings` apart from `at`). `event: missing` (the control API's 404 body) when the followed "
    "vehicle is gone; `event: error` (its error body) when the World is, and the stream "
    "ends. A `: keep-alive` comment after `heartbeat` seconds without an event."
)


def openapi() -> dict[str, Any]:
    """Both stream routes, for the document at /openapi.json to merge."""
    query = [
        ("vehicle", s.STRING, ("a vehicle's id or VIN: its readings, timeline, "
         "connections, webhooks and the faults")),
        ("vehicles", s.STRING, (f"vehicle ids, comma-separated (at most {MAX_VEHICLES}): "
         "their states")),
        ("deliveries", s.COUNT_NUMBER, "a delivery seq: the delivery attempts after it"),
        ("limit", s.COUNT_NUMBER, ("recent deliveries in the `webhooks` event "
         f"({control_vehicle.DELIVERIES_SHOWN})")),
        HEARTBEAT_PARAMETER,
    ]
    summary = ("The World live (clock, a vehicle, vehicles' states, deliveries), as "
               "server-sent events")
    return {"paths": {path: stream_operation(
        "mockcar_stream_world" + ("_of_application" if which == APPLICATION else ""),
        summary, _DESCRIPTION, query, which == APPLICATION)
        for path, which in ((PREFIX + PATH, SCENARIO), (APPLICATION_PREFIX + PATH, APPLICATION))}}


__all__ = ["PATH", "Follow", "follow_of", "openapi", "routes", "snapshot", "stream_world"]
