"""Application tokens: API v3's one token per application, from the client-credentials
grant (https://smartcar.com/docs/api-reference/authorization/request-access-token).

An application token speaks for the application, not for an owner: it lasts one hour
(World clock), has no refresh token, and reaches a vehicle only together with an
`sc-user-id` naming a user who connected that vehicle to this application
(`user_vehicle`). Tokens live in the World of the application's tenant, so a reset
forgets them with everything else; the tenants' index learns of each through
`World.on_token_issued`, as it does for Connect's token pairs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mockcar.domain.world.records import Application, ApplicationToken, Connection
from mockcar.errors import SmartcarError

if TYPE_CHECKING:
    from mockcar.domain.vehicles.vehicle import Vehicle
    from mockcar.domain.world.world import World

def issue(world: World, client_id: str, access_token: str) -> ApplicationToken:
    """Store a new application token for `client_id`, stamped by the World's clock.
    Tokens all live one hour, so the store drops expired ones from its front
    (mockcar.domain.world.stores.expiring): a long test run that fetches a token per test
    neither grows without bound nor pays more per token as it goes."""
    now = world.now()
    token = world.application_tokens.add(
        access_token, ApplicationToken(access_token, client_id, now), now)
    if world.on_token_issued is not None:
        world.on_token_issued(token)
    return token


def authenticate(world: World, access_token: str) -> Application:
    """The application an unexpired application token speaks for, else AUTHENTICATION."""
    token = world.application_tokens.get(access_token)
    application = world.application(token.client_id) if token is not None else None
    if token is None or application is None or not token.valid(world.now()):
        raise SmartcarError(
            "AUTHENTICATION",
            message="The application token is unknown or has expired (application tokens "
            "live 1 hour; get a new one from POST /oauth2/token with "
            "grant_type=client_credentials).",
        )
    return application


def user_connections(world: World, client_id: str, user_id: str) -> list[Connection]:
    """The connections `user_id` gave application `client_id`, oldest first."""
    return sorted(world.user_connections(client_id, user_id), key=lambda c: c.connected_at)


def user_vehicle(
    world: World, client_id: str, user_id: str, vehicle_id: str
) -> tuple[Vehicle, tuple[Connection, ...]]:
    """The vehicle and the connections through which `user_id` gave application
    `client_id` access to it; PERMISSION (403) when there are none, as Smartcar answers
    for a resource outside the token
    (https://smartcar.com/docs/errors/api-errors/permission-errors)."""
    covering = tuple(c for c in user_connections(world, client_id, user_id)
                     if vehicle_id in c.vehicle_ids)
    vehicle = world.vehicles.get(vehicle_id)
    if not covering or vehicle is None:
        raise SmartcarError(
            "PERMISSION",
            message=f"User {user_id!r} has not connected vehicle {vehicle_id!r} to this "
            "application: send the sc-user-id Connect returned for the owner of that "
            "vehicle (GET /v3/connections?filter[userId]=... lists their vehicles).",
        )
    return vehicle, covering


def permissions_of(connections: tuple[Connection, ...]) -> tuple[str, ...]:
    """Every permission granted across `connections`, in grant order."""
    granted: dict[str, None] = {}
    for connection in connections:
        granted.update(dict.fromkeys(connection.permissions))
    return tuple(granted)
