"""Smartcar API v3 on mockcar's one origin
(https://smartcar.com/docs/api-reference/vehicles-api-intro): the IAM token endpoint
(`/oauth2/token`), vehicles, signals, commands, connections and users under `/v3/`.
Management (webhook subscriptions) lives elsewhere.

Three route lists, for three places in the app's table:

* `vehicle_routes` before API v2's (`/v{version}/vehicles/{id}/...` would take
  `/v3/vehicles/...`): two routes whose dispatcher finds the handler in `VEHICLE_ENDPOINTS`;
* `routes` anywhere (connections, users; the IAM token endpoint is
  mockcar.web.auth.application_token's);
* `fallback_routes` (any other `/v3/...` path: 404 in the v3 envelope) after every other
  route, so the webhook management paths under `/v3/` are matched first.
"""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from mockcar.web.handler import Handler
from mockcar.web.v3 import (
    charge_schedules,
    commands,
    compatibility,
    connections,
    routing,
    vehicles,
)

VEHICLE = "/v3/vehicles/{vehicle_id}"

VEHICLE_ENDPOINTS: dict[tuple[str, str], Handler] = {
    ("GET", ""): vehicles.get_vehicle,
    ("GET", "/signals"): vehicles.get_signals,
    ("GET", "/signals/{code}"): vehicles.get_signal,
    **{("POST", "/commands" + command.path): commands.handler(command)
       for command in commands.COMMANDS},
    ("GET", "/commands/executions/{execution_id}"): commands.get_execution,
    **charge_schedules.ENDPOINTS,
}

vehicle_endpoint = routing.dispatch(VEHICLE_ENDPOINTS)

vehicle_routes: list[BaseRoute] = [
    Route(VEHICLE + "/{sub_path:path}", vehicle_endpoint, methods=routing.ALL_METHODS,
          name="v3_vehicle_endpoint"),
    Route(VEHICLE, vehicle_endpoint, methods=routing.ALL_METHODS, name="v3_vehicle"),
]

routes: list[BaseRoute] = [
    *routing.routes("/v3/connections/{connection_id}",
                    {"GET": connections.get_connection, "DELETE": connections.delete_connection}),
    *routing.routes("/v3/connections", {"GET": connections.list_connections}),
    *routing.routes("/v3/users/{user_id}", {"DELETE": connections.delete_user}),
    *routing.routes(compatibility.PATH, {"GET": compatibility.list_compatible_vehicles}),
]

fallback_routes: list[BaseRoute] = routing.routes(
    "/v3/{rest:path}", dict.fromkeys(routing.ALL_METHODS, routing.not_found), slash=False)
