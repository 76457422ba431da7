"""Control API operations on one vehicle beyond its state: what it reads now, its
timeline (play, pause, next stage), the endpoints it answers with their estimated
latency, the applications connected to it (with revoke) and the webhooks that report
it. The dashboard's vehicle page (mockcar.web.dashboard.vehicle_page) shows these and
calls the same routes, so a script can do whatever the page does:

* `GET …/vehicles/{vehicle_id}/readings`: the values the Vehicle API answers at the
  World's clock (metric; levels 0–1), each null where the vehicle has no such part;
* `GET …/timeline`, `POST …/timeline/pause|play|next`
  (mockcar.domain.timelines.playback);
* `GET …/latencies`: the vehicle's endpoints, like the Vehicle Simulator's "View
  Estimated Latencies" (mockcar.domain.world.latency.estimated), and what this World
  makes each wait;
* `GET …/connections`, `POST …/connections/revoke`: the applications connected to the
  vehicle; revoking ends one application's access (`client_id`) or every one's, as
  the owner removing it in Connect's account page would;
* `GET …/webhooks`: the webhooks the vehicle is subscribed to, those of the applications
  connected to it it could be, and the latest deliveries about it;
  `POST …/webhooks/subscribe|unsubscribe` `{"webhook_id"}`: subscribe it, as the
  Vehicle Simulator does for a connected vehicle, or end that subscription.

Each is served for the scenario World at `/_mockcar/…` and for an application's World
at `/_mockcar/applications/{client_id}/…`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from mockcar.domain.timelines import playback
from mockcar.domain.timelines.timeline import Segment
from mockcar.domain.vehicles import capabilities, charging, readings
from mockcar.domain.vehicles.compatibility import FEATURES
from mockcar.domain.vehicles.vehicle import Opening, Vehicle
from mockcar.domain.webhooks import membership
from mockcar.domain.webhooks.webhook import Webhook
from mockcar.domain.world import connections, latency
from mockcar.domain.world.world import Application, Connection, World
from mockcar.errors import SmartcarError
from mockcar.web.control import schemas as s
from mockcar.web.control import webhooks as control_webhooks
from mockcar.web.control.operations import (
    Context,
    ControlError,
    Operation,
    Target,
    invalid,
    iso,
    not_found,
)

W = Target.WORLD
DELIVERIES_SHOWN = 20


# -- readings -----------------------------------------------------------------------------


def _openings(found: tuple[Opening, ...]) -> list[dict[str, str]]:
    return [{"type": o.type, "status": o.status} for o in found]


def _or_none(read: Any) -> Any:
    """A reading, or None where the vehicle cannot answer it (no battery, no engine)."""
    try:
        return read()
    except SmartcarError:
        return None


def readings_of(vehicle: Vehicle, now: datetime) -> dict[str, Any]:
    """What the Vehicle API answers about `vehicle` at `now`, in the domain's units."""
    v = vehicle.at(now)
    state = v.state
    battery, fuel = _or_none(v.battery), _or_none(v.fuel)
    charge = _or_none(v.charge)
    security = v.security()
    tires = readings.tire_pressures(v)
    return {
        "vehicle_id": v.id, "at": iso(now), "data_at": iso(v.updated_at),
        "odometer_km": round(state.odometer_km, 1),
        "location": {"latitude": state.location.latitude,
                     "longitude": state.location.longitude},
        "heading": state.heading, "moving": state.moving, "speed_kmh": v.speed_kmh(),
        "asleep": state.asleep,
        "battery": None if battery is None else {
            "percent_remaining": battery.percent_remaining, "range_km": battery.range_km,
            "capacity_kwh": v.battery_capacity_kwh},
        "fuel": None if fuel is None else {
            "percent_remaining": fuel.percent_remaining, "range_km": fuel.range_km,
            "amount_liters": fuel.amount_liters},
        "charge": None if charge is None else {
            "is_plugged_in": charge.is_plugged_in, "state": charge.state.value,
            "charge_limit": state.charge_limit, "port_open": state.charge_port_open,
            "power_kw": round(charging.power_kw(v), 1) if v.is_charging() else 0.0},
        "security": {
            "is_locked": security.is_locked, "doors": _openings(security.doors),
            "windows": _openings(security.windows), "sunroof": _openings(security.sunroof),
            "storage": _openings(security.storage),
            "charging_port": _openings(security.charging_port)},
        "tire_pressures_kpa": {"front_left": tires.front_left, "front_right": tires.front_right,
                               "back_left": tires.back_left, "back_right": tires.back_right},
        "oil_life": _or_none(lambda: readings.engine_oil_life(v)),
        "virtual_key_paired": state.virtual_key_paired if v.make == "TESLA" else None,
    }


async def get_readings(ctx: Context) -> dict[str, Any]:
    return readings_of(ctx.path_vehicle(), ctx.target_world.now())


# -- timeline -------------------------------------------------------------------------------


def _stage(stage: playback.Stage) -> dict[str, Any]:
    segment: Segment = stage.segment
    where = segment.location
    return {
        "index": stage.index, "kind": segment.kind.value,
        "starts_at": iso(stage.starts_at),
        "ends_at": iso(stage.ends_at) if stage.ends_at is not None else None,
        "duration_seconds": (None if stage.ends_at is None
                             else round(segment.duration_s, 3)),
        "distance_km": round(segment.distance_km, 3),
        "speed_kmh": segment.speed_kmh if segment.route is not None else None,
        "power_kw": segment.power_kw,
        "location": None if where is None else [where.latitude, where.longitude],
        "route": (None if segment.route is None
                  else [[p.latitude, p.longitude] for p in segment.route.points]),
    }


def timeline_of(vehicle: Vehicle, now: datetime) -> dict[str, Any]:
    try:
        found = playback.playback(vehicle, now)
    except playback.PlaybackError:
        return {"vehicle_id": vehicle.id, "has_timeline": False, "paused": False,
                "repeats": False, "cycle": None, "current": None, "next": None,
                "starts_at": None, "stages": []}
    return {
        "vehicle_id": vehicle.id, "has_timeline": True, "paused": found.paused,
        "repeats": found.timeline.repeat, "cycle": found.cycle, "current": found.current,
        "next": found.next_index, "starts_at": iso(found.starts_at),
        "stages": [_stage(stage) for stage in found.stages],
    }


async def get_timeline(ctx: Context) -> dict[str, Any]:
    return timeline_of(ctx.path_vehicle(), ctx.target_world.now())


async def _playing(ctx: Context, act: Any) -> dict[str, Any]:
    vehicle, now = ctx.path_vehicle(), ctx.target_world.now()
    try:
        act(vehicle, now)
    except playback.PlaybackError as refused:
        raise ControlError(409, "conflict", str(refused)) from None
    return timeline_of(vehicle, now)


async def pause_timeline(ctx: Context) -> dict[str, Any]:
    return await _playing(ctx, playback.pause)


async def play_timeline(ctx: Context) -> dict[str, Any]:
    return await _playing(ctx, playback.play)


async def next_stage(ctx: Context) -> dict[str, Any]:
    return await _playing(ctx, playback.next_stage)


# -- estimated latencies --------------------------------------------------------------------


def latencies_of(world: World, vehicle: Vehicle) -> dict[str, Any]:
    policy = world.latency.policy(vehicle.id, vehicle.make)
    rows = []
    for endpoint in capabilities.ENDPOINTS:
        if capabilities.reason(vehicle, endpoint) is not None:
            continue
        key = "/" + endpoint.path.strip("/")
        spread = latency.estimated(vehicle.make, endpoint.method, key, endpoint.static)
        rows.append({
            "method": endpoint.method, "path": endpoint.path or "/",
            "feature": FEATURES.get((endpoint.method, endpoint.path)),
            "permission": endpoint.permission, "make_specific": endpoint.make_specific,
            "median_ms": spread.median_ms, "p90_ms": spread.p90_ms,
            "world_ms": latency.delay_ms(policy, vehicle.make, endpoint.method, key,
                                         endpoint.static, 0.0),
        })
    described = policy.describe()
    return {"vehicle_id": vehicle.id, "make": vehicle.make,
            "policy": described if isinstance(described, str) else "fixed",
            "fixed": described if isinstance(described, dict) else None,
            "endpoints": rows}


async def get_latencies(ctx: Context) -> dict[str, Any]:
    return latencies_of(ctx.target_world, ctx.path_vehicle())


# -- connected applications -----------------------------------------------------------------


def connections_of(world: World, vehicle: Vehicle) -> dict[str, Any]:
    found = []
    for connection in world.connections.values():
        if vehicle.id not in connection.vehicle_ids:
            continue
        application = world.application(connection.client_id)
        owner = world.owner_by_id(connection.user_id)
        found.append({
            "connection_id": connection.id, "client_id": connection.client_id,
            "application": application.name if application else None,
            "user_id": connection.user_id, "owner": owner.email if owner else None,
            "permissions": list(connection.permissions), "mode": connection.mode,
            "connected_at": iso(connection.connected_at)})
    found.sort(key=lambda c: (c["connected_at"], c["connection_id"]), reverse=True)
    return {"vehicle_id": vehicle.id, "connections": found}


async def list_vehicle_connections(ctx: Context) -> dict[str, Any]:
    return connections_of(ctx.target_world, ctx.path_vehicle())


async def revoke_vehicle_connections(ctx: Context) -> dict[str, Any]:
    """End one application's (or every application's) access to this vehicle."""
    client_id = ctx.text("client_id")
    ctx.done()
    vehicle, world = ctx.path_vehicle(), ctx.target_world
    if client_id is not None and world.application(client_id) is None:
        raise invalid(f"No application {client_id!r} in this world.",
                      ["client_id: no such application"])
    clients = ([client_id] if client_id is not None else
               sorted({c.client_id for c in world.connections.values()
                       if vehicle.id in c.vehicle_ids}))
    revoked = [{"client_id": client, "vehicle_id": e.vehicle_id, "user_id": e.user_id}
               for client in clients
               for e in connections.delete(world, client, vehicle_id=vehicle.id)]
    return {"revoked": revoked}


# -- webhooks -------------------------------------------------------------------------------


def _connection(world: World, client_id: str, vehicle: Vehicle) -> Connection | None:
    return next((c for c in world.connections.values()
                 if c.client_id == client_id and vehicle.id in c.vehicle_ids), None)


def webhooks_of(world: World, vehicle: Vehicle,
                limit: int = DELIVERIES_SHOWN) -> dict[str, Any]:
    subscribed, available = [], []
    for application in world.applications.values():
        connected = _connection(world, application.client_id, vehicle) is not None
        for webhook in application.webhooks:
            if vehicle.id not in membership.subscribers(world, webhook.id):
                if connected:
                    available.append({"id": webhook.id, "name": webhook.name,
                                      "client_id": application.client_id,
                                      "application": application.name})
                continue
            every = webhook.trigger.every_seconds
            subscribed.append({
                "id": webhook.id, "name": webhook.name, "client_id": application.client_id,
                "application": application.name, "url": webhook.url,
                "version": webhook.version,
                "trigger": "on_change" if every is None else {"schedule": {"every": every}},
                "verification": world.deliveries.status(webhook.id).status})
    attempts = world.deliveries.attempts(vehicle_id=vehicle.id)
    newest = list(attempts)[-limit:] if limit > 0 else []  # [-0:] would be all of them
    recent = [control_webhooks.attempt(a) for a in reversed(newest)]
    return {"vehicle_id": vehicle.id, "webhooks": subscribed, "available": available,
            "deliveries": recent}


async def get_vehicle_webhooks(ctx: Context) -> dict[str, Any]:
    limit = ctx.request.query_params.get("limit", "")
    if limit and not limit.isdigit():
        raise invalid("limit must be a whole number.", ["limit: must be a whole number"])
    return webhooks_of(ctx.target_world, ctx.path_vehicle(),
                       int(limit) if limit else DELIVERIES_SHOWN)


def _webhook_to_change(ctx: Context) -> tuple[Vehicle, Application, Webhook]:
    webhook_id = ctx.text("webhook_id", required=True)
    ctx.done()
    assert webhook_id is not None
    vehicle = ctx.path_vehicle()
    found = membership.owner_of(ctx.target_world, webhook_id)
    if found is None:
        raise not_found(f"No webhook {webhook_id!r} in this World (GET …/vehicles/"
                        f"{vehicle.id}/webhooks lists those it can subscribe to).")
    return vehicle, *found


async def subscribe_vehicle(ctx: Context) -> dict[str, Any]:
    """Only a vehicle connected to the webhook's application can be subscribed, as
    Smartcar subscribes vehicles an application reaches."""
    vehicle, application, webhook = _webhook_to_change(ctx)
    world = ctx.target_world
    connection = _connection(world, application.client_id, vehicle)
    if connection is None:
        raise ControlError(409, "conflict", f"{application.name!r} is not connected to vehicle "
                           f"{vehicle.id}: connect it first (Connect, or POST /_mockcar/"
                           f"applications/{application.client_id}/connect), then subscribe.")
    membership.subscribe(world, connection, vehicle.id, webhook.id)
    return webhooks_of(world, vehicle)


async def unsubscribe_vehicle(ctx: Context) -> dict[str, Any]:
    """Ending a subscription that is not there succeeds, as Smartcar's unsubscribe does."""
    vehicle, _, webhook = _webhook_to_change(ctx)
    membership.remove_subscription(ctx.target_world, webhook.id, vehicle.id)
    return webhooks_of(ctx.target_world, vehicle)


# -- schemas and the table ------------------------------------------------------------------

_N = {"type": ["number", "null"]}
_OPENINGS = s.array(s.obj(("type", "status"), type=s.STRING,
                          status={"enum": ["OPEN", "CLOSED", "UNKNOWN"]}))
_POINT = {"type": "array", "items": s.NUMBER, "minItems": 2, "maxItems": 2}
READINGS = s.obj(
    ("vehicle_id", "at", "data_at", "odometer_km", "location", "moving", "speed_kmh",
     "asleep", "battery", "fuel", "charge", "security", "tire_pressures_kpa", "oil_life"),
    vehicle_id=s.STRING, at=s.TIME, data_at=s.TIME, odometer_km=s.NUMBER,
    location=s.obj(("latitude", "longitude"), latitude=s.NUMBER, longitude=s.NUMBER),
    heading=_N, moving=s.BOOLEAN, speed_kmh=s.NUMBER, asleep=s.BOOLEAN,
    battery={"type": ["object", "null"], "properties": {
        "percent_remaining": s.NUMBER, "range_km": s.NUMBER, "capacity_kwh": _N}},
    fuel={"type": ["object", "null"], "properties": {
        "percent_remaining": s.NUMBER, "range_km": s.NUMBER, "amount_liters": s.NUMBER}},
    charge={"type": ["object", "null"], "properties": {
        "is_plugged_in": s.BOOLEAN, "charge_limit": s.NUMBER, "power_kw": s.NUMBER,
        "port_open": s.BOOLEAN | {"description": "the charge port door held open by hand "
                                  "(a plugged-in car's port also reads open)"},
        "state": {"enum": ["CHARGING", "FULLY_CHARGED", "NOT_CHARGING"]}}},
    security=s.obj(("is_locked", "doors", "windows", "storage"), is_locked=s.BOOLEAN,
                   doors=_OPENINGS, windows=_OPENINGS, sunroof=_OPENINGS,
                   storage=_OPENINGS, charging_port=_OPENINGS),
    tire_pressures_kpa=s.obj(("front_left", "front_right", "back_left", "back_right"),
                             front_left=s.NUMBER, front_right=s.NUMBER, back_left=s.NUMBER,
                             back_right=s.NUMBER),
    oil_life=_N,
    virtual_key_paired={"type": ["boolean", "null"],
                        "description": "Tesla: Smartcar's virtual key is paired (commands "
                        "need it); null for other makes"},
)
READINGS["description"] = ("What the Vehicle API answers now, metric, levels 0–1; null "
                           "where the vehicle has no such part.")
_STAGE = s.obj(
    ("index", "kind", "starts_at", "ends_at"),
    index=s.INTEGER, kind={"enum": ["parked", "driving", "charging", "asleep"]},
    starts_at=s.TIME, ends_at={"type": ["string", "null"], "format": "date-time"},
    duration_seconds=_N, distance_km=s.NUMBER, speed_kmh=_N, power_kw=_N,
    location={"oneOf": [{"type": "null"}, _POINT]},
    route={"oneOf": [{"type": "null"}, s.array(_POINT)]},
)
_INDEX = {"type": ["integer", "null"]}
TIMELINE = s.obj(
    ("vehicle_id", "has_timeline", "paused", "current", "next", "stages"),
    vehicle_id=s.STRING, has_timeline=s.BOOLEAN, paused=s.BOOLEAN, repeats=s.BOOLEAN,
    cycle=_INDEX, current=_INDEX, next=_INDEX,
    starts_at={"type": ["string", "null"], "format": "date-time"}, stages=s.array(_STAGE),
)
TIMELINE["description"] = ("The vehicle's timeline this cycle: its stages (segments) with "
                           "their World times if it plays on from now, the current and "
                           "the next stage's index (latitude, longitude pairs).")
LATENCIES = s.obj(
    ("vehicle_id", "make", "policy", "endpoints"),
    vehicle_id=s.STRING, make=s.STRING, policy={"enum": ["ideal", "realistic", "fixed"]},
    fixed={"type": ["object", "null"], "additionalProperties": s.NUMBER},
    endpoints=s.array(s.obj(
        ("method", "path", "median_ms", "p90_ms", "world_ms"),
        method=s.STRING, path=s.STRING, feature=s.NULLABLE_STRING,
        permission=s.NULLABLE_STRING, make_specific=s.BOOLEAN, median_ms=s.NUMBER,
        p90_ms=s.NUMBER, world_ms=s.NUMBER)),
)
CONNECTIONS = s.obj(
    ("vehicle_id", "connections"), vehicle_id=s.STRING,
    connections=s.array(s.obj(
        ("connection_id", "client_id", "user_id", "permissions", "mode", "connected_at"),
        connection_id=s.STRING, client_id=s.STRING, application=s.NULLABLE_STRING,
        user_id=s.STRING, owner=s.NULLABLE_STRING, permissions=s.array(s.STRING),
        mode=s.STRING, connected_at=s.TIME)),
)
REVOKE = s.obj(client_id=s.STRING | {"description": "one application; every one if left "
                                     "out"}, extra=False)
VEHICLE_WEBHOOKS = s.obj(
    ("vehicle_id", "webhooks", "available", "deliveries"), vehicle_id=s.STRING,
    available=s.array(s.obj(("id", "name", "client_id"), id=s.STRING, name=s.STRING,
                            client_id=s.STRING, application=s.STRING)),
    webhooks=s.array(s.obj(
        ("id", "name", "client_id", "verification"),
        id=s.STRING, name=s.STRING, client_id=s.STRING, application=s.STRING,
        url=s.NULLABLE_STRING, version=s.STRING, trigger=s.ANY,
        verification={"enum": ["unverified", "pending", "verified", "failed"]})),
    deliveries=s.array(control_webhooks.ATTEMPT),
)
WEBHOOK_ID = s.obj(("webhook_id",), webhook_id=s.STRING, extra=False)

_V = "/vehicles/{vehicle_id}"
OPERATIONS: tuple[Operation, ...] = (
    Operation("GET", _V + "/readings", get_readings,
              "What the vehicle reads now, as the Vehicle API answers it", W, READINGS),
    Operation("GET", _V + "/timeline", get_timeline,
              "The vehicle's timeline: its stages, the current one, paused or playing", W,
              TIMELINE),
    Operation("POST", _V + "/timeline/pause", pause_timeline,
              "Pause the vehicle's timeline: its state holds while the clock runs", W,
              TIMELINE, s.EMPTY),
    Operation("POST", _V + "/timeline/play", play_timeline,
              "Play the vehicle's timeline on from where it was paused", W, TIMELINE,
              s.EMPTY),
    Operation("POST", _V + "/timeline/next", next_stage,
              "Skip to the start of the timeline's next stage (the clock does not move)", W,
              TIMELINE, s.EMPTY),
    Operation("GET", _V + "/latencies", get_latencies,
              "The endpoints the vehicle answers, with their estimated latency", W,
              LATENCIES),
    Operation("GET", _V + "/connections", list_vehicle_connections,
              "The applications connected to the vehicle", W, CONNECTIONS),
    Operation("POST", _V + "/connections/revoke", revoke_vehicle_connections,
              "End one application's (or every application's) access to the vehicle", W,
              s.REVOKED, REVOKE),
    Operation("POST", _V + "/webhooks/subscribe", subscribe_vehicle,
              "Subscribe the vehicle to a webhook of an application connected to it", W,
              VEHICLE_WEBHOOKS, WEBHOOK_ID),
    Operation("POST", _V + "/webhooks/unsubscribe", unsubscribe_vehicle,
              "End the vehicle's subscription to a webhook", W, VEHICLE_WEBHOOKS,
              WEBHOOK_ID),
    Operation("GET", _V + "/webhooks", get_vehicle_webhooks,
              "The webhooks the vehicle is subscribed to, and their latest deliveries "
              "about it", W, VEHICLE_WEBHOOKS,
              query=(("limit", s.COUNT_NUMBER, "deliveries shown, newest first (20)"),)),
)
