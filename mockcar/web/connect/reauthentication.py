"""Connect's re-authentication URL, `GET /oauth/reauthenticate`
(https://smartcar.com/docs/connect/re-auth/redirect-to-connect,
https://smartcar.com/docs/connect/re-auth/handle-response).

    /oauth/reauthenticate?response_type=vehicle_id&client_id=...&vehicle_id=...
        [&redirect_uri=...][&state=...][&mode=...][&user=...]

The owner of a vehicle already connected to the application signs in at its brand
again (preamble, then the brand's sign-in page, the make being known); Connect then
goes back with `?vehicle_id=<id>&state=...` — no code and no consent screen, as the
connection itself is unchanged. It is the URL a CONNECTED_SERVICES_ACCOUNT:
AUTHENTICATION_FAILED error carries in `resolution.url`. The mode defaults to the
mode of the application's connection to the vehicle (so a test-mode account signs in
with any password again). Bad requests are error pages, as for `/oauth/authorize`.
"""

from __future__ import annotations

from collections.abc import Mapping

from mockcar.domain.connect.authorization import AuthorizationRequest
from mockcar.domain.connect.flow import find_brand
from mockcar.domain.world.scopes import RequestedScope
from mockcar.domain.world.world import World
from mockcar.web.connect.authorize_request import (
    ConnectRequestError,
    application_of,
    country_flag,
    mode_of,
    redirect_of,
)

RESPONSE_TYPE = "vehicle_id"


def parse_reauthentication_request(
    world: World, query: Mapping[str, str]
) -> AuthorizationRequest:
    response_type = query.get("response_type") or None
    if response_type is None:
        raise ConnectRequestError('Missing required parameter: "response_type"')
    if response_type != RESPONSE_TYPE:
        raise ConnectRequestError(
            f'Unsupported response_type "{response_type}".',
            ["Re-authentication takes response_type=vehicle_id."])
    application = application_of(world, query)
    given_uri, redirect_uri = redirect_of(application, query)
    vehicle_id = query.get("vehicle_id") or None
    if vehicle_id is None:
        raise ConnectRequestError('Missing required parameter: "vehicle_id"')
    connected = [c for c in world.connections.values()
                 if c.client_id == application.client_id and vehicle_id in c.vehicle_ids]
    vehicle = world.vehicles.get(vehicle_id)
    if not connected or vehicle is None:
        raise ConnectRequestError(
            f'The vehicle "{vehicle_id}" is not connected to the application '
            f'"{application.name}".',
            [("Re-authentication repairs an existing connection: send the user through "
              "/oauth/authorize to connect a new vehicle.")])
    flags = query.get("flags") or None
    return AuthorizationRequest(
        client_id=application.client_id,
        application_name=application.name,
        connect_redirect=application.connect_redirect,
        redirect_uri=redirect_uri,
        redirect_uri_given=given_uri is not None,
        scope=RequestedScope.parse(None),
        mode=mode_of(query, connected[-1].mode),
        state=query.get("state") or None,
        make=find_brand(world, vehicle.make),
        single_select=True,
        single_select_vin=None,
        approval_prompt="auto",
        flags=flags,
        country=country_flag(flags),
        user=query.get("user") or None,
        reauthenticate_vehicle=vehicle_id,
    )
