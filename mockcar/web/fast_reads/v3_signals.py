"""API v3's signal read on the fast path: `GET /v3/vehicles/{id}/signals/{code}` with an
application token and `sc-user-id`, or an owner's access token, answered 200 exactly as
mockcar.web.v3.vehicles.get_signal answers it (the same access rules of
mockcar.web.v3.access, the same signal and resource), or None whenever that path could
answer anything else or change anything.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime
from typing import Any, NamedTuple

from mockcar.domain.signals import reading as catalogue
from mockcar.domain.vehicles import capabilities, fixed_vehicle
from mockcar.domain.vehicles.vehicle import Vehicle
from mockcar.domain.world.world import World
from mockcar.errors import SmartcarError
from mockcar.web.fast_reads.encoding import json_bytes
from mockcar.web.fast_reads.quiet import quiet
from mockcar.web.v3 import responses as wire

PREFIX = "/v3/vehicles/"
SIGNALS = "signals"

# A readable signal's resource as `json_bytes(wire.signal_resource(...))` writes it, in
# the parts that stay while the vehicle and signal do: everything but the body and the
# two times. JSON writes an object as its members' texts in order, so the body's and
# the times' texts set between them make the same bytes (the parts are strings, which
# both JSON writers json_bytes uses write alike).
Template = tuple[bytes, bytes, bytes, bytes]
# Strings no signal holds (a control character), as JSON writes them.
_BODY, _RETRIEVED, _UPDATED = "\x01body", "\x01retrieved", "\x01updated"


class Route(NamedTuple):
    """What a signal read's path says, worked out once per path (gate.route): all of it
    follows from the path's text and the signal catalogue, which never change."""

    vehicle_id: str
    spec: catalogue.SignalSpec
    # The v2 row whose capability rules the signal shares (SignalSpec.require_capable).
    capability: capabilities.Endpoint | None
    template: Template


def route(path: str) -> Route | None:
    """The route of `/v3/vehicles/{id}/signals/{code}[/]` for a catalogued signal, or
    None for any other path."""
    parts = path[len(PREFIX):].split("/")
    if len(parts) == 4 and parts[3] == "":
        parts.pop()
    if len(parts) != 3 or parts[1] != SIGNALS or not parts[0] or not parts[2]:
        return None
    spec = catalogue.BY_CODE.get(parts[2].lower())
    if spec is None:
        return None
    capability = None
    if spec.capability is not None:
        capability = capabilities.endpoint("GET", spec.capability)
        if capability is None:  # SignalSpec.require_capable would fail: Starlette says how
            return None
    return Route(parts[0], spec, capability, _template(parts[0], spec))


def answer(world: World, token: str, route: Route, user_header: bytes | None) -> bytes | None:
    """The JSON body of a 200, or None."""
    given_user = user_header.decode("latin-1").strip() or None if user_header else None
    now = world.now()
    vehicle_id = route.vehicle_id
    found = _reach(world, token, vehicle_id, given_user, now)
    if found is None or not quiet(world):
        return None
    vehicle, permissions = found
    if vehicle.id != vehicle_id:  # the resource names vehicle.id; the template the path's
        return None
    snapshot = vehicle.at(now)
    body = _body(route, snapshot, now, permissions)
    if body is None:
        # Refused inside the 200 (`status.error`): the resource written whole, as
        # mockcar.domain.signals.reading evaluates it.
        signal = catalogue.signal(vehicle, route.spec.code, now, permissions)
        return json_bytes(wire.signal_resource(vehicle.id, signal))
    text = json_bytes(body)
    if text is None:
        return None
    head, middle, between, tail = route.template
    return b"".join((head, text, middle, b"%d" % wire.epoch_ms(now), between,
                     _epoch_ms(snapshot.updated_at), tail))


def _epoch_ms(moment: datetime) -> bytes:
    """`wire.epoch_ms(moment)`'s digits, kept per moment (a function of the instant
    alone; a vehicle's data time changes only when its state does)."""
    if moment.tzinfo is not UTC:  # a naive time's instant depends on the local zone
        return b"%d" % wire.epoch_ms(moment)
    found = _EPOCH_MS.get(moment)
    if found is None:
        if len(_EPOCH_MS) >= _EPOCH_MS_KEPT:
            _EPOCH_MS.clear()
        found = _EPOCH_MS[moment] = b"%d" % wire.epoch_ms(moment)
    return found


_EPOCH_MS: dict[datetime, bytes] = {}
_EPOCH_MS_KEPT = 256


def _body(route: Route, snapshot: Vehicle, now: datetime,
          permissions: Collection[str]) -> dict[str, Any] | None:
    """The signal's body as mockcar.domain.signals.reading evaluates it on `snapshot`
    (the vehicle at `now`), without making a `Signal`; None where that evaluation
    refuses it (a missing permission, a capability, the state), to be written whole."""
    spec = route.spec
    if spec.permission not in permissions:
        return None
    if route.capability is not None:
        if capabilities.reason(snapshot, route.capability) is not None:
            return None
    elif snapshot.test_level == "incompatible" and not spec.static:
        return None
    try:
        return spec.read(snapshot, now)
    except SmartcarError:
        return None


def _template(vehicle_id: str, spec: catalogue.SignalSpec) -> Template:
    moment = datetime.fromtimestamp(0, UTC)
    resource = wire.signal_resource(vehicle_id, catalogue.Signal(spec, {}, None, moment,
                                                                 moment))
    resource["attributes"]["body"] = _BODY
    resource["meta"] = {"retrievedAt": _RETRIEVED, "oemUpdatedAt": _UPDATED}
    text = json_bytes(resource)
    if text is None:
        raise ValueError(f"the signal {spec.code} cannot be written")
    head, _, rest = text.partition(b'"\\u0001body"')
    middle, _, rest = rest.partition(b'"\\u0001retrieved"')
    between, _, tail = rest.partition(b'"\\u0001updated"')
    if not tail:
        raise ValueError(f"the signal {spec.code}'s resource is not as expected")
    return head, middle, between, tail


def _reach(world: World, token: str, vehicle_id: str, given_user: str | None,
           now: datetime) -> tuple[Vehicle, Collection[str]] | None:
    """The vehicle and the permissions the caller reads it with, as
    mockcar.web.v3.access.vehicle finds them; None where that refuses, where a test-mode
    login's error applies, and for Smartcar's fixed test vehicle."""
    if token == fixed_vehicle.ACCESS_TOKEN and token not in world.tokens_by_access:
        return None
    issued_to_app = world.application_tokens.get(token)
    if issued_to_app is not None:
        # application_tokens.authenticate, on this request's clock reading.
        application = world.applications.get(issued_to_app.client_id or "")
        if given_user is None or application is None or not issued_to_app.valid(now):
            return None
        # application_tokens.user_vehicle and permissions_of in one pass over the
        # user's connections (the permissions are only asked whether they hold one).
        covering = [c for c in world.user_connections(application.client_id, given_user)
                    if vehicle_id in c.vehicle_ids]
        vehicle = world.vehicles.get(vehicle_id)
        if not covering or vehicle is None:
            return None
        if len(covering) == 1:
            only = covering[0]
            return (None if only.error_trigger else (vehicle, only.permissions))
        if any(c.error_trigger for c in covering):
            return None
        return vehicle, {p for c in covering for p in c.permissions}
    issued = world.tokens_by_access.get(token)
    if issued is None or not issued.access_valid(now):
        return None
    connection = world.connections.get(issued.connection_id)
    if connection is None or (given_user is not None and given_user != connection.user_id):
        return None
    car = world.vehicles.get(vehicle_id)
    if (vehicle_id not in connection.vehicle_ids or car is None
            or connection.error_trigger is not None):
        return None
    return car, connection.permissions
