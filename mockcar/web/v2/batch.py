"""`POST /vehicles/{id}/batch`: several reads in one request
(https://smartcar.com/docs/api-reference/batch).

Each sub-request runs the same guard as its own endpoint (permission, capability,
test-mode trigger) and its error stays inside its sub-response; only a failure of the
batch itself (token, vehicle, malformed body) is the response's error. Rules the three
SDKs' parsers need:

* `path` echoed with a leading slash (`tires/pressure` → `/tires/pressure`, the
  attributes → `/`), `code` an integer HTTP status;
* a `headers` object on every sub-response: the read's `sc-*` headers for a 200, `{}`
  for an error, or its Retry-After under both `retry-after` (Node) and `Retry-After`
  (Python reads a plain dict with that casing);
* error bodies are full v2 error objects carrying the batch's request id.
"""

from __future__ import annotations

import dataclasses
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from mockcar.domain.vehicles.vehicle import Vehicle
from mockcar.errors import SmartcarError
from mockcar.web.errors import error_body, error_headers, request_id
from mockcar.web.v2 import account as handlers
from mockcar.web.v2 import request_parsing as bodies
from mockcar.web.v2 import vehicle_endpoint as pipeline
from mockcar.web.v2.context import Context

MAX_REQUESTS = 100  # a batch this long is a mistake, not a use


async def batch(request: Request) -> Response:
    connection = handlers._connection(request)
    vehicle = handlers._vehicle(request, connection)
    try:
        body = bodies.parse_json(await request.body())
    except SmartcarError:
        body = None  # answered as Smartcar does for any malformed batch: "requests" required
    paths = _paths(body)
    ctx = pipeline.context(request, connection)
    await pipeline.wait(request, vehicle, ctx, static=False)
    responses = [_sub_response(request, vehicle, ctx, raw) for raw in paths]
    return JSONResponse({"responses": responses})


def _paths(body: Any) -> list[str]:
    requests = body.get("requests") if isinstance(body, dict) else None
    if requests is None:
        raise SmartcarError(
            "VALIDATION", None, message='The body needs "requests": [{"path": "/odometer"}].',
            detail=[{"field": ["requests"], "message": '"requests" is required'}],
        )
    if not isinstance(requests, list) or not 1 <= len(requests) <= MAX_REQUESTS:
        raise SmartcarError(
            "VALIDATION", None,
            message=f'"requests" must be a list of 1 to {MAX_REQUESTS} {{"path": ...}}.',
            detail=[{"field": ["requests"],
                     "message": f'"requests" must contain 1 to {MAX_REQUESTS} items'}],
        )
    paths = []
    for index, item in enumerate(requests):
        path = item.get("path") if isinstance(item, dict) else None
        if not isinstance(path, str):
            raise SmartcarError(
                "VALIDATION", None, message=f'requests[{index}] needs a "path" string.',
                detail=[{"field": ["requests", index, "path"],
                         "message": '"path" is required'}],
            )
        paths.append(path)
    return paths


def normalise(raw: str) -> tuple[str, str, dict[str, str]]:
    """(echoed path, table path, query): `odometer/` → (`/odometer`, `/odometer`),
    `/` and `` → (`/`, ``, the attributes)."""
    path, _, query = raw.partition("?")
    stripped = path.strip().strip("/")
    table_path = f"/{stripped}" if stripped else ""
    return table_path or "/", table_path, dict(parse_qsl(query))


def _sub_response(request: Request, vehicle: Vehicle, ctx: Context, raw: str) -> dict[str, Any]:
    echoed, table_path, query = normalise(raw)
    sub_ctx = dataclasses.replace(ctx, query=query)
    try:
        read = pipeline.READS_BY_PATH.get(table_path)
        if read is None:
            raise _unknown(table_path)
        pipeline.guard(read.target, vehicle, sub_ctx)
        body, headers = pipeline.render(read, vehicle, sub_ctx)
        return {"path": echoed, "code": 200, "body": body, "headers": headers}
    except SmartcarError as error:
        sub_headers = error_headers(error)
        if error.retry_after is not None:
            sub_headers["Retry-After"] = str(error.retry_after)
        return {
            "path": echoed, "code": error.status,
            "body": error_body(error, request_id(request), origin=ctx.origin),
            "headers": sub_headers,
        }


def _unknown(table_path: str) -> SmartcarError:
    lowered = pipeline.lower_make_path(table_path)
    if lowered is not None and lowered in pipeline.READS_BY_PATH:
        return pipeline.wrong_case_error(table_path)
    return SmartcarError(
        "RESOURCE_NOT_FOUND", "PATH",
        message=f"Batch serves the vehicle GET endpoints; {table_path or '/'} is not one.",
    )
