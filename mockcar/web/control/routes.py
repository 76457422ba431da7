"""mockcar's control API under `/_mockcar/`: steer the simulation and check
what an application did, from tests, scripts, newman or curl.

Routes come from the operation tables (mockcar.web.control.applications, control_world), so the
served API and its OpenAPI description (`openapi()`) are one list:

* server operations at `/_mockcar/…`: health, reset, register an application, the
  unclaimed journal;
* World operations (state, clock, vehicles, faults, journal) at `/_mockcar/…` for the
  scenario World, and at `/_mockcar/applications/{client_id}/…` for an application's;
* application operations (headless Connect, revoke, reset, delete) at
  `/_mockcar/applications/{client_id}/…` only.

Everything under `/applications/{client_id}/` authenticates as that application — its
management token as `Authorization: Bearer <token>`, or HTTP Basic `client_id:secret` —
so test runs sharing a server cannot touch each other's Worlds. The rest is open: mockcar
is a local tool. A server started with a control token (mockcar.web.guard) wants it
everywhere but in a run-time application's own World, where it stands for the
application's credentials. Mutations are POST; bodies are JSON objects in and out; errors use the
shape in mockcar.web.control.operations.
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from mockcar import basic_auth
from mockcar.domain.world.tenants import Tenants
from mockcar.domain.world.world import World
from mockcar.web.control import applications as control_apps
from mockcar.web.control import schemas as s
from mockcar.web.control import snapshot as control_snapshot
from mockcar.web.control import vehicle_detail as control_vehicle
from mockcar.web.control import webhooks as control_webhooks
from mockcar.web.control import world as control_world
from mockcar.web.control.operations import (
    APPLICATION_PREFIX,
    PREFIX,
    Context,
    ControlError,
    Operation,
    Target,
    not_found,
    read_body,
)
from mockcar.web.handler import with_operations

OPERATIONS: tuple[Operation, ...] = (*control_apps.OPERATIONS, *control_world.OPERATIONS,
                                     *control_vehicle.OPERATIONS,
                                     *control_webhooks.OPERATIONS,
                                     *control_snapshot.OPERATIONS)
ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
CATCH_ALL = PREFIX + "/{rest:path}"  # any other path: a 404 in the control API's shape
AUTH_HOW_TO = (
    "Authenticate as the application: 'Authorization: Bearer <management token>', or HTTP "
    "Basic with its client id and secret (POST /_mockcar/applications returns both)."
)

SHARED_HOW_TO = (
    "This mockcar is shared: the scenario's applications share its World, which opens "
    "with 'Authorization: Bearer <token>', the token it was started with "
    "(MOCKCAR_CONTROL_TOKEN); an application registered at run time opens its own with "
    "its credentials."
)

Served = tuple[Operation, bool]  # the operation, and whether under /applications/{id}


def served() -> dict[str, dict[str, Served]]:
    """Full path -> method -> operation, for every path the control API serves."""
    prefixes = {
        Target.SERVER: ((PREFIX, False),),
        Target.WORLD: ((PREFIX, False), (APPLICATION_PREFIX, True)),
        Target.APPLICATION: ((APPLICATION_PREFIX, True),),
    }
    table: dict[str, dict[str, Served]] = {}
    for operation in OPERATIONS:
        for prefix, scoped in prefixes[operation.target]:
            methods = table.setdefault(prefix + operation.path, {})
            assert operation.method not in methods, f"{operation.method} {prefix}{operation.path}"
            methods[operation.method] = (operation, scoped)
    return table


def _endpoint(methods: dict[str, Served]) -> Callable[[Request], Awaitable[Response]]:
    allowed = ", ".join(sorted({*methods, *(["HEAD"] if "GET" in methods else [])}))

    async def endpoint(request: Request) -> Response:
        # A ControlError, or any failure, is answered by mockcar.web.error_shapes.
        found = methods.get("GET" if request.method == "HEAD" else request.method)
        if found is None:
            raise ControlError(405, "method_not_allowed",
                               f"{request.method} is not allowed here; use {allowed}.",
                               headers={"Allow": allowed})
        operation, scoped = found
        context = Context(request, await read_body(request, operation),
                          request.app.state.tenants, request.app.state.scenarios)
        if operation.target is not Target.SERVER:
            aim(context, scoped)
        body = await operation.handler(context)
        return JSONResponse(body, status_code=operation.status)

    return with_operations(endpoint, {m: op.name for m, (op, _) in methods.items()})


def aim(context: Context, scoped: bool) -> None:
    """Point the context at its World: the scenario's, or the application's named in the
    path after checking the caller is that application."""
    tenants: Tenants = context.tenants
    scenario: World = context.request.app.state.world
    if not scoped:
        context.world, context.journal = scenario, tenants.scenario_journal
        return
    client_id = context.request.path_params["client_id"]
    tenant = tenants.get(client_id)
    application = tenant.application if tenant else scenario.application(client_id)
    # The server's control token (mockcar.web.guard) stands for every application's. On a
    # server started with one, an application's own credentials open only a World of its
    # own: a scenario's application shares the scenario's World, which is the token's.
    token_given = bool(context.request.scope.get("state", {}).get("control_token"))
    if (not token_given and tenant is None
            and context.request.app.state.settings.control_token is not None):
        raise ControlError(401, "unauthorized", SHARED_HOW_TO,
                           headers={"WWW-Authenticate": 'Bearer realm="mockcar"'})
    if application is None:
        raise not_found(f"No application {client_id!r} on this server; register one with "
                        "POST /_mockcar/applications.")
    if not token_given and not _authenticated(context.request, application.client_id,
                                              application.client_secret,
                                              application.management_token):
        raise ControlError(401, "unauthorized", AUTH_HOW_TO,
                           headers={"WWW-Authenticate": 'Bearer realm="mockcar"'})
    context.application, context.tenant = application, tenant
    if tenant is not None:
        context.world, context.journal = tenant.world, tenant.journal
    else:
        context.world, context.journal = scenario, tenants.scenario_journal


def _authenticated(request: Request, client_id: str, secret: str, management_token: str) -> bool:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    value = value.strip()
    if scheme.lower() == "bearer" and value:
        return hmac.compare_digest(value.encode(), management_token.encode())
    try:
        credentials = basic_auth.parse(request.headers.get("authorization"))
    except basic_auth.MalformedBasic:
        return False
    return (credentials is not None and credentials.user == client_id
            and hmac.compare_digest(credentials.password.encode(), secret.encode()))


async def _unknown(request: Request) -> Response:
    error = not_found(f"No control operation at {request.url.path}; GET /openapi.json "
                      "lists them.")
    return JSONResponse(error.body(), status_code=404)


def _routes() -> list[BaseRoute]:
    routes: list[BaseRoute] = [
        Route(path, _endpoint(methods), methods=ALL_METHODS,
              name="control:" + "+".join(op.name for op, _ in methods.values()))
        for path, methods in served().items()
    ]
    routes.append(Route(CATCH_ALL, _unknown, methods=ALL_METHODS, name="control:not_found"))
    return routes


routes: list[BaseRoute] = _routes()


# -- OpenAPI ------------------------------------------------------------------------------

SECURITY_SCHEMES: dict[str, Any] = {
    "mockcarManagementToken": {
        "type": "http", "scheme": "bearer",
        "description": "The application's management token (control API)."},
    "mockcarClientBasic": {
        "type": "http", "scheme": "basic",
        "description": "The application's client id and secret (control API)."},
}


def openapi() -> dict[str, Any]:
    """The control API as OpenAPI 3.1 `paths` and `components`, for the document at
    /openapi.json to merge. The catch-all 404 route (`CATCH_ALL`) is left out."""
    paths: dict[str, Any] = {}
    for path, methods in served().items():
        item = paths.setdefault(path, {})
        for method, (operation, scoped) in methods.items():
            item[method.lower()] = _operation(path, operation, scoped)
    return {
        "paths": paths,
        "components": {"schemas": {"ControlError": s.ERROR},
                       "securitySchemes": SECURITY_SCHEMES},
    }


def _operation(path: str, operation: Operation, scoped: bool) -> dict[str, Any]:
    error = {"description": "Error (control API shape)", "content": {
        "application/json": {"schema": {"$ref": "#/components/schemas/ControlError"}}}}
    parameters: list[dict[str, Any]] = [
        {"name": name, "in": "path", "required": True, "schema": s.STRING}
        for name in re.findall(r"\{(\w+)\}", path)
    ]
    parameters += [{"name": name, "in": "query", "required": False, "schema": schema,
                    "description": text} for name, schema, text in operation.query]
    body: dict[str, Any] = {
        "operationId": f"mockcar_{operation.name}" + ("_of_application" if scoped else ""),
        "summary": operation.summary,
        "tags": ["mockcar control"],
        "responses": {
            str(operation.status): {"description": operation.summary, "content": {
                "application/json": {"schema": operation.response}}},
            "default": error,
        },
        "security": ([{"mockcarManagementToken": []}, {"mockcarClientBasic": []}]
                     if scoped else []),
    }
    if parameters:
        body["parameters"] = parameters
    if operation.method == "POST":
        # An empty body reads as {}: it is optional unless the schema requires a field.
        request = operation.request or s.EMPTY
        body["requestBody"] = {"required": bool(request.get("required")), "content": {
            "application/json": {"schema": request}}}
    return body


__all__ = ["CATCH_ALL", "OPERATIONS", "openapi", "routes", "served"]
