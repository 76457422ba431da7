"""The OpenAPI 3.1 document of mockcar's whole HTTP surface, at `GET /openapi.json`.

It is generated from the route tables, so it cannot drift from what is served:

* every `Route` of the app becomes a path, each of its methods an operation documented
  in `mockcar.web.docs.openapi.operations.OPERATIONS` (or by a contributor, below);
* the vehicle dispatcher's two routes are expanded into one path per entry of
  `mockcar.web.v2.VEHICLE_ENDPOINTS`, documented by `mockcar.web.docs.openapi.vehicle_endpoints`
  (permission from the capability table, `sc-*` headers from the read tables);
* body schemas are the components of `mockcar.web.docs.openapi.schemas`.

A route or dispatcher entry nobody documents is still listed, under the top-level
`x-mockcar-undocumented`, and a test requires that list to be empty. Routes whose
methods all answer (Connect's pages, the token endpoint: a wrong method gets that
surface's own error page) document only their meaningful methods; a catch-all route
(`{rest:path}`) nobody documents is described as the 404 it answers.

Contributors: a module whose functions serve routes of the app (the control API under
`/_mockcar/`) may document them itself with a module-level `openapi()` returning
`{"paths": {...}, "components": {"schemas": {...}, "securitySchemes": {...}}}` in OpenAPI
form; it is found through the routes and merged as given, including paths it serves
behind a dispatcher route of its own (API v3's vehicle endpoints).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable, Mapping
from functools import cache
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from mockcar.web import guard, persistence, v2

# The model (and the tables drawn with it) is imported by the functions that build the
# document: a server imports this module for its route, and most never serve it.
if TYPE_CHECKING:
    from mockcar.web.docs.openapi.model import Operation

PATH = "/openapi.json"
# A route serving at least this many methods answers wrong ones itself: only the
# documented methods of such a route count.
CATCH_ALL_METHODS = 5

SECURITY_SCHEMES: dict[str, dict[str, str]] = {
    "accessToken": {"type": "http", "scheme": "bearer",
                    "description": "The owner's access token from /oauth/token."},
    "managementToken": {"type": "http", "scheme": "bearer",
                        "description": "The application management token (AMT), as a "
                        "bearer token: webhook unsubscribe only."},
    "clientBasic": {"type": "http", "scheme": "basic",
                    "description": "client_id:client_secret (token endpoint, "
                    "Compatibility API)."},
    "managementBasic": {"type": "http", "scheme": "basic",
                        # Markdown: a bare <…> would be read as an HTML tag and dropped.
                        "description": "`default:<application management token>` "
                        "(Management API): username `default`, password the token."},
}

@cache
def headers() -> dict[str, dict[str, Any]]:
    """The response headers operations name."""
    from mockcar.web.docs.openapi.model import TIMESTAMP, enum

    return {
        "sc-request-id": {"description": "UUID v4 of this request; equals an error's requestId.",
                          "required": True, "schema": {"type": "string", "format": "uuid"}},
        "sc-data-age": {"description": "When the vehicle recorded the data.", "required": True,
                        "schema": TIMESTAMP},
        "sc-fetched-at": {"description": "When mockcar read the vehicle.", "required": True,
                          "schema": TIMESTAMP},
        "sc-unit-system": {"description": "The units of this body.", "required": True,
                           "schema": enum("metric", "imperial")},
        "location": {"description": "Where to go next.", "required": True,
                     "schema": {"type": "string"}},
    }


PATH_PARAMETERS: dict[str, dict[str, Any]] = {
    "version": {"type": "string", "pattern": r"^\d+\.\d+$",
                "description": "API version, e.g. 2.0; /v1.x/ answers errors in the v1 "
                "shape."},
}

_CONVERTOR = re.compile(r"\{(\w+):\w+\}")


def openapi_path(route_path: str) -> str:
    """Starlette's `{rest:path}` is OpenAPI's `{rest}`."""
    return _CONVERTOR.sub(r"{\1}", route_path)


def document(routes: Iterable[BaseRoute], server_url: str | None = None) -> dict[str, Any]:
    """The whole document for an app's routes."""
    # The tables are imported here, when /openapi.json is first asked for: serving
    # anything else never needs them.
    from mockcar.web.docs.openapi.operations import OPERATIONS
    from mockcar.web.docs.openapi.schemas import SCHEMAS

    paths: dict[str, dict[str, Any]] = {}
    undocumented: list[str] = []
    components: dict[str, dict[str, Any]] = {"schemas": dict(SCHEMAS),
                                              "securitySchemes": dict(SECURITY_SCHEMES)}
    contributed: dict[str, dict[str, Any]] = {}
    served = [r for r in routes if isinstance(r, Route)]
    for contribute in _contributors(served):
        part = contribute()
        for path, item in part.get("paths", {}).items():
            contributed.setdefault(path, {}).update(item)
        for kind, entries in part.get("components", {}).items():
            components.setdefault(kind, {}).update(entries)
    dispatched = False
    for route in served:
        if route.endpoint is v2.vehicle_endpoint:
            if not dispatched:
                dispatched = True
                _vehicle_paths(paths, undocumented)
            continue
        path = openapi_path(route.path)
        methods = sorted((route.methods or set()) - {"HEAD"})
        found = 0
        for method in methods:
            operation = OPERATIONS.get((method, path))
            if operation is not None:
                paths.setdefault(path, {})[method.lower()] = _operation(path, operation)
                found += 1
            elif method.lower() in contributed.get(path, {}):
                paths.setdefault(path, {})[method.lower()] = contributed[path][method.lower()]
                found += 1
            elif len(methods) < CATCH_ALL_METHODS:
                undocumented.append(f"{method} {path}")
        if not found and _CONVERTOR.search(route.path):
            paths[path] = {m.lower(): _not_found(path, m) for m in methods
                           if m in ("GET", "POST", "PUT", "PATCH", "DELETE")}
        elif not found and len(methods) >= CATCH_ALL_METHODS:
            undocumented.append(f"* {path}")
    # Paths a contributor serves behind a dispatcher route of its own (API v3's vehicle
    # endpoints) are not routes themselves; its document is taken as given.
    for path, item in contributed.items():
        for method, operation in item.items():
            paths.setdefault(path, {}).setdefault(method, operation)
    guard.declare(paths)  # 413, 421, 431 and the control API's 401, 403, 415
    persistence.declare(paths)  # 503: `mockcar serve --state` could not save a change
    result: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {
            "title": "mockcar",
            "version": _version(),
            "summary": "A local, offline stand-in for the Smartcar platform.",
            "description": "Connect, the token endpoint, Vehicle API v2.0 with the "
            "make-specific endpoints, the Management and Compatibility APIs, and "
            "mockcar's own control API, on one origin. Every vehicle path also answers "
            "with a trailing slash.",
        },
        "paths": paths,
        "components": components,
        "x-mockcar-undocumented": undocumented,
    }
    if server_url:
        result["servers"] = [{"url": server_url}]
    return result


def _contributors(routes: list[Route]) -> list[Callable[[], Mapping[str, Any]]]:
    """The `openapi()` of each module that serves routes of the app, in route order."""
    found: dict[str, Callable[[], Mapping[str, Any]]] = {}
    for route in routes:
        module = sys.modules.get(getattr(route.endpoint, "__module__", "") or "")
        contribute = getattr(module, "openapi", None)
        if module is not None and callable(contribute):
            found.setdefault(module.__name__, contribute)
    return list(found.values())


def _not_found(path: str, method: str) -> dict[str, Any]:
    from mockcar.web.docs.openapi.model import JSON

    slug = re.sub(r"\W+", "_", path).strip("_")
    return {
        "operationId": f"not_found_{method.lower()}_{slug}",
        "summary": "Any other address here: not found",
        # Tagged like its neighbours: an untagged operation is a "default" group of its own.
        "tags": ["mockcar control" if path.startswith("/_mockcar/") else "mockcar"],
        "parameters": [{"name": name, "in": "path", "required": True,
                        "schema": {"type": "string"}}
                       for name in re.findall(r"\{(\w+)\}", path)],
        "responses": {"404": {"description": "Not found, in this surface's error shape",
                              "content": {JSON: {}, "text/html": {}}}},
    }


def _vehicle_paths(paths: dict[str, dict[str, Any]], undocumented: list[str]) -> None:
    from mockcar.web.docs.openapi.model import Operation, Reply, ref
    from mockcar.web.docs.openapi.vehicle_endpoints import vehicle_operation

    for (method, sub_path), handler in v2.VEHICLE_ENDPOINTS.items():
        try:
            operation = vehicle_operation(method, sub_path, handler)
        except KeyError:
            undocumented.append(f"{method} {v2.VEHICLE}{sub_path}")
            continue
        variants = [v2.VEHICLE + sub_path]
        if not sub_path:  # Python and Node ask for the attributes with a trailing slash
            variants.append(v2.VEHICLE + "/")
        for path in variants:
            slash = path.endswith("/")
            op_id = (operation.operation_id or "") + ("_slash" if slash else "")
            paths.setdefault(path, {})[method.lower()] = _operation(path, operation, op_id)
    # The dispatcher's fallback: any other sub-path is a 404, or, for a make-specific path
    # whose make is not lower-case, the 403 PERMISSION Smartcar answers.
    other = v2.VEHICLE + "/{rest}"
    paths[other] = {m.lower(): _operation(other, Operation(
        summary="Any other vehicle sub-path", tags=("Vehicle",),
        replies={status: Reply(text, ref("Error"), headers=("sc-request-id",))
                 for status, text in ((401, "AUTHENTICATION"),
                                      (403, "PERMISSION: /{MAKE}/... in upper case"),
                                      (404, "RESOURCE_NOT_FOUND"), (405, "Wrong method"))},
        security=("accessToken",),
        operation_id=f"other_vehicle_path_{m.lower()}",
    )) for m in ("GET", "POST", "PUT", "PATCH", "DELETE")}


def _operation(path: str, operation: Operation, operation_id: str | None = None) -> dict[str, Any]:
    from mockcar.web.docs.openapi.model import render

    return render(path, operation, operation_id, headers=headers(),
                  path_parameters=PATH_PARAMETERS)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("mockcar")
    except PackageNotFoundError:  # a source tree that was never installed
        return "0"


async def get_openapi(request: Request) -> Response:
    return JSONResponse(document(request.app.routes, str(request.base_url).rstrip("/")))


routes: list[BaseRoute] = [Route(PATH, get_openapi, methods=["GET"], name="openapi")]
