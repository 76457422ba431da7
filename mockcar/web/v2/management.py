"""Management API v2.0: an application's vehicle connections, listed and deleted
(https://smartcar.com/docs/api-reference/management/get-vehicle-connections,
https://smartcar.com/docs/api-reference/management/delete-vehicle-connections), at
`/v{version}/management/connections` with and
without the trailing slash Python sends.

Authorized by `Basic base64("default:" + <application management token>)`; the token
decides which application's connections are seen.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from mockcar.domain.world import connections
from mockcar.domain.world.world import Mode
from mockcar.errors import SmartcarError
from mockcar.web.handler import with_operations
from mockcar.web.v2 import credentials
from mockcar.web.v2 import platform_responses as wire_platform

PATH = "/v{version}/management/connections"


def _query(request: Request, name: str) -> str | None:
    value = request.query_params.get(name)
    return value if value else None


def _limit(request: Request) -> int:
    default, maximum = connections.LIST_LIMIT
    raw = _query(request, "limit")
    if raw is None:
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= maximum:
        raise SmartcarError(
            "VALIDATION", "PARAMETER",
            message=f"'limit' must be an integer from 1 to {maximum}; got {raw[:20]!r}.",
            detail=[{"field": ["limit"], "message": f"must be between 1 and {maximum}"}],
        )
    return int(raw)


def _mode(request: Request) -> str | None:
    mode = _query(request, "mode")
    if mode is not None and mode not in Mode.ALL:
        raise SmartcarError(
            "VALIDATION", "PARAMETER",
            message=f"'mode' must be one of {', '.join(Mode.ALL)}; got {mode[:20]!r}.",
            detail=[{"field": ["mode"], "message": f"must be one of {', '.join(Mode.ALL)}"}],
        )
    return mode


async def get_connections(request: Request) -> Response:
    """Newest first, one entry per (connection, vehicle); `paging.cursor` leads on."""
    world, application = credentials.basic_management_token(request)
    found = connections.entries(
        world, application.client_id, user_id=_query(request, "user_id"),
        vehicle_id=_query(request, "vehicle_id"), mode=_mode(request),
    )
    page = connections.page(found, _limit(request), _query(request, "cursor"))
    return JSONResponse(wire_platform.connections_page(page))


async def delete_connections(request: Request) -> Response:
    """By `vehicle_id` (every user's connection to it), `user_id` (all their vehicles)
    or both (that pair); the SDKs send one, Smartcar's docs allow both."""
    world, application = credentials.basic_management_token(request)
    ended = connections.delete(
        world, application.client_id, user_id=_query(request, "user_id"),
        vehicle_id=_query(request, "vehicle_id"),
    )
    return JSONResponse(wire_platform.deleted_connections(ended))


async def management_connections(request: Request) -> Response:
    # One route for both methods, so a third method's 405 names both in `Allow`.
    if request.method == "DELETE":
        return await delete_connections(request)
    return await get_connections(request)


with_operations(management_connections, {"GET": get_connections.__name__,
                                          "DELETE": delete_connections.__name__})

routes: list[BaseRoute] = [
    Route(PATH, management_connections, methods=["GET", "DELETE"],
          name="management_connections"),
    Route(PATH + "/", management_connections, methods=["GET", "DELETE"],
          name="management_connections_slash"),
]
