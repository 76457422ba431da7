"""Vehicle endpoints about the application rather than the car
(https://smartcar.com/docs/api-reference/delete-disconnect,
https://smartcar.com/docs/api-reference/webhooks/subscribe-webhook): disconnect
(`DELETE /vehicles/{id}/application`) and webhook subscribe/unsubscribe
(`POST`/`DELETE /vehicles/{id}/webhooks/{webhook_id}`).

They join the vehicle dispatcher's table through `ENDPOINTS`. None needs a permission;
none has a request body (Node sends `{}` to unsubscribe, which is ignored).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from mockcar.domain.webhooks import membership as webhooks
from mockcar.domain.world import connections
from mockcar.web.handler import Handler
from mockcar.web.v2 import credentials
from mockcar.web.v2 import platform_responses as wire_platform

APPLICATION = "/application"
WEBHOOK = "/webhooks/{webhook_id}"


async def disconnect(request: Request) -> Response:
    """The owner's app gives up this vehicle: this token, and any other of the same
    owner for this application, stops reaching it."""
    connection = credentials.user_connection(request)
    connections.disconnect(credentials.world(request), connection,
                           request.path_params["vehicle_id"])
    return JSONResponse(wire_platform.STATUS_SUCCESS)


async def subscribe(request: Request) -> Response:
    connection = credentials.user_connection(request)
    vehicle_id = request.path_params["vehicle_id"]
    webhook = webhooks.subscribe(credentials.world(request), connection, vehicle_id,
                                 request.path_params["webhook_id"])
    return JSONResponse(wire_platform.subscription(webhook.id, vehicle_id))


async def unsubscribe(request: Request) -> Response:
    """Authorized by the application management token as a bearer token, not by the
    owner's access token (https://smartcar.com/docs/api-reference/webhooks/unsubscribe-webhook)."""
    world, application = credentials.bearer_management_token(request)
    webhooks.unsubscribe(world, application.management_token,
                         request.path_params["vehicle_id"], request.path_params["webhook_id"])
    return JSONResponse(wire_platform.STATUS_SUCCESS)


# (method, sub-path below /vehicles/{vehicle_id}) -> handler; `{name}` matches one segment.
ENDPOINTS: dict[tuple[str, str], Handler] = {
    ("DELETE", APPLICATION): disconnect,
    ("POST", WEBHOOK): subscribe,
    ("DELETE", WEBHOOK): unsubscribe,
}
