"""Smartcar's Management API v3 for webhook subscriptions, on mockcar's one origin
(Smartcar's host `management.api.smartcar.com/v3`:
https://smartcar.com/docs/api-reference/create-subscription,
https://smartcar.com/docs/api-reference/list-subscriptions,
https://smartcar.com/docs/api-reference/get-subscription):

* `POST /v3/subscriptions` `{"data": {"attributes": {webhookId, userId, vehicleId}}}` →
  202 `{"meta": {"message": "subscription creation in progress"}}`; 409 if it exists;
* `GET /v3/subscriptions` with `filter[userId|webhookId|vehicleId|vehicle.mode]` and
  JSON:API paging (`page[number]` from 1, `page[size]` default 25, at most 100);
* `GET` and `DELETE /v3/subscriptions/{subscriptionId}` (DELETE → 204).

The paths do not collide with the Vehicle API's `/v3/vehicles`, `/v3/connections`,
`/v3/users` (mockcar serves the OpenAPI pages' `/subscriptions`; Smartcar's
API v3 announcement names `/webhooks/{id}/subscriptions`). Every path also answers
with a trailing slash.

Authorized by `Authorization: Bearer <token>`: the application management token, or an
application token from `POST /oauth2/token` (client credentials) — the docs' bearerAuth
does not say which. Errors are JSON:API `errors[]` with the generic codes of the
management OpenAPI (`bad_request`, `unauthorized`, `not_found`, `conflict`), written here.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from mockcar import jsontext
from mockcar.domain.webhooks import subscriptions
from mockcar.domain.webhooks.subscriptions import ManagementError, Subscription
from mockcar.domain.world import application_tokens
from mockcar.domain.world.connections import application_by_management_token
from mockcar.domain.world.world import Application, Mode, World
from mockcar.errors import Kind, SmartcarError
from mockcar.web import error_status, tenancy
from mockcar.web.handler import Handler, with_operations

COLLECTION = "/v3/subscriptions"
ITEM = COLLECTION + "/{subscription_id}"
CREATED = {"meta": {"message": "subscription creation in progress"}}
TITLES = {400: "Bad Request", 401: "Unauthorized", 404: "Not Found", 405: "Method Not Allowed",
          409: "Conflict", 500: "Internal Error"}
FILTERS = ("userId", "webhookId", "vehicleId", "vehicle.mode")


def _caller(request: Request) -> tuple[World, Application]:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise ManagementError(Kind.UNAUTHORIZED, "Send 'Authorization: Bearer <application "
                              "management token>' (or an application token).")
    world = tenancy.world(request)
    application = application_by_management_token(world, token)
    if application is None:
        try:
            application = application_tokens.authenticate(world, token)
        except SmartcarError:
            raise ManagementError(Kind.UNAUTHORIZED, "The bearer token is neither an "
                                  "application management token nor a live application "
                                  "token.") from None
    return world, application


# -- handlers ----------------------------------------------------------------------------


async def create_subscription(request: Request) -> Response:
    world, application = _caller(request)
    attributes = _attributes(await request.body())
    subscriptions.create(world, application, attributes["webhookId"], attributes["userId"],
                         attributes["vehicleId"])
    return JSONResponse(CREATED, status_code=202)


async def list_subscriptions(request: Request) -> Response:
    world, application = _caller(request)
    filters = {name: request.query_params.get(f"filter[{name}]", "").strip() or None
               for name in FILTERS}
    default, maximum = subscriptions.PAGE_SIZE
    size = _positive(request, "page[size]", default)
    if size > maximum:
        raise ManagementError(Kind.INVALID, f"page[size] is at most {maximum}.")
    number = _positive(request, "page[number]", 1)
    found = subscriptions.listing(
        world, application, user_id=filters["userId"], webhook_id=filters["webhookId"],
        vehicle_id=filters["vehicleId"], mode=filters["vehicle.mode"])
    return JSONResponse(_page(subscriptions.page(found, number, size), request))


async def get_subscription(request: Request) -> Response:
    world, application = _caller(request)
    found = subscriptions.get(world, application, request.path_params["subscription_id"])
    return JSONResponse({"data": resource(found)})


async def delete_subscription(request: Request) -> Response:
    world, application = _caller(request)
    subscriptions.delete(world, application, request.path_params["subscription_id"])
    return Response(status_code=204)


def _attributes(raw: bytes) -> dict[str, str]:
    try:
        body = jsontext.loads(raw) if raw.strip() else None
    except (ValueError, UnicodeDecodeError):
        body = None
    data = body.get("data") if isinstance(body, dict) else None
    attributes = data.get("attributes") if isinstance(data, dict) else None
    if not isinstance(attributes, dict):
        raise ManagementError(Kind.INVALID, 'The body must be {"data": {"attributes": '
                              '{"webhookId": ..., "userId": ..., "vehicleId": ...}}}.')
    missing = [k for k in ("webhookId", "userId", "vehicleId")
               if not isinstance(attributes.get(k), str) or not attributes[k]]
    if missing:
        raise ManagementError(Kind.INVALID, "data.attributes needs "
                              + ", ".join(missing) + " (strings).")
    return {k: attributes[k] for k in ("webhookId", "userId", "vehicleId")}


def _positive(request: Request, name: str, default: int) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise ManagementError(Kind.INVALID, f"{name} must be a whole number from 1; "
                              f"got {raw[:20]!r}.")
    return int(raw)


# -- wire --------------------------------------------------------------------------------


def resource(found: Subscription) -> dict[str, Any]:
    """A subscription as Smartcar shows it, ISO times included
    (https://smartcar.com/docs/api-reference/get-subscription)."""
    vehicle = found.vehicle
    created = found.created_at.isoformat(timespec="seconds").replace("+00:00", "Z")
    return {
        "type": "subscription",
        "id": found.id,
        "attributes": {"vehicle": {"make": vehicle.make, "model": vehicle.model,
                                   "year": vehicle.year, "mode": found.mode,
                                   "powertrainType": str(vehicle.powertrain)}},
        "meta": {"createdAt": created, "updatedAt": created},
        "relationships": {
            "webhook": _related("webhook", found.webhook_id, f"/webhooks/{found.webhook_id}"),
            "user": _related("user", found.user_id, f"/users/{found.user_id}"),
            "vehicle": _related("vehicle", vehicle.id, f"/vehicles/{vehicle.id}"),
        },
        "links": {"self": f"/subscriptions/{found.id}"},
    }


def _related(kind: str, identifier: str | None, link: str) -> dict[str, Any]:
    return {"data": {"type": kind, "id": identifier}, "links": {"related": link}}


def _page(page: subscriptions.Page, request: Request) -> dict[str, Any]:
    kept = {k: v for k, v in request.query_params.items() if k.startswith("filter[")}

    def link(number: int) -> str:
        query = {**kept, "page[number]": number, "page[size]": page.size}
        return "/subscriptions?" + urlencode(query, safe="[]")

    return {
        "data": [resource(s) for s in page.items],
        "meta": {"page": page.number, "pageSize": page.size, "totalCount": page.total},
        "links": {"self": link(page.number), "first": link(1),
                  "previous": link(page.number - 1) if page.number > 1 else None,
                  "next": link(page.number + 1) if page.number < page.pages else None,
                  "last": link(page.pages)},
    }


# The lower-case `code` of each status, as Smartcar's generic examples spell it.
CODES = {400: "bad_request", 401: "unauthorized", 404: "not_found",
         405: "method_not_allowed", 409: "conflict", 500: "internal_error"}


def error_response(status: int, detail: str, headers: dict[str, str] | None = None, *,
                   code: str | None = None) -> Response:
    """The v3 `errors[]` body of a refusal with `status`; `code` defaults to the status's."""
    body = {"errors": [{"status": str(status), "code": code or CODES.get(status, "error"),
                        "title": TITLES.get(status, "Error"), "detail": detail}]}
    return JSONResponse(body, status_code=status, headers=headers)


def refusal(error: ManagementError) -> Response:
    """A domain refusal in the v3 shape, its status from its kind."""
    return error_response(error_status.status(error), error.detail)


# -- routes ------------------------------------------------------------------------------


def _serve(table: dict[str, Handler]) -> Handler:
    allowed = ", ".join(table)

    async def endpoint(request: Request) -> Response:
        handler = table.get("GET" if request.method == "HEAD" else request.method)
        if handler is None:
            return error_response(
                405, f"{request.method} is not allowed on {request.url.path}; use "
                f"{allowed}.", {"Allow": allowed})
        # A ManagementError, or any failure, is answered by mockcar.web.error_shapes.
        return await handler(request)

    endpoint.__name__ = endpoint.__qualname__ = "_".join(h.__name__ for h in table.values())
    return with_operations(endpoint, {m: h.__name__ for m, h in table.items()})


TABLES: dict[str, dict[str, Handler]] = {
    COLLECTION: {"GET": list_subscriptions, "POST": create_subscription},
    ITEM: {"GET": get_subscription, "DELETE": delete_subscription},
}
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]

routes: list[BaseRoute] = [
    Route(path + slash, _serve(table), methods=METHODS, name=f"management_v3{path}{slash}")
    for path, table in TABLES.items() for slash in ("", "/")
]


# -- OpenAPI -----------------------------------------------------------------------------

_REF = "#/components/schemas/"
_STRING: dict[str, Any] = {"type": "string"}
_NULLABLE: dict[str, Any] = {"type": ["string", "null"]}


_ID = {"type": "string", "minLength": 1}


def _object(required: tuple[str, ...], **properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "required": list(required), "properties": properties}


def _relation() -> dict[str, Any]:
    return _object(("data", "links"), data=_object(("type", "id"), type=_STRING, id=_NULLABLE),
                   links=_object(("related",), related=_STRING))


SCHEMAS: dict[str, dict[str, Any]] = {
    "ManagementErrors": _object(("errors",), errors={"type": "array", "items": _object(
        ("status", "code", "title", "detail"), status=_STRING, code=_STRING, title=_STRING,
        detail=_STRING)}),
    "ManagementSubscriptionRequest": _object(("data",), data=_object(
        ("attributes",), attributes=_object(("webhookId", "userId", "vehicleId"),
                                            webhookId=_ID, userId=_ID, vehicleId=_ID))),
    "ManagementSubscriptionAccepted": _object(("meta",),
                                              meta=_object(("message",), message=_STRING)),
    "ManagementSubscription": _object(
        ("type", "id", "attributes", "meta", "relationships", "links"),
        type={"const": "subscription"}, id=_STRING,
        attributes=_object(("vehicle",), vehicle=_object(
            ("make", "model", "year", "mode", "powertrainType"), make=_STRING, model=_STRING,
            year={"type": "integer"}, mode=_STRING, powertrainType=_STRING)),
        meta=_object(("createdAt", "updatedAt"), createdAt=_STRING, updatedAt=_STRING),
        relationships=_object(("webhook", "user", "vehicle"), webhook=_relation(),
                              user=_relation(), vehicle=_relation()),
        links=_object(("self",), self=_STRING)),
    "ManagementSubscriptionPage": _object(
        ("data", "meta", "links"),
        data={"type": "array", "items": {"$ref": _REF + "ManagementSubscription"}},
        meta=_object(("page", "pageSize", "totalCount"), page={"type": "integer"},
                     pageSize={"type": "integer"}, totalCount={"type": "integer"}),
        links=_object(("self", "first", "previous", "next", "last"), self=_STRING,
                      first=_STRING, previous=_NULLABLE, next=_NULLABLE, last=_STRING)),
}
SECURITY = {"managementV3Bearer": {
    "type": "http", "scheme": "bearer",
    "description": "The application management token, or an application token from "
                   "POST /oauth2/token (client credentials): Management API v3."}}


def _json(schema: str, description: str) -> dict[str, Any]:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": _REF + schema}}}}


def _operation(operation_id: str, summary: str, replies: dict[str, dict[str, Any]],
               parameters: list[dict[str, Any]], body: str | None = None) -> dict[str, Any]:
    errors = {status: _json("ManagementErrors", TITLES[int(status)])
              for status in ("400", "401", "404", "405", "409", "500")}
    found: dict[str, Any] = {
        "operationId": operation_id, "summary": summary, "tags": ["Management v3"],
        "parameters": parameters, "responses": {**replies, **errors},
        "security": [{"managementV3Bearer": []}],
    }
    if body is not None:
        found["requestBody"] = {"required": True, "content": {
            "application/json": {"schema": {"$ref": _REF + body}}}}
    return found


def openapi() -> dict[str, Any]:
    """The Management API v3 paths (with their trailing-slash twins) for /openapi.json."""
    query = [{"name": f"filter[{name}]", "in": "query", "required": False,
               "schema": {"enum": [Mode.LIVE, Mode.SIMULATED]} if name == "vehicle.mode"
               else _STRING} for name in FILTERS]
    query += [{"name": "page[number]", "in": "query", "required": False,
               "schema": {"type": "integer", "minimum": 1}},
              {"name": "page[size]", "in": "query", "required": False,
               "schema": {"type": "integer", "minimum": 1,
                          "maximum": subscriptions.PAGE_SIZE[1]}}]
    item = [{"name": "subscription_id", "in": "path", "required": True, "schema": _STRING}]
    one = _object(("data",), data={"$ref": _REF + "ManagementSubscription"})
    paths: dict[str, Any] = {}
    for slash, suffix in (("", ""), ("/", "_slash")):
        paths[COLLECTION + slash] = {
            "post": _operation(f"create_subscription{suffix}", "Subscribe a vehicle to a "
                               "webhook (its FIRST_DELIVERY follows)",
                               {"202": _json("ManagementSubscriptionAccepted", "Accepted")}, [],
                               "ManagementSubscriptionRequest"),
            "get": _operation(f"list_subscriptions{suffix}", "The application's subscriptions",
                              {"200": _json("ManagementSubscriptionPage", "A page")}, query),
        }
        paths[ITEM + slash] = {
            "get": _operation(f"get_subscription{suffix}", "One subscription",
                              {"200": {"description": "The subscription", "content": {
                                  "application/json": {"schema": one}}}}, item),
            "delete": _operation(f"delete_subscription{suffix}", "Unsubscribe",
                                 {"204": {"description": "Deleted"}}, item),
        }
    return {"paths": paths, "components": {"schemas": SCHEMAS, "securitySchemes": SECURITY}}
