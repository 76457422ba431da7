"""How API v3's routes are served: one Starlette route per path taking every method, a
table of handlers by method; a wrong method is refused here in the v3 envelope
(mockcar.web.v3.errors), and a domain refusal or an unexpected bug by
mockcar.web.error_shapes in the same envelope, so no v2 body ever leaves a `/v3/` path. Paths answer with and without a trailing slash (the Node
SDK asks for `/v3/vehicles/{id}/`, Python for `/v3/vehicles/{id}`)."""

from __future__ import annotations

import re
from collections.abc import Mapping

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from mockcar.errors import SmartcarError
from mockcar.web.handler import Handler, with_operations
from mockcar.web.v3.errors import error_response

ALL_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]

__all__ = ["ALL_METHODS", "dispatch", "routes", "serve"]


def serve(table: Mapping[str, Handler]) -> Handler:
    """An endpoint dispatching on the method; 405 (with `Allow`) for any other."""
    allowed = ", ".join(table)

    async def endpoint(request: Request) -> Response:
        method = "GET" if request.method == "HEAD" else request.method
        handler = table.get(method)
        if handler is None:
            return _refuse(request, SmartcarError(
                "VALIDATION", message=f"{request.method} is not allowed on "
                f"{request.url.path}; use {allowed}."), 405, {"Allow": allowed})
        return await handler(request)

    endpoint.__name__ = endpoint.__qualname__ = "_".join(
        dict.fromkeys(h.__name__ for h in table.values()))
    return with_operations(endpoint, {m: h.__name__ for m, h in table.items()})


def dispatch(table: Mapping[tuple[str, str], Handler]) -> Handler:
    """One endpoint for every `(method, sub-path)` below `/v3/vehicles/{vehicle_id}`
    (`{name}` segments allowed), found by dictionary lookup. It sits in front of API
    v2's vehicle route (whose `/v{version}/vehicles/...` would match `/v3/...` too), so
    a v2 request pays for two route checks here, not one per v3 path."""
    exact: dict[str, dict[str, Handler]] = {}
    templates: list[tuple[re.Pattern[str], dict[str, Handler]]] = []
    for (method, path), handler in table.items():
        if "{" in path:
            pattern = re.compile(re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)",
                                        re.escape(path)))
            same = [m for p, m in templates if p.pattern == pattern.pattern]
            if not same:
                same.append({})
                templates.append((pattern, same[0]))
            same[0][method] = handler
        else:
            exact.setdefault(path, {})[method] = handler

    async def endpoint(request: Request) -> Response:
        sub_path = str(request.path_params.get("sub_path", "")).strip("/")
        sub_path = f"/{sub_path}" if sub_path else ""
        methods = exact.get(sub_path)
        if methods is None:
            for pattern, candidates in templates:
                found = pattern.fullmatch(sub_path)
                if found is not None:
                    request.path_params.update(found.groupdict())
                    methods = candidates
                    break
        if methods is None:
            return await not_found(request)
        handler = methods.get("GET" if request.method == "HEAD" else request.method)
        if handler is None:
            allowed = ", ".join(methods)
            return _refuse(request, SmartcarError(
                "VALIDATION", message=f"{request.method} is not allowed on "
                f"{request.url.path}; use {allowed}."), 405, {"Allow": allowed})
        return await handler(request)

    return endpoint


def _refuse(request: Request, error: SmartcarError, status: int | None = None,
            headers: Mapping[str, str] | None = None) -> Response:
    return error_response(request, error, status, headers)


def routes(path: str, table: Mapping[str, Handler], *, slash: bool = True) -> list[BaseRoute]:
    endpoint = serve(table)
    found: list[BaseRoute] = [Route(path, endpoint, methods=ALL_METHODS, name=endpoint.__name__)]
    if slash:
        found.append(Route(path + "/", endpoint, methods=ALL_METHODS,
                           name=endpoint.__name__ + "_slash"))
    return found


async def not_found(request: Request) -> Response:
    raise SmartcarError(
        "RESOURCE_NOT_FOUND", "PATH",
        message=f"No API v3 route for {request.method} {request.url.path}: see "
        "/openapi.json for the /v3/ paths mockcar serves.")
