"""Smartcar Vehicle API v2.0 under `/v{major}.{minor}/`.

Every path answers with and without a trailing slash: the SDKs use both, and
Starlette's redirect hop would cost a round trip. Vehicle endpoints share one
route and are found in a table by (method, sub-path), so a read costs one dictionary
lookup however many endpoints there are.
"""

from __future__ import annotations

import re

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from mockcar.web.handler import Handler
from mockcar.web.v2 import account as handlers
from mockcar.web.v2 import application as webhooks
from mockcar.web.v2 import batch
from mockcar.web.v2 import vehicle_endpoint as pipeline
from mockcar.wire.v2 import reads

PREFIX = "/v{version}"
VEHICLE = PREFIX + "/vehicles/{vehicle_id}"

VEHICLE_ENDPOINTS: dict[tuple[str, str], Handler] = {
    **pipeline.HANDLERS,
    ("POST", "/batch"): batch.batch,
    **webhooks.ENDPOINTS,
}
VEHICLE_PATHS = frozenset(path for _, path in VEHICLE_ENDPOINTS)
# Sub-paths with a `{name}` segment (webhooks), tried only when no exact path matches.
TEMPLATES = tuple(
    (re.compile(re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(path))), path)
    for path in sorted(p for p in VEHICLE_PATHS if "{" in p)
)


def _template(request: Request, sub_path: str) -> str:
    """The table path `sub_path` falls under, with its `{name}` values put in
    `request.path_params`; `sub_path` itself when no template matches."""
    for pattern, path in TEMPLATES:
        found = pattern.fullmatch(sub_path)
        if found:
            request.path_params.update(found.groupdict())
            return path
    return sub_path.replace("{", "%7B")  # a literal "{name}" segment names no endpoint


async def vehicle_endpoint(request: Request) -> Response:
    sub_path = request.path_params.get("sub_path", "").strip("/")
    sub_path = f"/{sub_path}" if sub_path else ""
    if sub_path not in VEHICLE_PATHS or "{" in sub_path:
        sub_path = _template(request, sub_path)
    handler = VEHICLE_ENDPOINTS.get((request.method, sub_path))
    if handler is not None:
        return await handler(request)
    if sub_path in VEHICLE_PATHS:
        allowed = sorted(method for method, path in VEHICLE_ENDPOINTS if path == sub_path)
        raise HTTPException(405, headers={"Allow": ", ".join(allowed)})
    lowered = reads.lower_make_path(sub_path)
    if lowered is not None and (request.method, lowered) in VEHICLE_ENDPOINTS:
        return await pipeline.wrong_case(sub_path)(request)
    raise HTTPException(404)


def _both(path: str, endpoint: Handler, methods: list[str]) -> list[BaseRoute]:
    return [
        Route(path, endpoint, methods=methods, name=endpoint.__name__),
        Route(path + "/", endpoint, methods=methods, name=endpoint.__name__ + "_slash"),
    ]


ALL_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]

routes: list[BaseRoute] = [
    # Sub-paths first: nearly every request is one, and routes are tried in order.
    Route(VEHICLE + "/{sub_path:path}", vehicle_endpoint, methods=ALL_METHODS,
          name="vehicle_endpoint"),
    Route(VEHICLE, vehicle_endpoint, methods=ALL_METHODS, name="vehicle"),
    *_both(PREFIX + "/vehicles", handlers.get_vehicles, ["GET"]),
    *_both(PREFIX + "/user", handlers.get_user, ["GET"]),
]
