"""API v3 connections and users, for the application token
(https://smartcar.com/docs/api-reference/list-connections): list with `filter[userId]`,
`filter[vehicleId]`, `filter[vehicle.mode]` and JSON:API paging (`page[number]`,
default 1; `page[size]`, default 10, at most 100), get one, delete one (204), delete a
user and all their connections (204). An `sc-user-id` header on the list filters by that
user when `filter[userId]` is absent (a third-party note; Smartcar's pages do not say).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from mockcar.domain.world import user_connections
from mockcar.errors import SmartcarError
from mockcar.web.v3 import access
from mockcar.web.v3 import responses as wire
from mockcar.web.v3.vehicles import positive

PAGE_SIZE = (10, 100)  # default and maximum page[size]


def _filter(request: Request, name: str) -> str | None:
    value = request.query_params.get(f"filter[{name}]", "").strip()
    return value or None


async def list_connections(request: Request) -> Response:
    world, application = access.application(request)
    mode = _filter(request, "vehicle.mode")
    if mode is not None and mode not in user_connections.V3_MODES:
        raise SmartcarError(
            "VALIDATION", "PARAMETER",
            message=f"'filter[vehicle.mode]' must be live or simulated; got {mode[:20]!r}.",
            detail=[{"field": ["filter[vehicle.mode]"], "message": "must be live or simulated"}])
    default, maximum = PAGE_SIZE
    size = positive(request, "page[size]", default) or default
    if size > maximum:
        raise SmartcarError(
            "VALIDATION", "PARAMETER", message=f"'page[size]' is at most {maximum}.",
            detail=[{"field": ["page[size]"], "message": f"must be at most {maximum}"}])
    page = positive(request, "page[number]", 1) or 1
    user = _filter(request, "userId") or request.headers.get(access.USER_HEADER) or None
    found = user_connections.listing(world, application.client_id, user_id=user,
                                     vehicle_id=_filter(request, "vehicleId"), mode=mode)
    chosen = found[(page - 1) * size:page * size]
    items = [(c, world.vehicles.get(c.vehicle_id)) for c in chosen]
    return JSONResponse(wire.connections_page(items, page, size, len(found)))


async def get_connection(request: Request) -> Response:
    world, application = access.application(request)
    found = user_connections.find(world, application.client_id,
                                  str(request.path_params["connection_id"]))
    return JSONResponse({"data": wire.connection_resource(
        found, world.vehicles.get(found.vehicle_id))})


async def delete_connection(request: Request) -> Response:
    world, application = access.application(request)
    user_connections.delete(world, application.client_id,
                            str(request.path_params["connection_id"]))
    return Response(status_code=204)


async def delete_user(request: Request) -> Response:
    world, application = access.application(request)
    user_connections.delete_user(world, application.client_id,
                                 str(request.path_params["user_id"]))
    return Response(status_code=204)
