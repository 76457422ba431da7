"""An API v2 vehicle read, free of HTTP: the checks every read passes (permission,
capability, test-mode trigger), its body and `sc-*` headers, and the read as one item of a
batch (https://smartcar.com/docs/api-reference/batch). `POST /vehicles/{id}/batch` and a
v2 `scheduled` webhook's `data[]` are lists of such items, so a scheduled delivery reads
exactly what the batch endpoint would at the same clock time, through the same
connection, each error inside its item.
"""

from __future__ import annotations

import dataclasses
from typing import Any
from urllib.parse import parse_qsl

from mockcar.domain.connect.test_accounts import triggered_error
from mockcar.domain.vehicles import capabilities
from mockcar.domain.vehicles.vehicle import Vehicle
from mockcar.domain.world.world import require_permission
from mockcar.errors import SmartcarError
from mockcar.wire.errors import error_body, error_headers
from mockcar.wire.v2 import vehicle_responses as wire
from mockcar.wire.v2.context import Context
from mockcar.wire.v2.endpoint_table import READS, Headers, Read
from mockcar.wire.v2.make_endpoint_table import BRAND_READS

ALL_READS: tuple[Read, ...] = READS + BRAND_READS
READS_BY_PATH: dict[str, Read] = {read.path: read for read in ALL_READS}


def guard(target: capabilities.Endpoint, vehicle: Vehicle, ctx: Context) -> None:
    """Permission, capability, test-mode trigger, in that order
    (https://smartcar.com/docs/api-reference/permissions,
    https://smartcar.com/docs/errors/testing-errors)."""
    connection = ctx.connection
    if target.permission is not None:
        require_permission(connection, target.permission)
    capabilities.require_capable(vehicle, target, vehicle.id)
    if connection.error_trigger is not None and not target.static:
        raise triggered_error(connection.error_trigger, connection.owner_email or "email",
                              connection.client_id, vehicle.id)


def render(read: Read, vehicle: Vehicle, ctx: Context) -> tuple[Any, dict[str, str]]:
    """A read's body and its `sc-*` headers
    (https://smartcar.com/docs/api-reference/headers), from the vehicle as it reads at
    the context's time, so the body and `sc-data-age` agree."""
    vehicle = vehicle.at(ctx.now)
    body = read.render(vehicle, ctx)
    headers: dict[str, str] = {}
    if read.headers is not Headers.STATIC:
        headers |= wire.data_headers(vehicle, ctx.now)
    if read.headers is Headers.UNITS:
        headers |= wire.unit_header(ctx.units)
    return body, headers


def normalise(raw: str) -> tuple[str, str, dict[str, str]]:
    """(echoed path, table path, query): `odometer/` → (`/odometer`, `/odometer`),
    `/` and `` → (`/`, ``, the attributes)."""
    path, _, query = raw.partition("?")
    stripped = path.strip().strip("/")
    table_path = f"/{stripped}" if stripped else ""
    return table_path or "/", table_path, dict(parse_qsl(query))


def batch_item(vehicle: Vehicle, ctx: Context, raw: str, request_id: str) -> dict[str, Any]:
    """`{path, code, body, headers}` for the read `raw` names: the three SDKs' parsers
    need `path` echoed with a leading slash, `code` an integer status, and a `headers`
    object on every item (the read's `sc-*` headers for a 200, `{}` for an error, or its
    Retry-After under both `retry-after` (Node) and `Retry-After` (Python reads a plain
    dict with that casing)); an error body is a full v2 error carrying `request_id`."""
    echoed, table_path, query = normalise(raw)
    sub_ctx = dataclasses.replace(ctx, query=query)
    try:
        read = READS_BY_PATH.get(table_path)
        if read is None:
            raise _unknown(table_path)
        guard(read.target, vehicle, sub_ctx)
        body, headers = render(read, vehicle, sub_ctx)
        return {"path": echoed, "code": 200, "body": body, "headers": headers}
    except SmartcarError as error:
        sub_headers = error_headers(error)
        if error.retry_after is not None:
            sub_headers["Retry-After"] = str(error.retry_after)
        return {
            "path": echoed, "code": error.status,
            "body": error_body(error, request_id, origin=ctx.origin),
            "headers": sub_headers,
        }


def wrong_case_error(sub_path: str) -> SmartcarError:
    """Smartcar answers PERMISSION when a make-specific path spells the make in
    upper case."""
    make = sub_path.split("/")[1]
    return SmartcarError(
        "PERMISSION",
        message=f"Make-specific paths spell the make in lower case: use "
        f"'/{make.lower()}/...', not '/{make}/...'.",
    )


def lower_make_path(sub_path: str) -> str | None:
    """The endpoint path `sub_path` names with its make in the wrong case, if any."""
    segments = sub_path.split("/")
    if len(segments) < 3 or segments[1].lower() not in capabilities.BRAND_SEGMENTS:
        return None
    if segments[1] == segments[1].lower():
        return None
    return "/".join([segments[0], segments[1].lower(), *segments[2:]])


def _unknown(table_path: str) -> SmartcarError:
    lowered = lower_make_path(table_path)
    if lowered is not None and lowered in READS_BY_PATH:
        return wrong_case_error(table_path)
    return SmartcarError(
        "RESOURCE_NOT_FOUND", "PATH",
        message=f"Batch serves the vehicle GET endpoints; {table_path or '/'} is not one.",
    )
