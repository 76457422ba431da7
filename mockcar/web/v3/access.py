"""Who is calling API v3, and what they may reach
(https://smartcar.com/docs/api-reference/authorization/request-access-token,
https://smartcar.com/docs/api-reference/vehicles-api-intro). Smartcar does not say whether a Connect
access token without `sc-user-id` is accepted; the official SDKs send exactly that.

Two credentials reach a vehicle, both as `Authorization: Bearer <token>`:

* an application token (POST /oauth2/token, client credentials) with `sc-user-id`: the
  user must have connected the vehicle to this application; the permissions are those
  of the user's connections covering it;
* an owner's Connect access token (what the official SDKs' `get_signals`,
  `get_signal` and `get_vehicle` send, without `sc-user-id`): the vehicle must be one
  the token covers; an `sc-user-id` sent along must be the token's own user.

Smartcar's fixed test vehicle (mockcar.domain.vehicles.fixed_vehicle) answers its reads
to its fixed token in every World, with every signal permission.

The connections and users endpoints take the application token only. A vehicle outside
the credential is 403 PERMISSION (v3's ACCESS_DENIED); the World is the request's tenant
(mockcar.web.tenancy).
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request

from mockcar.domain.connect.test_accounts import ErrorTrigger
from mockcar.domain.signals.catalog import CATALOG
from mockcar.domain.vehicles import fixed_vehicle
from mockcar.domain.vehicles.vehicle import Vehicle
from mockcar.domain.world import application_tokens
from mockcar.domain.world.world import Application, Connection, World
from mockcar.errors import SmartcarError
from mockcar.web import tenancy

USER_HEADER = "sc-user-id"


@dataclass(frozen=True)
class VehicleAccess:
    """A vehicle the caller reached, and on whose behalf."""

    world: World
    vehicle: Vehicle
    client_id: str
    user_id: str
    permissions: tuple[str, ...]
    connections: tuple[Connection, ...]
    error_trigger: ErrorTrigger | None  # a test-mode login's error (`TYPE.CODE@...`)
    owner_email: str
    application: bool = False  # reached with an application token and sc-user-id


def bearer(request: Request) -> str:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise SmartcarError(
            "AUTHENTICATION",
            message="Send 'Authorization: Bearer <token>': an application token from POST "
            "/oauth2/token (with an sc-user-id header), or an owner's access token.")
    return token.strip()


def application(request: Request) -> tuple[World, Application]:
    """The application an application token speaks for (connections, users)."""
    token = bearer(request)
    world = tenancy.world(request)
    if token not in world.application_tokens and token in world.tokens_by_access:
        raise SmartcarError(
            "AUTHENTICATION",
            message="This endpoint takes the application token (POST /oauth2/token, "
            "grant_type=client_credentials), not an owner's access token.")
    return world, application_tokens.authenticate(world, token)


def vehicle(request: Request, endpoint: str) -> VehicleAccess:
    """The vehicle `{vehicle_id}` of the path for whoever the bearer token speaks; then
    any fault rule of the World matching `endpoint` (below /v3/vehicles/{id}) answers
    instead, as on API v2 (mockcar.domain.world.faults)."""
    token = bearer(request)
    world = tenancy.world(request)
    vehicle_id = str(request.path_params["vehicle_id"])
    given_user = request.headers.get(USER_HEADER, "").strip() or None
    if token == fixed_vehicle.ACCESS_TOKEN and token not in world.tokens_by_access:
        return _fixed(world, vehicle_id, endpoint, request.method)
    if token in world.application_tokens:
        app = application_tokens.authenticate(world, token)
        if given_user is None:
            raise SmartcarError(
                "VALIDATION", "PARAMETER",
                message=f"An application token reaches a vehicle only with the "
                f"'{USER_HEADER}' header: the user_id Connect returned for its owner.",
                detail=[{"field": [USER_HEADER], "message": "is required"}])
        found, covering = application_tokens.user_vehicle(
            world, app.client_id, given_user, vehicle_id)
        access = VehicleAccess(
            world, found, app.client_id, given_user,
            application_tokens.permissions_of(covering), covering,
            next((c.error_trigger for c in covering if c.error_trigger), None),
            next((c.owner_email for c in covering if c.owner_email), ""), application=True)
    else:
        connection = world.authenticate(token)
        if given_user is not None and given_user != connection.user_id:
            raise SmartcarError(
                "PERMISSION",
                message=f"The access token belongs to user {connection.user_id!r}, not "
                f"{given_user!r} (sc-user-id).")
        car = world.vehicles.get(vehicle_id)
        if vehicle_id not in connection.vehicle_ids or car is None:
            raise SmartcarError(
                "PERMISSION",
                message=f"Vehicle {vehicle_id!r} is not connected to this access token; it "
                f"covers: {', '.join(connection.vehicle_ids)}.")
        access = VehicleAccess(
            world, car, connection.client_id, connection.user_id, connection.permissions,
            (connection,), connection.error_trigger, connection.owner_email)
    now = world.now()
    # Long-running commands due by now reach the car before anything reads it.
    world.executions.settle(now)
    world.rate_limits.check(access.client_id, vehicle_id, now)
    if len(world.faults):
        error = world.faults.trip(request.method, endpoint, vehicle_id)
        if error is not None:
            raise error
    return access


def _fixed(world: World, vehicle_id: str, endpoint: str, method: str) -> VehicleAccess:
    """Smartcar's fixed test vehicle: its reads only, to its own token."""
    if vehicle_id != fixed_vehicle.VEHICLE_ID:
        raise SmartcarError(
            "PERMISSION",
            message=f"The token {fixed_vehicle.ACCESS_TOKEN!r} reaches only Smartcar's fixed "
            f"test vehicle {fixed_vehicle.VEHICLE_ID}, not {vehicle_id!r}.")
    if method != "GET" or not (endpoint == "/" or endpoint.startswith("/signals")):
        raise SmartcarError(
            "PERMISSION",
            message="Smartcar's fixed test vehicle answers reads only: GET /v3/vehicles/{id}, "
            "/signals and /signals/{code}.")
    permissions = tuple(sorted({spec.permission for spec in CATALOG}))
    return VehicleAccess(world, fixed_vehicle.vehicle(world.now()), "", "", permissions,
                         (), None, "")
