"""API v2's vehicle reads on the fast path: `GET /v2.0/vehicles/{id}/<read>` with a
bearer access token, answered 200 exactly as mockcar.web.v2.vehicle_endpoint answers it
(the same table rows, permission and capability rules, renderers and `sc-*` headers),
or None whenever that path could answer anything else or change anything.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import NamedTuple

from mockcar.domain.vehicles import capabilities
from mockcar.domain.vehicles.units import UnitSystem
from mockcar.domain.vehicles.vehicle import Vehicle
from mockcar.domain.world.latency import IDEAL
from mockcar.domain.world.world import World
from mockcar.web.fast_reads.encoding import Milliseconds, Timestamps, json_bytes
from mockcar.web.fast_reads.quiet import quiet
from mockcar.wire.v2.context import Context
from mockcar.wire.v2.endpoint_table import Headers, Read
from mockcar.wire.v2.reads import ALL_READS

# A read's body and its `sc-*` headers.
Rendered = tuple[bytes, list[tuple[bytes, bytes]]]
# Those, the seconds the World's latency makes the request wait, and after a wait how
# to read it again (None: it cannot be answered here).
Answer = tuple[bytes, list[tuple[bytes, bytes]], float,
               Callable[[], Rendered | None] | None]

PREFIX = "/v2.0/vehicles/"
# The battery-capacity selector's URL is built from the request's origin; the Starlette
# path knows it.
_NEEDS_ORIGIN = frozenset({"/battery/nominal_capacity"})
_NO_QUERY: Mapping[str, str] = {}
# Module globals, not `Headers.X`: an Enum class's attribute goes through EnumType's
# __getattr__ hook first (Python 3.11).
_STATIC, _UNITS, _METRIC = Headers.STATIC, Headers.UNITS, UnitSystem.METRIC
_UNIT_HEADER = {system: (b"sc-unit-system", system.value.encode()) for system in UnitSystem}
# A vehicle's data time changes when its state does; `now` changes every request unless
# the World's clock is frozen, and its text every millisecond.
_DATA_AGE = Timestamps(b"sc-data-age", 256)
_FETCHED_AT = Milliseconds(b"sc-fetched-at")


@dataclass(frozen=True, slots=True)
class _Row:
    read: Read
    target: capabilities.Endpoint


# Table path ("" for the attributes, "/odometer", "/tesla/charge/records" ...) -> row.
ROWS: dict[str, _Row] = {read.path: _Row(read, read.target) for read in ALL_READS
                         if read.path not in _NEEDS_ORIGIN}


def _origin() -> str:
    raise LookupError("the fast path serves no read that needs the request's origin")


class Route(NamedTuple):
    """What a read's path says, worked out once per path (gate.route): it follows from
    the path's text and the read table, which never change."""

    vehicle_id: str
    table_path: str
    row: _Row


def route(path: str) -> Route | None:
    """The route of `/v2.0/vehicles/{id}[/{read}][/]` for a read of the table, or None
    for any other spelling (doubled slashes, an empty id), which the Starlette path
    reads."""
    rest = path[len(PREFIX):]
    if not rest or "//" in rest:
        return None
    if rest[-1] == "/":
        rest = rest[:-1]
    vehicle_id, slash, sub = rest.partition("/")
    if not vehicle_id:
        return None
    table_path = "/" + sub if slash else ""
    row = ROWS.get(table_path)
    return None if row is None else Route(vehicle_id, table_path, row)


def answer(world: World, token: str, route: Route,
           units_header: bytes | None) -> Answer | None:
    """A 200's body, headers (before `x-content-type-options` and `sc-request-id`) and
    wait, or None."""
    vehicle_id, table_path, row = route
    issued = world.tokens_by_access.get(token)
    now = world.now()
    if issued is None or not issued.access_valid(now):
        return None
    connection = world.connections.get(issued.connection_id)
    if connection is None or not quiet(world):
        return None
    if vehicle_id not in connection.vehicle_ids:
        return None
    target = row.target
    if target.permission is not None and target.permission not in connection.permissions:
        return None
    if connection.error_trigger is not None and not target.static:
        return None
    try:
        vehicle = world.vehicles[vehicle_id].at(now)
    except KeyError:  # not in the World (any more)
        return None
    if capabilities.reason(vehicle, target) is not None:
        return None
    units = UnitSystem.parse(units_header.decode("latin-1")) if units_header else \
        _METRIC
    # `Context(units, now, {}, connection, ...)`, filled in directly: a frozen
    # dataclass's `__init__` sets each field through `object.__setattr__`.
    context = object.__new__(Context)
    context.__dict__.update(units=units, now=now, query=_NO_QUERY, connection=connection,
                            origin_of=_origin)
    # _render, on the vehicle already read at `now`.
    read = row.read
    body = json_bytes(read.render(vehicle, context))
    if body is None:
        return None
    headers: list[tuple[bytes, bytes]] = []
    if read.headers is not _STATIC:
        headers.append(_DATA_AGE(vehicle.updated_at))
        headers.append(_FETCHED_AT(now))
        if read.headers is _UNITS:
            headers.append(_UNIT_HEADER[units])
    rendered = body, headers
    # Once nothing can fall back any more: the World's latency, as
    # mockcar.web.v2.vehicle_endpoint.wait asks it (it may draw a delay, or wake the
    # car); where it would refuse an asleep car, before changing anything, the Starlette
    # path answers that.
    latency = world.latency
    if not (latency.by_vehicle or latency.by_make or latency.by_fleet
            or latency.default.mode != IDEAL or vehicle.state.asleep):
        return (*rendered, 0.0, None)  # what `delay` answers: an ideal policy, a car awake
    if vehicle.state.asleep and not target.static and latency.sleep.mode != "wake":
        return None
    seconds = latency.delay(vehicle.id, vehicle.make, "GET", table_path or "/",
                            static=target.static, asleep=vehicle.state.asleep, now=now)
    # After a wait, the body is read again, as the Starlette path reads it after waiting.
    return (*rendered, seconds, partial(_render, read, vehicle, context))


def _render(read: Read, vehicle: Vehicle, context: Context) -> Rendered | None:
    """mockcar.wire.v2.reads.render as bytes, its timestamps remembered."""
    vehicle = vehicle.at(context.now)
    body = json_bytes(read.render(vehicle, context))
    if body is None:
        return None
    headers: list[tuple[bytes, bytes]] = []
    if read.headers is not _STATIC:
        headers.append(_DATA_AGE(vehicle.updated_at))
        headers.append(_FETCHED_AT(context.now))
        if read.headers is _UNITS:
            headers.append(_UNIT_HEADER[context.units])
    return body, headers
