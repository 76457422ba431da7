"""`POST /vehicles/{id}/batch`: several reads in one request
(https://smartcar.com/docs/api-reference/batch).

Each sub-request runs the same guard as its own endpoint (permission, capability,
test-mode trigger) and its error stays inside its sub-response; only a failure of the
batch itself (token, vehicle, malformed body) is the response's error. Each
sub-response is a `batch_item` (mockcar.wire.v2.reads), the shape the three SDKs'
parsers need; error bodies carry the batch's request id.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from mockcar.errors import SmartcarError
from mockcar.web.errors import request_id
from mockcar.web.v2 import account as handlers
from mockcar.web.v2 import vehicle_endpoint as pipeline
from mockcar.wire.v2 import request_parsing as bodies
from mockcar.wire.v2.reads import batch_item

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
    responses = [batch_item(vehicle, ctx, raw, request_id(request)) for raw in paths]
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
