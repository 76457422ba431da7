"""`POST …/vehicles`: add a vehicle to an owner as a scenario would, the way Smartcar's
Vehicle Simulator adds one (https://smartcar.com/docs/getting-started/dashboard/simulator):

* `vehicle`: a scenario vehicle (make, model, year, powertrain, region, battery, fuel,
  plugged_in, charging, timeline: {profile}, ...); a `vin` without a `make` is decoded
  to its make by its World Manufacturer Identifier (the Compatibility API's table);
* `owner`: an email (a new owner is made if none has it); left out, a new owner with
  generated credentials;
* `connect`: `{}` or `{"application": client_id}` connects the vehicle to that
  application (default: the World's first) with every permission the vehicle has a use
  for, and answers the token pair an app would get from Connect (the access token
  lasts 2 hours, as a live one does). Left out, the vehicle is not connected: sign in
  through Connect with `credentials`.

The answer is the vehicle, its owner's `credentials` ({email, password}) and, when
connected, its `connection`.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from mockcar.domain.vehicles.capabilities import compatible_permissions
from mockcar.domain.vehicles.compatibility import VehicleCatalog
from mockcar.domain.vehicles.vehicle import Vehicle
from mockcar.domain.world.records import Owner
from mockcar.domain.world.scopes import PERMISSIONS
from mockcar.domain.world.tenants import ScenarioRejected
from mockcar.domain.world.world import World
from mockcar.web.auth.servers import authorization_server
from mockcar.web.control import responses as wire
from mockcar.web.control.operations import Context, ControlError, invalid, iso

# Connected at creation the way Smartcar's simulator connects: in simulated mode.
MODE = "simulated"
GENERATED_DOMAIN = "simulated.mockcar.example"
# Read permissions first, as Connect lists them.
ORDERED_PERMISSIONS = tuple(sorted(PERMISSIONS, key=lambda p: (not p.startswith("read_"), p)))


def generated_credentials(world: World) -> tuple[str, str]:
    """A new owner's email and password, the email free in this World."""
    while True:
        email = f"driver-{secrets.token_hex(4)}@{GENERATED_DOMAIN}"
        if email not in world.owners:
            return email, secrets.token_urlsafe(9)


async def create_vehicle(ctx: Context) -> dict[str, Any]:
    email = ctx.text("owner")
    password, country = ctx.text("password"), ctx.text("country")
    fields = dict(ctx.mapping("vehicle") or {})
    connect = ctx.mapping("connect")
    ctx.done()
    world = ctx.target_world
    client_id = connect.get("application") if connect is not None else None
    if connect is not None:
        unknown = sorted(set(connect) - {"application"})
        problems = [f"connect.{k}: not a field (application)" for k in unknown]
        if client_id is not None and (not isinstance(client_id, str)
                                      or client_id not in world.applications):
            listed = ", ".join(world.applications) or "none"
            problems.append(f"connect.application: no application {client_id!r} in this "
                            f"world; it has {listed}")
        if client_id is None and not world.applications:
            problems.append("connect: this world has no application to connect to")
        if problems:
            raise invalid("The vehicle cannot be connected; see `problems`.", problems)
    vin = fields.get("vin")
    if isinstance(vin, str) and vin.strip() and not fields.get("make"):
        catalog: VehicleCatalog = ctx.request.app.state.vehicle_catalog
        make = catalog.make_of_vin(vin.strip().upper())
        if make is None:
            raise invalid("The VIN's maker is not one mockcar knows; give vehicle.make.",
                          [(f"vehicle.vin: {vin.strip()[:3]!r} is no World Manufacturer "
                           "Identifier in the catalog; add vehicle.make")])
        fields["make"] = make
    if email is None:
        email, generated = generated_credentials(world)
        password = password or generated
    try:
        vehicle = ctx.source.add_vehicle(world, fields, email=email, password=password,
                                         country=country)
    except ScenarioRejected as bad:
        raise invalid("The vehicle cannot be made; see `problems`.", bad.problems) from None
    owner = world.owner_of(vehicle.id)
    assert owner is not None
    answer = wire.vehicle(vehicle.at(world.now()), owner)
    answer["credentials"] = {"email": owner.email, "password": owner.password}
    if connect is not None:
        chosen = client_id or next(iter(world.applications))
        answer["connection"] = _connect(ctx, world, owner, vehicle, chosen)
    return answer


def _connect(ctx: Context, world: World, owner: Owner, vehicle: Vehicle,
             client_id: str) -> dict[str, Any]:
    """Connect `vehicle` to `client_id` and redeem a code for it through the token
    endpoint's own grant, so the pair is what an app gets from Connect."""
    permissions = compatible_permissions(vehicle, ORDERED_PERMISSIONS)
    connection = world.connect(client_id, owner, [vehicle.id], permissions, MODE)
    code = world.issue_code(connection, None)
    from mockcar.oauth.issuance import ExchangeRefused, exchange_code  # authlib

    server = authorization_server(ctx.request.app.state)
    try:
        pair = exchange_code(server, world.applications[client_id], code.code)
    except ExchangeRefused as refused:
        raise ControlError(500, "exchange_failed",
                           f"The token endpoint refused the code: {refused.description}"
                           ) from None
    expires_at = world.now() + timedelta(seconds=pair.expires_in)
    return {
        "application": client_id, "connection_id": connection.id, "user_id": owner.id,
        "mode": MODE, "permissions": list(permissions),
        "access_token": pair.access_token, "refresh_token": pair.refresh_token,
        "token_type": pair.token_type, "expires_in": pair.expires_in,
        "access_expires_at": iso(expires_at),
    }
