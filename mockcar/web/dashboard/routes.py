"""The dashboard's pages, one row each in `PAGES`: its path within a World, its module
and handler, and what it shows (the summary /openapi.json gives it). Every page of a
World is served twice: at its path for the scenario's World (`/vehicles`), and under
`/applications/{client_id}` for a run-time application's (mockcar.web.dashboard.layout).

A handler takes the request and returns `layout.render(request, "dashboard/x.html", ...)`;
a `layout.PageError` it raises becomes the dashboard's error page. A page's module is
imported when the page is first asked for: a server that never shows a page (a test
suite's, a container's health check) does not load them at start.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import cache
from importlib import import_module
from typing import Any, cast

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from mockcar.web.dashboard import layout
from mockcar.web.dashboard.paths import ASSETS

Handler = Callable[[Request], Awaitable[Response]]
TENANT = "/applications/{client_id}"


@dataclass(frozen=True)
class Page:
    path: str  # within a World: "/", "/vehicles", "/vehicles/{vehicle_id}"
    module: str  # in mockcar.web.dashboard
    handler: str  # the handler's name there, the operation's (`dashboard.vehicles`)
    summary: str
    query: bool = False  # reads the query parameters its module's QUERY lists
    per_world: bool = True  # also under /applications/{client_id}

    def query_parameters(self) -> tuple[tuple[str, str], ...]:
        """(name, description) of each query parameter the page reads."""
        found: tuple[tuple[str, str], ...] = _module(self.module).QUERY if self.query else ()
        return found


def _module(name: str) -> Any:
    return import_module(f"mockcar.web.dashboard.{name}")


@cache
def handler_of(page: Page) -> Handler:
    """The page's handler, its module imported on the first request for the page."""
    return cast(Handler, getattr(_module(page.module), page.handler))


# In matching order: a fixed path before a parameter at the same place
# (`/vehicles/new` before `/vehicles/{vehicle_id}`).
PAGES: tuple[Page, ...] = (
    Page("/", "start", "start_here", "Start here: the server URL, SDK environment, every "
         "application's credentials, Connect links, API docs and Postman downloads"),
    Page("/vehicles", "vehicles", "vehicles", "The World's vehicles, filtered and paged, "
         "with a live one-line state", query=True),
    Page("/vehicles/new", "add_vehicle", "add_vehicle", "Add a vehicle: region, make, "
         "model, year or VIN, powertrain, starting state, owner, connected or not"),
    Page("/vehicles/{vehicle_id}", "vehicle_page", "vehicle_page", "One vehicle: gauges, "
         "offline map, timeline controls, signals set by hand, estimated latencies, "
         "connected applications, fault rules and webhooks"),
    Page("/requests", "monitor", "requests_page", "The request journal live, newest first, "
         "filtered by path, method, status, vehicle and application", query=True),
    Page("/requests/{seq}", "monitor", "request_page", "One request: its redacted request "
         "and response with headers, and copy as curl"),
    Page("/faults", "faults_page", "faults", "Fault rules: list, add (an error from the "
         "catalogue, matched by vehicle, make and endpoint, with a count, probability or "
         "clock window), remove"),
    Page("/webhooks", "webhooks_page", "webhooks", "Each application's webhooks with their "
         "verification, re-verify and send a test payload, and the delivery log (payloads, "
         "signatures, attempts and retries)", query=True),
    Page("/docs", "api_docs", "api_docs", "Interactive API docs: Swagger UI over "
         "/openapi.json, served by mockcar (nothing from a CDN)", per_world=False),
    Page("/applications", "applications", "applications", "The applications registered at "
         "run time, each opening its own World's dashboard", per_world=False),
)


def _endpoint(page: Page, name: str) -> Handler:
    async def endpoint(request: Request) -> Response:
        try:
            return await handler_of(page)(request)
        except layout.PageError as error:
            return layout.error_page(request, error)

    # The operation's name is the handler's (`dashboard.vehicles`); this module's
    # `openapi()` documents it.
    endpoint.__name__ = endpoint.__qualname__ = name
    return endpoint


async def asset(request: Request) -> Response:
    try:
        return await layout.serve_asset(request)
    except layout.PageError as error:
        return layout.error_page(request, error)


def _routes() -> list[BaseRoute]:
    table: list[BaseRoute] = []
    for page in PAGES:
        table.append(Route(page.path, _endpoint(page, page.handler), methods=["GET"]))
    for page in PAGES:
        if page.per_world:
            path = TENANT if page.path == "/" else TENANT + page.path
            table.append(Route(path, _endpoint(page, name_of_application(page)),
                               methods=["GET"]))
    table.append(Route(ASSETS + "/{name}", asset, methods=["GET"]))
    return table


def name_of_application(page: Page) -> str:
    return page.handler + "_of_application"


routes: list[BaseRoute] = _routes()


# -- OpenAPI ------------------------------------------------------------------------------

_HTML = {"text/html": {"schema": {"type": "string"}}}


def openapi() -> dict[str, Any]:
    """Every page (and its copy in an application's World) and the asset route, for the
    document at /openapi.json to merge."""
    paths: dict[str, Any] = {}
    for page in PAGES:
        variants = [(page.path, page.handler, False)]
        if page.per_world:
            variants.append((TENANT if page.path == "/" else TENANT + page.path,
                             name_of_application(page), True))
        for path, name, scoped in variants:
            parameters: list[dict[str, Any]] = [
                {"name": param, "in": "path", "required": True, "schema": {"type": "string"}}
                for param in _path_params(path)]
            parameters += [{"name": param, "in": "query", "required": False,
                            "schema": {"type": "string"}, "description": text}
                           for param, text in page.query_parameters()]
            responses: dict[str, Any] = {
                "200": {"description": "The page", "content": _HTML},
                "404": {"description": "No such vehicle or application", "content": _HTML},
                "default": {"description": "An error page", "content": _HTML},
            }
            if scoped:
                responses["401"] = {"description": "The application's credentials are "
                                    "needed (HTTP Basic client_id:secret)", "content": _HTML}
            paths[path] = {"get": {
                "operationId": f"dashboard_{name}", "summary": page.summary,
                "tags": ["mockcar dashboard"], "parameters": parameters,
                "responses": responses}}
    paths[ASSETS + "/{name}"] = {"get": {
        "operationId": "dashboard_asset", "summary": "A stylesheet, script or image of the "
        "dashboard", "tags": ["mockcar dashboard"],
        "parameters": [
            {"name": "name", "in": "path", "required": True, "schema": {"type": "string"}},
            {"name": "v", "in": "query", "required": False, "schema": {"type": "string"},
             "description": "The file's content hash: a matching one is cached for good"}],
        "responses": {
            "200": {"description": "The file", "content": {
                media.split(";")[0]: {} for media in layout.MEDIA_TYPES.values()}},
            "404": {"description": "No such file", "content": _HTML}}}}
    return {"paths": paths}


def _path_params(path: str) -> list[str]:
    return [part[1:-1].split(":")[0] for part in path.split("/")
            if part.startswith("{") and part.endswith("}")]
